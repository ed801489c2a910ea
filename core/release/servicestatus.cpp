#include "core/release/servicestatus.h"

#include "core/kube/labelselector.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>

#include <algorithm>

namespace Lucent::Core::Release {

namespace {

const QLatin1String colourKey("color");

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::ServiceStatus", text);
}

QJsonObject objectAt(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonObject current = object;
    for (const char *key : path)
        current = current.value(QLatin1String(key)).toObject();
    return current;
}

QJsonObject templateLabels(const QJsonObject &deployment)
{
    return objectAt(deployment, {"spec", "template", "metadata", "labels"});
}

/// The names of the pods behind the Endpoints' ready addresses.
QStringList readyPods(const QJsonObject &endpoints)
{
    QStringList names;
    for (const auto &subset : endpoints.value(QLatin1String("subsets")).toArray()) {
        for (const auto &address : subset.toObject().value(QLatin1String("addresses")).toArray()) {
            const QJsonObject ref = address.toObject().value(QLatin1String("targetRef")).toObject();
            if (ref.value(QLatin1String("kind")).toString() == QLatin1String("Pod"))
                names.append(ref.value(QLatin1String("name")).toString());
        }
    }
    return names;
}

/// Which of @p deployments has @p colour; when several do, the one with most ready replicas
/// serves and the duplicate is a problem the caller reports.
int indexOfColour(const QList<RolloutSummary> &deployments, const QString &colour, QStringList *duplicates)
{
    int found = -1;
    QStringList all;
    for (int i = 0; i < deployments.size(); ++i) {
        if (deployments[i].colour != colour)
            continue;
        all.append(deployments[i].name);
        if (found < 0 || deployments[i].ready > deployments[found].ready)
            found = i;
    }
    if (all.size() > 1) {
        all.removeOne(deployments[found].name);
        *duplicates = QStringList{deployments[found].name} + all;
    }
    return found;
}

void assignColours(ServiceStatus &status)
{
    QStringList duplicates;
    status.activeIndex = indexOfColour(status.deployments, status.liveColour, &duplicates);
    if (status.activeIndex < 0)
        status.problems.append(tr("The Service selects color=%1, but no Deployment of that colour exists: "
                                  "nothing can serve it.")
                                   .arg(status.liveColour));
    if (!duplicates.isEmpty())
        status.problems.append(tr("Deployments %1 all have color=%2; only one Deployment per colour is expected.")
                                   .arg(duplicates.join(QStringLiteral(", ")), status.liveColour));
    duplicates.clear();
    if (!status.standbyColour.isEmpty()) {
        status.standbyIndex = indexOfColour(status.deployments, status.standbyColour, &duplicates);
    } else {
        // A colour other than blue and green: any other colour's Deployment stands by.
        for (int i = 0; i < status.deployments.size() && status.standbyIndex < 0; ++i) {
            if (i != status.activeIndex && !status.deployments[i].colour.isEmpty())
                status.standbyIndex = i;
        }
    }
    if (!duplicates.isEmpty())
        status.problems.append(tr("Deployments %1 all have color=%2; only one Deployment per colour is expected.")
                                   .arg(duplicates.join(QStringLiteral(", ")), status.standbyColour));
}

/// The colour whose pods run, when every Deployment of @p status carries blue or green and pods
/// run in one colour only (the other at 0 replicas); else empty.
QString adoptableColour(const ServiceStatus &status)
{
    QString running;
    for (const RolloutSummary &deployment : status.deployments) {
        if (otherColour(deployment.colour).isEmpty())
            return {};
        if (deployment.desired > 0 && running != deployment.colour) {
            if (!running.isEmpty())
                return {}; // both colours run pods: selecting one would take the other's away
            running = deployment.colour;
        }
    }
    return running;
}

void countServing(ServiceStatus &status, const QJsonObject &endpoints, const PodLookup &pod)
{
    status.endpointsKnown = !endpoints.isEmpty();
    QHash<QString, int> counts;
    for (const QString &name : readyPods(endpoints)) {
        const QJsonObject object = pod(name);
        if (object.isEmpty())
            continue; // the pod cache has not heard of it yet; its event recounts
        ++counts[podVersion(object)];
        ++status.servingPods;
    }
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        status.serving.append({it.key(), it.value()});
    std::sort(status.serving.begin(), status.serving.end(), [](const ServedVersion &a, const ServedVersion &b) {
        return a.pods != b.pods ? a.pods > b.pods : a.version < b.version;
    });
}

} // namespace

QString otherColour(const QString &colour)
{
    if (colour == QLatin1String("blue"))
        return QStringLiteral("green");
    if (colour == QLatin1String("green"))
        return QStringLiteral("blue");
    return {};
}

QString podVersion(const QJsonObject &pod)
{
    QStringList versions;
    for (const auto &container : objectAt(pod, {"spec"}).value(QLatin1String("containers")).toArray())
        versions.append(imageVersion(container.toObject().value(QLatin1String("image")).toString()));
    return versions.join(QLatin1Char('+'));
}

QJsonObject baseSelector(const QJsonObject &service)
{
    QJsonObject selector = objectAt(service, {"spec", "selector"});
    selector.remove(colourKey);
    return selector;
}

ServiceStatus serviceStatus(const QJsonObject &service, const QList<QJsonObject> &deployments,
                            const QJsonObject &endpoints, const PodLookup &pod)
{
    ServiceStatus status;
    status.name = objectAt(service, {"metadata"}).value(QLatin1String("name")).toString();
    const QJsonObject selector = objectAt(service, {"spec", "selector"});
    status.blueGreen = selector.contains(colourKey);
    const QJsonObject base = baseSelector(service);
    for (const QJsonObject &deployment : deployments) {
        if (Kube::selectorMatches(base, templateLabels(deployment)))
            status.deployments.append(summarizeDeployment(deployment));
    }
    std::sort(status.deployments.begin(), status.deployments.end(),
              [](const RolloutSummary &a, const RolloutSummary &b) { return a.name < b.name; });
    if (status.blueGreen) {
        status.liveColour = selector.value(colourKey).toString();
        status.standbyColour = otherColour(status.liveColour);
        assignColours(status);
    } else if (const QString running = adoptableColour(status); !running.isEmpty()) {
        status.adoptable = true;
        status.liveColour = running;
        status.standbyColour = otherColour(running);
        assignColours(status);
    } else if (!status.deployments.isEmpty()) {
        status.activeIndex = 0;
        if (status.deployments.size() > 1)
            status.problems.append(tr("Several Deployments have pods this Service selects; the table shows %1.")
                                       .arg(status.deployments.constFirst().name));
    }
    countServing(status, endpoints, pod);
    if (status.endpointsKnown && status.servingPods == 0 && status.active())
        status.problems.append(tr("No ready pod serves %1: its Endpoints hold no ready address.").arg(status.name));
    return status;
}

QStringList ServiceStatus::liveVersions() const
{
    QStringList versions;
    for (const ServedVersion &served : serving)
        versions.append(served.version);
    return versions;
}

QString ServiceStatus::pendingTarget() const
{
    const RolloutSummary *target = active();
    if (!target || target->versions.isEmpty())
        return {};
    const QString version = target->versions.join(QLatin1Char('+'));
    return liveVersions() == QStringList{version} ? QString() : version;
}

QString ServiceStatus::versionText() const
{
    QString live;
    if (serving.size() == 1) {
        live = serving.constFirst().version;
    } else if (!serving.isEmpty()) {
        QStringList parts;
        for (const ServedVersion &served : serving)
            parts.append(QStringLiteral("%1 (%2)").arg(served.version).arg(served.pods));
        live = parts.join(QStringLiteral(", "));
    } else {
        live = endpointsKnown ? tr("none ready") : tr("unknown");
    }
    const QString target = pendingTarget();
    return target.isEmpty() ? live : live + QStringLiteral(" → ") + target;
}

QString ServiceStatus::standbyText() const
{
    const RolloutSummary *other = standby();
    if (!other)
        return {};
    const QString version = other->versions.join(QLatin1Char('+'));
    if (other->desired == 0)
        return tr("%1 %2 (scaled to 0)").arg(other->colour, version);
    return tr("%1 %2 (%3/%4)").arg(other->colour, version).arg(other->ready).arg(other->desired);
}

} // namespace Lucent::Core::Release
