#pragma once

#include "core/jobs/latestjob.h"
#include "core/validation/kubernetesschema.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Validation {

/// Reads a connected cluster's /openapi/v3 (the index, then every group-version document)
/// and turns it into a KubernetesSchema off the GUI thread, so that manifests are checked
/// against what that cluster serves, custom resources included.
class ClusterSchemaLoader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterSchemaLoader)

public:
    explicit ClusterSchemaLoader(Kube::KubeClient *client, QObject *parent = nullptr);
    ~ClusterSchemaLoader() override;

    void start();

Q_SIGNALS:
    void loaded(std::shared_ptr<const Lucent::Core::Validation::KubernetesSchema> schema);
    /// The cluster's schema could not be read; the bundled one stays in use.
    void failed(const QString &sentence);

private:
    void onIndex();
    void onDocument();
    void finishIfDone();

    QPointer<Kube::KubeClient> m_client;
    QList<QJsonObject> m_documents;
    int m_pending = 0;
    QString m_firstError;
    bool m_done = false;
    Jobs::LatestJob<std::shared_ptr<KubernetesSchema>> m_conversion{this};
};

} // namespace Lucent::Core::Validation
