#pragma once

#include "core/release/promotionjournal.h"
#include "core/release/promotionplan.h"
#include "core/release/writesafety.h"

#include <QList>
#include <QString>

// The promotion engine's reconciler, as a pure function, the way Kubernetes controllers are
// built: from the journalled intent and the cluster as read now (never from what the engine
// remembers), the one next action towards the intended end. The engine runs one pass at a time:
// read, decide, act, read again. Every action is idempotent, so a pass killed anywhere is simply
// run again by `promotion resume` or `abort` from another process.
namespace Lucent::Core::Release {

enum class ReconcileStep {
    // Towards "promoted".
    Verify, ///< the standby deployed and checked (ready, health, previews, smoke test, analysis, gate)
    WaitForNewColour, ///< a Service is to switch, or the old colour to go, but the new colour is not ready
    Switch, ///< service `services[0]` onto the new colour
    Monitor, ///< every Service on the new colour: watch it for the monitor window
    ScaleOldDown, ///< the old colour of `services` to 0
    Promoted, ///< nothing left: annotate the Services and end
    /// The new colour is no longer what was verified (scaled below its replicas or removed outside
    /// the promotion): waiting cannot bring it back, so the intent must turn to a rollback.
    GiveUp,
    // Towards "rolled back".
    RestoreOldColour, ///< the old colour of `services` back to its replicas
    /// service `services[0]` selects no colour (never adopted, or edited) while only the old
    /// colour runs pods: select the old colour, so that it ends on one colour
    AdoptOldColour,
    WaitForOldColour, ///< a Service selects the new colour, but the old one is not ready to take it back
    SwitchBack, ///< service `services[0]` back onto the old colour
    ScaleNewDown, ///< the new colour of `services` to 0 (its logs and events kept first)
    RolledBack, ///< nothing left: end
    /// What was read fits neither end (a Service gone or on a third colour, the lock not ours, a
    /// read that failed): nothing more is written; the sentence says what and why.
    Stop,
};

/// "verify", "switch", "roll-back-done", ...: for progress lines and tests.
QString reconcileStepName(ReconcileStep step);

struct ReconcileAction {
    ReconcileStep step = ReconcileStep::Stop;
    QList<int> services; ///< indexes into the plan's services that the action writes
    QString sentence; ///< what is awaited, or why it stops
};

/// The next action for @p plan towards @p intent, on @p now, for the process @p holder. A write
/// it returns (Switch, SwitchBack, the scales) always passes writeRefusal() on @p now; whatever
/// would not is a wait or a stop.
ReconcileAction nextAction(const PromotionIntent &intent, const PromotionPlan &plan, const ReleaseObservation &now,
                           const LockHolder &holder);

/// How many of @p plan's Services select the new colour in @p now.
int servicesOnNewColour(const PromotionPlan &plan, const ReleaseObservation &now);

} // namespace Lucent::Core::Release
