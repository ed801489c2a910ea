#include "core/logs/podlogset.h"

#include "core/kube/kubeclient.h"
#include "core/kube/resourcecache.h"

#include <QJsonArray>

namespace Lucent::Core::Logs {

using Kube::LogStream;
using Kube::ResourceCache;

PodLogSet::PodLogSet(Kube::KubeClient *client, LogTarget target, Kube::LogOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_target(std::move(target))
    , m_options(std::move(options))
{
    m_options.follow = true;
}

PodLogSet::~PodLogSet() = default;

void PodLogSet::start()
{
    Kube::ResourceCacheOptions cacheOptions;
    cacheOptions.labelSelector = m_target.labelSelector;
    if (!m_target.pod.isEmpty())
        cacheOptions.fieldSelector = QStringLiteral("metadata.name=") + m_target.pod;
    m_pods = new ResourceCache(m_client, Kube::ResourceType::pods(), m_target.namespaceName, cacheOptions, this);
    connect(m_pods, &ResourceCache::added, this, &PodLogSet::onPod);
    connect(m_pods, &ResourceCache::updated, this, [this](const QJsonObject &, const QJsonObject &pod) { onPod(pod); });
    // A pod that goes needs nothing here: its LogStream sees it gone and ends by itself, after
    // the last lines of the terminating container have arrived.
    connect(m_pods, &ResourceCache::errorOccurred, this, [this](const Kube::ApiError &error) {
        setTroubled(-1, true);
        Q_EMIT problem(tr("Watching the pods of %1 failed: %2").arg(m_target.title, error.sentence()));
    });
    connect(m_pods, &ResourceCache::synced, this, [this] { setTroubled(-1, false); });
    m_pods->start();
}

int PodLogSet::runningStreams() const
{
    int running = 0;
    for (const auto &stream : m_streams)
        running += stream && stream->isRunning() ? 1 : 0;
    return running;
}

int PodLogSet::reconnects() const
{
    int total = 0;
    for (const auto &stream : m_streams)
        total += stream ? stream->reconnects() : 0;
    return total;
}

void PodLogSet::onPod(const QJsonObject &pod)
{
    const QJsonObject metadata = pod.value(QLatin1String("metadata")).toObject();
    const QString name = metadata.value(QLatin1String("name")).toString();
    if (!m_target.pod.isEmpty() && name != m_target.pod)
        return; // a server that ignored the field selector
    // A container has a log once it has started: running, or terminated after running.
    const QJsonArray statuses
        = pod.value(QLatin1String("status")).toObject().value(QLatin1String("containerStatuses")).toArray();
    for (const QJsonValue &value : statuses) {
        const QJsonObject status = value.toObject();
        const QString container = status.value(QLatin1String("name")).toString();
        if (!m_target.container.isEmpty() && container != m_target.container)
            continue;
        const QJsonObject state = status.value(QLatin1String("state")).toObject();
        const bool started = state.contains(QLatin1String("running")) || state.contains(QLatin1String("terminated"))
            || (m_options.previous && status.value(QLatin1String("restartCount")).toInt() > 0);
        if (started && !m_sourceOf.contains(name + QLatin1Char('/') + container))
            openStream(name, container);
    }
}

void PodLogSet::openStream(const QString &pod, const QString &container)
{
    const int index = int(m_sources.size());
    m_sources.append({pod, container, false});
    m_sourceOf.insert(pod + QLatin1Char('/') + container, index);
    Kube::LogOptions options = m_options;
    options.container = container;
    auto *stream = new LogStream(m_client, m_target.namespaceName, pod, options, this);
    stream->setUtf8Only(true);
    stream->setAnnotator(m_classifier);
    m_streams.insert(index, stream);
    connect(stream, &LogStream::linesReceived, this, [this, index](const QList<Kube::LogLine> &lines) {
        setTroubled(index, false);
        QList<IncomingLine> batch;
        batch.reserve(lines.size());
        for (const Kube::LogLine &line : lines)
            batch.append({index, line.nanos, line.utf8, LogLevel(line.level), line.marks, true, line.marksVersion});
        Q_EMIT linesArrived(batch);
    });
    connect(stream, &LogStream::errorOccurred, this, [this, index, pod, container](const Kube::ApiError &error) {
        setTroubled(index, true);
        Q_EMIT problem(tr("The log of %1 (%2) stopped: %3").arg(pod, container, error.sentence()));
    });
    connect(stream, &LogStream::ended, this, [this, index] {
        // A stream that ended (its pod is gone) is no longer one in trouble: without this, a pod
        // replaced during an outage kept the "log stopped" warning up for good.
        setTroubled(index, false);
        m_sources[index].ended = true;
        Q_EMIT sourceEnded(index);
    });
    Q_EMIT sourceAdded(index, m_sources.constLast());
    stream->start();
}

void PodLogSet::setTroubled(int key, bool troubled)
{
    if (troubled) {
        m_troubled.insert(key);
        return;
    }
    if (m_troubled.remove(key) && m_troubled.isEmpty())
        Q_EMIT recovered();
}

} // namespace Lucent::Core::Logs
