#include "core/release/promotionreconcile.h"

#include <QCoreApplication>

namespace Lucent::Core::Release {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::Reconcile", text);
}

ReconcileAction action(ReconcileStep step, QList<int> services = {}, QString sentence = {})
{
    return {step, std::move(services), std::move(sentence)};
}

GuardedWrite selectWrite(const PlannedService &planned, const QString &colour)
{
    return {GuardedWrite::Kind::Select, planned.service, colour, {}, planned.replicas};
}

/// Why @p planned's Service fits neither end of the promotion as read now; empty when it selects
/// its old or its new colour.
QString misfit(const PlannedService &planned, const ObservedService &service)
{
    if (!service.exists)
        return tr("service/%1 does not exist now.").arg(planned.service);
    // Not adopted yet (a run stopped before its adoption): while the new colour runs no pod, all
    // it selects is the old colour's, as if it selected that.
    if (service.colour.isEmpty() && service.colours.value(planned.standbyColour).replicas == 0)
        return {};
    if (service.colour.isEmpty())
        return tr("service/%1 no longer selects by colour; it was edited outside the promotion.").arg(planned.service);
    if (service.colour != planned.activeColour && service.colour != planned.standbyColour)
        return tr("service/%1 selects the colour '%2' now, neither the old (%3) nor the new (%4) one.")
            .arg(planned.service, service.colour, planned.activeColour, planned.standbyColour);
    return {};
}

/// The services whose Deployment of @p colour is not at @p target(i) replicas; each such scale
/// judged by writeRefusal(), whose first refusal goes to @p refusal.
template<typename Target>
QList<int> scalesNeeded(const PromotionPlan &plan, const ReleaseObservation &now, const LockHolder &holder,
                        bool standby, Target target, QString *refusal)
{
    QList<int> needed;
    for (int i = 0; i < plan.services.size(); ++i) {
        const PlannedService &planned = plan.services[i];
        const QString colour = standby ? planned.standbyColour : planned.activeColour;
        const ObservedColour observed = now.services.value(planned.service).colours.value(colour);
        const int replicas = target(planned, observed);
        if (replicas < 0 || (observed.deployments.isEmpty() && replicas == 0) || observed.replicas == replicas)
            continue;
        const GuardedWrite write{GuardedWrite::Kind::Scale, planned.service, colour,
                                 standby ? planned.standbyDeployment : planned.activeDeployment, replicas};
        if (const QString why = writeRefusal(write, now, holder); !why.isEmpty() && refusal->isEmpty())
            *refusal = why;
        needed.append(i);
    }
    return needed;
}

/// Why @p planned's new colour is not the one that was verified any more; empty when it may still
/// become ready (it has its replicas, some perhaps not ready yet).
QString goneSinceVerified(const PlannedService &planned, const ObservedService &service)
{
    const ObservedColour colour = service.colours.value(planned.standbyColour);
    if (colour.deployments.isEmpty())
        return tr("No Deployment labelled app=%1, color=%2 exists now: the verified new colour was removed outside "
                  "the promotion.")
            .arg(planned.service, planned.standbyColour);
    if (colour.replicas < planned.replicas)
        return tr("deployment/%1 has %2 replicas now, not the %3 that were verified: it was scaled outside the "
                  "promotion.")
            .arg(colour.deployments.constFirst())
            .arg(colour.replicas)
            .arg(planned.replicas);
    return {};
}

ReconcileAction towardsPromoted(const PromotionIntent &intent, const PromotionPlan &plan, const ReleaseObservation &now,
                                const LockHolder &holder)
{
    if (!intent.verified)
        return action(ReconcileStep::Verify);
    for (int i = 0; i < plan.services.size(); ++i) {
        const QString why = goneSinceVerified(plan.services[i], now.services.value(plan.services[i].service));
        if (!why.isEmpty())
            return action(ReconcileStep::GiveUp, {i}, why);
    }
    QString notReady;
    for (int i = 0; i < plan.services.size(); ++i) {
        const PlannedService &planned = plan.services[i];
        const QString why = writeRefusal(selectWrite(planned, planned.standbyColour), now, holder);
        if (now.services.value(planned.service).colour == planned.activeColour) {
            // One Service at a time, in the plan's order: each switch is verified before the next.
            return why.isEmpty() ? action(ReconcileStep::Switch, {i})
                                 : action(ReconcileStep::WaitForNewColour, {i}, why);
        }
        if (notReady.isEmpty() && !why.isEmpty())
            notReady = why;
    }
    if (!intent.monitored)
        return action(ReconcileStep::Monitor); // the window itself judges the new colour's readiness
    if (!notReady.isEmpty())
        return action(ReconcileStep::WaitForNewColour, {}, notReady); // never remove the way back under it
    QString refusal;
    const QList<int> down = scalesNeeded(
        plan, now, holder, false, [](const PlannedService &, const ObservedColour &) { return 0; }, &refusal);
    if (!refusal.isEmpty())
        return action(ReconcileStep::Stop, down, refusal);
    return down.isEmpty() ? action(ReconcileStep::Promoted) : action(ReconcileStep::ScaleOldDown, down);
}

ReconcileAction towardsRolledBack(const PromotionPlan &plan, const ReleaseObservation &now, const LockHolder &holder)
{
    // The old colour back to its planned replicas first (never down: more is a person's choice).
    QString refusal;
    const QList<int> up = scalesNeeded(
        plan, now, holder, false,
        [](const PlannedService &planned, const ObservedColour &observed) {
            return observed.replicas < planned.replicas ? planned.replicas : -1;
        },
        &refusal);
    if (!refusal.isEmpty())
        return action(ReconcileStep::Stop, up, refusal);
    if (!up.isEmpty())
        return action(ReconcileStep::RestoreOldColour, up);
    for (int i = 0; i < plan.services.size(); ++i) {
        const PlannedService &planned = plan.services[i];
        if (!now.services.value(planned.service).colour.isEmpty())
            continue;
        const GuardedWrite adopt{GuardedWrite::Kind::Adopt, planned.service, planned.activeColour, {}, 0};
        const QString why = writeRefusal(adopt, now, holder);
        return why.isEmpty() ? action(ReconcileStep::AdoptOldColour, {i})
                             : action(ReconcileStep::WaitForOldColour, {i}, why);
    }
    // Then, from the last Service down, each one on the new colour back once the old is ready.
    for (int i = int(plan.services.size()) - 1; i >= 0; --i) {
        const PlannedService &planned = plan.services[i];
        if (now.services.value(planned.service).colour != planned.standbyColour)
            continue;
        const QString why = writeRefusal(selectWrite(planned, planned.activeColour), now, holder);
        return why.isEmpty() ? action(ReconcileStep::SwitchBack, {i})
                             : action(ReconcileStep::WaitForOldColour, {i}, why);
    }
    const QList<int> down = scalesNeeded(
        plan, now, holder, true, [](const PlannedService &, const ObservedColour &) { return 0; }, &refusal);
    if (!refusal.isEmpty())
        return action(ReconcileStep::Stop, down, refusal);
    return down.isEmpty() ? action(ReconcileStep::RolledBack) : action(ReconcileStep::ScaleNewDown, down);
}

} // namespace

QString reconcileStepName(ReconcileStep step)
{
    switch (step) {
    case ReconcileStep::Verify: return QStringLiteral("verify");
    case ReconcileStep::WaitForNewColour: return QStringLiteral("wait-for-new-colour");
    case ReconcileStep::Switch: return QStringLiteral("switch");
    case ReconcileStep::Monitor: return QStringLiteral("monitor");
    case ReconcileStep::ScaleOldDown: return QStringLiteral("scale-old-down");
    case ReconcileStep::Promoted: return QStringLiteral("promoted");
    case ReconcileStep::GiveUp: return QStringLiteral("give-up");
    case ReconcileStep::RestoreOldColour: return QStringLiteral("restore-old-colour");
    case ReconcileStep::AdoptOldColour: return QStringLiteral("adopt-old-colour");
    case ReconcileStep::WaitForOldColour: return QStringLiteral("wait-for-old-colour");
    case ReconcileStep::SwitchBack: return QStringLiteral("switch-back");
    case ReconcileStep::ScaleNewDown: return QStringLiteral("scale-new-down");
    case ReconcileStep::RolledBack: return QStringLiteral("rolled-back");
    case ReconcileStep::Stop: return QStringLiteral("stop");
    }
    return {};
}

ReconcileAction nextAction(const PromotionIntent &intent, const PromotionPlan &plan, const ReleaseObservation &now,
                           const LockHolder &holder)
{
    if (const QString problem = lockRefusal(now, holder); !problem.isEmpty())
        return action(ReconcileStep::Stop, {}, tr("Refused to go on: %1").arg(problem));
    for (const PlannedService &planned : plan.services) {
        if (const QString why = misfit(planned, now.services.value(planned.service)); !why.isEmpty())
            return action(ReconcileStep::Stop, {}, why);
    }
    return intent.rollsBack() ? towardsRolledBack(plan, now, holder) : towardsPromoted(intent, plan, now, holder);
}

int servicesOnNewColour(const PromotionPlan &plan, const ReleaseObservation &now)
{
    int count = 0;
    for (const PlannedService &planned : plan.services)
        count += now.services.value(planned.service).colour == planned.standbyColour ? 1 : 0;
    return count;
}

} // namespace Lucent::Core::Release
