#pragma once

#include "core/kube/apierror.h"
#include "core/kube/logstream.h"
#include "core/logs/lineclassifier.h"
#include "core/logs/logbuffer.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace Lucent::Core::Kube {
class KubeClient;
class ResourceCache;
} // namespace Lucent::Core::Kube

namespace Lucent::Core::Logs {

/// What to show logs of: one pod, or every pod a label selector picks (a Deployment's or a
/// Service's selector, or one typed in). Pods that start matching later - a rollout's new
/// ReplicaSet - join; pods that go end their streams.
struct LogTarget {
    QString namespaceName;
    QString pod; ///< one pod; empty when a selector is used
    QString labelSelector; ///< "app=wallet-service,color=blue"
    QString container; ///< empty: every container
    QString title; ///< what the user picked, for the window ("deployment/wallet-service")
};

/// Streams the logs of a LogTarget: a watch on its pods, and a followed LogStream per running
/// container, each resuming after a drop without duplicates (core/kube's LogStream).
/// Lines leave in batches tagged with their source, parsed and classified (level, and the
/// verdict of the filter last set) on the background thread.
class PodLogSet final : public QObject
{
    Q_OBJECT

public:
    PodLogSet(Kube::KubeClient *client, LogTarget target, Kube::LogOptions options, QObject *parent = nullptr);
    ~PodLogSet() override;
    Q_DISABLE_COPY_MOVE(PodLogSet)

    void start();
    /// Lines parsed from now on carry this filter's verdict, stamped with @p version.
    void setFilter(const LogFilter &filter, quint32 version) { m_classifier->setFilter(filter, version); }
    const LogTarget &target() const { return m_target; }
    const QList<LogSource> &sources() const { return m_sources; }
    int runningStreams() const;
    int reconnects() const;

Q_SIGNALS:
    void sourceAdded(int index, const Lucent::Core::Logs::LogSource &source);
    void sourceEnded(int index);
    void linesArrived(const QList<Lucent::Core::Logs::IncomingLine> &lines);
    /// A stream or the pod watch failed in a way retrying does not fix.
    void problem(const QString &sentence);
    /// Every stream and watch that reported a problem works again: lines arrived on each
    /// failed stream, the pod watch listed again.
    void recovered();

private:
    void onPod(const QJsonObject &pod);
    void openStream(const QString &pod, const QString &container);

    QPointer<Kube::KubeClient> m_client;
    LogTarget m_target;
    Kube::LogOptions m_options;
    Kube::ResourceCache *m_pods = nullptr;
    std::shared_ptr<LineClassifier> m_classifier = std::make_shared<LineClassifier>();
    QList<LogSource> m_sources;
    QHash<QString, int> m_sourceOf; ///< "pod/container" -> index
    QHash<int, QPointer<Kube::LogStream>> m_streams;
    QSet<int> m_troubled; ///< streams (by index) and the watch (-1) whose problem stands
    void setTroubled(int key, bool troubled);
};

} // namespace Lucent::Core::Logs
