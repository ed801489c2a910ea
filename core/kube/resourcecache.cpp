#include "core/kube/resourcecache.h"

#include "core/jobs/latestjob.h"
#include "core/kube/kubeclient.h"
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
    , m_decode(std::make_unique<Jobs::LatestJob<ListPage>>(this))
{
    m_retryTimer->setSingleShot(true);
    m_backoffMs = m_options.minBackoffMs;
}

ResourceCache::~ResourceCache()
{
    stop();
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
    m_decode->cancel();
    m_retryTimer->stop();
    m_retryTimer->disconnect();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    m_reply = nullptr;
    m_pending.clear();
    m_splitter.clear();
    setState(State::Stopped);
}

void ResourceCache::listPage(const QString &continueToken)
{
    if (!m_client)
        return;
    setState(State::Listing);
    if (continueToken.isEmpty()) {
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
        if (generation != m_generation)
            return;
        m_reply = nullptr;
        if (reply->error().isError()) {
            // An expired continue token is a 410 as well: start the list over.
            handleFailure(reply->error(), true);
            return;
        }
        // Decoding thousands of objects is CPU work: keep it off the GUI thread.
        // stop() cancels it: a page decoded for a run that ended is never applied.
        m_decode->start(
            [raw = reply->rawBody(), gzip = reply->isCompressed(), operation = reply->request().operation()](
                QPromise<ListPage> &promise) { promise.addResult(decodeListPage(raw, gzip, operation)); },
            [this](const ListPage &page) { onListPage(page); });
    });
}

void ResourceCache::onListPage(ListPage page)
{
    if (page.apiError.isError()) {
        handleFailure(page.apiError, true);
        return;
    }
    for (const QJsonObject &item : std::as_const(page.items))
        m_pending.insert(keyOf(item), item);
    if (m_listVersion.isEmpty())
        m_listVersion = page.resourceVersion;
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
    m_splitter.clear();
    m_streamError = ApiError::none();
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
        if (generation == m_generation)
            onWatchFinished(reply);
    });
}

void ResourceCache::onWatchData(const QByteArray &chunk)
{
    if (m_streamError.isError())
        return; // the stream is being abandoned
    const QList<QByteArray> lines = m_splitter.feed(chunk);
    for (const QByteArray &line : lines) {
        QString why;
        const std::optional<WatchEvent> event = parseWatchEvent(line, &why);
        if (!event) {
            m_streamError = ApiError::decode(why, m_type.collectionPath(m_namespace));
        } else if (event->type == WatchEvent::Type::Error) {
            m_streamError
                = ApiError::fromStatus(event->object, QStringLiteral("WATCH ") + m_type.collectionPath(m_namespace));
        } else {
            applyEvent(*event);
            m_backoffMs = m_options.minBackoffMs; // the watch works: the next failure starts small
            continue;
        }
        if (m_reply)
            m_reply->abort(); // finished() follows; onWatchFinished acts on m_streamError
        return;
    }
    if (m_splitter.pendingBytes() > MaxWatchEventBytes) {
        m_streamError = ApiError::decode(
            QStringLiteral("a watch event grew past %1 MB without ending; no object is that large, so the server or "
                           "a proxy in between is sending something else")
                .arg(MaxWatchEventBytes >> 20),
            m_type.collectionPath(m_namespace));
        m_splitter.clear();
        if (m_reply)
            m_reply->abort();
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

void ResourceCache::onWatchFinished(KubeReply *reply)
{
    m_reply = nullptr;
    const ApiError error = m_streamError.isError() ? m_streamError : reply->error();
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
