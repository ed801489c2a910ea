// The rolling-back half of PromotionEngine: abort, and the ways back to the old colour, before
// and after the switch.

#include "core/release/promotionengine.h"

#include "core/kube/kubeclient.h"
#include "core/release/analysisrunner.h"
#include "core/release/promotionlock.h"
#include "core/release/promotiontransitions.h"
#include "core/release/rolloutsummary.h"
#include "core/release/serviceswitch.h"

#include <QTimer>

#include <memory>

namespace Lucent::Core::Release {

void PromotionEngine::abort(const QString &reason)
{
    if (m_finished || m_rollingBack)
        return;
    m_failure = reason; // what is under way sees it when it is answered
    if (abortAction(m_step) == AbortAction::RollBack)
        rollBack(reason);
}

bool PromotionEngine::beginRollBack(const QString &reason)
{
    if (m_rollingBack || m_finished)
        return false;
    m_rollingBack = true;
    m_failure = reason;
    m_awaitingSwitch = false;
    m_awaitingDecision = false;
    m_poll.stop();
    if (m_monitorAnalysis)
        m_monitorAnalysis->cancel();
    m_step = PromotionStep::RollingBack;
    m_stepClock.restart();
    Q_EMIT stepChanged(m_step);
    Q_EMIT progress(tr("Rolling back: %1").arg(reason));
    return true;
}

void PromotionEngine::rollBack(const QString &reason)
{
    if (!beginRollBack(reason))
        return;
    // The decision is in the cluster's journal before the first write that serves it, so that a
    // kill from here on is resumed as a rollback.
    journal([this, reason](bool journalled) {
        if (m_finished)
            return;
        if (!journalled && !m_lock->isHeld()) {
            // Taken over (this process was stopped past its Lease, say): the promotion is the new
            // holder's now, and nothing more is this process's to change.
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 This console no longer holds the promotion lock of %2: another one took it over, and "
                      "nothing more was changed from here. See 'lucent-console promotion status --env %3'.")
                       .arg(reason, m_plan.request.namespaceName, m_plan.request.environment));
            return;
        }
        if (!journalled) {
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 The rollback could not be written to the promotion's journal, so nothing was rolled back. "
                      "Run 'lucent-console promotion abort --env %2' once the cluster answers.")
                       .arg(reason, m_plan.request.environment));
            return;
        }
        observe(
            [this, reason](const ReleaseObservation &now) {
                if (!now.problem.isEmpty()) {
                    stopRefused(tr("Refused to roll back: %1.").arg(now.problem));
                    return;
                }
                for (int i = 0; i < m_plan.services.size(); ++i) {
                    const PlannedService &planned = m_plan.services[i];
                    const ObservedService service = now.services.value(planned.service);
                    m_onNewColour[i] = service.exists && service.colour == planned.standbyColour;
                    m_serviceVersions[i] = service.resourceVersion;
                }
                if (switchedCount() > 0)
                    restoreOldColour(reason);
                else
                    scaleStandbyDown(reason, tr("No Service selects the new colour"));
            },
            true);
    });
}

void PromotionEngine::restoreOldColour(const QString &reason)
{
    // The old colour takes the traffic back only once it is ready: scaled up first if it was
    // already scaled down.
    QList<int> replicas;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        replicas.append(planned.replicas);
    Q_EMIT progress(tr("%1 of %2 Services select the new colour now: the old colour comes back first.")
                        .arg(switchedCount())
                        .arg(m_plan.services.size()));
    scaleGuarded(scaleWrites(false, replicas), [this, reason](WriteResult result, const QString &problem) {
        if (result == WriteResult::Refused) {
            stopRefused(problem);
            return;
        }
        if (result == WriteResult::Failed) {
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
                    if (m_finished)
                        return;
                    if (*ready == m_plan.services.size())
                        switchBack(int(m_plan.services.size()) - 1, reason);
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

void PromotionEngine::switchBack(int index, const QString &reason)
{
    while (index >= 0 && !m_onNewColour[index])
        --index;
    if (index < 0) {
        Q_EMIT progress(tr("Every Service serves its old colour again."));
        scaleStandbyDown(reason, tr("Every Service serves its old colour"));
        return;
    }
    const PlannedService planned = m_plan.services[index];
    switchGuarded(
        index, true, [this, index, planned, reason](WriteResult result, bool switched, const QString &sentence) {
            Q_EMIT progress(sentence);
            if (switched)
                journal();
            if (m_finished)
                return;
            if (result == WriteResult::Refused) {
                stopRefused(tr("%1 %2").arg(reason, sentence));
                return;
            }
            if (result == WriteResult::Failed) {
                finish(PromotionOutcome::Inconsistent,
                       tr("%1 Switching back failed: %2 Restore it by hand: kubectl -n %3 patch service %4 -p "
                          "'{\"spec\":{\"selector\":{\"color\":\"%5\"}}}', or run 'lucent-console promotion "
                          "abort --env %6'.")
                           .arg(reason, sentence, m_plan.request.namespaceName, planned.service, planned.activeColour,
                                m_plan.request.environment));
                return;
            }
            m_onNewColour[index] = false;
            switchBack(index - 1, reason);
        });
}

void PromotionEngine::keepMeasurements(const QList<MetricRun> &runs, bool monitor)
{
    m_measurements.clear();
    for (const MetricRun &run : runs)
        m_measurements.append(monitor ? tr("Serving: %1").arg(run.sentence()) : tr("Standby: %1").arg(run.sentence()));
}

void PromotionEngine::keepEvidence(const std::function<void()> &then)
{
    QStringList services;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        services.append(planned.service);
    const QString colour = m_plan.services.isEmpty() ? QString() : m_plan.services.constFirst().standbyColour;
    auto *collector = new EvidenceCollector(m_client, m_plan.request.namespaceName, this);
    Q_EMIT progress(tr("Keeping the %1 colour's logs and events before it is scaled to 0.").arg(colour));
    collector->collect(services, colour, standbyNames(), [this, collector, then](const FailureEvidence &evidence) {
        collector->deleteLater();
        m_evidence = evidence;
        m_evidence.measurements = m_measurements;
        if (!m_evidence.logs.isEmpty() || !m_evidence.events.isEmpty())
            Q_EMIT progress(m_evidence.summary().section(QLatin1Char('\n'), 0, 0));
        // Journalled before the scale-down: a kill during it still leaves the evidence behind.
        journal([then](bool) { then(); });
    });
}

void PromotionEngine::scaleStandbyDown(const QString &reason, const QString &serving)
{
    if (m_evidence.collected.isEmpty() && !m_finished) {
        keepEvidence([this, reason, serving] {
            if (!m_finished)
                scaleStandbyDown(reason, serving);
        });
        return;
    }
    scaleGuarded(scaleWrites(true, QList<int>(m_plan.services.size(), 0)),
                 [this, reason, serving](WriteResult result, const QString &problem) {
                     if (result == WriteResult::Refused)
                         stopRefused(tr("%1 %2, but: %3").arg(reason, serving, problem));
                     else if (result == WriteResult::Failed)
                         finish(PromotionOutcome::RolledBack,
                                tr("Rolled back: %1 %2, but the new colour could not be scaled down: %3")
                                    .arg(reason, serving, problem));
                     else
                         finish(PromotionOutcome::RolledBack,
                                tr("Rolled back: %1 %2, and the new colour is scaled to 0.").arg(reason, serving));
                 });
}

} // namespace Lucent::Core::Release
