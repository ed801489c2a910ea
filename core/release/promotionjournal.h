#pragma once

#include "core/release/failureevidence.h"
#include "core/release/promotionplan.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Lucent::Core::Release {

/// Where a promotion stands.
enum class PromotionStep {
    CheckingAccess,
    Locking,
    Deploying,
    WaitingReady,
    CheckingHealth,
    Analysing,
    Switching,
    Monitoring,
    ScalingDown,
    Done,
    RollingBack
};

/// "access", "lock", "deploy", "ready", "health", "analysis", "switch", "monitor",
/// "scale-down", "done", "rollback": the journal's words.
QString promotionStepName(PromotionStep step);
std::optional<PromotionStep> promotionStepFromName(const QString &name);

/// One service of a journalled promotion: enough to finish it or roll it back from another
/// process, with the live objects.
struct JournalService {
    QString service;
    QString from; ///< the colour that served when the promotion started
    QString to;
    QString active; ///< the from colour's Deployment
    QString standby;
    QString container;
    QString image;
    int replicas = 0; ///< the from colour's, which a rollback restores
};

/// The options a promotion was started with, journalled so that `promotion resume` and `abort`
/// (from any machine) finish it as it was asked: with or without analysis and previews, the same
/// monitor window. Absent (`known` false) in journals written before they were kept.
struct JournalOptions {
    bool known = false;
    bool analysis = true;
    bool preview = false;
    bool pauseOnInconclusive = false;
    int monitorSeconds = 60;
    int scaleDownDelaySeconds = 30;

    QJsonObject toJson() const;
    static JournalOptions fromJson(const QJsonObject &json);
};

/// What a promotion is driven towards: journalled, and confirmed in the cluster, before any write
/// that serves it. Each pass of the engine's reconciler derives its one next action from this and
/// from the cluster as read now (promotionreconcile.h); nothing that decides is kept only in memory.
struct PromotionIntent {
    enum class Goal {
        Promote, ///< every Service onto the new colour, then the old colour to 0
        RollBack, ///< every Service back onto the old colour at its replicas, then the new colour to 0
    };
    Goal goal = Goal::Promote;
    /// The new colour passed every check before the switch (ready, health, previews and smoke test,
    /// analysis, and the Promote of a human when one was asked): the Services may switch to it.
    bool verified = false;
    /// The new colour held through the monitor window: the old colour may go to 0.
    bool monitored = false;
    QString reason; ///< why it rolls back

    bool rollsBack() const { return goal == Goal::RollBack; }
    /// "promote", "promote, verified", "roll back: <reason>"
    QString describe() const;
    QJsonObject toJson() const;
    /// @p step: what a journal written before intents were kept says instead.
    static PromotionIntent fromJson(const QJsonObject &json, const QString &step);
};

/// A promotion's journal: written at every step boundary into the annotations of the
/// namespace's promotion Lease (the truth, readable from any machine) and into a local file
/// (a convenience, for history). Never holds a secret: names, colours, images, counts.
struct PromotionJournal {
    QString promotionId;
    QString environment;
    QString step; ///< promotionStepName()
    int switched = 0; ///< Services on the new colour when it was last written (for people: never decides)
    PromotionIntent intent;
    /// "promoted", "rolled-back" or "inconsistent" once it ended; empty while it runs (or
    /// when its process died).
    QString outcome;
    QString message; ///< the last sentence, once it ended
    /// Why it waits for a human (an inconclusive analysis, headless with --on-inconclusive
    /// pause): `promotion resume` switches, `promotion abort` rolls back.
    QString paused;
    QString smoke; ///< the smoke tests' verdicts and the end of their output (redacted)
    /// What the failed colour said before it was scaled to 0 (logs, events, measurements): whole
    /// in the local file, its summary alone (evidenceNote) in the cluster's journal.
    FailureEvidence evidence;
    QString evidenceNote; ///< the summary as read from the cluster's journal
    /// The evidence's summary: from the evidence when it is here, else as journalled.
    QString evidenceSummary() const { return evidence.isEmpty() ? evidenceNote : evidence.summary(); }
    QString updated; ///< when this was written (UTC, ISO 8601)
    QString started; ///< when the promotion began (UTC, ISO 8601); kept when it is resumed
    QString by; ///< who runs it: user@host, the lock holder's identity (a resume names its own)
    JournalOptions options;
    QList<JournalService> services;

    bool isEmpty() const { return promotionId.isEmpty(); }
    /// Ended cleanly (promoted or rolled back): nothing to resume or roll back. An
    /// inconsistent end is not finished: `promotion abort` must still restore it.
    bool isFinished() const;
    QString describe() const;
    /// From start to the last write, "2 min 13 s"; empty when the start is not journalled.
    QString duration() const;

    QJsonObject annotations() const;
    QJsonObject toJson() const;
    static PromotionJournal fromAnnotations(const QJsonObject &annotations);
    static PromotionJournal fromLease(const QJsonObject &lease);
    static PromotionJournal fromJson(const QJsonObject &json);
};

/// What a namespace's promotion Lease says is going on, for a glance (the dashboard, the
/// overview, `promotion status`).
struct PromotionActivity {
    enum class State {
        None, ///< no promotion ran, or the last one ended
        Running, ///< its holder renews the lock
        Paused, ///< waiting for a decision (resume or abort)
        Interrupted, ///< unfinished, and its holder is gone: resume or abort
    };
    State state = State::None;
    PromotionJournal journal;
    QString holder; ///< "alice@ws-12 since 17:02:11 (renewed 17:04:40)"

    bool involves(const QString &service) const;
    /// "switch", "paused", "interrupted at health"; empty for None.
    QString shortText() const;
    static QString stateName(State state); ///< none, running, paused, interrupted
};

PromotionActivity promotionActivity(const QJsonObject &lease, const QDateTime &now);

/// The journal's promotion planned again against the live objects, as it was agreed: each
/// service's active colour is the journal's "from", whatever its Service selects now, and the
/// replicas are the journalled ones (the old colour may already be scaled down).
/// @p switched[i] says whether service i's Service already selects the new colour.
PromotionPlan resumePlan(const PromotionJournal &journal, const QString &namespaceName,
                         const QList<QJsonObject> &services, const QList<QJsonObject> &deployments,
                         QList<bool> *switched);

/// $XDG_STATE_HOME/lucent-console/promotions: one JSON file per promotion.
QString promotionJournalDirectory();
/// Writes @p journal to its file in @p directory atomically, on a background thread (in the
/// order of the calls); a failure is logged, never fatal: the cluster's journal is the truth.
void writePromotionJournalFile(const PromotionJournal &journal, const QString &directory);
/// Waits until every queued journal file is written.
void flushPromotionJournalFiles();
/// The journals in @p directory of @p environment, newest first.
QList<PromotionJournal> readPromotionHistory(const QString &directory, const QString &environment);

} // namespace Lucent::Core::Release

Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionJournal)
