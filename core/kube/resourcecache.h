#pragma once

#include "core/kube/apierror.h"
#include "core/kube/listpage.h"
#include "core/kube/resourcetype.h"
#include "core/kube/watchevent.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

class QElapsedTimer;
class QTimer;

namespace Lucent::Core::Jobs {
template<typename T> class OrderedJobs;
}

namespace Lucent::Core::Kube {

class KubeClient;
class KubeReply;
class WatchDecoder;

struct ResourceCacheOptions {
    QString labelSelector;
    QString fieldSelector;
    int pageSize = 500; ///< list in pages of this many, as kubectl does (0: one answer)
    int watchTimeoutSeconds = 300; ///< each watch asks for between this and twice this
    int minBackoffMs = 500;
    int maxBackoffMs = 30000;
};

/// An in-memory copy of one resource type in one namespace (or all), kept current the way
/// client-go's informers do: list, then watch from the list's resourceVersion with bookmarks;
/// on 410 Gone (or a server behind the asked version) list again; on a dropped or failed
/// watch, resume from the last version seen after an exponential backoff with jitter.
/// After a relist the differences go out as added/updated/removed, so item models fed by
/// these signals stay incremental. Watch events are decoded on the background thread
/// (WatchDecoder) and applied here in slices under the GUI thread's shared budget
/// (Jobs::SliceScheduler), so a storm of events never holds the window for a frame.
class ResourceCache final : public QObject
{
    Q_OBJECT

public:
    enum class State { Stopped, Listing, Watching, BackingOff };
    Q_ENUM(State)

    ResourceCache(KubeClient *client, ResourceType type, QString namespaceName, ResourceCacheOptions options = {},
                  QObject *parent = nullptr);
    ~ResourceCache() override;
    Q_DISABLE_COPY_MOVE(ResourceCache)

    void start();
    void stop();

    const ResourceType &type() const { return m_type; }
    const QString &namespaceName() const { return m_namespace; }
    State state() const { return m_state; }
    bool isSynced() const { return m_synced; }
    QString resourceVersion() const { return m_resourceVersion; }
    int size() const { return int(m_objects.size()); }
    QJsonObject object(const QString &ns, const QString &name) const;
    QList<QJsonObject> objects() const { return m_objects.values(); }
    const QHash<QString, QJsonObject> &objectsByKey() const { return m_objects; }

    int listCount() const { return m_lists; }
    int watchCount() const { return m_watches; }
    qint64 eventsApplied() const { return m_eventsApplied; }

    /// "namespace/name", or "name" for cluster-scoped objects.
    static QString keyOf(const QJsonObject &object);

    /// Applies one watch event as if it had come from the server; the benchmark and the
    /// stream handler share this path.
    void applyEvent(const WatchEvent &event);

Q_SIGNALS:
    void added(const QJsonObject &object);
    void updated(const QJsonObject &previous, const QJsonObject &current);
    void removed(const QJsonObject &object);
    /// The cache matches a complete list: after the first list, and after each relist.
    void synced();
    /// Something went wrong; the cache keeps trying. For a banner, not for a dialog.
    void errorOccurred(const Lucent::Core::Kube::ApiError &error);
    void stateChanged(Lucent::Core::Kube::ResourceCache::State state);

private:
    void setState(State state);
    void listPage(const QString &continueToken);
    void abandonList();
    void onListPage(const ListPage &page, const QString &askedAhead);
    void replaceAll(QHash<QString, QJsonObject> fresh, const QString &resourceVersion);
    void startWatch();
    void onWatchData(const QByteArray &chunk);
    void onDecoded(const QList<WatchEvent> &events, const QString &problem, int generation, bool lastOfChunk);
    bool applyQueued(const QElapsedTimer &clock, qint64 deadlineNs);
    void abandonWatch(const ApiError &error);
    void onWatchFinished(const ApiError &replyError);
    void handleFailure(const ApiError &error, bool relist);
    void scheduleRetry(bool relist);

    QPointer<KubeClient> m_client;
    ResourceType m_type;
    QString m_namespace;
    ResourceCacheOptions m_options;
    QHash<QString, QJsonObject> m_objects;
    QHash<QString, QJsonObject> m_pending; ///< pages of a list in progress
    /// The first page's resourceVersion: the watch starts there. A server whose pages are not
    /// one snapshot (each at its own version) replays from there what changed during the list;
    /// starting at the last page's version would miss a deletion of an object already listed.
    QString m_listVersion;
    QString m_resourceVersion;
    QPointer<KubeReply> m_reply;
    QTimer *m_retryTimer = nullptr;
    /// The list's pages being decoded, delivered in order; the next page is fetched meanwhile.
    std::unique_ptr<Jobs::OrderedJobs<ListPage>> m_pageDecodes;
    WatchDecoder *m_decoder = nullptr; ///< on the background thread; deleted there
    std::shared_ptr<std::atomic<int>> m_decoderGeneration; ///< m_generation, for the decoder to read
    int m_chunksInFlight = 0; ///< sent to the decoder, not yet answered
    QList<qsizetype> m_chunkSizes; ///< the sizes of those chunks, oldest first
    qsizetype m_bytesInFlight = 0;
    void updateBackpressure();
    // Decoded batches not yet applied. Each event is moved out as it is applied, and a batch
    // goes once spent: an event kept until the whole queue drained was a burst of thousands
    // of objects freed at once.
    QList<QList<WatchEvent>> m_queue;
    qsizetype m_queueStart = 0; ///< applied prefix of the first batch
    QString m_decodeProblem; ///< the decoder gave up after the queued events
    std::function<void()> m_afterDrain; ///< the watch's end, handled once its events are in
    ApiError m_streamError; ///< an ERROR event or a broken line seen on the current watch
    State m_state = State::Stopped;
    int m_backoffMs = 0;
    int m_generation = 0; ///< bumps on stop(): late answers of an older run are dropped
    int m_lists = 0;
    int m_watches = 0;
    qint64 m_eventsApplied = 0;
    bool m_synced = false;
};

} // namespace Lucent::Core::Kube
