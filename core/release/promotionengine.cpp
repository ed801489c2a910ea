#include "core/release/promotionengine.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/release/analysisrunner.h"
#include "core/release/deploymentbatch.h"
#include "core/release/previewservices.h"
#include "core/release/promotionlock.h"
#include "core/release/promotionpreflight.h"
#include "core/release/promotiontransitions.h"
#include "core/release/rolloutsummary.h"
#include "core/release/serviceswitch.h"
#include "core/release/smoketest.h"
#include "core/release/standbyhealth.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <memory>
#include <utility>

namespace Lucent::Core::Release {

using Kube::ResourceType;

QString promotionOutcomeName(PromotionOutcome outcome)
{
    switch (outcome) {
    case PromotionOutcome::Promoted: return QStringLiteral("promoted");
    case PromotionOutcome::RolledBack: return QStringLiteral("rolled-back");
    case PromotionOutcome::LockHeld: return QStringLiteral("lock-held");
    case PromotionOutcome::Forbidden: return QStringLiteral("forbidden");
    case PromotionOutcome::Inconsistent: return QStringLiteral("inconsistent");
    case PromotionOutcome::Refused: return QStringLiteral("refused");
    case PromotionOutcome::Paused: return QStringLiteral("paused");
    }
    return {};
}

PromotionEngine::PromotionEngine(Kube::KubeClient *client, PromotionPlan plan, PromotionOptions options,
                                 Audit::AuditTrail *audit, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_plan(std::move(plan))
    , m_options(std::move(options))
    , m_audit(audit, m_plan.request.promotionId, m_plan.request.namespaceName)
    , m_lock(new PromotionLock(client, m_plan.request.namespaceName, m_options.identity, m_options.leaseSeconds, this))
{
    m_poll.setSingleShot(true); // the next poll is due only once this one has been answered
    m_poll.setInterval(m_options.pollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_step == PromotionStep::WaitingReady)
            pollReady();
        else if (m_step == PromotionStep::Monitoring)
            pollMonitor();
    });
    connect(m_lock, &PromotionLock::acquired, this, [this](const QString &note) {
        if (!note.isEmpty())
            Q_EMIT progress(note);
        m_audit.record(QStringLiteral("lock"), QStringLiteral("lease/lucent-promotion"),
                       note.isEmpty() ? tr("taken by %1").arg(m_options.identity) : note, true, {});
        locked();
    });
    connect(m_lock, &PromotionLock::released, this, [this] {
        m_audit.record(QStringLiteral("unlock"), QStringLiteral("lease/lucent-promotion"), tr("released"), true, {});
    });
    m_lock->setGuard([this](const QJsonObject &lease) { return lockGuard(lease); });
    m_nextPass.setSingleShot(true);
    m_nextPass.setInterval(m_options.pollMs);
    connect(&m_nextPass, &QTimer::timeout, this, &PromotionEngine::reconcile);
    connect(m_lock, &PromotionLock::refused, this,
            [this](const LeaseHolder &, const QString &sentence) { finish(PromotionOutcome::LockHeld, sentence); });
    connect(m_lock, &PromotionLock::failed, this, [this](const QString &sentence) {
        if (m_step == PromotionStep::Locking)
            finish(PromotionOutcome::RolledBack, tr("The promotion lock could not be taken: %1").arg(sentence));
        else
            Q_EMIT progress(tr("The journal could not be written to the lock: %1").arg(sentence));
    });
    connect(m_lock, &PromotionLock::lost, this,
            [this](const QString &sentence) { finish(PromotionOutcome::Inconsistent, sentence); });
}

PromotionEngine::~PromotionEngine() = default;

QStringList PromotionEngine::standbyNames() const
{
    QStringList names;
    for (const PlannedService &planned : m_plan.services)
        names.append(planned.standbyDeployment);
    return names;
}

void PromotionEngine::start()
{
    m_started = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    begin(PromotionMode::Fresh);
}

void PromotionEngine::resume(const PromotionJournal &journal)
{
    m_started
        = journal.started.isEmpty() ? QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) : journal.started;
    m_resumedAt = journal.step;
    m_intent = journal.intent;
    m_onNewCount = journal.switched;
    if (!journal.paused.isEmpty()) { // a human decided to go on after an inconclusive analysis
        m_intent.verified = true;
        m_paused = journal.paused;
    }
    begin(PromotionMode::Resume);
}

void PromotionEngine::abortInterrupted(const QString &reason)
{
    m_failure = reason;
    m_started = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); // the rollback's own start
    begin(PromotionMode::Abort);
}

void PromotionEngine::begin(PromotionMode mode)
{
    m_mode = mode;
    if (!m_plan.isValid()) {
        finish(PromotionOutcome::RolledBack,
               tr("The plan has problems; nothing was changed. %1").arg(m_plan.problems.join(QLatin1Char(' '))));
        return;
    }
    checkAccess();
}

QString PromotionEngine::lockGuard(const QJsonObject &lease) const
{
    const PromotionJournal previous = PromotionJournal::fromLease(lease);
    const QString ns = m_plan.request.namespaceName;
    const QString env = m_plan.request.environment;
    if (m_mode == PromotionMode::Fresh) {
        if (previous.isEmpty() || previous.isFinished())
            return {};
        return tr("The journal of %1 holds an unfinished %2. Complete it with 'lucent-console promotion resume "
                  "--env %3' or roll it back with 'lucent-console promotion abort --env %3' first.")
            .arg(ns, previous.describe(), env);
    }
    if (previous.promotionId != m_plan.request.promotionId)
        return tr("The journal of %1 now holds %2, not promotion %3: look again with 'lucent-console promotion "
                  "status --env %4'.")
            .arg(ns, previous.isEmpty() ? tr("no promotion") : previous.describe(), m_plan.request.promotionId, env);
    if (previous.isFinished())
        return tr("Promotion %1 has already ended (%2); there is nothing to %3.")
            .arg(previous.promotionId, previous.outcome.isEmpty() ? previous.step : previous.outcome,
                 m_mode == PromotionMode::Resume ? tr("resume") : tr("roll back"));
    return {};
}

void PromotionEngine::locked()
{
    switch (lockedAction(m_mode, m_intent, !m_failure.isEmpty())) {
    case LockedAction::AbortBeforeChange:
        finish(PromotionOutcome::RolledBack, tr("Aborted before any change: %1").arg(m_failure));
        return;
    case LockedAction::RollBack: {
        const QString journalled = m_intent.rollsBack() ? m_intent.reason : QString();
        rollBack(!m_failure.isEmpty()       ? m_failure
                     : journalled.isEmpty() ? tr("The interrupted rollback is completed.")
                                            : tr("%1 (The interrupted rollback is completed.)").arg(journalled));
        return;
    }
    case LockedAction::Reconcile:
    case LockedAction::VerifyThenSwitch: break;
    }
    if (m_mode == PromotionMode::Resume) {
        Q_EMIT progress(!m_paused.isEmpty()
                            ? tr("Resuming promotion %1, paused before (%2), on to the switch as decided.")
                                  .arg(m_plan.request.promotionId, m_paused)
                            : tr("Resuming promotion %1 from its step %2 (intent: %3); what is left is read from the "
                                 "cluster.")
                                  .arg(m_plan.request.promotionId, m_resumedAt, m_intent.describe()));
        m_paused.clear();
    }
    if (m_intent.verified && !m_intent.monitored)
        waitReady(); // then health, then the reconciler: the analysis passed already
    else
        reconcile(); // unverified: the verification from the deploy on; monitored: the scale-down
}

void PromotionEngine::checkAccess()
{
    setStep(PromotionStep::CheckingAccess);
    PromotionPreflight::Checks checks;
    checks.user = m_options.identity.section(QLatin1Char('@'), 0, 0);
    checks.activeRollouts = m_mode == PromotionMode::Fresh;
    checks.analysis = m_options.analysis && m_mode != PromotionMode::Abort;
    checks.alertsAcknowledged = m_options.alertsAcknowledged;
    auto *preflight = new PromotionPreflight(m_client, m_prometheus, m_plan, checks, this);
    connect(preflight, &PromotionPreflight::progress, this, &PromotionEngine::progress);
    connect(preflight, &PromotionPreflight::acknowledged, this, [this](const QString &alerts) {
        m_audit.record(QStringLiteral("alerts-acknowledged"), QStringLiteral("lease/lucent-promotion"),
                       tr("promoted with firing alerts, acknowledged: %1").arg(alerts), true, {});
    });
    connect(preflight, &PromotionPreflight::finished, this,
            [this, preflight, checks](PromotionPreflight::Verdict verdict, const QString &sentence) {
                preflight->deleteLater();
                if (verdict == PromotionPreflight::Verdict::Forbidden) {
                    finish(PromotionOutcome::Forbidden, sentence);
                    return;
                }
                if (verdict == PromotionPreflight::Verdict::Refused) {
                    finish(PromotionOutcome::Refused, sentence);
                    return;
                }
                if (!checks.analysis && m_mode != PromotionMode::Abort)
                    m_audit.record(QStringLiteral("analysis-off"), QStringLiteral("lease/lucent-promotion"),
                                   tr("promoted without analysis, as asked"), true, {});
                setStep(PromotionStep::Locking);
                Q_EMIT progress(tr("Promotion %1: taking the promotion lock of %2 as %3.")
                                    .arg(m_plan.request.promotionId, m_plan.request.namespaceName, m_options.identity));
                m_lock->acquire();
            });
    preflight->run();
}

void PromotionEngine::setStep(PromotionStep step)
{
    m_step = step;
    m_stepClock.restart();
    Q_EMIT stepChanged(step);
    journal();
}

PromotionJournal PromotionEngine::journalNow() const
{
    PromotionJournal journal;
    journal.promotionId = m_plan.request.promotionId;
    journal.environment = m_plan.request.environment;
    journal.step = promotionStepName(m_step);
    journal.switched = m_onNewCount;
    journal.intent = m_intent;
    journal.updated = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    journal.started = m_started;
    journal.by = m_options.identity;
    journal.options = {true,
                       m_options.analysis,
                       m_options.preview,
                       m_options.pauseOnInconclusive,
                       m_options.monitorSeconds,
                       m_options.scaleDownDelaySeconds};
    for (const PlannedService &planned : m_plan.services)
        journal.services.append({planned.service, planned.activeColour, planned.standbyColour, planned.activeDeployment,
                                 planned.standbyDeployment, planned.container, planned.toImage, planned.replicas});
    return journal;
}

void PromotionEngine::journal(const std::function<void(bool ok)> &then)
{
    if (!m_lock->isHeld()) {
        if (then)
            then(false);
        return;
    }
    PromotionJournal journal = journalNow();
    journal.smoke = m_smokeOutput.join(QLatin1Char('\n'));
    journal.evidence = m_evidence;
    if (m_finished && m_outcome == PromotionOutcome::Paused) {
        journal.paused = m_paused;
    } else if (m_finished) {
        journal.outcome = promotionOutcomeName(m_outcome);
        journal.message = m_failure.isEmpty() || m_outcome == PromotionOutcome::Promoted ? QString() : m_failure;
    }
    if (!m_options.journalDirectory.isEmpty())
        writePromotionJournalFile(journal, m_options.journalDirectory);
    m_lock->writeAnnotations(journal.annotations(), then);
}

void PromotionEngine::deploy()
{
    m_step = PromotionStep::Deploying;
    m_stepClock.restart();
    Q_EMIT stepChanged(m_step);
    journal([this](bool ok) {
        if (!ok) {
            finish(PromotionOutcome::RolledBack,
                   tr("The promotion's journal could not be written to the lock; nothing was changed."));
            return;
        }
        // The standby's write sets a Deployment's image and replicas: like every write, made only
        // while the Lease is this process's as read now. A console stopped here and taken over
        // must not deploy behind the new holder's rollback.
        observe([this](const ReleaseObservation &now) {
            if (m_finished || m_rollingBack)
                return;
            if (const QString problem = lockRefusal(now, lockHolder()); !problem.isEmpty()) {
                stopOn(tr("Refused to deploy the standby colour: %1").arg(problem));
                return;
            }
            adoptThenDeploy(now);
        });
    });
}

void PromotionEngine::deployAll()
{
    auto pending = std::make_shared<int>(int(m_plan.services.size()));
    auto problems = std::make_shared<QStringList>();
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        deployOne(planned, [this, pending, problems](bool ok, const QString &problem) {
            if (!ok)
                problems->append(problem);
            if (--*pending > 0)
                return;
            if (!problems->isEmpty())
                rollBack(problems->join(QLatin1Char(' ')));
            else if (!m_failure.isEmpty())
                rollBack(m_failure);
            else
                waitReady();
        });
    }
}

void PromotionEngine::deployOne(const PlannedService &planned, const Done &done)
{
    QJsonObject standby = planned.standby;
    Kube::KubeReply *reply = nullptr;
    if (planned.createsStandby) {
        reply = m_client->create(ResourceType::deployments(), m_plan.request.namespaceName, standby,
                                 promotionFieldManager());
    } else {
        reply = m_client->patch(ResourceType::deployments(), m_plan.request.namespaceName, planned.standbyDeployment,
                                Kube::PatchType::Json, standbyUpdatePatch(planned), {}, promotionFieldManager());
    }
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, planned, done] {
        const Kube::ApiError &error = reply->error();
        const QString object = QStringLiteral("deployment/") + planned.standbyDeployment;
        const QString detail = tr("%1 colour with %2").arg(planned.standbyColour, planned.toImage);
        m_audit.record(QStringLiteral("deploy-standby"), object, detail, !error.isError(), error.message);
        if (error.isError()) {
            done(false,
                 error.isConflict()
                     ? tr("%1 changed or appeared after the plan read the cluster; plan again.").arg(object)
                     : tr("%1 could not be written: %2").arg(object, error.sentence()));
            return;
        }
        Q_EMIT progress(tr("%1 %2: %3.").arg(object, planned.createsStandby ? tr("created") : tr("updated"), detail));
        done(true, {});
    });
}

void PromotionEngine::forEachDeployment(const QStringList &names, const std::function<void(const QJsonObject &)> &each,
                                        const std::function<void(bool)> &done)
{
    DeploymentBatch::read(m_client, m_plan.request.namespaceName, names, this, each, done);
}

void PromotionEngine::waitReady()
{
    setStep(PromotionStep::WaitingReady);
    pollReady();
}

void PromotionEngine::pollReady()
{
    auto complete = std::make_shared<int>(0);
    auto failure = std::make_shared<QString>();
    forEachDeployment(
        standbyNames(),
        [complete, failure](const QJsonObject &deployment) {
            const RolloutSummary summary = summarizeDeployment(deployment);
            if (summary.state == RolloutState::Failed)
                *failure = tr("deployment/%1 did not become ready: %2").arg(summary.name, summary.reason);
            else if (isRolledOut(deployment))
                ++*complete;
        },
        [this, complete, failure](bool) {
            if (m_step != PromotionStep::WaitingReady || m_finished)
                return;
            if (!failure->isEmpty()) {
                rollBack(*failure);
            } else if (*complete == m_plan.services.size()) {
                Q_EMIT progress(tr("Every standby Deployment is ready."));
                checkHealth();
            } else if (m_stepClock.elapsed() > qint64(m_options.readyTimeoutSeconds) * 1000) {
                rollBack(tr("The standby Deployments were not ready within %1 s.").arg(m_options.readyTimeoutSeconds));
            } else {
                m_poll.start();
            }
        });
}

void PromotionEngine::checkHealth()
{
    setStep(PromotionStep::CheckingHealth);
    auto *check
        = new StandbyHealthCheck(m_client, m_plan.request.namespaceName,
                                 {m_options.healthSuccesses, m_options.healthTimeoutSeconds, m_options.pollMs}, this);
    connect(check, &StandbyHealthCheck::progress, this, &PromotionEngine::progress);
    connect(check, &StandbyHealthCheck::finished, this, [this, check](bool ok, const QString &problems) {
        check->deleteLater();
        if (m_step != PromotionStep::CheckingHealth || m_finished)
            return;
        if (ok)
            verifyStandby();
        else
            rollBack(problems);
    });
    connect(this, &PromotionEngine::stepChanged, check, [check] { check->cancel(); });
    check->run(m_plan.services);
}

QList<AnalysisMetric> PromotionEngine::analysisMetrics(int count) const
{
    QList<AnalysisMetric> metrics;
    for (const PlannedService &planned : m_plan.services) {
        const QString ns = m_plan.request.namespaceName;
        const QString version = versionLabel(planned.toImage);
        QList<AnalysisMetric> own = m_options.analysisTemplates;
        for (AnalysisMetric &metric : own) {
            metric = expandedMetric(metric, ns, planned.service, planned.standbyColour, version);
            metric.count = count;
            metric.intervalSeconds = m_options.analysisIntervalSeconds;
        }
        if (own.isEmpty())
            own = defaultAnalysis(ns, planned.service, planned.standbyColour, version, count,
                                  m_options.analysisIntervalSeconds);
        for (AnalysisMetric &metric : own) {
            metric.name = planned.service + QLatin1Char(' ') + metric.name;
            metrics.append(metric);
        }
    }
    return metrics;
}

void PromotionEngine::verifyStandby()
{
    if (!m_options.preview) {
        analyse(); // the smoke test has nothing to reach before the switch without a preview
        return;
    }
    const auto audited = [this](const QString &verb) {
        return [this, verb](const QString &name, const QString &problem) {
            m_audit.record(verb, QStringLiteral("service/") + name, tr("preview on the standby colour"),
                           problem.isEmpty(), problem);
        };
    };
    // A preview is a write like the others: made only while the Lease is this process's as read
    // now (a console stopped here and taken over must not create one behind the new holder).
    observe([this, audited](const ReleaseObservation &now) {
        if (m_finished || m_rollingBack)
            return;
        if (const QString problem = lockRefusal(now, lockHolder()); !problem.isEmpty()) {
            stopRefused(tr("Refused to create the preview Services: %1").arg(problem));
            return;
        }
        createPreviews(audited(QStringLiteral("create-preview")));
    });
}

void PromotionEngine::createPreviews(const std::function<void(const QString &, const QString &)> &audited)
{
    PreviewServices::create(m_client, m_plan, this, audited, [this](bool ok, const QString &problems) {
        if (m_finished && m_lock->isGone()) {
            // Fenced by a read of a cluster that was replaced before the create landed: the
            // previews went to one where nobody holds the lock. They are this promotion's alone.
            PreviewServices::remove(
                m_client, m_plan, this,
                [this](const QString &name, const QString &problem) {
                    m_audit.record(QStringLiteral("delete-preview"), QStringLiteral("service/") + name,
                                   tr("preview made after the lock was gone"), problem.isEmpty(), problem);
                },
                [](bool, const QString &) {});
            return;
        }
        if (m_finished || m_rollingBack)
            return;
        if (!ok) {
            rollBack(problems);
            return;
        }
        Q_EMIT progress(tr("The preview Services (%1-preview, ...) select the standby colour.")
                            .arg(m_plan.services.constFirst().service));
        runSmokeTests(QStringLiteral("preview"), [this](bool passed, const QString &why) {
            if (m_finished || m_rollingBack)
                return;
            if (passed)
                analyse();
            else
                rollBack(why);
        });
    });
}

void PromotionEngine::runSmokeTests(const QString &phase, const std::function<void(bool, const QString &)> &done)
{
    if (m_options.smokeTest.isEmpty()) {
        done(true, {});
        return;
    }
    QList<SmokeTest::Context> contexts;
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        const QString target
            = phase == QLatin1String("preview") ? PreviewServices::nameOf(planned.service) : planned.service;
        contexts.append({m_plan.request.environment, m_plan.request.namespaceName, planned.service,
                         planned.standbyColour, target,
                         QStringLiteral("%1/api/v1/namespaces/%2/services/%3/proxy/")
                             .arg(m_options.apiServer, m_plan.request.namespaceName, target),
                         m_options.kubeconfigPath, m_options.kubeContext, phase});
    }
    auto *run
        = new SmokeTestRun(m_options.smokeTest, m_options.smokeTestDirectory, m_options.smokeTestTimeoutSeconds, this);
    connect(run, &SmokeTestRun::serviceFinished, this,
            [this, phase](bool, const QString &sentence, const QString &output) {
                Q_EMIT progress(output.isEmpty() ? sentence : tr("%1 Its output ends: %2").arg(sentence, output));
                m_smokeOutput.append(tr("%1 (%2): %3").arg(sentence, phase, output));
                while (m_smokeOutput.join(QLatin1Char('\n')).size() > 8000)
                    m_smokeOutput.removeFirst();
            });
    connect(run, &SmokeTestRun::finished, this, [run, done](bool passed, const QString &failures) {
        run->deleteLater();
        done(passed, failures);
    });
    Q_EMIT progress(tr("Running the smoke test against the %1.")
                        .arg(phase == QLatin1String("preview") ? tr("previews") : tr("Services")));
    run->run(contexts);
}

void PromotionEngine::analyse()
{
    const bool resumedPastIt = m_intent.verified;
    if (!m_options.analysis || !m_prometheus || resumedPastIt) {
        // Switched off: the preflight said so already.
        if (resumedPastIt || m_options.analysis)
            Q_EMIT progress(resumedPastIt ? tr("The analysis passed before the interruption.")
                                          : tr("No Prometheus for this environment: the analysis is skipped."));
        readyToSwitch();
        return;
    }
    setStep(PromotionStep::Analysing);
    auto *runner = new AnalysisRunner(m_prometheus, analysisMetrics(m_options.analysisCount), this);
    Q_EMIT progress(tr("Analysing the standby colour in %1 s: %2 measurements of %3 metrics, every %4 s.")
                        .arg(m_options.analysisInitialDelaySeconds)
                        .arg(m_options.analysisCount)
                        .arg(runner->runs().size())
                        .arg(m_options.analysisIntervalSeconds));
    connect(runner, &AnalysisRunner::measured, this, [this, runner](const QStringList &sentences) {
        for (const QString &sentence : sentences)
            Q_EMIT progress(sentence);
        keepMeasurements(runner->runs(), false);
        Q_EMIT analysisMeasured(runner->runs(), false);
    });
    connect(runner, &AnalysisRunner::finished, this, [this, runner](AnalysisVerdict verdict, const QString &why) {
        runner->deleteLater();
        if (m_step != PromotionStep::Analysing || m_finished)
            return;
        const QString sentence
            = tr("The analysis of the standby colour is %1: %2.").arg(analysisVerdictName(verdict), why);
        if (verdict == AnalysisVerdict::Passed) {
            readyToSwitch();
        } else if (verdict == AnalysisVerdict::Inconclusive && m_options.askOnInconclusive) {
            m_awaitingDecision = true;
            Q_EMIT decisionNeeded(sentence);
        } else if (verdict == AnalysisVerdict::Inconclusive && m_options.pauseOnInconclusive) {
            m_paused = sentence;
            finish(PromotionOutcome::Paused,
                   tr("Paused: %1 The standby colour stays up and no Service was switched. Decide: 'lucent-console "
                      "promotion resume --env %2' switches to it; 'lucent-console promotion abort --env %2' rolls "
                      "back.")
                       .arg(sentence, m_plan.request.environment));
        } else {
            rollBack(sentence);
        }
    });
    connect(this, &PromotionEngine::stepChanged, runner, [runner] { runner->cancel(); });
    runner->start(m_options.analysisInitialDelaySeconds, m_options.analysisIntervalSeconds);
}

void PromotionEngine::readyToSwitch()
{
    // A resume was confirmed when it was asked for: it goes on to the switch.
    if (!m_options.confirmBeforeSwitch || m_mode == PromotionMode::Resume) {
        startSwitch();
        return;
    }
    QStringList changes;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        changes.append(tr("service/%1: selector color %2 -> %3, %4 -> %5")
                           .arg(planned.service, planned.activeColour, planned.standbyColour,
                                imageVersion(planned.fromImage), imageVersion(planned.toImage)));
    m_awaitingSwitch = true;
    Q_EMIT progress(tr("Verified; waiting for the confirmation to switch."));
    Q_EMIT switchAwaitingConfirmation(changes.join(QLatin1Char('\n')));
}

void PromotionEngine::continueDespiteInconclusive()
{
    if (!std::exchange(m_awaitingDecision, false) || m_finished || m_rollingBack)
        return;
    Q_EMIT progress(tr("Going on despite the inconclusive analysis, as decided."));
    readyToSwitch();
}

void PromotionEngine::startSwitch()
{
    // Verified: the intent says so in the cluster's journal before the first Service changes.
    m_intent.verified = true;
    m_intentConfirmed = false;
    m_step = PromotionStep::Switching;
    m_stepClock.restart();
    Q_EMIT stepChanged(m_step);
    journal([this](bool ok) {
        if (m_finished || m_rollingBack)
            return;
        if (!ok) {
            m_intent.verified = false;
            m_intentConfirmed = true;
            rollBack(tr("The promotion's journal could not be written to the lock before the switch."));
            return;
        }
        m_intentConfirmed = true;
        reconcile();
    });
}

void PromotionEngine::monitor()
{
    setStep(PromotionStep::Monitoring);
    Q_EMIT progress(tr("Every Service serves the new colour; watching it for %1 s.").arg(m_options.monitorSeconds));
    if (m_options.analysis && m_prometheus && m_options.monitorSeconds > 0) {
        // The same analysis, now on the colour that takes the traffic, measured through the window.
        const int count = std::max(1, m_options.monitorSeconds / std::max(1, m_options.analysisIntervalSeconds));
        m_monitorAnalysis = new AnalysisRunner(m_prometheus, analysisMetrics(count), this);
        connect(m_monitorAnalysis, &AnalysisRunner::measured, this, [this] {
            keepMeasurements(m_monitorAnalysis->runs(), true);
            Q_EMIT analysisMeasured(m_monitorAnalysis->runs(), true);
        });
        connect(m_monitorAnalysis, &AnalysisRunner::finished, this,
                [this](AnalysisVerdict verdict, const QString &why) {
                    if (verdict != AnalysisVerdict::Passed && m_step == PromotionStep::Monitoring)
                        rollBack(tr("The analysis of the new colour is %1 during the monitor window: %2.")
                                     .arg(analysisVerdictName(verdict), why));
                });
        m_monitorAnalysis->start(std::min(m_options.analysisIntervalSeconds, m_options.monitorSeconds),
                                 m_options.analysisIntervalSeconds);
    }
    m_monitorSmokeRunning = !m_options.smokeTest.isEmpty();
    runSmokeTests(QStringLiteral("monitor"), [this](bool passed, const QString &why) {
        m_monitorSmokeRunning = false;
        if (!passed && m_step == PromotionStep::Monitoring && !m_finished)
            rollBack(why);
    });
    pollMonitor();
}

void PromotionEngine::pollMonitor()
{
    auto failure = std::make_shared<QString>();
    forEachDeployment(
        standbyNames(),
        [failure](const QJsonObject &deployment) {
            const RolloutSummary summary = summarizeDeployment(deployment);
            if (summary.ready < summary.desired || summary.state == RolloutState::Degraded)
                *failure = tr("deployment/%1 lost ready pods during the monitor window (%2/%3 ready).")
                               .arg(summary.name)
                               .arg(summary.ready)
                               .arg(summary.desired);
        },
        [this, failure](bool) {
            if (m_step != PromotionStep::Monitoring || m_finished)
                return;
            const bool analysisDone = (!m_monitorAnalysis || m_monitorAnalysis->isFinished()) && !m_monitorSmokeRunning;
            if (!failure->isEmpty())
                rollBack(*failure);
            else if (m_stepClock.elapsed() >= qint64(m_options.monitorSeconds) * 1000 && analysisDone)
                monitorHeld();
            else
                m_poll.start();
        });
}

void PromotionEngine::monitorHeld()
{
    m_intent.monitored = true; // a permission only: journalled late, a resume watches the window again
    setStep(PromotionStep::ScalingDown);
    Q_EMIT progress(tr("The new colour held for %1 s; the old colour goes to 0 replicas in %2 s.")
                        .arg(m_options.monitorSeconds)
                        .arg(m_options.scaleDownDelaySeconds));
    QTimer::singleShot(m_options.scaleDownDelaySeconds * 1000, this, &PromotionEngine::reconcile);
}

void PromotionEngine::complete()
{
    setStep(PromotionStep::Done);
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    QStringList summary;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        summary.append(tr("%1 %2 (%3)").arg(planned.service, imageVersion(planned.toImage), planned.standbyColour));
    const QString sentence = tr("Promoted: %1.").arg(summary.join(QStringLiteral(", ")));
    // Each Service says which colour and version serve, and which promotion put them there.
    auto pending = std::make_shared<int>(int(m_plan.services.size()));
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        Kube::KubeReply *reply = m_client->patch(
            ResourceType::services(), m_plan.request.namespaceName, planned.service, Kube::PatchType::Merge,
            promotedServicePatch(planned, m_plan.request.promotionId, now), {}, promotionFieldManager());
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, pending, sentence, service = planned.service] {
            const Kube::ApiError &error = reply->error();
            m_audit.record(QStringLiteral("annotate"), QStringLiteral("service/") + service,
                           tr("active colour, version and promotion"), !error.isError(), error.message);
            if (error.isError())
                Q_EMIT progress(tr("service/%1 could not be annotated: %2").arg(service, error.sentence()));
            if (--*pending == 0)
                finish(PromotionOutcome::Promoted, sentence);
        });
    }
}

void PromotionEngine::finish(PromotionOutcome outcome, const QString &sentence)
{
    if (m_finished)
        return;
    const bool changedSomething = outcome != PromotionOutcome::LockHeld && outcome != PromotionOutcome::Forbidden
        && outcome != PromotionOutcome::Refused && outcome != PromotionOutcome::Paused;
    // Only while the lock is still this process's, or nobody's (its Lease gone with the cluster it
    // was taken in): after a takeover the previews are the new holder's to keep or remove.
    if (m_options.preview && changedSomething && !m_previewsRemoved && (m_lock->isHeld() || m_lock->isGone())) {
        m_previewsRemoved = true; // the previews go first; a paused promotion keeps them for the decision
        const auto audited = [this](const QString &name, const QString &problem) {
            m_audit.record(QStringLiteral("delete-preview"), QStringLiteral("service/") + name,
                           tr("preview removed at the end"), problem.isEmpty(), problem);
        };
        PreviewServices::remove(m_client, m_plan, this, audited,
                                [this, outcome, sentence](bool ok, const QString &problems) {
                                    if (!ok)
                                        Q_EMIT progress(problems);
                                    finish(outcome, sentence);
                                });
        return;
    }
    m_finished = true;
    m_outcome = outcome;
    if (outcome != PromotionOutcome::Promoted)
        m_failure = sentence;
    m_poll.stop();
    if (m_monitorAnalysis)
        m_monitorAnalysis->cancel();
    Q_EMIT progress(sentence);
    if (outcome == PromotionOutcome::Promoted)
        m_audit.services(m_plan.services, QStringLiteral("promotion-succeeded"), QStringLiteral("Succeeded"),
                         tr("succeeded"));
    else if (outcome == PromotionOutcome::Paused)
        m_audit.services(m_plan.services, QStringLiteral("promotion-paused"), QStringLiteral("Paused"), m_paused);
    else if (outcome == PromotionOutcome::RolledBack && m_rollingBack)
        m_audit.services(m_plan.services, QStringLiteral("promotion-rolled-back"), QStringLiteral("RolledBack"),
                         sentence);
    else if (outcome == PromotionOutcome::Inconsistent)
        m_audit.services(m_plan.services, QStringLiteral("promotion-failed"), QStringLiteral("Failed"), sentence);
    if (outcome == PromotionOutcome::LockHeld || outcome == PromotionOutcome::Forbidden
        || outcome == PromotionOutcome::Refused || !m_lock->isHeld()) {
        Q_EMIT finished(outcome, sentence);
        return;
    }
    // The journal's last word and the release go out before the end is announced, so that
    // whoever owns this engine may delete it then. An inconsistent state releases too: the
    // journal says what is left, and a teammate must be able to act on it.
    journal();
    auto announced = std::make_shared<bool>(false);
    auto announce = [this, outcome, sentence, announced] {
        if (!std::exchange(*announced, true))
            Q_EMIT finished(outcome, sentence);
    };
    connect(m_lock, &PromotionLock::released, this, announce, Qt::SingleShotConnection);
    connect(m_lock, &PromotionLock::failed, this, announce, Qt::SingleShotConnection);
    m_lock->release();
}

} // namespace Lucent::Core::Release
