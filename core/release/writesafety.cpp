#include "core/release/writesafety.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/release/promotionlock.h"
#include "core/release/rolloutsummary.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>

#include <memory>

namespace Lucent::Core::Release {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::WriteSafety", text);
}

/// Why the Lease read now does not let @p holder write; empty when it does.
QString leaseProblem(const ReleaseObservation &now, const LockHolder &holder)
{
    const LeaseHolder lease = LeaseHolder::of(now.lease);
    if (lease.identity.isEmpty())
        return tr("the promotion lock is not held by anyone now, so this promotion no longer owns it.");
    if (lease.identity != holder.identity || holderProcess(now.lease) != holder.process)
        return tr("the promotion lock is held by %1 (process %2) now, not by this promotion; it was taken over.")
            .arg(lease.describe(), holderProcess(now.lease).section(QLatin1Char('/'), 0, 1));
    if (lease.isExpired(now.readAt))
        return tr("this promotion's lock expired (%1), so another console may take it over at any moment.")
            .arg(lease.describe());
    return {};
}

QString selectRefusal(const GuardedWrite &write, const ObservedService &service)
{
    const QString refused = tr("Refused to %1: ").arg(write.describe());
    if (!service.exists)
        return refused + tr("the Service does not exist now.");
    if (service.colour.isEmpty())
        return refused + tr("the Service does not select by colour now; it was edited outside the promotion.");
    const ObservedColour colour = service.colours.value(write.colour);
    if (colour.deployments.isEmpty())
        return refused + tr("no Deployment labelled app=%1, color=%2 exists now.").arg(write.service, write.colour);
    if (colour.deployments.size() > 1)
        return refused
            + tr("%1 Deployments are labelled app=%2, color=%3 (%4); which pods would serve is not clear.")
                  .arg(colour.deployments.size())
                  .arg(write.service, write.colour, colour.deployments.join(QStringLiteral(", ")));
    if (colour.replicas < write.replicas || colour.ready < write.replicas || colour.updated < write.replicas
        || !colour.rolledOut)
        return refused
            + tr("deployment/%1 has %2 of %3 replicas ready now (%4 wanted, rollout %5); switching would send "
                 "traffic to pods that cannot take it.")
                  .arg(colour.deployments.constFirst())
                  .arg(colour.ready)
                  .arg(colour.replicas)
                  .arg(write.replicas)
                  .arg(colour.rolledOut ? tr("complete") : tr("not complete"));
    return {};
}

QString scaleRefusal(const GuardedWrite &write, const ObservedService &service)
{
    const QString refused = tr("Refused to %1: ").arg(write.describe());
    const ObservedColour colour = service.colours.value(write.colour);
    if (colour.deployments.isEmpty())
        return write.replicas == 0
            ? QString() // nothing to scale down: never created, or removed
            : refused + tr("no Deployment labelled app=%1, color=%2 exists now.").arg(write.service, write.colour);
    if (!colour.deployments.contains(write.deployment))
        return refused
            + tr("it no longer carries the labels app=%1, color=%2 (%3 does).")
                  .arg(write.service, write.colour, colour.deployments.join(QStringLiteral(", ")));
    const bool down = write.replicas < colour.replicas;
    if (down && service.exists && service.colour == write.colour)
        return refused
            + tr("service/%1 selects %2 now, so these are the pods that serve it; scaling them down would leave it "
                 "without ready pods.")
                  .arg(write.service, write.colour);
    return {};
}

QString adoptRefusal(const GuardedWrite &write, const ObservedService &service)
{
    const QString refused = tr("Refused to %1: ").arg(write.describe());
    if (!service.exists)
        return refused + tr("the Service does not exist now.");
    if (!service.colour.isEmpty() && service.colour != write.colour)
        return refused + tr("it selects color=%1 now.").arg(service.colour);
    for (auto it = service.colours.cbegin(); it != service.colours.cend(); ++it) {
        if (it.key() != write.colour && it->replicas > 0)
            return refused
                + tr("pods of color=%1 run too (deployment/%2 has %3 replicas); selecting %4 would take them out of "
                     "its Endpoints. Scale one colour to 0 first.")
                      .arg(it.key(), it->deployments.constFirst())
                      .arg(it->replicas)
                      .arg(write.colour);
    }
    const ObservedColour adopted = service.colours.value(write.colour);
    if (adopted.ready == 0)
        return refused + tr("no pod of color=%1 is ready, so the Service would select nothing.").arg(write.colour);
    if (adopted.podColour != write.colour)
        return refused
            + tr("deployment/%1 is labelled color=%2, but its pod template is not, so the Service would select none "
                 "of its pods. Label the pod template color=%2 first.")
                  .arg(adopted.deployments.constFirst(), write.colour);
    if (adopted.deployments.size() > 1)
        return refused
            + tr("%1 Deployments are labelled app=%2, color=%3 (%4); which pods would serve is not clear.")
                  .arg(adopted.deployments.size())
                  .arg(write.service, write.colour, adopted.deployments.join(QStringLiteral(", ")));
    return {};
}

ObservedColour observedColour(const QJsonObject &deployment)
{
    const RolloutSummary summary = summarizeDeployment(deployment);
    ObservedColour colour;
    colour.deployments = {summary.name};
    colour.resourceVersion = deployment[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();
    colour.replicas = deployment[QLatin1String("spec")][QLatin1String("replicas")].toInt(1);
    colour.ready = summary.ready;
    colour.updated = summary.updated;
    colour.rolledOut = isRolledOut(deployment);
    colour.podColour = deployment[QLatin1String("spec")][QLatin1String("template")][QLatin1String("metadata")]
                                 [QLatin1String("labels")][QLatin1String("color")]
                                     .toString();
    return colour;
}

} // namespace

QString GuardedWrite::describe() const
{
    if (kind == Kind::Select)
        return tr("switch service/%1 to %2").arg(service, colour);
    if (kind == Kind::Adopt)
        return tr("adopt service/%1 into blue-green on %2").arg(service, colour);
    return tr("scale deployment/%1 to %2").arg(deployment).arg(replicas);
}

QString writeRefusal(const GuardedWrite &write, const ReleaseObservation &now, const LockHolder &holder)
{
    if (const QString problem = lockRefusal(now, holder); !problem.isEmpty())
        return tr("Refused to %1: %2").arg(write.describe(), problem);
    const ObservedService service = now.services.value(write.service);
    switch (write.kind) {
    case GuardedWrite::Kind::Select: return selectRefusal(write, service);
    case GuardedWrite::Kind::Scale: return scaleRefusal(write, service);
    case GuardedWrite::Kind::Adopt: return adoptRefusal(write, service);
    }
    return {};
}

QString lockRefusal(const ReleaseObservation &now, const LockHolder &holder)
{
    if (!now.problem.isEmpty())
        return tr("the cluster could not be read just before it (%1).").arg(now.problem);
    return leaseProblem(now, holder);
}

namespace {

/// A JSON patch of one operation, made only if the object is still at @p resourceVersion.
QByteArray guardedPatch(const QString &resourceVersion, const QString &op, const QString &path, const QJsonValue &value)
{
    const QJsonArray patch{
        QJsonObject{{QStringLiteral("op"), QStringLiteral("test")},
                    {QStringLiteral("path"), QStringLiteral("/metadata/resourceVersion")},
                    {QStringLiteral("value"), resourceVersion}},
        QJsonObject{{QStringLiteral("op"), op}, {QStringLiteral("path"), path}, {QStringLiteral("value"), value}},
    };
    return QJsonDocument(patch).toJson(QJsonDocument::Compact);
}

} // namespace

QJsonObject lastAppliedWithoutColour(const QString &lastApplied)
{
    QJsonObject applied = QJsonDocument::fromJson(lastApplied.toUtf8()).object();
    QJsonObject spec = applied.value(QLatin1String("spec")).toObject();
    QJsonObject selector = spec.value(QLatin1String("selector")).toObject();
    if (!selector.contains(QLatin1String("color")))
        return {};
    selector.remove(QLatin1String("color"));
    spec.insert(QStringLiteral("selector"), selector);
    applied.insert(QStringLiteral("spec"), spec);
    return {{QStringLiteral("op"), QStringLiteral("replace")},
            {QStringLiteral("path"),
             QStringLiteral("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")},
            {QStringLiteral("value"), QString::fromUtf8(QJsonDocument(applied).toJson(QJsonDocument::Compact))}};
}

QByteArray adoptPatch(const QString &colour, const QString &resourceVersion, const QString &lastApplied)
{
    QJsonArray patch = QJsonDocument::fromJson(guardedPatch(resourceVersion, QStringLiteral("add"),
                                                            QStringLiteral("/spec/selector/color"), colour))
                           .array();
    if (const QJsonObject forget = lastAppliedWithoutColour(lastApplied); !forget.isEmpty())
        patch.append(forget);
    return QJsonDocument(patch).toJson(QJsonDocument::Compact);
}

QByteArray replicasPatch(int replicas, const QString &resourceVersion)
{
    return guardedPatch(resourceVersion, QStringLiteral("replace"), QStringLiteral("/spec/replicas"), replicas);
}

void observeRelease(Kube::KubeClient *client, const QString &ns, const QStringList &services, QObject *context,
                    const std::function<void(const ReleaseObservation &)> &done)
{
    auto seen = std::make_shared<ReleaseObservation>();
    auto pending = std::make_shared<int>(int(services.size()) + 2);
    const auto answered = [seen, pending, done](const Kube::KubeReply *reply, const QString &what) {
        if (reply->error().isError() && !reply->error().isNotFound() && seen->problem.isEmpty())
            seen->problem = tr("reading %1 failed: %2").arg(what, reply->error().sentence());
        if (--*pending > 0)
            return;
        seen->readAt = QDateTime::currentDateTimeUtc();
        done(*seen);
    };
    for (const QString &name : services) {
        seen->services.insert(name, {});
        Kube::KubeReply *reply = client->get(Kube::ResourceType::services(), ns, name);
        QObject::connect(reply, &Kube::KubeReply::finished, context, [reply, seen, name, answered] {
            if (!reply->error().isError()) {
                const QJsonObject service = reply->json();
                ObservedService &observed = seen->services[name];
                observed.exists = true;
                observed.colour
                    = service[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString();
                observed.resourceVersion
                    = service[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();
                observed.lastApplied = service[QLatin1String("metadata")][QLatin1String("annotations")]
                                              [QLatin1String("kubectl.kubernetes.io/last-applied-configuration")]
                                                  .toString();
            }
            answered(reply, QStringLiteral("service/") + name);
        });
    }
    Kube::ListOptions byApp;
    byApp.labelSelector = QStringLiteral("app in (%1)").arg(services.join(QLatin1Char(',')));
    Kube::KubeReply *deployments = client->list(Kube::ResourceType::deployments(), ns, byApp);
    QObject::connect(deployments, &Kube::KubeReply::finished, context, [deployments, seen, answered] {
        for (const auto &item : deployments->json()[QLatin1String("items")].toArray()) {
            const QJsonObject labels = item[QLatin1String("metadata")][QLatin1String("labels")].toObject();
            const QString colourName = labels[QLatin1String("color")].toString();
            ObservedService &service = seen->services[labels[QLatin1String("app")].toString()];
            if (colourName.isEmpty())
                continue;
            if (service.colours.contains(colourName))
                service.colours[colourName].deployments.append(
                    item[QLatin1String("metadata")][QLatin1String("name")].toString());
            else
                service.colours.insert(colourName, observedColour(item.toObject()));
        }
        answered(deployments, QStringLiteral("the Deployments"));
    });
    Kube::KubeReply *lease
        = client->get(Kube::ResourceType::leases(), ns, QString::fromLatin1(PromotionLock::LeaseName));
    QObject::connect(lease, &Kube::KubeReply::finished, context, [lease, seen, answered] {
        if (!lease->error().isError())
            seen->lease = lease->json();
        answered(lease, QStringLiteral("the promotion lock"));
    });
}

} // namespace Lucent::Core::Release
