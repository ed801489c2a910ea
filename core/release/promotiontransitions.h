#pragma once

#include "core/release/promotionjournal.h"

// The promotion engine's decisions at its two branching points, as pure functions: what it does
// once it holds the lock (a fresh, resumed or aborted promotion), and what abort() does at each
// step. Unit-tested for every step and mode without a server.
namespace Lucent::Core::Release {

/// How a PromotionEngine was started.
enum class PromotionMode {
    Fresh, ///< start()
    Resume, ///< resume(): an interrupted promotion, from its journal
    Abort, ///< abortInterrupted(): an interrupted promotion, rolled back
};

enum class LockedAction {
    AbortBeforeChange, ///< aborted while the lock was being taken: nothing was changed
    Deploy, ///< from the start: a fresh promotion, or one resumed before its switch
    VerifyThenSwitch, ///< resumed from the switch on: ready and healthy, then the rest of the switch
    Complete, ///< resumed at done with every Service switched: annotate and release
    RollBackStandby, ///< rolled back before any Service switched: the standby to 0
    RestoreOldColour, ///< rolled back with Services switched: old colour up and ready, switch back
};

/// @p journalled: the step the journal says; @p switched: Services on the new colour now;
/// @p aborted: abort() was called while the lock was being taken.
LockedAction lockedAction(PromotionMode mode, PromotionStep journalled, int switched, int services, bool aborted);

enum class AbortAction {
    Later, ///< nothing changed yet, or writes under way: acted on when they are answered
    RollBackStandby, ///< before the switch
    RestoreOldColour, ///< after it
    Ignored, ///< done, or already rolling back
};

AbortAction abortAction(PromotionStep step);

} // namespace Lucent::Core::Release
