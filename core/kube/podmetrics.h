#pragma once

#include "core/kube/apierror.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>

class QTimer;

namespace Lucent::Core::Jobs {
template<typename T> class LatestJob;
}

namespace Lucent::Core::Kube {

class KubeClient;

/// What a pod uses now, summed over its containers, as metrics.k8s.io reports it.
struct PodUsage {
    qint64 cpuMillicores = 0;
    qint64 memoryBytes = 0;
};

/// CPU as millicores of a Kubernetes quantity ("250m", "1", "123456789n", "1.5"); -1 when it
/// is not one.
qint64 cpuMillicores(const QString &quantity);
/// Bytes of a Kubernetes quantity ("51200Ki", "64Mi", "1G", "1e6"); -1 when it is not one.
qint64 memoryBytes(const QString &quantity);
/// The usage of each pod in a metrics.k8s.io PodMetricsList answer (containers summed); pods
/// whose figures cannot be read are left out.
QHash<QString, PodUsage> decodeUsage(const QByteArray &body);

/// The pods' CPU and memory in one namespace, read from metrics.k8s.io (metrics-server) every
/// window, with a short history per pod for sparklines. A cluster that does not serve the API
/// (404) or does not let the user read it (403) is noted once, asked again rarely, and leaves
/// every figure empty: nothing else depends on it.
class PodMetrics final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PodMetrics)

public:
    /// Samples kept per pod: ten minutes of metrics-server's 15-second windows... at most.
    static constexpr int HistoryLength = 40;

    PodMetrics(KubeClient *client, QString namespaceName, QObject *parent = nullptr);
    ~PodMetrics() override;

    void start();
    /// Whether the cluster answered with figures the last time it was asked.
    bool isAvailable() const { return m_available; }
    /// Why there are no figures, when there are none ("the cluster serves no metrics.k8s.io").
    QString unavailableReason() const { return m_reason; }
    /// The latest figures of @p pod; nullptr when there are none.
    const PodUsage *usage(const QString &pod) const;
    /// Older to newer; empty when there are none.
    QList<PodUsage> history(const QString &pod) const { return m_history.value(pod); }

Q_SIGNALS:
    void updated();

private:
    void poll();
    void received(const QHash<QString, PodUsage> &usage);
    void failed(const ApiError &error);

    QPointer<KubeClient> m_client;
    QString m_namespace;
    QTimer *m_timer = nullptr;
    bool m_available = false;
    bool m_inFlight = false;
    QString m_reason;
    QHash<QString, QList<PodUsage>> m_history;
    /// Decodes an answer off the GUI thread: for a namespace of ten thousand pods it is
    /// megabytes of JSON, every window.
    std::unique_ptr<Jobs::LatestJob<QHash<QString, PodUsage>>> m_decode;
};

} // namespace Lucent::Core::Kube
