#pragma once

#include "core/environment/projectconfig.h"
#include "core/environment/promotionsettings.h"
#include "core/release/promotionengine.h"

#include <optional>

// The one place the command line and the wizard turn "who promotes what, where, how" into an
// engine's options, a promotion's name and a recovery's plan: neither front end plans, recovers
// or sets options on its own, so the two cannot drift (the lock's identity, the options a resume
// keeps, the order in which the project's settings and the person's choices apply).
namespace Lucent::Core::Release {

/// Where a promotion runs, as a front end resolved it.
struct PromotionTarget {
    Environment::Environment environment;
    QString user; ///< the kubeconfig context's user: the name the cluster knows
    QStringList kubeconfigFiles; ///< for the smoke test (paths only, never a credential)
    QString apiServer;
    Environment::PromotionSettings settings; ///< lucent.yaml's promotion: section
    QString projectDirectory; ///< where lucent.yaml is: the smoke test runs there

    /// user@host: who holds the promotion lock, the same from the command line and the wizard.
    QString identity() const;
};

/// What the person chose (flags, the wizard's controls); what is unset comes from the project,
/// then the defaults.
struct PromotionChoices {
    std::optional<int> monitorSeconds;
    std::optional<int> scaleDownDelaySeconds;
    std::optional<bool> preview;
    bool analysis = true;
    bool alertsAcknowledged = false;
    bool pauseOnInconclusive = false;
    bool askOnInconclusive = false; ///< a person at the console answers (the wizard)
    bool confirmBeforeSwitch = false; ///< the wizard's Promote gate
};

PromotionOptions promotionOptions(const PromotionTarget &target, const PromotionChoices &choices);

/// "p-20261207-174055-949" for a promotion, "r-…" for a rollback: unique per millisecond.
QString newPromotionId(bool rollback);

/// An interrupted promotion planned again from its journal and the live objects.
struct RecoveryPlan {
    PromotionPlan plan;
    /// Why it cannot be recovered (the journal no longer matches the cluster); empty when it can.
    QString problem;
};
RecoveryPlan planRecovery(const PromotionJournal &journal, const QString &namespaceName,
                          const QList<QJsonObject> &services, const QList<QJsonObject> &deployments);
/// Starts @p engine (made with the recovery's plan) on the journal: resumed, or rolled back in
/// the name of @p who.
void beginRecovery(PromotionEngine &engine, const PromotionJournal &journal, bool resume, const QString &who);

/// @p options with what lucent.yaml's `promotion:` section says (@p projectDirectory being where
/// the file is: the smoke test runs there): preview, monitor window, scale-down delay, smoke
/// test, the analysis' timing and its metrics. What a caller sets afterwards wins; the console's
/// wizard and the command line both start from this.
void applyProjectSettings(PromotionOptions &options, const Environment::PromotionSettings &settings,
                          const QString &projectDirectory);

/// What the caller of a resume or abort chose itself, which the journal does not override.
struct ChosenOptions {
    bool analysis = false; ///< --analysis given
    bool monitor = false; ///< --monitor given
    bool scaleDownDelay = false; ///< --scale-down-delay given
};

/// A resumed or aborted promotion runs with the options it was started with (@p journalled),
/// wherever the caller did not choose otherwise: with or without analysis and previews, the same
/// windows. A journal written before options were kept changes nothing.
void applyJournalledOptions(PromotionOptions &options, const JournalOptions &journalled, ChosenOptions chosen = {});

} // namespace Lucent::Core::Release
