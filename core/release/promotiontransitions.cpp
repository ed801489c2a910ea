#include "core/release/promotiontransitions.h"

namespace Lucent::Core::Release {

LockedAction lockedAction(PromotionMode mode, const PromotionIntent &intent, bool aborted)
{
    if (mode == PromotionMode::Fresh)
        return aborted ? LockedAction::AbortBeforeChange : LockedAction::Reconcile;
    // Ctrl+C while a resume waited for the lock rolls the interrupted promotion back, as an abort.
    if (mode == PromotionMode::Abort || aborted || intent.rollsBack())
        return LockedAction::RollBack;
    if (intent.verified && !intent.monitored)
        return LockedAction::VerifyThenSwitch;
    return LockedAction::Reconcile;
}

AbortAction abortAction(PromotionStep step)
{
    switch (step) {
    case PromotionStep::CheckingAccess:
    case PromotionStep::Locking:
    case PromotionStep::Deploying: return AbortAction::Later;
    case PromotionStep::Switching: // the reconciler: a write in flight is answered before the next pass
    case PromotionStep::WaitingReady:
    case PromotionStep::CheckingHealth:
    case PromotionStep::Analysing:
    case PromotionStep::Monitoring:
    case PromotionStep::ScalingDown: return AbortAction::RollBack;
    case PromotionStep::Done:
    case PromotionStep::RollingBack: return AbortAction::Ignored;
    }
    return AbortAction::Ignored;
}

} // namespace Lucent::Core::Release
