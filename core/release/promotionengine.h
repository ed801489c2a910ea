#pragma once

#include "core/prometheus/prometheusclient.h"
#include "core/release/analysis.h"
#include "core/release/promotionplan.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Audit {
class AuditTrail;
struct AuditRecord;
} // namespace Lucent::Core::Audit

namespace Lucent::Core::Release {

class PromotionLock;

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

QString promotionStepName(PromotionStep step);

/// How a promotion ended.
enum class PromotionOutcome {
    Promoted, ///< every Service serves the new colour; the old colour is scaled to 0
    RolledBack, ///< it failed or was aborted, and every Service serves the old colour again
    LockHeld, ///< another promotion holds the namespace's lock; nothing was changed
    Forbidden, ///< the access review says a needed permission is missing; nothing was changed
    Inconsistent, ///< the rollback itself failed: a human must act; the sentence says what is left
};

struct PromotionOptions {
    QString identity; ///< user@host: the lock's holder
    int monitorSeconds = 60; ///< after the switch: readiness of the new colour watched
    int scaleDownDelaySeconds = 30; ///< then the old colour goes to 0 replicas
    int readyTimeoutSeconds = 600; ///< beyond the Deployments' own progress deadline
    int pollMs = 500;
    int leaseSeconds = 60;
    int healthSuccesses = 3;
    int healthTimeoutSeconds = 60;
    /// Before the switch, the standby colour's metrics from Prometheus (setPrometheus()):
    /// error ratio, p95 latency and request rate; a failure or no data rolls back.
    bool analysis = false;
    int analysisCount = 3;
    int analysisIntervalSeconds = 10;
    /// New pods need a few scrapes before a rate means anything.
    int analysisInitialDelaySeconds = 30;
};

/// Runs a PromotionPlan: checks every permission it needs, takes the namespace's lock, deploys each service's standby
/// Deployment (never touching the active one), waits until each is Complete as `kubectl
/// rollout status` judges it, switches each Service's selector colour (all or none: one that
/// fails switches the others back), watches the new colour for the monitor window, and after
/// the delay scales the old colour to 0 (kept for the next rollback). Any failure, or abort(),
/// rolls back: before the switch the standby is scaled to 0; after it the old colour is
/// brought back to its replicas and ready before the Services switch back. The step is
/// journalled in the lock's annotations at every boundary, and every change is audited.
class PromotionEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionEngine)

public:
    PromotionEngine(Kube::KubeClient *client, PromotionPlan plan, PromotionOptions options,
                    Audit::AuditTrail *audit = nullptr, QObject *parent = nullptr);
    ~PromotionEngine() override;

    /// Where the analysis asks (not owned); without one, analysis is skipped and said so.
    void setPrometheus(Prometheus::PrometheusClient *prometheus) { m_prometheus = prometheus; }
    void start();
    /// Rolls back from wherever the promotion is; ignored once it is done.
    void abort(const QString &reason);
    PromotionStep step() const { return m_step; }
    const PromotionPlan &plan() const { return m_plan; }

Q_SIGNALS:
    void stepChanged(Lucent::Core::Release::PromotionStep step);
    /// One line per event, for a progress view or a CI log.
    void progress(const QString &sentence);
    void finished(Lucent::Core::Release::PromotionOutcome outcome, const QString &sentence);

private:
    using Done = std::function<void(bool ok, const QString &problem)>;

    void setStep(PromotionStep step);
    /// Preflight: a SelfSubjectAccessReview for every verb the promotion will use.
    void checkAccess();
    void journal();
    void deploy();
    void deployOne(const PlannedService &planned, const Done &done);
    void waitReady();
    void pollReady();
    /// GET each standby pod's health path through the API server's pod proxy until it answers
    /// HealthSuccesses times in a row.
    void checkHealth();
    void probePod(const PlannedService &planned, const QString &pod, int successes, const Done &done);
    void analyse();
    void measure();
    void switchServices(int index);
    void switchBack(int index, const QString &reason, bool thenRollBack);
    void monitor();
    void pollMonitor();
    void scaleDown();
    void complete();
    /// Marks the rollback as started (once) and says why; false when one already runs or it ended.
    bool beginRollBack(const QString &reason);
    void rollBack(const QString &reason);
    void restoreOldColour(const QString &reason);
    void scaleAll(const QStringList &deployments, const QList<int> &replicas, const Done &done);
    void forEachDeployment(const QStringList &names, const std::function<void(const QJsonObject &)> &each,
                           const std::function<void(bool allRead)> &done);
    void audit(const QString &verb, const QString &object, const QString &detail, bool ok, const QString &message);
    /// One record per Service of the release, each with an Event on the Service (reason
    /// "LucentPromotion<what>"), so that teammates see it in `kubectl events`.
    void auditServices(const QString &verb, const QString &what, const QString &detail);
    /// A record of this promotion in its namespace, its detail naming the promotion.
    Audit::AuditRecord auditRecord(const QString &verb, const QString &object, const QString &detail, bool ok,
                                   const QString &message) const;
    void auditService(const PlannedService &planned, const QString &verb, const QString &what, const QString &detail);
    void finish(PromotionOutcome outcome, const QString &sentence);
    QStringList standbyNames() const;
    QStringList activeNames() const;

    QPointer<Kube::KubeClient> m_client;
    PromotionPlan m_plan;
    PromotionOptions m_options;
    QPointer<Audit::AuditTrail> m_audit;
    QPointer<Prometheus::PrometheusClient> m_prometheus;
    QList<MetricRun> m_analysis;
    PromotionLock *m_lock = nullptr;
    PromotionStep m_step = PromotionStep::CheckingAccess;
    bool m_finished = false;
    bool m_rollingBack = false;
    int m_switched = 0; ///< Services switched so far, in plan order
    QStringList m_serviceVersions; ///< resourceVersions after each switch, for switching back
    QTimer m_poll;
    QElapsedTimer m_stepClock;
    QString m_failure; ///< why a rollback started
};

} // namespace Lucent::Core::Release

Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionStep)
Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionOutcome)
