#pragma once

#include "core/prometheus/prometheusclient.h"
#include "core/release/analysis.h"
#include "core/release/failureevidence.h"
#include "core/release/promotionaudit.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionplan.h"
#include "core/release/promotionreconcile.h"
#include "core/release/promotiontransitions.h"
#include "core/release/writesafety.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Release {

class AnalysisRunner;
class PromotionLock;

/// How a promotion ended.
enum class PromotionOutcome {
    Promoted, ///< every Service serves the new colour; the old colour is scaled to 0
    RolledBack, ///< it failed or was aborted, and every Service serves the old colour again
    LockHeld, ///< another promotion holds the namespace's lock; nothing was changed
    Forbidden, ///< the access review says a needed permission is missing; nothing was changed
    Inconsistent, ///< the rollback itself failed: a human must act; the sentence says what is left
    /// The analysis was inconclusive and the options say pause: the standby stays up, the
    /// journal says paused, the lock is released; `promotion resume` switches, `abort` rolls back.
    Paused,
    Refused, ///< a preflight check failed (an active rollout under way, Prometheus, firing alerts); nothing was changed
};

/// The journal's word for an outcome: "promoted", "rolled-back", "inconsistent" (the others
/// never hold the lock, so never reach the journal).
QString promotionOutcomeName(PromotionOutcome outcome);

struct PromotionOptions {
    QString identity; ///< user@host: the lock's holder
    /// After the switch: the new colour's readiness watched, and with analysis its metrics.
    int monitorSeconds = 60;
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
    /// Firing alerts of the release's services were seen and accepted by the user (recorded);
    /// otherwise they stop the promotion before any change.
    bool alertsAcknowledged = false;
    /// An inconclusive analysis before the switch pauses (Paused) instead of rolling back.
    bool pauseOnInconclusive = false;
    /// An inconclusive analysis asks (decisionNeeded()) instead: continueDespiteInconclusive()
    /// goes on, abort() rolls back. For a person at the console; headless, pause.
    bool askOnInconclusive = false;
    /// Before the switch, wait for confirmSwitch() (switchAwaitingConfirmation()): the wizard's
    /// Promote button, after the human has seen what will change.
    bool confirmBeforeSwitch = false;
    /// A `<service>-preview` Service on the standby colour once it is healthy, until the end.
    bool preview = false;
    /// The project's smoke test (argv, no shell; relative to smokeTestDirectory): run against
    /// the previews before the switch, and against the Services in the monitor window.
    QStringList smokeTest;
    QString smokeTestDirectory;
    int smokeTestTimeoutSeconds = 120;
    /// What the smoke test is told to reach the cluster with (no credential: a kubeconfig path).
    QString kubeconfigPath; ///< KUBECONFIG: one or more files, ':'-separated
    QString kubeContext;
    QString apiServer;
    /// The project's analysis metrics (lucent.yaml), expanded per service; empty: the default.
    QList<AnalysisMetric> analysisTemplates;
    /// Where the local copy of the journal goes; empty: none.
    QString journalDirectory;
};

/// Runs a PromotionPlan (or resumes or rolls back an interrupted one from its journal): checks every permission it
/// needs, takes the namespace's lock, and journals its intent (PromotionIntent) in the lock's annotations. It verifies
/// the standby first: deploys each service's standby Deployment (never touching the active one), waits until each is
/// Complete as `kubectl rollout status` judges it, checks its health, previews, smoke test and analysis, and waits
/// for the Promote when asked. From there a reconciler drives it: each pass reads the release (Services, both colours'
/// Deployments, the Lease), asks nextAction() for the one next step towards the intent, and takes it through the one
/// safety check (writeRefusal()): switch a Service, watch the monitor window, scale the old colour to 0. Any failure,
/// or abort(), changes the intent to a rollback, journalled before anything else is written, and the same loop brings
/// the old colour back to its replicas and ready, switches back what selects the new colour, and scales it to 0.
/// Every change is audited.
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
    /// Completes an interrupted promotion whose journal is @p journal (the plan being
    /// resumePlan()'s): after the lock is taken over, it drives on towards the journalled intent.
    /// Not verified yet: every check runs again (each step is idempotent). Verified: the standby
    /// is checked ready and healthy again, then the reconciler switches what is left and
    /// monitors. Monitored: the reconciler finishes the scale-down. A rollback intent rolls back.
    void resume(const PromotionJournal &journal);
    /// Rolls an interrupted promotion back: the old colour brought back to its replicas and
    /// ready, every switched Service switched back, the new colour scaled to 0.
    void abortInterrupted(const QString &reason);
    /// Rolls back from wherever the promotion is; ignored once it is done.
    void abort(const QString &reason);
    PromotionStep step() const { return m_step; }
    /// Goes on to the switch, when it waits for a confirmation.
    void confirmSwitch();
    /// Goes on despite an inconclusive analysis, when it asks.
    void continueDespiteInconclusive();
    const PromotionPlan &plan() const { return m_plan; }
    /// What the failed colour said before a rollback scaled it to 0; empty when none was kept.
    const FailureEvidence &evidence() const { return m_evidence; }

Q_SIGNALS:
    void stepChanged(Lucent::Core::Release::PromotionStep step);
    /// One line per event, for a progress view or a CI log.
    void progress(const QString &sentence);
    void finished(Lucent::Core::Release::PromotionOutcome outcome, const QString &sentence);
    /// Everything is verified; the switch waits for confirmSwitch(). @p summary says what changes.
    void switchAwaitingConfirmation(const QString &summary);
    /// confirmSwitch() found the new colour not ready as read now: nothing was switched and the
    /// switch still waits (confirm again once it is ready, or abort). @p sentence says what is not.
    void switchRefused(const QString &sentence);
    /// The analysis was inconclusive: continueDespiteInconclusive() or abort().
    void decisionNeeded(const QString &sentence);
    /// After each round of measurements: every metric's values and verdict so far; @p monitor
    /// says they are of the monitor window (the new colour serving), not of the standby.
    void analysisMeasured(const QList<Lucent::Core::Release::MetricRun> &runs, bool monitor);

private:
    using Done = std::function<void(bool ok, const QString &problem)>;
    void begin(PromotionMode mode);
    void setStep(PromotionStep step);
    /// Preflight (PromotionPreflight): access, active rollouts, Prometheus and firing alerts.
    void checkAccess();
    /// What the lock may overwrite: a fresh promotion never an unfinished journal; a resume or
    /// an abort only its own promotion's.
    QString lockGuard(const QJsonObject &lease) const;
    void locked();
    PromotionJournal journalNow() const;
    /// Writes the journal to the Lease (and the local file); @p then runs once it is in the
    /// cluster, so that no change is made that the journal does not announce.
    void journal(const std::function<void(bool ok)> &then = {});
    void deploy();
    /// Services whose selector has no colour yet are adopted into blue-green (their running
    /// colour selected, judged on @p now) before the standby gets a pod; then deployAll().
    void adoptThenDeploy(const ReleaseObservation &now);
    void adopted(const GuardedWrite &write, const QString &resourceVersion);
    /// Writes @p writes (adoptions judged on @p now); @p done gets the problems, empty when none.
    void adoptWrites(const QList<GuardedWrite> &writes, const ReleaseObservation &now,
                     const std::function<void(const QString &problem)> &done);
    /// The reconciler's AdoptOldColour: service @p index selects its old colour, judged on a fresh read.
    void adoptOne(int index);
    void deployAll();
    void deployOne(const PlannedService &planned, const Done &done);
    void waitReady();
    void pollReady();
    void checkHealth();
    /// The default analysis of every service's new colour, @p count measurements each.
    QList<AnalysisMetric> analysisMetrics(int count) const;
    /// After the health check: the previews and their smoke test, then the analysis.
    void verifyStandby();
    void createPreviews(const std::function<void(const QString &name, const QString &problem)> &audited);
    /// Runs the smoke test of every service in @p phase ("preview" or "monitor"); without one,
    /// @p done at once.
    void runSmokeTests(const QString &phase, const std::function<void(bool ok, const QString &why)> &done);
    void analyse();
    /// Verified: on to the switch, or first to the confirmation when one is wanted.
    void readyToSwitch();
    /// Verified: the intent says so in the cluster's journal, then the reconciler takes over.
    void startSwitch();
    void monitor();
    void pollMonitor();
    /// The new colour held through the window: journalled, then the old colour goes after the delay.
    void monitorHeld();
    void complete();
    /// Marks the rollback as started (once) and says why; false when one already runs or it ended.
    bool beginRollBack(const QString &reason);
    /// Changes the intent to a rollback, journals it (confirmed before anything else is written),
    /// then reconciles: the same whatever the step, the journal or memory say.
    void rollBack(const QString &reason);

    // The reconciler (promotionreconciler.cpp): one pass at a time reads the release, asks
    // nextAction() what the intent needs next on what was read, and takes that one action.
    enum class Next {
        Now, ///< a write was made: read again at once
        Poll, ///< waiting for the cluster: read again after the poll interval
        Handed, ///< a phase of its own (the verification, the monitor window) calls reconcile() at its end
    };
    void reconcile();
    void act(const ReconcileAction &action);
    void passEnded(Next next);
    /// Nothing more is written: a fresh run that wrote nothing yet ends saying so, any other stops
    /// inconsistent (stopRefused()).
    void stopOn(const QString &sentence);
    /// A wait for pods to become ready: polled until the ready timeout, then @p action's end.
    void waitFor(const ReconcileAction &action);
    void switchOne(int index, bool back);
    void scaleColour(const ReconcileAction &action);
    /// Rolled back: every Service on its old colour and the new one at 0, as just read.
    void rolledBack();
    /// Reads what the new colour's pods said, their events and the measurements into the
    /// journal (the whole of it in the local record), then @p then, also when nothing could be
    /// read: the evidence never holds a rollback up for long.
    void keepEvidence(const std::function<void()> &then);
    /// The analysis' sentences so far, for the evidence: @p monitor measured the serving colour.
    void keepMeasurements(const QList<MetricRun> &runs, bool monitor);

    // Writes: every one goes through writeRefusal() against a read made just before it
    // (promotionwrites.cpp).
    enum class WriteResult { Written, Refused, Failed };
    using WriteDone = std::function<void(WriteResult result, const QString &sentence)>;
    /// Reads the release's Services, Deployments and the Lease; retried while a read fails
    /// when @p persist (a rollback must not give up on one failed read).
    void observe(const std::function<void(const ReleaseObservation &now)> &then, bool persist = false);
    LockHolder lockHolder() const;
    /// Service @p index's Deployment of the standby (else the active) colour, to @p replicas.
    GuardedWrite scaleWrite(int index, bool standby, int replicas) const;
    /// Each write checked against a fresh read (all refused if one is), then made with the
    /// resourceVersion read as its precondition; a conflict reads and checks again.
    void scaleGuarded(const QList<GuardedWrite> &writes, const WriteDone &done, int attempt = 1);
    using SwitchDone = std::function<void(WriteResult result, bool switched, const QString &sentence)>;
    /// Points service @p index's selector at the standby colour (or back at the active one when
    /// @p back), checked against a fresh read; a Service already there counts as switched.
    void switchGuarded(int index, bool back, const SwitchDone &done);
    /// A refused write stops the run: inconsistent, with what was refused and what to do.
    void stopRefused(const QString &refusal);
    void forEachDeployment(const QStringList &names, const std::function<void(const QJsonObject &)> &each,
                           const std::function<void(bool allRead)> &done);
    void finish(PromotionOutcome outcome, const QString &sentence);
    QStringList standbyNames() const;

    QPointer<Kube::KubeClient> m_client;
    PromotionPlan m_plan;
    PromotionOptions m_options;
    PromotionAudit m_audit;
    QPointer<Prometheus::PrometheusClient> m_prometheus;
    AnalysisRunner *m_monitorAnalysis = nullptr;
    PromotionLock *m_lock = nullptr;
    PromotionMode m_mode = PromotionMode::Fresh;
    PromotionStep m_step = PromotionStep::CheckingAccess;
    QString m_resumedAt; ///< the journalled step a resume began from, for its first sentence
    PromotionOutcome m_outcome = PromotionOutcome::Promoted;
    bool m_finished = false;
    bool m_rollingBack = false; ///< this process runs the rollback (the intent says roll back)
    /// What the run is driven towards, as journalled; every decision past the verification is
    /// nextAction() of it and a fresh read.
    PromotionIntent m_intent;
    /// The intent in memory is the one in the cluster's journal: a pass never acts on an intent
    /// that is not written yet.
    bool m_intentConfirmed = true;
    bool m_passRunning = false;
    bool m_verifyBegun
        = false; ///< this run has sent its first write (the deploy): a stop is no longer "nothing changed"
    int m_refusedInARow = 0; ///< writes the safety check refused since the last one made
    bool m_passAgain = false; ///< reconcile() was asked during a pass: another follows it
    ReconcileStep m_waitingFor = ReconcileStep::Stop; ///< the wait under way, if any
    QElapsedTimer m_waitClock; ///< since that wait began
    QTimer m_nextPass;
    int m_onNewCount = 0; ///< Services on the new colour at the last read: for the journal's readers only
    bool m_sawNewColourServing = false; ///< the rollback found a Service on the new colour: its last sentence
    QTimer m_poll;
    QElapsedTimer m_stepClock;
    QString m_failure; ///< why a rollback started
    QString m_started; ///< when the promotion began (a resumed one: when it first began)
    QString m_paused; ///< why it paused for a human
    QStringList m_smokeOutput; ///< the smoke tests' sentences and output, for the journal
    QStringList m_measurements; ///< the analysis' last sentences, for the evidence
    FailureEvidence m_evidence; ///< what the failed colour said, kept before it went to 0
    bool m_monitorSmokeRunning = false;
    bool m_awaitingSwitch = false;
    bool m_awaitingDecision = false;
    bool m_previewsRemoved = false;
};

} // namespace Lucent::Core::Release

Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionStep)
Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionOutcome)
