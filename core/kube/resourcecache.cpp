#include "core/kube/resourcecache.h"

#include "core/jobs/orderedjobs.h"
#include "core/jobs/slicescheduler.h"
#include "core/kube/backgroundthread.h"
#include "core/kube/kubeclient.h"
#include "core/kube/watchdecoder.h"
#include "core/logging/logging.h"

#include <QJsonArray>
#include <QPromise>
#include <QRandomGenerator>
#include <QTimer>

namespace Lucent::Core::Kube {

namespace {

std::shared_ptr<spdlog::logger> log()
{
    static auto logger = Logging::logger("lucent.core.kube.cache");
    return logger;
}

QString resourceVersionOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("resourceVersion")).toString();
}

} // namespace

ResourceCache::ResourceCache(KubeClient *client, ResourceType type, QString namespaceName, ResourceCacheOptions options,
                             QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_type(std::move(type))
    , m_namespace(std::move(namespaceName))
    , m_options(std::move(options))
    , m_retryTimer(new QTimer(this))
    , m_pageDecodes(std::make_unique<Jobs::OrderedJobs<ListPage>>(
          this,
          [this](const QString &why) {
              abandonList();
              handleFailure(ApiError::decode(why, m_type.collectionPath(m_namespace)), true);
          }))
    , m_decoderGeneration(std::make_shared<std::atomic<int>>(0))
{
    m_retryTimer->setSingleShot(true);
    m_backoffMs = m_options.minBackoffMs;
}

ResourceCache::~ResourceCache()
{
    stop();
    if (m_decoder)
        m_decoder->deleteLater(); // after the chunks queued to it; its answers find no receiver
}

QString ResourceCache::keyOf(const QJsonObject &object)
{
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    const QString ns = metadata.value(QLatin1String("namespace")).toString();
    const QString name = metadata.value(QLatin1String("name")).toString();
    return ns.isEmpty() ? name : ns + QLatin1Char('/') + name;
}

QJsonObject ResourceCache::object(const QString &ns, const QString &name) const
{
    return m_objects.value(ns.isEmpty() ? name : ns + QLatin1Char('/') + name);
}

void ResourceCache::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ResourceCache::start()
{
    if (m_state != State::Stopped)
        return;
    listPage({});
}

void ResourceCache::stop()
{
    ++m_generation;
    m_pageDecodes->cancel();
    m_retryTimer->stop();
    m_retryTimer->disconnect();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    m_reply = nullptr;
    m_pending.clear();
    m_decoderGeneration->store(m_generation);
    m_queue.clear();
    m_queueStart = 0;
    m_decodeProblem.clear();
    m_afterDrain = nullptr;
    setState(State::Stopped);
}

void ResourceCache::listPage(const QString &continueToken)
{
    if (!m_client)
        return;
    setState(State::Listing);
    if (continueToken.isEmpty()) {
        abandonList(); // a relist replaces a list in progress, pages and all
        m_pending.clear();
        m_listVersion.clear();
        ++m_lists;
    }
    ListOptions options;
    options.labelSelector = m_options.labelSelector;
    options.fieldSelector = m_options.fieldSelector;
    options.limit = m_options.pageSize;
    options.continueToken = continueToken;
    KubeReply *reply = m_client->list(m_type, m_namespace, options);
    m_reply = reply;
    const int generation = m_generation;
    connect(reply, &KubeReply::finished, this, [this, reply, generation] {
        if (generation != m_generation || reply != m_reply)
            return;
        m_reply = nullptr;
        if (reply->error().isError()) {
            // An expired continue token is a 410 as well: start the list over.
            abandonList();
            handleFailure(reply->error(), true);
            return;
        }
        // Decoding thousands of objects is CPU work: keep it off the GUI thread. Pages are
        // applied in order; stop() and a relist drop those not applied yet.
        const QByteArray raw = reply->rawBody();
        const bool gzip = reply->isCompressed();
        // The token precedes the items: ask for the next page while this one decodes, so
        // that fetching and decoding overlap instead of taking turns.
        const QString next = peekContinueToken(raw, gzip);
        m_pageDecodes->start(
            [raw, gzip, operation = reply->request().operation()](QPromise<ListPage> &promise) {
                promise.addResult(decodeListPage(raw, gzip, operation));
            },
            [this, next](const ListPage &page) { onListPage(page, next); });
        if (!next.isEmpty())
            listPage(next);
    });
}

void ResourceCache::abandonList()
{
    m_pageDecodes->cancel();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply = nullptr;
    }
}

void ResourceCache::onListPage(const ListPage &page, const QString &askedAhead)
{
    if (page.apiError.isError()) {
        abandonList();
        handleFailure(page.apiError, true);
        return;
    }
    if (page.continueToken != askedAhead && !askedAhead.isEmpty()) {
        // What was read ahead is not what the page says: the pages asked for since are not
        // this list's. Never seen from an API server; start over (after a pause) rather than
        // mix lists.
        abandonList();
        handleFailure(ApiError::decode(QStringLiteral("a list page's continue token is not the one read ahead"),
                                       m_type.collectionPath(m_namespace)),
                      true);
        return;
    }
    for (const QJsonObject &item : std::as_const(page.items))
        m_pending.insert(keyOf(item), item);
    if (m_listVersion.isEmpty())
        m_listVersion = page.resourceVersion;
    if (!askedAhead.isEmpty())
        return; // the next page is on its way already
    if (!page.continueToken.isEmpty()) {
        listPage(page.continueToken);
        return;
    }
    replaceAll(std::exchange(m_pending, {}), std::exchange(m_listVersion, {}));
    m_backoffMs = m_options.minBackoffMs;
    startWatch();
}

void ResourceCache::replaceAll(QHash<QString, QJsonObject> fresh, const QString &resourceVersion)
{
    // Tell consumers only what changed, so a relist after a 410 does not reset their views.
    QHash<QString, QJsonObject> previous = std::exchange(m_objects, std::move(fresh));
    for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
        const auto old = previous.constFind(it.key());
        if (old == previous.cend()) {
            Q_EMIT added(it.value());
        } else {
            if (resourceVersionOf(old.value()) != resourceVersionOf(it.value()))
                Q_EMIT updated(old.value(), it.value());
            previous.erase(old);
        }
    }
    for (const QJsonObject &gone : std::as_const(previous))
        Q_EMIT removed(gone);
    m_resourceVersion = resourceVersion;
    m_synced = true;
    log()->debug("{} {}: {} objects at resourceVersion {}", m_type.resource.toStdString(), m_namespace.toStdString(),
                 m_objects.size(), resourceVersion.toStdString());
    Q_EMIT synced();
}

void ResourceCache::startWatch()
{
    if (!m_client)
        return;
    ++m_watches;
    setState(State::Watching);
    m_streamError = ApiError::none();
    m_decodeProblem.clear();
    if (!m_decoder) {
        m_decoderGeneration->store(m_generation);
        m_decoder = new WatchDecoder(m_decoderGeneration);
        m_decoder->moveToThread(backgroundThread());
        connect(m_decoder, &WatchDecoder::decoded, this, &ResourceCache::onDecoded, Qt::QueuedConnection);
    }
    QMetaObject::invokeMethod(m_decoder, [decoder = m_decoder] { decoder->restart(); });
    ListOptions options;
    options.labelSelector = m_options.labelSelector;
    options.fieldSelector = m_options.fieldSelector;
    options.resourceVersion = m_resourceVersion;
    options.allowWatchBookmarks = true;
    // Spread the watches' ends so that many caches do not reconnect at the same moment.
    options.timeoutSeconds = m_options.watchTimeoutSeconds
        + int(QRandomGenerator::global()->bounded(std::max(1, m_options.watchTimeoutSeconds)));
    KubeReply *reply = m_client->watch(m_type, m_namespace, options);
    m_reply = reply;
    const int generation = m_generation;
    connect(reply, &KubeReply::dataReceived, this, [this, generation](const QByteArray &chunk) {
        if (generation == m_generation)
            onWatchData(chunk);
    });
    connect(reply, &KubeReply::finished, this, [this, reply, generation] {
        if (generation != m_generation)
            return;
        m_reply = nullptr;
        // Events still being decoded or applied come first: a resume must start after them.
        const ApiError error = reply->error();
        if (m_chunksInFlight > 0 || !m_queue.isEmpty())
            m_afterDrain = [this, error] { onWatchFinished(error); };
        else
            onWatchFinished(error);
    });
}

void ResourceCache::onWatchData(const QByteArray &chunk)
{
    if (m_streamError.isError() || !m_decodeProblem.isEmpty())
        return; // the stream is being abandoned
    ++m_chunksInFlight;
    QMetaObject::invokeMethod(
        m_decoder, [decoder = m_decoder, chunk, generation = m_generation] { decoder->feed(chunk, generation); });
}

void ResourceCache::onDecoded(const QList<WatchEvent> &events, const QString &problem, int generation, bool lastOfChunk)
{
    if (lastOfChunk) {
        --m_chunksInFlight;
        m_bytesInFlight -= m_chunkSizes.isEmpty() ? 0 : m_chunkSizes.takeFirst();
        updateBackpressure();
    }
    if (generation != m_generation)
        return; // decoded for a run stopped since
    if (!events.isEmpty())
        m_queue.append(events);
    if (!problem.isEmpty() && m_decodeProblem.isEmpty())
        m_decodeProblem = problem;
    auto &scheduler = Jobs::SliceScheduler::current();
    if (!scheduler.isPending(this))
        scheduler.request(this,
                          [this](const QElapsedTimer &clock, qint64 deadline) { return applyQueued(clock, deadline); });
}

bool ResourceCache::applyQueued(const QElapsedTimer &clock, qint64 deadlineNs)
{
    while (!m_queue.isEmpty()) {
        // The clock is read every few events: one event costs a microsecond or two.
        QList<WatchEvent> &batch = m_queue.first();
        for (int i = 0; i < 32 && m_queueStart < batch.size(); ++i) {
            const WatchEvent event = std::move(batch[m_queueStart++]);
            if (event.type == WatchEvent::Type::Error) {
                abandonWatch(
                    ApiError::fromStatus(event.object, QStringLiteral("WATCH ") + m_type.collectionPath(m_namespace)));
                return false;
            }
            applyEvent(event);
            m_backoffMs = m_options.minBackoffMs; // the watch works: the next failure starts small
        }
        if (m_queueStart >= batch.size()) {
            m_queue.removeFirst();
            m_queueStart = 0;
        }
        if (clock.nsecsElapsed() >= deadlineNs && !m_queue.isEmpty())
            return true;
    }
    if (!m_decodeProblem.isEmpty()) {
        abandonWatch(ApiError::decode(m_decodeProblem, m_type.collectionPath(m_namespace)));
        return false;
    }
    if (m_chunksInFlight == 0 && m_afterDrain) {
        const auto after = std::move(m_afterDrain);
        m_afterDrain = nullptr;
        after();
    }
    return false;
}

void ResourceCache::updateBackpressure()
{
    // Past a few megabytes waiting for the background thread the stream stops reading, and
    // the server is slowed instead of a queue growing without end while the cores are busy.
    if (m_reply)
        m_reply->applyBackpressure(m_bytesInFlight);
}

void ResourceCache::abandonWatch(const ApiError &error)
{
    m_streamError = error;
    m_queue.clear();
    m_queueStart = 0;
    m_decodeProblem.clear();
    if (m_reply) {
        m_reply->abort(); // finished() follows; onWatchFinished acts on m_streamError
    } else if (m_afterDrain) {
        const auto after = std::move(m_afterDrain); // it had finished already
        m_afterDrain = nullptr;
        after();
    }
}

void ResourceCache::applyEvent(const WatchEvent &event)
{
    ++m_eventsApplied;
    // One metadata lookup serves the version and the key: this runs for every event.
    const QJsonObject metadata = event.object.value(QLatin1String("metadata")).toObject();
    const QString version = metadata.value(QLatin1String("resourceVersion")).toString();
    if (!version.isEmpty())
        m_resourceVersion = version;
    if (event.type == WatchEvent::Type::Bookmark)
        return;
    const QString ns = metadata.value(QLatin1String("namespace")).toString();
    const QString name = metadata.value(QLatin1String("name")).toString();
    const QString key = ns.isEmpty() ? name : ns + QLatin1Char('/') + name;
    if (event.type == WatchEvent::Type::Deleted) {
        if (!m_objects.contains(key))
            return;
        const QJsonObject gone = m_objects.take(key);
        Q_EMIT removed(gone);
        return;
    }
    auto it = m_objects.find(key);
    if (it == m_objects.end()) {
        m_objects.insert(key, event.object);
        Q_EMIT added(event.object);
    } else {
        const QJsonObject previous = std::exchange(it.value(), event.object);
        Q_EMIT updated(previous, event.object);
    }
}

void ResourceCache::onWatchFinished(const ApiError &replyError)
{
    const ApiError error = m_streamError.isError() ? m_streamError : replyError;
    m_streamError = ApiError::none();
    if (!error.isError()) {
        startWatch(); // the server ended the watch at its timeout: carry on from where it was
        return;
    }
    handleFailure(error, error.isGone() || error.isResourceVersionTooLarge());
}

void ResourceCache::handleFailure(const ApiError &error, bool relist)
{
    if (error.kind == ApiError::Kind::Cancelled)
        return;
    if (error.isGone()) {
        // Expected from time to time: the history moved on. List again at once.
        log()->info("{} {}: {}; listing again", m_type.resource.toStdString(), m_namespace.toStdString(),
                    error.message.toStdString());
        listPage({});
        return;
    }
    log()->warn("{} {}: {}", m_type.resource.toStdString(), m_namespace.toStdString(), error.sentence().toStdString());
    Q_EMIT errorOccurred(error);
    scheduleRetry(relist || !m_synced);
}

void ResourceCache::scheduleRetry(bool relist)
{
    setState(State::BackingOff);
    const int delay = int(m_backoffMs * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
    m_backoffMs = std::min(m_options.maxBackoffMs, m_backoffMs * 2);
    m_retryTimer->disconnect();
    connect(m_retryTimer, &QTimer::timeout, this, [this, relist] {
        if (relist)
            listPage({});
        else
            startWatch();
    });
    m_retryTimer->start(delay);
}

} // namespace Lucent::Core::Kube
