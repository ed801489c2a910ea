#pragma once

#include <QMetaType>
#include <QString>

namespace Lucent::Core::Kube {

/// A Kubernetes resource as the REST API addresses it: group, version, plural name.
struct ResourceType {
    QString group; ///< empty for the core group
    QString version;
    QString resource; ///< plural, lower-case: pods, deployments
    QString kind;
    bool namespaced = true;

    QString apiVersion() const { return group.isEmpty() ? version : group + QLatin1Char('/') + version; }
    /// /api/v1/namespaces/NS/pods, or the cluster-wide /api/v1/pods when @p ns is empty.
    QString collectionPath(const QString &ns = {}) const;
    /// /apis/apps/v1/namespaces/NS/deployments/NAME[/SUBRESOURCE]
    QString objectPath(const QString &ns, const QString &name, const QString &subresource = {}) const;
    bool isValid() const { return !version.isEmpty() && !resource.isEmpty(); }

    static ResourceType pods();
    static ResourceType services();
    static ResourceType endpoints();
    static ResourceType events();
    static ResourceType configMaps();
    static ResourceType secrets();
    static ResourceType namespaces();
    static ResourceType nodes();
    static ResourceType deployments();
    static ResourceType replicaSets();
    static ResourceType statefulSets();
    static ResourceType selfSubjectAccessReviews();
    static ResourceType leases();
    /// The built-in type for a plural name ("pods", "deployments"); invalid when unknown.
    static ResourceType byResource(const QString &resource);
};

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::ResourceType)
