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
    /// Rolled back: which colour each Service selects is read first, never taken from the journal
    /// or from memory; then the old colour up and ready, what selects the new colour switched back,
    /// and the new colour to 0.
    RollBack,
};

/// @p journalled: the step the journal says; @p switched: Services on the new colour as read when
/// the resume began (it picks between resuming and completing; a rollback reads again);
/// @p aborted: abort() was called while the lock was being taken.
LockedAction lockedAction(PromotionMode mode, PromotionStep journalled, int switched, int services, bool aborted);

enum class AbortAction {
    Later, ///< nothing changed yet, or writes under way: acted on when they are answered
    /// From any step where no write is in flight: the rollback reads which colour each Service
    /// selects before it acts, so it is the same before, during and after the switch.
    RollBack,
    Ignored, ///< done, or already rolling back
};

AbortAction abortAction(PromotionStep step);

} // namespace Lucent::Core::Release
