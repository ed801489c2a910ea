#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <functional>

class QObject;

namespace Lucent::Core::Kube {
class KubeClient;
class ApiError;
} // namespace Lucent::Core::Kube

// Requests about several Deployments at once, answered together: what a promotion does to the
// Deployments of every service of a release.
namespace Lucent::Core::Release::DeploymentBatch {

/// GETs each of @p names in @p ns; @p each sees every one read, @p done says whether all were.
/// The answers are handled in @p context (nothing is called once it is gone).
void read(Kube::KubeClient *client, const QString &ns, const QStringList &names, QObject *context,
          const std::function<void(const QJsonObject &deployment)> &each,
          const std::function<void(bool allRead)> &done);

/// Scales @p names[i] to @p replicas[i] through the scale subresource. A Deployment that does
/// not exist counts as scaled to 0. @p scaled sees each answer (for the audit trail); @p done
/// whether all succeeded, and the problems as one sentence.
void scale(Kube::KubeClient *client, const QString &ns, const QStringList &names, const QList<int> &replicas,
           QObject *context,
           const std::function<void(const QString &name, int replicas, const Kube::ApiError &)> &scaled,
           const std::function<void(bool ok, const QString &problems)> &done);

} // namespace Lucent::Core::Release::DeploymentBatch
