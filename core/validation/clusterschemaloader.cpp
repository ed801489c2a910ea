#include "core/validation/clusterschemaloader.h"

#include "core/kube/kubeclient.h"

#include <QJsonDocument>

namespace Lucent::Core::Validation {

ClusterSchemaLoader::ClusterSchemaLoader(Kube::KubeClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

ClusterSchemaLoader::~ClusterSchemaLoader() = default;

void ClusterSchemaLoader::start()
{
    if (!m_client) {
        Q_EMIT failed(QStringLiteral("No cluster is connected."));
        return;
    }
    Kube::KubeRequest request;
    request.path = QStringLiteral("/openapi/v3");
    auto *reply = m_client->send(request);
    connect(reply, &Kube::KubeReply::finished, this, &ClusterSchemaLoader::onIndex);
}

void ClusterSchemaLoader::onIndex()
{
    auto *reply = qobject_cast<Kube::KubeReply *>(sender());
    if (!reply || !m_client)
        return;
    if (reply->error().isError()) {
        Q_EMIT failed(QStringLiteral("The cluster's API schema (/openapi/v3) could not be read: %1 The built-in "
                                     "Kubernetes schema is used instead.")
                          .arg(reply->error().sentence()));
        return;
    }
    const QJsonObject paths = reply->json().value(QLatin1String("paths")).toObject();
    for (auto it = paths.begin(); it != paths.end(); ++it) {
        // Group-versions only: "api/v1" and "apis/<group>/<version>", not discovery roots.
        const QString key = it.key();
        if (key != QLatin1String("api/v1")
            && !(key.startsWith(QLatin1String("apis/")) && key.count(QLatin1Char('/')) == 2))
            continue;
        const QString url = it.value().toObject().value(QLatin1String("serverRelativeURL")).toString();
        Kube::KubeRequest request;
        const int query = url.indexOf(QLatin1Char('?'));
        request.path = query < 0 ? url : url.left(query);
        if (query >= 0)
            request.query = QUrlQuery(url.mid(query + 1));
        auto *document = m_client->send(request);
        connect(document, &Kube::KubeReply::finished, this, &ClusterSchemaLoader::onDocument);
        ++m_pending;
    }
    finishIfDone();
}

void ClusterSchemaLoader::onDocument()
{
    auto *reply = qobject_cast<Kube::KubeReply *>(sender());
    --m_pending;
    if (reply) {
        if (reply->error().isError()) {
            if (m_firstError.isEmpty())
                m_firstError = reply->error().sentence();
        } else {
            // Parsed here, converted on a worker: documents are a few hundred kB each.
            m_documents.append(QJsonDocument::fromJson(reply->body()).object());
        }
    }
    finishIfDone();
}

void ClusterSchemaLoader::finishIfDone()
{
    if (m_pending > 0 || m_done)
        return;
    m_done = true;
    if (m_documents.isEmpty()) {
        Q_EMIT failed(m_firstError.isEmpty()
                          ? QStringLiteral("The cluster publishes no OpenAPI v3 documents; the built-in Kubernetes "
                                           "schema is used instead.")
                          : QStringLiteral("The cluster's API schema could not be read: %1").arg(m_firstError));
        return;
    }
    const QString version
        = m_documents.constFirst().value(QLatin1String("info")).toObject().value(QLatin1String("version")).toString();
    // Deleting the loader (the environment changed) cancels the conversion and its answer.
    m_conversion.start(
        [documents = m_documents, version](QPromise<std::shared_ptr<KubernetesSchema>> &promise) {
            promise.addResult(KubernetesSchema::fromOpenApiV3(documents, version));
        },
        [this](const std::shared_ptr<KubernetesSchema> &schema) { Q_EMIT loaded(schema); });
    m_documents.clear();
}

} // namespace Lucent::Core::Validation
