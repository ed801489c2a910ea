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
    /// The reconciler, from the intent and what it reads: a fresh promotion, or one resumed before
    /// its verification, verifies from the deploy on; one resumed after its monitor window
    /// finishes the scale-down.
    Reconcile,
    /// Resumed after its verification, before the monitor window held: the standby checked ready
    /// and healthy again (nobody watched it meanwhile), then the reconciler.
    VerifyThenSwitch,
    /// Rolled back: the intent changed (journalled first), then the reconciler, which reads which
    /// colour each Service selects before it acts, never taking it from the journal or memory.
    RollBack,
};

/// @p intent: as journalled (a fresh promotion's is promote, unverified); @p aborted: abort() was
/// called while the lock was being taken.
LockedAction lockedAction(PromotionMode mode, const PromotionIntent &intent, bool aborted);

enum class AbortAction {
    Later, ///< nothing changed yet, or the deploy's writes under way: acted on when they are answered
    /// The intent turns to a rollback at once (journalled first); a reconciler pass in flight ends
    /// its one write, and the next pass reads which colour each Service selects before it acts, so
    /// it is the same before, during and after the switch.
    RollBack,
    Ignored, ///< done, or already rolling back
};

AbortAction abortAction(PromotionStep step);

} // namespace Lucent::Core::Release
