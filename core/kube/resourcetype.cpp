#include "core/kube/resourcetype.h"

#include <QUrl>

#include <array>

namespace Lucent::Core::Kube {

namespace {

QString segment(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace

QString ResourceType::collectionPath(const QString &ns) const
{
    QString path = group.isEmpty() ? QString(QStringLiteral("/api/") + version)
                                   : QString(QStringLiteral("/apis/") + group + QLatin1Char('/') + version);
    if (namespaced && !ns.isEmpty())
        path += QStringLiteral("/namespaces/") + segment(ns);
    return path + QLatin1Char('/') + resource;
}

QString ResourceType::objectPath(const QString &ns, const QString &name, const QString &subresource) const
{
    QString path = collectionPath(ns) + QLatin1Char('/') + segment(name);
    if (!subresource.isEmpty())
        path += QLatin1Char('/') + subresource;
    return path;
}

ResourceType ResourceType::pods()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("pods"), QStringLiteral("Pod"), true};
}
ResourceType ResourceType::services()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("services"), QStringLiteral("Service"), true};
}
ResourceType ResourceType::endpoints()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("endpoints"), QStringLiteral("Endpoints"), true};
}
ResourceType ResourceType::events()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("events"), QStringLiteral("Event"), true};
}
ResourceType ResourceType::configMaps()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("configmaps"), QStringLiteral("ConfigMap"), true};
}
ResourceType ResourceType::secrets()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("secrets"), QStringLiteral("Secret"), true};
}
ResourceType ResourceType::namespaces()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("namespaces"), QStringLiteral("Namespace"), false};
}
ResourceType ResourceType::nodes()
{
    return {{}, QStringLiteral("v1"), QStringLiteral("nodes"), QStringLiteral("Node"), false};
}
ResourceType ResourceType::deployments()
{
    return {QStringLiteral("apps"), QStringLiteral("v1"), QStringLiteral("deployments"), QStringLiteral("Deployment"),
            true};
}
ResourceType ResourceType::replicaSets()
{
    return {QStringLiteral("apps"), QStringLiteral("v1"), QStringLiteral("replicasets"), QStringLiteral("ReplicaSet"),
            true};
}
ResourceType ResourceType::statefulSets()
{
    return {QStringLiteral("apps"), QStringLiteral("v1"), QStringLiteral("statefulsets"), QStringLiteral("StatefulSet"),
            true};
}
ResourceType ResourceType::selfSubjectAccessReviews()
{
    return {QStringLiteral("authorization.k8s.io"), QStringLiteral("v1"), QStringLiteral("selfsubjectaccessreviews"),
            QStringLiteral("SelfSubjectAccessReview"), false};
}

ResourceType ResourceType::leases()
{
    return {QStringLiteral("coordination.k8s.io"), QStringLiteral("v1"), QStringLiteral("leases"),
            QStringLiteral("Lease"), true};
}

ResourceType ResourceType::byResource(const QString &resource)
{
    const std::array all{pods(),        services(),    endpoints(),    events(),
                         configMaps(),  secrets(),     namespaces(),   nodes(),
                         deployments(), replicaSets(), statefulSets(), selfSubjectAccessReviews(),
                         leases()};
    for (const ResourceType &type : all) {
        if (type.resource == resource)
            return type;
    }
    return {};
}

} // namespace Lucent::Core::Kube
