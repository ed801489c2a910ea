#pragma once

#include "core/kube/clusterconnection.h"
#include "core/kube/kubeclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace Lucent::Tests {

/// What a KubeReply delivered, kept after the reply deleted itself.
struct Answer {
    bool arrived = false;
    Core::Kube::ApiError error;
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

/// Waits (processing events) until @p reply finishes; arrived is false on a timeout.
inline Answer waitFor(Core::Kube::KubeReply *reply, int timeoutMs = 30000)
{
    auto answer = std::make_shared<Answer>();
    QObject::connect(reply, &Core::Kube::KubeReply::finished, reply, [answer, reply] {
        answer->arrived = true;
        answer->error = reply->error();
        answer->status = reply->httpStatus();
        answer->body = reply->body();
    });
    if (!QTest::qWaitFor([&] { return answer->arrived; }, timeoutMs)) {
        // Not arrived, and an error: callers that check either fail with this sentence.
        Answer late;
        late.error = Core::Kube::ApiError::transport(
            Core::Kube::ApiError::Kind::Timeout, QStringLiteral("the test waited %1 ms for an answer").arg(timeoutMs),
            reply->request().operation());
        return late;
    }
    return *answer;
}

/// The connection for @p context of @p kubeconfigPath, with the context's user replaced by
/// @p user when given.
inline std::optional<Core::Kube::ClusterConnection> connectionFor(const QString &kubeconfigPath, const QString &context,
                                                                  const QString &user = {}, QString *error = nullptr)
{
    Core::Kube::Kubeconfig config = Core::Kube::Kubeconfig::load({kubeconfigPath}, true);
    for (Core::Kube::KubeconfigContext &entry : config.contexts) {
        if (entry.name == context && !user.isEmpty())
            entry.user = user;
    }
    return Core::Kube::ConnectionResolver::resolve(config, context, error);
}

} // namespace Lucent::Tests
