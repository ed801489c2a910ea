#include "core/release/deploymentbatch.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"

#include <QCoreApplication>

#include <memory>

namespace Lucent::Core::Release::DeploymentBatch {

void read(Kube::KubeClient *client, const QString &ns, const QStringList &names, QObject *context,
          const std::function<void(const QJsonObject &)> &each, const std::function<void(bool)> &done)
{
    auto pending = std::make_shared<int>(int(names.size()));
    auto allRead = std::make_shared<bool>(true);
    for (const QString &name : names) {
        Kube::KubeReply *reply = client->get(Kube::ResourceType::deployments(), ns, name);
        QObject::connect(reply, &Kube::KubeReply::finished, context, [reply, each, done, pending, allRead] {
            if (reply->error().isError())
                *allRead = false;
            else
                each(reply->json());
            if (--*pending == 0)
                done(*allRead);
        });
    }
}

void scale(Kube::KubeClient *client, const QString &ns, const QStringList &names, const QList<int> &replicas,
           QObject *context, const std::function<void(const QString &, int, const Kube::ApiError &)> &scaled,
           const std::function<void(bool, const QString &)> &done)
{
    auto pending = std::make_shared<int>(int(names.size()));
    auto problems = std::make_shared<QStringList>();
    for (int i = 0; i < names.size(); ++i) {
        Kube::KubeReply *reply = client->scale(Kube::ResourceType::deployments(), ns, names[i], replicas.value(i));
        QObject::connect(reply, &Kube::KubeReply::finished, context,
                         [reply, name = names[i], count = replicas.value(i), pending, problems, scaled, done] {
                             const Kube::ApiError &error = reply->error();
                             // A standby that was never created has nothing to scale down.
                             const bool ok = !error.isError() || (error.isNotFound() && count == 0);
                             if (!error.isNotFound())
                                 scaled(name, count, error);
                             if (!ok)
                                 problems->append(QStringLiteral("deployment/%1: %2").arg(name, error.sentence()));
                             if (--*pending == 0)
                                 done(problems->isEmpty(), problems->join(QLatin1Char(' ')));
                         });
    }
}

} // namespace Lucent::Core::Release::DeploymentBatch
