// The writing half of PromotionEngine: every write to a Service's selector or a Deployment's
// replicas is checked by writeRefusal() against the cluster as read just before it.

#include "core/release/promotionengine.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/release/promotionlock.h"
#include "core/release/serviceswitch.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>

namespace Lucent::Core::Release {

namespace {
/// Conflicts in a row before a scale gives up: each one means the Deployment changed between the
/// read and the write (its controller writes status often), so it is read and judged again.
constexpr int MaxScaleAttempts = 5;
} // namespace

void PromotionEngine::adoptThenDeploy(const ReleaseObservation &now)
{
    QList<GuardedWrite> adoptions;
    for (const PlannedService &planned : std::as_const(m_plan.services)) {
        const ObservedService service = now.services.value(planned.service);
        if (!service.exists || !service.colour.isEmpty())
            continue; // selects by colour already (or is gone: the deploy's checks say so)
        const GuardedWrite write{GuardedWrite::Kind::Adopt, planned.service, planned.activeColour, {}, 0};
        if (const QString refusal = writeRefusal(write, now, lockHolder()); !refusal.isEmpty()) {
            stopOn(refusal);
            return;
        }
        adoptions.append(write);
    }
    if (m_mode == PromotionMode::Fresh && !m_verifyBegun)
        m_audit.services(m_plan.services, QStringLiteral("promotion-started"), QStringLiteral("Started"),
                         tr("started"));
    m_verifyBegun = true;
    if (adoptions.isEmpty()) {
        deployAll(); // in the handler of the read that judged the lock, as every write
        return;
    }
    adoptWrites(adoptions, now, [this](const QString &problem) {
        if (m_finished || m_rollingBack)
            return;
        if (!problem.isEmpty()) {
            rollBack(problem);
            return;
        }
        // The adoption's answer may come long after the read that judged it (this process
        // stopped, taken over meanwhile): the deploy is fenced by a read of its own.
        observe([this](const ReleaseObservation &after) {
            if (m_finished || m_rollingBack)
                return;
            if (const QString refusal = lockRefusal(after, lockHolder()); !refusal.isEmpty())
                stopOn(tr("Refused to deploy the standby colour: %1").arg(refusal));
            else
                adoptThenDeploy(after);
        });
    });
}

void PromotionEngine::adoptWrites(const QList<GuardedWrite> &writes, const ReleaseObservation &now,
                                  const std::function<void(const QString &problem)> &done)
{
    if (writes.isEmpty()) {
        done({});
        return;
    }
    auto pending = std::make_shared<int>(int(writes.size()));
    auto problems = std::make_shared<QStringList>();
    for (const GuardedWrite &write : writes) {
        Kube::KubeReply *reply = m_client->patch(
            Kube::ResourceType::services(), m_plan.request.namespaceName, write.service, Kube::PatchType::Json,
            adoptPatch(write.colour, now.services.value(write.service).resourceVersion,
                       now.services.value(write.service).lastApplied),
            {}, promotionFieldManager());
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, write, pending, problems, done] {
            const Kube::ApiError &error = reply->error();
            m_audit.record(QStringLiteral("adopt"), QStringLiteral("service/") + write.service,
                           tr("selector color=%1 (adopted into blue-green)").arg(write.colour), !error.isError(),
                           error.message);
            if (error.isError())
                problems->append(error.isConflict() || error.httpStatus == 422
                                     ? tr("service/%1 changed between the read and its adoption; it was not adopted.")
                                           .arg(write.service)
                                     : tr("service/%1 could not be adopted: %2").arg(write.service, error.sentence()));
            else
                adopted(write, reply->json()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString());
            if (--*pending == 0)
                done(problems->join(QLatin1Char(' ')));
        });
    }
}

void PromotionEngine::adopted(const GuardedWrite &write, const QString &resourceVersion)
{
    // The switch's precondition is the Service as the plan read it, so that a hand edit since is
    // never overwritten; the adoption is this promotion's own edit, so the switch starts from it.
    for (PlannedService &planned : m_plan.services) {
        if (planned.service == write.service)
            planned.serviceResourceVersion = resourceVersion;
    }
    Q_EMIT progress(tr("service/%1 adopted into blue-green: it selects color=%2.").arg(write.service, write.colour));
}

LockHolder PromotionEngine::lockHolder() const
{
    return {m_options.identity, m_lock->process()};
}

void PromotionEngine::observe(const std::function<void(const ReleaseObservation &)> &then, bool persist)
{
    QStringList services;
    for (const PlannedService &planned : std::as_const(m_plan.services))
        services.append(planned.service);
    QElapsedTimer asked;
    asked.start();
    observeRelease(m_client, m_plan.request.namespaceName, services, this,
                   [this, then, persist, asked](const ReleaseObservation &now) {
                       // A read answered long after it was asked (this process stopped, the host
                       // stalled) may predate a takeover of the lock: read again rather than write
                       // on it. The writes go out in this same handler, so what they judge stays
                       // younger than a third of the Lease, the holder's renewal period.
                       const bool givingUp = m_stepClock.elapsed() > qint64(m_options.readyTimeoutSeconds) * 1000;
                       if (asked.elapsed() > qint64(m_options.leaseSeconds) * 1000 / 3) {
                           // Never written on, and never read again forever: a server this slow
                           // for the whole ready timeout stops the run with a sentence.
                           const QString slow = tr("the read took %1 ms, longer than a third of the lock's %2 s")
                                                    .arg(asked.elapsed())
                                                    .arg(m_options.leaseSeconds);
                           if (givingUp) {
                               ReleaseObservation stale = now;
                               stale.problem = tr("every read was too slow to write on: %1").arg(slow);
                               then(stale);
                               return;
                           }
                           Q_EMIT progress(tr("Reading the cluster again: %1.").arg(slow));
                           observe(then, persist);
                           return;
                       }
                       if (now.problem.isEmpty() || !persist || givingUp) {
                           then(now);
                           return;
                       }
                       Q_EMIT progress(tr("Reading the cluster again: %1").arg(now.problem));
                       QTimer::singleShot(m_options.pollMs, this, [this, then] { observe(then, true); });
                   });
}

GuardedWrite PromotionEngine::scaleWrite(int index, bool standby, int replicas) const
{
    const PlannedService &planned = m_plan.services[index];
    return {GuardedWrite::Kind::Scale, planned.service, standby ? planned.standbyColour : planned.activeColour,
            standby ? planned.standbyDeployment : planned.activeDeployment, replicas};
}

void PromotionEngine::scaleGuarded(const QList<GuardedWrite> &writes, const WriteDone &done, int attempt)
{
    if (m_finished) {
        done(WriteResult::Refused, tr("Refused to scale: the promotion has already ended."));
        return;
    }
    observe([this, writes, done, attempt](const ReleaseObservation &now) {
        QStringList refusals;
        for (const GuardedWrite &write : writes) {
            if (const QString refusal = writeRefusal(write, now, lockHolder()); !refusal.isEmpty()) {
                m_audit.record(QStringLiteral("scale"), QStringLiteral("deployment/") + write.deployment,
                               tr("to %1 replicas").arg(write.replicas), false, refusal);
                refusals.append(refusal);
            }
        }
        if (!refusals.isEmpty() || m_finished) {
            done(WriteResult::Refused,
                 m_finished ? tr("Refused to scale: the promotion has already ended.")
                            : refusals.join(QLatin1Char(' ')));
            return;
        }
        auto pending = std::make_shared<int>(int(writes.size()) + 1); // one more: the loop's own
        auto problems = std::make_shared<QStringList>();
        auto conflicted = std::make_shared<bool>(false);
        const auto answered = [this, writes, done, attempt, pending, problems, conflicted] {
            if (--*pending > 0)
                return;
            if (*conflicted && attempt < MaxScaleAttempts)
                scaleGuarded(writes, done, attempt + 1); // the writes already made are no-ops now
            else if (!problems->isEmpty() || *conflicted)
                done(WriteResult::Failed,
                     *conflicted ? tr("the Deployments kept changing under the write")
                                 : problems->join(QLatin1Char(' ')));
            else
                done(WriteResult::Written, {});
        };
        for (const GuardedWrite &write : writes) {
            const ObservedColour colour = now.services.value(write.service).colours.value(write.colour);
            if (colour.deployments.isEmpty() || colour.replicas == write.replicas) {
                answered(); // nothing to scale down, or already there: idempotent
                continue;
            }
            Kube::KubeReply *reply
                = m_client->patch(Kube::ResourceType::deployments(), m_plan.request.namespaceName, write.deployment,
                                  Kube::PatchType::Json, replicasPatch(write.replicas, colour.resourceVersion), {},
                                  promotionFieldManager());
            connect(reply, &Kube::KubeReply::finished, this, [this, reply, write, problems, conflicted, answered] {
                const Kube::ApiError &error = reply->error();
                const bool conflict = error.isConflict() || error.httpStatus == 422;
                if (!conflict)
                    m_audit.record(QStringLiteral("scale"), QStringLiteral("deployment/") + write.deployment,
                                   tr("to %1 replicas").arg(write.replicas), !error.isError(), error.message);
                if (conflict)
                    *conflicted = true;
                else if (error.isError())
                    problems->append(QStringLiteral("deployment/%1: %2").arg(write.deployment, error.sentence()));
                answered();
            });
        }
        answered();
    });
}

void PromotionEngine::switchGuarded(int index, bool back, const SwitchDone &done)
{
    const PlannedService planned = m_plan.services[index];
    const QString from = back ? planned.standbyColour : planned.activeColour;
    const QString to = back ? planned.activeColour : planned.standbyColour;
    observe([this, back, planned, from, to, done](const ReleaseObservation &now) {
        const ObservedService service = now.services.value(planned.service);
        if (service.exists && service.colour == to && now.problem.isEmpty()) {
            done(WriteResult::Written, false, tr("service/%1 selects %2 already.").arg(planned.service, to));
            return;
        }
        const GuardedWrite write{GuardedWrite::Kind::Select, planned.service, to, {}, planned.replicas};
        QString refusal = m_finished ? tr("Refused to %1: the promotion has already ended.").arg(write.describe())
                                     : writeRefusal(write, now, lockHolder());
        if (!refusal.isEmpty()) {
            m_audit.record(back ? QStringLiteral("switch-back") : QStringLiteral("switch"),
                           QStringLiteral("service/") + planned.service, tr("selector color %1 to %2").arg(from, to),
                           false, refusal);
            done(WriteResult::Refused, false, refusal);
            return;
        }
        // Forward, the precondition is the Service the plan read (a hand edit since is never
        // overwritten); back, it is the Service as just read, which this rollback judged.
        const QString precondition = back ? service.resourceVersion : planned.serviceResourceVersion;
        auto *serviceSwitch = new ServiceSwitch(m_client, m_plan.request.namespaceName, this);
        connect(serviceSwitch, &ServiceSwitch::finished, this,
                [this, serviceSwitch, back, planned, from, to, done](bool ok, bool switched, const QString &sentence) {
                    serviceSwitch->deleteLater();
                    m_audit.record(back ? QStringLiteral("switch-back") : QStringLiteral("switch"),
                                   QStringLiteral("service/") + planned.service,
                                   tr("selector color %1 to %2").arg(from, to), ok, sentence);
                    done(ok ? WriteResult::Written : WriteResult::Failed, switched, sentence);
                });
        serviceSwitch->run(planned.service, from, to, precondition, 30000, service.lastApplied);
    });
}

void PromotionEngine::confirmSwitch()
{
    if (!std::exchange(m_awaitingSwitch, false) || m_finished || m_rollingBack)
        return;
    // The gate may have waited for hours: the new colour is judged as it is now, before anything
    // is written, and a refusal leaves the gate open rather than switching to pods that left.
    observe([this](const ReleaseObservation &now) {
        if (m_finished || m_rollingBack)
            return;
        if (const QString problem = lockRefusal(now, lockHolder()); !problem.isEmpty()) {
            stopRefused(tr("Refused to switch: %1").arg(problem));
            return;
        }
        QStringList refusals;
        for (const PlannedService &planned : std::as_const(m_plan.services)) {
            const GuardedWrite write{
                GuardedWrite::Kind::Select, planned.service, planned.standbyColour, {}, planned.replicas};
            if (const QString refusal = writeRefusal(write, now, lockHolder()); !refusal.isEmpty())
                refusals.append(refusal);
        }
        if (refusals.isEmpty()) {
            startSwitch();
            return;
        }
        m_awaitingSwitch = true;
        const QString sentence = tr("Not switched: %1 Promote again once the new colour is ready, or abort.")
                                     .arg(refusals.join(QLatin1Char(' ')));
        m_audit.record(QStringLiteral("switch-refused"), QStringLiteral("lease/lucent-promotion"),
                       tr("Promote confirmed over a standby that is not ready"), false, sentence);
        Q_EMIT progress(sentence);
        Q_EMIT switchRefused(sentence);
    });
}

void PromotionEngine::stopRefused(const QString &refusal)
{
    finish(PromotionOutcome::Inconsistent,
           tr("%1 The promotion stopped there and changed nothing more. Look at the Services and their colours "
              "('lucent-console promotion status --env %2'), then run 'lucent-console promotion abort --env %2' "
              "or 'resume'.")
               .arg(refusal, m_plan.request.environment));
}

} // namespace Lucent::Core::Release
