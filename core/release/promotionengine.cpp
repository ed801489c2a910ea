#include "core/release/promotionengine.h"

#include "core/audit/auditrecord.h"
#include "core/audit/audittrail.h"
#include "core/audit/eventrecorder.h"
#include "core/kube/accessreview.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/labelselector.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "core/release/promotionlock.h"
#include "core/release/rolloutsummary.h"
#include "core/release/serviceswitch.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <memory>
#include <utility>

namespace Lucent::Core::Release {

namespace {

using Kube::ResourceType;

/// Complete as `kubectl rollout status` judges it, and every desired replica ready.
bool isRolledOut(const QJsonObject &deployment)
{
    const RolloutSummary summary = summarizeDeployment(deployment);
    return summary.state == RolloutState::Complete && summary.ready >= summary.desired;
}

} // namespace

QString promotionStepName(PromotionStep step)
{
    switch (step) {
    case PromotionStep::CheckingAccess: return QStringLiteral("access");
    case PromotionStep::Locking: return QStringLiteral("lock");
    case PromotionStep::Deploying: return QStringLiteral("deploy");
    case PromotionStep::WaitingReady: return QStringLiteral("ready");
    case PromotionStep::CheckingHealth: return QStringLiteral("health");
    case PromotionStep::Analysing: return QStringLiteral("analysis");
    case PromotionStep::Switching: return QStringLiteral("switch");
    case PromotionStep::Monitoring: return QStringLiteral("monitor");
    case PromotionStep::ScalingDown: return QStringLiteral("scale-down");
    case PromotionStep::Done: return QStringLiteral("done");
    case PromotionStep::RollingBack: return QStringLiteral("rollback");
    }
    return {};
}

PromotionEngine::PromotionEngine(Kube::KubeClient *client, PromotionPlan plan, PromotionOptions options,
                                 Audit::AuditTrail *audit, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_plan(std::move(plan))
    , m_options(std::move(options))
    , m_audit(audit)
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
        if (!m_failure.isEmpty()) { // aborted while the lock was being taken
            finish(PromotionOutcome::RolledBack, tr("Aborted before any change: %1").arg(m_failure));
            return;
        }
        deploy();
    });
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

QStringList PromotionEngine::activeNames() const
{
    QStringList names;
    for (const PlannedService &planned : m_plan.services)
        names.append(planned.activeDeployment);
    return names;
}

void PromotionEngine::start()
{
    if (!m_plan.isValid()) {
        finish(PromotionOutcome::RolledBack,
               tr("The plan has problems; nothing was changed. %1").arg(m_plan.problems.join(QLatin1Char(' '))));
        return;
    }
    checkAccess();
}

void PromotionEngine::checkAccess()
{
    setStep(PromotionStep::CheckingAccess);
    const QString ns = m_plan.request.namespaceName;
    const QString apps = QStringLiteral("apps");
    const QString coordination = QStringLiteral("coordination.k8s.io");
    const QList<Kube::AccessQuery> queries{
        {QStringLiteral("create"), apps, QStringLiteral("deployments"), {}, ns, {}},
        {QStringLiteral("update"), apps, QStringLiteral("deployments"), {}, ns, {}},
        {QStringLiteral("update"), apps, QStringLiteral("deployments"), QStringLiteral("scale"), ns, {}},
        {QStringLiteral("patch"), {}, QStringLiteral("services"), {}, ns, {}},
        {QStringLiteral("create"), coordination, QStringLiteral("leases"), {}, ns, {}},
        {QStringLiteral("update"), coordination, QStringLiteral("leases"), {}, ns, {}},
        {QStringLiteral("list"), {}, QStringLiteral("pods"), {}, ns, {}},
        {QStringLiteral("get"), {}, QStringLiteral("endpoints"), {}, ns, {}},
        {QStringLiteral("get"), {}, QStringLiteral("pods"), QStringLiteral("proxy"), ns, {}},
    };
    auto pending = std::make_shared<int>(int(queries.size()));
    auto denied = std::make_shared<QStringList>();
    for (const Kube::AccessQuery &query : queries) {
        Kube::KubeReply *reply = m_client->accessReview(query);
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, query, pending, denied] {
            const auto decision = Kube::KubeClient::accessDecision(reply->json());
            // An unanswered review is not a denial: the requests go, and the server decides.
            if (!reply->error().isError() && decision && !decision->allowed)
                denied->append(
                    Kube::deniedSentence(m_options.identity.section(QLatin1Char('@'), 0, 0), query, *decision));
            if (--*pending > 0)
                return;
            if (!denied->isEmpty()) {
                finish(PromotionOutcome::Forbidden, tr("Nothing was changed. %1").arg(denied->join(QLatin1Char(' '))));
                return;
            }
            setStep(PromotionStep::Locking);
            Q_EMIT progress(tr("Promotion %1: taking the promotion lock of %2 as %3.")
                                .arg(m_plan.request.promotionId, m_plan.request.namespaceName, m_options.identity));
            m_lock->acquire();
        });
    }
}

void PromotionEngine::abort(const QString &reason)
{
    if (m_finished || m_rollingBack)
        return;
    m_failure = reason;
    switch (m_step) {
    case PromotionStep::CheckingAccess:
    case PromotionStep::Locking: return; // handled once the lock answers
    case PromotionStep::Deploying: return; // handled once the writes under way are answered
    case PromotionStep::WaitingReady:
    case PromotionStep::CheckingHealth:
    case PromotionStep::Analysing: rollBack(reason); return;
    case PromotionStep::Switching: return; // the switch under way finishes, then switches back
    case PromotionStep::Monitoring:
    case PromotionStep::ScalingDown: restoreOldColour(reason); return;
    case PromotionStep::Done:
    case PromotionStep::RollingBack: return;
    }
}

void PromotionEngine::setStep(PromotionStep step)
{
    m_step = step;
    m_stepClock.restart();
    Q_EMIT stepChanged(step);
    journal();
}

void PromotionEngine::journal()
{
    if (!m_lock->isHeld())
        return;
    QJsonArray services;
    for (const PlannedService &planned : m_plan.services)
        services.append(QJsonObject{{QStringLiteral("service"), planned.service},
                                    {QStringLiteral("from"), planned.activeColour},
                                    {QStringLiteral("to"), planned.standbyColour},
                                    {QStringLiteral("active"), planned.activeDeployment},
                                    {QStringLiteral("standby"), planned.standbyDeployment},
                                    {QStringLiteral("image"), planned.toImage},
                                    {QStringLiteral("replicas"), planned.replicas}});
    m_lock->writeAnnotations({{QStringLiteral("lucent.com/promotion-id"), m_plan.request.promotionId},
                              {QStringLiteral("lucent.com/promotion-step"), promotionStepName(m_step)},
                              {QStringLiteral("lucent.com/promotion-switched"), QString::number(m_switched)},
                              {QStringLiteral("lucent.com/promotion-plan"),
                               QString::fromUtf8(QJsonDocument(services).toJson(QJsonDocument::Compact))}});
}

void PromotionEngine::deploy()
{
    setStep(PromotionStep::Deploying);
    auditServices(QStringLiteral("promotion-started"), QStringLiteral("Started"), tr("started"));
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
        reply = m_client->create(ResourceType::deployments(), m_plan.request.namespaceName, standby);
    } else {
        // Changed only if it is still the Deployment the plan read: the same object, its spec
        // unchanged (status writes in between do not matter).
        const QJsonObject meta = standby.value(QLatin1String("metadata")).toObject();
        const auto op = [](const char *name, const char *path, const QJsonValue &value) {
            return QJsonObject{{QStringLiteral("op"), QLatin1String(name)},
                               {QStringLiteral("path"), QLatin1String(path)},
                               {QStringLiteral("value"), value}};
        };
        const QJsonArray patch{op("test", "/metadata/uid", planned.standbyUid),
                               op("test", "/metadata/generation", planned.standbyGeneration),
                               op("add", "/metadata/labels", meta.value(QLatin1String("labels"))),
                               op("add", "/metadata/annotations", meta.value(QLatin1String("annotations"))),
                               op("replace", "/spec", standby.value(QLatin1String("spec")))};
        reply = m_client->patch(ResourceType::deployments(), m_plan.request.namespaceName, planned.standbyDeployment,
                                Kube::PatchType::Json, QJsonDocument(patch).toJson(QJsonDocument::Compact));
    }
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, planned, done] {
        const Kube::ApiError &error = reply->error();
        const QString object = QStringLiteral("deployment/") + planned.standbyDeployment;
        const QString detail = tr("%1 colour with %2").arg(planned.standbyColour, planned.toImage);
        audit(QStringLiteral("deploy-standby"), object, detail, !error.isError(), error.message);
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
    auto pending = std::make_shared<int>(int(names.size()));
    auto allRead = std::make_shared<bool>(true);
    for (const QString &name : names) {
        Kube::KubeReply *reply = m_client->get(ResourceType::deployments(), m_plan.request.namespaceName, name);
        connect(reply, &Kube::KubeReply::finished, this, [reply, each, done, pending, allRead] {
            if (reply->error().isError())
                *allRead = false;
            else
                each(reply->json());
            if (--*pending == 0)
                done(*allRead);
        });
    }
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
    auto pending = std::make_shared<int>(int(m_plan.services.size()));
    auto problems = std::make_shared<QStringList>();
    auto serviceDone = [this, pending, problems](bool ok, const QString &problem) {
        if (!ok)
            problems->append(problem);
        if (--*pending > 0 || m_step != PromotionStep::CheckingHealth || m_finished)
            return;
        if (problems->isEmpty())
            analyse();
        else
            rollBack(problems->join(QLatin1Char(' ')));
    };
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        Kube::ListOptions options;
        options.labelSelector = Kube::selectorText(planned.standby.value(QLatin1String("spec"))
                                                       .toObject()
                                                       .value(QLatin1String("selector"))
                                                       .toObject()
                                                       .value(QLatin1String("matchLabels"))
                                                       .toObject());
        Kube::KubeReply *pods = m_client->list(ResourceType::pods(), m_plan.request.namespaceName, options);
        connect(pods, &Kube::KubeReply::finished, this, [this, pods, planned, serviceDone] {
            if (pods->error().isError()) {
                serviceDone(false,
                            tr("The pods of deployment/%1 could not be listed: %2")
                                .arg(planned.standbyDeployment, pods->error().sentence()));
                return;
            }
            QStringList names;
            for (const auto &item : pods->json().value(QLatin1String("items")).toArray()) {
                const QJsonObject meta = item.toObject().value(QLatin1String("metadata")).toObject();
                if (!meta.contains(QLatin1String("deletionTimestamp")))
                    names.append(meta.value(QLatin1String("name")).toString());
            }
            auto left = std::make_shared<int>(int(names.size()));
            auto failures = std::make_shared<QStringList>();
            if (names.isEmpty()) {
                serviceDone(false, tr("deployment/%1 has no pods to check.").arg(planned.standbyDeployment));
                return;
            }
            for (const QString &pod : std::as_const(names)) {
                probePod(planned, pod, 0, [this, left, failures, planned, serviceDone](bool ok, const QString &why) {
                    if (!ok)
                        failures->append(why);
                    if (--*left > 0)
                        return;
                    if (failures->isEmpty())
                        Q_EMIT progress(tr("Every pod of deployment/%1 answered %2 on port %3, %4 times in a row.")
                                            .arg(planned.standbyDeployment, planned.healthPath, planned.healthPort)
                                            .arg(m_options.healthSuccesses));
                    serviceDone(failures->isEmpty(), failures->join(QLatin1Char(' ')));
                });
            }
        });
    }
}

void PromotionEngine::probePod(const PlannedService &planned, const QString &pod, int successes, const Done &done)
{
    if (m_step != PromotionStep::CheckingHealth || m_finished)
        return;
    Kube::KubeReply *reply = m_client->proxyGet(ResourceType::pods(), m_plan.request.namespaceName, pod,
                                                planned.healthPort, planned.healthPath);
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, planned, pod, successes, done] {
        const bool ok = !reply->error().isError();
        const int inARow = ok ? successes + 1 : 0;
        if (inARow >= m_options.healthSuccesses) {
            done(true, {});
            return;
        }
        if (m_stepClock.elapsed() > qint64(m_options.healthTimeoutSeconds) * 1000) {
            done(false,
                 tr("pod/%1 did not answer GET %2 on port %3 %4 times in a row within %5 s (last: %6).")
                     .arg(pod, planned.healthPath, planned.healthPort)
                     .arg(m_options.healthSuccesses)
                     .arg(m_options.healthTimeoutSeconds)
                     .arg(ok ? tr("OK") : reply->error().sentence()));
            return;
        }
        QTimer::singleShot(m_options.pollMs, this,
                           [this, planned, pod, inARow, done] { probePod(planned, pod, inARow, done); });
    });
}

void PromotionEngine::analyse()
{
    if (!m_options.analysis || !m_prometheus) {
        Q_EMIT progress(m_options.analysis ? tr("No Prometheus for this environment: the analysis is skipped.")
                                           : tr("Analysis switched off for this promotion."));
        setStep(PromotionStep::Switching);
        switchServices(0);
        return;
    }
    setStep(PromotionStep::Analysing);
    m_analysis.clear();
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        for (const AnalysisMetric &metric :
             defaultAnalysis(m_plan.request.namespaceName, planned.service, planned.standbyColour,
                             m_options.analysisCount, m_options.analysisIntervalSeconds)) {
            AnalysisMetric named = metric;
            named.name = planned.service + QLatin1Char(' ') + metric.name;
            m_analysis.append({named, {}, {}});
        }
    }
    Q_EMIT progress(tr("Analysing the standby colour in %1 s: %2 measurements of %3 metrics, every %4 s.")
                        .arg(m_options.analysisInitialDelaySeconds)
                        .arg(m_options.analysisCount)
                        .arg(m_analysis.size())
                        .arg(m_options.analysisIntervalSeconds));
    QTimer::singleShot(m_options.analysisInitialDelaySeconds * 1000, this, [this] {
        if (m_step == PromotionStep::Analysing && !m_finished)
            measure();
    });
}

void PromotionEngine::measure()
{
    auto pending = std::make_shared<int>(int(m_analysis.size()));
    for (int i = 0; i < m_analysis.size(); ++i) {
        Prometheus::PrometheusReply *reply = m_prometheus->query(m_analysis[i].metric.query);
        connect(reply, &Prometheus::PrometheusReply::finished, this, [this, reply, i, pending] {
            if (m_step != PromotionStep::Analysing || m_finished)
                return;
            Prometheus::PrometheusError error = reply->error();
            std::optional<Prometheus::QueryResult> result;
            if (!error.isError())
                result = Prometheus::PrometheusResponse::query(reply->body(), reply->httpStatus(), &error);
            // An unanswered query is a measurement without data: inconclusive, never a pass.
            m_analysis[i].add(result ? singleValue(*result) : std::nullopt);
            if (--*pending > 0)
                return;
            const AnalysisVerdict verdict = combined(m_analysis);
            for (const MetricRun &run : std::as_const(m_analysis))
                Q_EMIT progress(run.sentence());
            if (verdict == AnalysisVerdict::Passed) {
                setStep(PromotionStep::Switching);
                switchServices(0);
            } else if (verdict == AnalysisVerdict::Running) {
                QTimer::singleShot(m_options.analysisIntervalSeconds * 1000, this, [this] {
                    if (m_step == PromotionStep::Analysing && !m_finished)
                        measure();
                });
            } else {
                QStringList why;
                for (const MetricRun &run : std::as_const(m_analysis)) {
                    if (run.verdict() == AnalysisVerdict::Failed || run.verdict() == AnalysisVerdict::Inconclusive)
                        why.append(run.sentence());
                }
                rollBack(tr("The analysis of the standby colour is %1: %2.")
                             .arg(analysisVerdictName(verdict), why.join(QStringLiteral("; "))));
            }
        });
    }
}

void PromotionEngine::switchServices(int index)
{
    if (!m_failure.isEmpty() && index > 0) { // aborted during the switch
        switchBack(index - 1, m_failure, true);
        return;
    }
    if (index == m_plan.services.size()) {
        monitor();
        return;
    }
    const PlannedService &planned = m_plan.services[index];
    auto *serviceSwitch = new ServiceSwitch(m_client, m_plan.request.namespaceName, this);
    connect(serviceSwitch, &ServiceSwitch::finished, this,
            [this, serviceSwitch, index, planned](bool ok, bool switched, const QString &sentence) {
                serviceSwitch->deleteLater();
                audit(QStringLiteral("switch"), QStringLiteral("service/") + planned.service,
                      tr("selector color %1 to %2").arg(planned.activeColour, planned.standbyColour), ok, sentence);
                if (switched) {
                    m_serviceVersions.append(serviceSwitch->resourceVersion());
                    ++m_switched;
                    journal();
                }
                Q_EMIT progress(sentence);
                if (ok)
                    auditService(planned, QStringLiteral("promotion-switched"), QStringLiteral("Switched"), sentence);
                if (ok)
                    switchServices(index + 1);
                else if (m_switched > 0)
                    switchBack(m_switched - 1, sentence, true);
                else
                    rollBack(sentence);
            });
    serviceSwitch->run(planned.service, planned.activeColour, planned.standbyColour, planned.serviceResourceVersion);
}

void PromotionEngine::switchBack(int index, const QString &reason, bool thenRollBack)
{
    m_rollingBack = true;
    if (m_step != PromotionStep::RollingBack)
        setStep(PromotionStep::RollingBack);
    if (index < 0) {
        Q_EMIT progress(tr("Every Service serves its old colour again."));
        if (thenRollBack) {
            scaleAll(
                standbyNames(), QList<int>(m_plan.services.size(), 0), [this, reason](bool ok, const QString &problem) {
                    finish(
                        PromotionOutcome::RolledBack,
                        ok ? tr("Rolled back: %1 Every Service serves its old colour, and the new colour is scaled to "
                                "0.")
                                 .arg(reason)
                           : tr("Rolled back: %1 Every Service serves its old colour, but the new colour could not be "
                                "scaled down: %2")
                                 .arg(reason, problem));
                });
        }
        return;
    }
    const PlannedService &planned = m_plan.services[index];
    auto *serviceSwitch = new ServiceSwitch(m_client, m_plan.request.namespaceName, this);
    connect(
        serviceSwitch, &ServiceSwitch::finished, this,
        [this, serviceSwitch, index, planned, reason, thenRollBack](bool ok, bool, const QString &sentence) {
            serviceSwitch->deleteLater();
            audit(QStringLiteral("switch-back"), QStringLiteral("service/") + planned.service,
                  tr("selector color %1 to %2").arg(planned.standbyColour, planned.activeColour), ok, sentence);
            Q_EMIT progress(sentence);
            if (!ok) {
                finish(PromotionOutcome::Inconsistent,
                       tr("%1 Switching back failed: %2 Restore it by hand: kubectl -n %3 patch service %4 -p "
                          "'{\"spec\":{\"selector\":{\"color\":\"%5\"}}}'")
                           .arg(reason, sentence, m_plan.request.namespaceName, planned.service, planned.activeColour));
                return;
            }
            --m_switched;
            journal();
            switchBack(index - 1, reason, thenRollBack);
        });
    serviceSwitch->run(planned.service, planned.standbyColour, planned.activeColour, m_serviceVersions.value(index));
}

void PromotionEngine::monitor()
{
    setStep(PromotionStep::Monitoring);
    Q_EMIT progress(tr("Every Service serves the new colour; watching it for %1 s.").arg(m_options.monitorSeconds));
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
            if (!failure->isEmpty())
                restoreOldColour(*failure);
            else if (m_stepClock.elapsed() >= qint64(m_options.monitorSeconds) * 1000)
                scaleDown();
            else
                m_poll.start();
        });
}

void PromotionEngine::scaleDown()
{
    setStep(PromotionStep::ScalingDown);
    Q_EMIT progress(tr("The new colour held for %1 s; the old colour goes to 0 replicas in %2 s.")
                        .arg(m_options.monitorSeconds)
                        .arg(m_options.scaleDownDelaySeconds));
    QTimer::singleShot(m_options.scaleDownDelaySeconds * 1000, this, [this] {
        if (m_finished || m_rollingBack)
            return;
        scaleAll(activeNames(), QList<int>(m_plan.services.size(), 0), [this](bool ok, const QString &problem) {
            if (!ok)
                Q_EMIT progress(tr("The old colour could not be scaled down: %1").arg(problem));
            complete();
        });
    });
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
        const QJsonObject patch{
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("annotations"),
                          QJsonObject{{QStringLiteral("lucent.com/active-colour"), planned.standbyColour},
                                      {QStringLiteral("lucent.com/active-version"), imageVersion(planned.toImage)},
                                      {QStringLiteral("lucent.com/promotion-id"), m_plan.request.promotionId},
                                      {QStringLiteral("lucent.com/promoted-at"), now}}}}}};
        Kube::KubeReply *reply
            = m_client->patch(ResourceType::services(), m_plan.request.namespaceName, planned.service,
                              Kube::PatchType::Merge, QJsonDocument(patch).toJson(QJsonDocument::Compact));
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, pending, sentence, service = planned.service] {
            if (reply->error().isError())
                Q_EMIT progress(tr("service/%1 could not be annotated: %2").arg(service, reply->error().sentence()));
            if (--*pending == 0)
                finish(PromotionOutcome::Promoted, sentence);
        });
    }
}

bool PromotionEngine::beginRollBack(const QString &reason)
{
    if (m_rollingBack || m_finished)
        return false;
    m_rollingBack = true;
    setStep(PromotionStep::RollingBack);
    Q_EMIT progress(tr("Rolling back: %1").arg(reason));
    return true;
}

void PromotionEngine::rollBack(const QString &reason)
{
    if (!beginRollBack(reason))
        return;
    scaleAll(standbyNames(), QList<int>(m_plan.services.size(), 0), [this, reason](bool ok, const QString &problem) {
        finish(PromotionOutcome::RolledBack,
               ok ? tr("Rolled back: %1 No Service was switched; the new colour is scaled to 0.").arg(reason)
                  : tr("Rolled back: %1 No Service was switched, but the new colour could not be scaled down: %2")
                        .arg(reason, problem));
    });
}

void PromotionEngine::restoreOldColour(const QString &reason)
{
    if (!beginRollBack(reason))
        return;
    // The old colour takes the traffic back only once it is ready: scaled up first if it was
    // already scaled down.
    QList<int> replicas;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        replicas.append(planned.replicas);
    scaleAll(activeNames(), replicas, [this, reason](bool ok, const QString &problem) {
        if (!ok) {
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 The old colour could not be scaled back up (%2); the Services still serve the new colour.")
                       .arg(reason, problem));
            return;
        }
        auto waitOld = std::make_shared<std::function<void()>>();
        *waitOld = [this, reason, waitOld] {
            auto ready = std::make_shared<int>(0);
            forEachDeployment(
                activeNames(), [ready](const QJsonObject &d) { *ready += isRolledOut(d) ? 1 : 0; },
                [this, reason, ready, waitOld](bool) {
                    if (*ready == m_plan.services.size())
                        switchBack(m_switched - 1, reason, true);
                    else if (m_stepClock.elapsed() > qint64(m_options.readyTimeoutSeconds) * 1000)
                        finish(PromotionOutcome::Inconsistent,
                               tr("%1 The old colour did not become ready again; the Services still serve the new "
                                  "colour.")
                                   .arg(reason));
                    else
                        QTimer::singleShot(m_options.pollMs, this, [waitOld] { (*waitOld)(); });
                });
        };
        (*waitOld)();
    });
}

void PromotionEngine::scaleAll(const QStringList &deployments, const QList<int> &replicas, const Done &done)
{
    auto pending = std::make_shared<int>(int(deployments.size()));
    auto problems = std::make_shared<QStringList>();
    for (int i = 0; i < deployments.size(); ++i) {
        Kube::KubeReply *reply = m_client->scale(ResourceType::deployments(), m_plan.request.namespaceName,
                                                 deployments[i], replicas.value(i));
        connect(reply, &Kube::KubeReply::finished, this,
                [this, reply, name = deployments[i], count = replicas.value(i), pending, problems, done] {
                    const Kube::ApiError &error = reply->error();
                    // A standby that was never created has nothing to scale down.
                    const bool ok = !error.isError() || (error.isNotFound() && count == 0);
                    if (!error.isNotFound())
                        audit(QStringLiteral("scale"), QStringLiteral("deployment/") + name,
                              tr("to %1 replicas").arg(count), ok, error.message);
                    if (!ok)
                        problems->append(tr("deployment/%1: %2").arg(name, error.sentence()));
                    if (--*pending == 0)
                        done(problems->isEmpty(), problems->join(QLatin1Char(' ')));
                });
    }
}

void PromotionEngine::auditServices(const QString &verb, const QString &what, const QString &detail)
{
    for (const PlannedService &planned : std::as_const(m_plan.services))
        auditService(planned, verb, what, detail);
}

void PromotionEngine::auditService(const PlannedService &planned, const QString &verb, const QString &what,
                                   const QString &detail)
{
    if (!m_audit)
        return;
    m_audit->record(
        auditRecord(verb, QStringLiteral("service/") + planned.service,
                    tr("%1 (%2 to %3, %4)").arg(detail, planned.activeColour, planned.standbyColour, planned.toImage),
                    true, {}),
        Audit::EventSubject{
            QStringLiteral("v1"), QStringLiteral("Service"), m_plan.request.namespaceName, planned.service, {}},
        QStringLiteral("LucentPromotion") + what);
}

void PromotionEngine::audit(const QString &verb, const QString &object, const QString &detail, bool ok,
                            const QString &message)
{
    if (m_audit)
        m_audit->record(auditRecord(verb, object, detail, ok, message));
}

Audit::AuditRecord PromotionEngine::auditRecord(const QString &verb, const QString &object, const QString &detail,
                                                bool ok, const QString &message) const
{
    Audit::AuditRecord record;
    record.namespaceName = m_plan.request.namespaceName;
    record.verb = verb;
    record.object = object;
    record.detail = tr("promotion %1: %2").arg(m_plan.request.promotionId, detail);
    record.outcome = ok ? Audit::Outcome::Succeeded : Audit::Outcome::Failed;
    record.message = message;
    return record;
}

void PromotionEngine::finish(PromotionOutcome outcome, const QString &sentence)
{
    if (m_finished)
        return;
    m_finished = true;
    m_poll.stop();
    Q_EMIT progress(sentence);
    if (outcome == PromotionOutcome::Promoted)
        auditServices(QStringLiteral("promotion-succeeded"), QStringLiteral("Succeeded"), tr("succeeded"));
    else if (outcome == PromotionOutcome::RolledBack && m_rollingBack)
        auditServices(QStringLiteral("promotion-rolled-back"), QStringLiteral("RolledBack"), sentence);
    if (outcome == PromotionOutcome::LockHeld || outcome == PromotionOutcome::Forbidden || !m_lock->isHeld()) {
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
