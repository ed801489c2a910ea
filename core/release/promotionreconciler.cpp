// The reconciling half of PromotionEngine: past the verification, and for every rollback, the run
// is a loop of passes. Each reads the release, asks nextAction() what the journalled intent needs
// next on what was read, and takes that one action; every write goes through the safety check of
// promotionwrites.cpp against a read made just before it.

#include "core/release/promotionengine.h"

#include "core/release/promotionlock.h"

#include <QTimer>

namespace Lucent::Core::Release {

namespace {
/// Writes refused in a row before the run stops: the pass decided on one read and the write's own
/// read refused it, so the cluster moved in between (a pod deleted, say); the next pass judges
/// again. The same refusal every time is no transient.
constexpr int MaxRefusedInARow = 3;
} // namespace

void PromotionEngine::reconcile()
{
    // One pass at a time; one asked for meanwhile follows it. None acts on an intent that is not
    // in the cluster's journal yet: the journal write's answer starts the next pass.
    if (m_finished || !m_intentConfirmed)
        return;
    if (m_passRunning) {
        m_passAgain = true;
        return;
    }
    m_passRunning = true;
    m_nextPass.stop();
    observe(
        [this](const ReleaseObservation &now) {
            if (m_finished) {
                m_passRunning = false;
                return;
            }
            if (now.problem.isEmpty())
                m_onNewCount = servicesOnNewColour(m_plan, now);
            if (m_intent.rollsBack() && m_onNewCount > 0 && !std::exchange(m_sawNewColourServing, true))
                Q_EMIT progress(tr("%1 of %2 Services select the new colour now: the old colour comes back first.")
                                    .arg(m_onNewCount)
                                    .arg(m_plan.services.size()));
            act(nextAction(m_intent, m_plan, now, lockHolder()));
        },
        true);
}

void PromotionEngine::passEnded(Next next)
{
    m_passRunning = false;
    if (m_finished)
        return;
    if (std::exchange(m_passAgain, false) || next == Next::Now)
        reconcile();
    else if (next == Next::Poll)
        m_nextPass.start();
}

void PromotionEngine::act(const ReconcileAction &action)
{
    if (action.step != ReconcileStep::WaitForNewColour && action.step != ReconcileStep::WaitForOldColour)
        m_waitingFor = ReconcileStep::Stop;
    switch (action.step) {
    case ReconcileStep::Verify:
        passEnded(Next::Handed);
        deploy(); // the verification ends in startSwitch(), which journals it and reconciles
        return;
    case ReconcileStep::WaitForNewColour:
    case ReconcileStep::WaitForOldColour: waitFor(action); return;
    case ReconcileStep::Switch: switchOne(action.services.constFirst(), false); return;
    case ReconcileStep::SwitchBack: switchOne(action.services.constFirst(), true); return;
    case ReconcileStep::AdoptOldColour: adoptOne(action.services.constFirst()); return;
    case ReconcileStep::Monitor:
        passEnded(Next::Handed);
        if (m_step != PromotionStep::Monitoring)
            monitor(); // it ends in monitorHeld() or a rollback, each of which reconciles
        return;
    case ReconcileStep::ScaleOldDown:
    case ReconcileStep::RestoreOldColour:
    case ReconcileStep::ScaleNewDown: scaleColour(action); return;
    case ReconcileStep::Promoted:
        passEnded(Next::Handed);
        complete();
        return;
    case ReconcileStep::RolledBack:
        passEnded(Next::Handed);
        rolledBack();
        return;
    case ReconcileStep::GiveUp:
        passEnded(Next::Handed);
        rollBack(action.sentence);
        return;
    case ReconcileStep::Stop:
        passEnded(Next::Handed);
        stopOn(action.sentence);
        return;
    }
}

void PromotionEngine::stopOn(const QString &sentence)
{
    if (m_mode == PromotionMode::Fresh && !m_verifyBegun) // this run has written nothing yet
        finish(PromotionOutcome::RolledBack, tr("Stopped before any change: %1").arg(sentence));
    else
        stopRefused(sentence);
}

void PromotionEngine::waitFor(const ReconcileAction &action)
{
    if (m_waitingFor != action.step) {
        m_waitingFor = action.step;
        m_waitClock.restart();
        Q_EMIT progress(tr("Waiting: %1").arg(action.sentence));
    }
    if (m_waitClock.elapsed() <= qint64(m_options.readyTimeoutSeconds) * 1000) {
        passEnded(Next::Poll);
        return;
    }
    passEnded(Next::Handed);
    if (action.step == ReconcileStep::WaitForNewColour)
        rollBack(tr("The new colour was not ready again within %1 s: %2")
                     .arg(m_options.readyTimeoutSeconds)
                     .arg(action.sentence));
    else
        finish(PromotionOutcome::Inconsistent,
               tr("%1 The old colour did not become ready again within %2 s, so nothing was switched back to it: %3")
                   .arg(m_failure)
                   .arg(m_options.readyTimeoutSeconds)
                   .arg(action.sentence));
}

void PromotionEngine::switchOne(int index, bool back)
{
    const PlannedService planned = m_plan.services[index];
    switchGuarded(index, back, [this, planned, back](WriteResult result, bool switched, const QString &sentence) {
        Q_EMIT progress(sentence);
        if (result == WriteResult::Written && !back)
            m_audit.service(planned, QStringLiteral("promotion-switched"), QStringLiteral("Switched"), sentence);
        if (switched) {
            m_onNewCount += back ? -1 : 1;
            journal();
        }
        if (m_finished) { // the lock was lost meanwhile: no further write
            passEnded(Next::Handed);
            return;
        }
        if (result == WriteResult::Written) {
            m_refusedInARow = 0;
            passEnded(Next::Now);
        } else if (result == WriteResult::Refused && ++m_refusedInARow < MaxRefusedInARow) {
            passEnded(Next::Now); // the cluster changed between the pass's read and the write's: judge again
        } else if (result == WriteResult::Refused) {
            passEnded(Next::Handed);
            stopRefused(back ? tr("%1 %2").arg(m_failure, sentence) : sentence);
        } else if (!back) {
            passEnded(Next::Handed);
            rollBack(sentence); // the next pass reads which Services were switched, and switches them back
        } else {
            passEnded(Next::Handed);
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 Switching back failed: %2 Restore it by hand: kubectl -n %3 patch service %4 -p "
                      "'{\"spec\":{\"selector\":{\"color\":\"%5\"}}}', or run 'lucent-console promotion abort "
                      "--env %6'.")
                       .arg(m_failure, sentence, m_plan.request.namespaceName, planned.service, planned.activeColour,
                            m_plan.request.environment));
        }
    });
}

void PromotionEngine::adoptOne(int index)
{
    const PlannedService planned = m_plan.services[index];
    observe([this, planned](const ReleaseObservation &now) {
        const GuardedWrite write{GuardedWrite::Kind::Adopt, planned.service, planned.activeColour, {}, 0};
        if (const QString refusal
            = m_finished ? tr("the promotion has already ended.") : writeRefusal(write, now, lockHolder());
            !refusal.isEmpty()) {
            if (!m_finished && ++m_refusedInARow < MaxRefusedInARow) {
                passEnded(Next::Now); // judged again on the next pass's read
                return;
            }
            passEnded(Next::Handed);
            if (!m_finished)
                stopRefused(tr("%1 %2").arg(m_failure, refusal));
            return;
        }
        adoptWrites({write}, now, [this](const QString &problem) {
            if (m_finished) {
                passEnded(Next::Handed);
                return;
            }
            if (problem.isEmpty()) {
                m_refusedInARow = 0;
                passEnded(Next::Now);
                return;
            }
            passEnded(Next::Handed);
            stopRefused(tr("%1 %2").arg(m_failure, problem));
        });
    });
}

void PromotionEngine::scaleColour(const ReconcileAction &action)
{
    const bool standby = action.step == ReconcileStep::ScaleNewDown;
    if (standby && m_evidence.collected.isEmpty()) {
        // What the failed colour said is kept before its pods go; the pass after reads again.
        keepEvidence([this] { passEnded(Next::Now); });
        return;
    }
    if (action.step == ReconcileStep::ScaleOldDown && m_step != PromotionStep::ScalingDown)
        setStep(PromotionStep::ScalingDown);
    QList<GuardedWrite> writes;
    for (const int i : action.services)
        writes.append(
            scaleWrite(i, standby, action.step == ReconcileStep::RestoreOldColour ? m_plan.services[i].replicas : 0));
    scaleGuarded(writes, [this, step = action.step](WriteResult result, const QString &problem) {
        if (m_finished) {
            passEnded(Next::Handed);
            return;
        }
        if (result == WriteResult::Written) {
            m_refusedInARow = 0;
            passEnded(Next::Now);
            return;
        }
        if (result == WriteResult::Refused && ++m_refusedInARow < MaxRefusedInARow) {
            passEnded(Next::Now); // the cluster changed between the pass's read and the write's: judge again
            return;
        }
        passEnded(Next::Handed);
        if (result == WriteResult::Refused) {
            stopRefused(step == ReconcileStep::ScaleOldDown ? problem : tr("%1 %2").arg(m_failure, problem));
        } else if (step == ReconcileStep::ScaleOldDown) {
            Q_EMIT progress(tr("The old colour could not be scaled down: %1").arg(problem));
            complete();
        } else if (step == ReconcileStep::RestoreOldColour) {
            finish(PromotionOutcome::Inconsistent,
                   tr("%1 The old colour could not be scaled back up (%2); the Services still serve the new colour.")
                       .arg(m_failure, problem));
        } else {
            finish(PromotionOutcome::RolledBack,
                   tr("Rolled back: %1 %2, but the new colour could not be scaled down: %3")
                       .arg(m_failure,
                            m_sawNewColourServing ? tr("Every Service serves its old colour")
                                                  : tr("No Service selects the new colour"),
                            problem));
        }
    });
}

void PromotionEngine::rolledBack()
{
    const QString serving
        = m_sawNewColourServing ? tr("Every Service serves its old colour") : tr("No Service selects the new colour");
    if (m_sawNewColourServing)
        Q_EMIT progress(tr("Every Service serves its old colour again."));
    finish(PromotionOutcome::RolledBack,
           tr("Rolled back: %1 %2, and the new colour is scaled to 0.").arg(m_failure, serving));
}

} // namespace Lucent::Core::Release
