#pragma once

#include "core/prometheus/prometheustypes.h"
#include "core/release/promotionplan.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Core::Release {

/// The checks before a promotion takes the lock, each a reason to stop before any change:
/// - a SelfSubjectAccessReview for every verb the promotion uses (a denial names the verb);
/// - every active Deployment Complete (a promotion never starts on a rollout under way);
/// - with analysis, Prometheus answering, and no alert of these services firing unless the
///   user acknowledged them (each firing alert named).
class PromotionPreflight final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionPreflight)

public:
    enum class Verdict { Passed, Forbidden, Refused };
    /// The checks, in the order they run.
    enum class Check { Access, ActiveRollouts, Prometheus, Alerts };
    Q_ENUM(Check)
    struct Checks {
        QString user; ///< named in a denial
        bool activeRollouts = true; ///< off when resuming: the old colour may be at 0 by then
        bool analysis = false;
        bool alertsAcknowledged = false;
        /// Every check runs even after one failed (the wizard's plan page shows them all);
        /// finished() then gives the first failure.
        bool all = false;
    };

    PromotionPreflight(Kube::KubeClient *client, Prometheus::PrometheusClient *prometheus, PromotionPlan plan,
                       Checks checks, QObject *parent = nullptr);

    void run();

Q_SIGNALS:
    void progress(const QString &sentence);
    /// One check's verdict and its sentence (what was found, or what failed and what to do).
    void checked(Lucent::Core::Release::PromotionPreflight::Check check, bool passed, const QString &sentence);
    /// Firing alerts (named in @p alerts) the user acknowledged: the promotion goes on, recorded.
    void acknowledged(const QString &alerts);
    /// Passed (@p sentence empty), or why not.
    void finished(Lucent::Core::Release::PromotionPreflight::Verdict verdict, const QString &sentence);

private:
    /// Says @p check failed; true when that ends the preflight (finished() emitted).
    bool failed(Check check, Verdict verdict, const QString &sentence);
    void passed(Check check, const QString &sentence);
    /// The end: the first failure's verdict, or Passed.
    void done();
    void checkAccess();
    void checkRollouts();
    void checkAlerts();

    QPointer<Kube::KubeClient> m_client;
    QPointer<Prometheus::PrometheusClient> m_prometheus;
    PromotionPlan m_plan;
    Checks m_checks;
    Verdict m_verdict = Verdict::Passed;
    QString m_failure; ///< the first failure's sentence
};

/// The PromQL of the firing alerts of @p services in @p namespaceName (the platform's rules
/// label them with namespace and app).
QString firingAlertsQuery(const QString &namespaceName, const QStringList &services);

/// The alerts of firingAlertsQuery()'s answer, "HighErrorRate on wallet-service" each.
QStringList firingAlertNames(const Prometheus::QueryResult &result);

} // namespace Lucent::Core::Release

Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionPreflight::Verdict)
