// The rolling-back half of PromotionEngine: abort, the change of intent, and what the failed
// colour said, kept before it goes to 0. The way back itself is the reconciler's
// (promotionreconciler.cpp).

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
    // The new intent is in the cluster's journal before the first write that serves it, so that
    // a kill from here on is resumed as a rollback; no pass acts on it until then.
    m_intent.goal = PromotionIntent::Goal::RollBack;
    m_intent.reason = reason;
    m_intentConfirmed = false;
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
        m_intentConfirmed = true;
        reconcile();
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

} // namespace Lucent::Core::Release
