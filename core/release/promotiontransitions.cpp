#include "core/release/promotiontransitions.h"

namespace Lucent::Core::Release {

LockedAction lockedAction(PromotionMode mode, PromotionStep journalled, int switched, int services, bool aborted)
{
    if (mode == PromotionMode::Fresh)
        return aborted ? LockedAction::AbortBeforeChange : LockedAction::Deploy;
    // Ctrl+C while a resume waited for the lock rolls the interrupted promotion back, as an abort.
    const bool rollingBack = mode == PromotionMode::Abort || aborted || journalled == PromotionStep::RollingBack;
    if (rollingBack)
        return LockedAction::RollBack;
    if (journalled < PromotionStep::Switching && switched == 0)
        return LockedAction::Deploy;
    if (journalled == PromotionStep::Done && switched == services)
        return LockedAction::Complete;
    return LockedAction::VerifyThenSwitch;
}

AbortAction abortAction(PromotionStep step)
{
    switch (step) {
    case PromotionStep::CheckingAccess:
    case PromotionStep::Locking:
    case PromotionStep::Deploying:
    case PromotionStep::Switching: return AbortAction::Later;
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
