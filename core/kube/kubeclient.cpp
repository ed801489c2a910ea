#include "core/kube/kubeclient.h"

#include "core/bounds/filebounds.h"

#include "core/kube/execcredentialplugin.h"
#include "core/kube/gzip.h"
#include "core/logging/logging.h"

#include <QFile>
#include <QFutureWatcher>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <QtConcurrent>

#include <algorithm>

namespace Lucent::Core::Kube {

namespace {

std::shared_ptr<spdlog::logger> log()
{
    static auto logger = Logging::logger("lucent.core.kube");
    return logger;
}

ApiError::Kind transportKind(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::ProxyConnectionRefusedError: return ApiError::Kind::ConnectionRefused;
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::ProxyNotFoundError: return ApiError::Kind::HostNotFound;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::ProxyTimeoutError: return ApiError::Kind::Timeout;
    case QNetworkReply::SslHandshakeFailedError: return ApiError::Kind::Tls;
    case QNetworkReply::OperationCanceledError: return ApiError::Kind::Cancelled;
    default: return ApiError::Kind::Network;
    }
}

// Retry-After is either delay-seconds or an HTTP date.
int retryAfterSeconds(const QNetworkReply *reply)
{
    const QByteArray value = reply->rawHeader("Retry-After").trimmed();
    if (value.isEmpty())
        return 0;
    bool ok = false;
    const int seconds = value.toInt(&ok);
    if (ok)
        return std::max(0, seconds);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    return when.isValid() ? int(std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(when))) : 0;
}

} // namespace

void ListOptions::addTo(QUrlQuery &query) const
{
    if (!labelSelector.isEmpty())
        query.addQueryItem(QStringLiteral("labelSelector"), labelSelector);
    if (!fieldSelector.isEmpty())
        query.addQueryItem(QStringLiteral("fieldSelector"), fieldSelector);
    if (limit > 0)
        query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!continueToken.isEmpty())
        query.addQueryItem(QStringLiteral("continue"), continueToken);
    if (!resourceVersion.isEmpty())
        query.addQueryItem(QStringLiteral("resourceVersion"), resourceVersion);
    if (watch)
        query.addQueryItem(QStringLiteral("watch"), QStringLiteral("true"));
    if (allowWatchBookmarks)
        query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
    if (timeoutSeconds > 0)
        query.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(timeoutSeconds));
}

QByteArray contentTypeFor(PatchType type)
{
    switch (type) {
    case PatchType::Merge: return QByteArrayLiteral("application/merge-patch+json");
    case PatchType::Json: return QByteArrayLiteral("application/json-patch+json");
    case PatchType::Strategic: return QByteArrayLiteral("application/strategic-merge-patch+json");
    }
    return {};
}

// --- KubeReply ---------------------------------------------------------------------------

KubeReply::KubeReply(KubeRequest request, KubeClient *client)
    : QObject(client)
    , m_request(std::move(request))
    , m_client(client)
{
    m_started.start();
}

KubeReply::~KubeReply()
{
    if (auto *network = qobject_cast<QNetworkReply *>(m_network)) {
        network->disconnect(this);
        network->abort();
        network->deleteLater();
    }
}

QJsonObject KubeReply::json() const
{
    return QJsonDocument::fromJson(body()).object();
}

QByteArray KubeReply::decodeBody(const QByteArray &raw, bool gzip)
{
    return gzip ? gunzip(raw, MaxAnswerBytes).value_or(QByteArray()) : raw;
}

const QByteArray &KubeReply::body() const
{
    if (!m_gzip)
        return m_body;
    if (!m_isDecoded) {
        m_decoded = decodeBody(m_body, true);
        m_isDecoded = true;
    }
    return m_decoded;
}

void KubeReply::abort()
{
    if (!m_finished && m_client)
        m_client->abortReply(this);
}

void KubeReply::setReadingPaused(bool paused)
{
    if (paused == m_readingPaused)
        return;
    m_readingPaused = paused;
    auto *network = qobject_cast<QNetworkReply *>(m_network);
    if (!paused && network && network->isOpen() && network->bytesAvailable() > 0)
        QTimer::singleShot(0, network, [network] { Q_EMIT network->readyRead(); });
}

void KubeReply::applyBackpressure(qsizetype bytesWaiting)
{
    constexpr qsizetype PauseBytes = 8 * 1024 * 1024;
    constexpr qsizetype ResumeBytes = 2 * 1024 * 1024;
    if (bytesWaiting > PauseBytes)
        setReadingPaused(true);
    else if (bytesWaiting < ResumeBytes)
        setReadingPaused(false);
}

// --- KubeClient --------------------------------------------------------------------------

KubeClient::KubeClient(ClusterConnection connection, QObject *parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_bearer(m_connection.token)
{
    m_manager = newManager(this);
    if (m_connection.hasExec) {
        m_exec = new ExecCredentialPlugin(m_connection.exec, m_connection.server, this);
        connect(m_exec, &ExecCredentialPlugin::credentialReady, this, &KubeClient::onExecCredential);
        connect(m_exec, &ExecCredentialPlugin::failed, this, &KubeClient::onExecFailed);
    }
}

KubeClient::~KubeClient() = default;

QNetworkAccessManager *KubeClient::newManager(QObject *parent) const
{
    auto *manager = new QNetworkAccessManager(parent);
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy); // never carry credentials elsewhere
    if (m_connection.proxyUrl.isValid()) {
        const QUrl &proxy = m_connection.proxyUrl;
        manager->setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, proxy.host(), quint16(proxy.port(80)),
                                        proxy.userName(), proxy.password()));
    } else {
        manager->setProxy(QNetworkProxy::NoProxy);
    }
    return manager;
}

QByteArray KubeClient::userAgent()
{
    return QByteArrayLiteral("lucent-console/" LUCENT_VERSION_STRING);
}

void KubeClient::setMaxConcurrentRequests(int limit)
{
    m_maxConcurrent = std::max(1, limit);
    pump();
}

QSslConfiguration KubeClient::sslConfiguration() const
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!m_connection.certificateAuthorities.isEmpty())
        ssl.setCaCertificates(m_connection.certificateAuthorities); // only the kubeconfig's CA, as kubectl
    if (m_connection.insecureSkipTlsVerify)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!m_execCertificate.isNull()) {
        ssl.setLocalCertificate(m_execCertificate);
        ssl.setPrivateKey(m_execKey);
    } else if (m_connection.hasClientCertificate()) {
        ssl.setLocalCertificateChain(QList<QSslCertificate>{m_connection.clientCertificate}
                                     + m_connection.clientCertificateChain);
        ssl.setPrivateKey(m_connection.clientKey);
    }
    return ssl;
}

QNetworkRequest KubeClient::networkRequest(const KubeRequest &request) const
{
    QUrl url = m_connection.server;
    // The server URL may carry a path prefix (a proxy in front of the API server).
    QString prefix = url.path();
    if (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + request.path, QUrl::TolerantMode);
    url.setQuery(request.query);
    QNetworkRequest network(url);
    network.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    network.setRawHeader("Accept", request.accept);
    // Qt 6.4 inflates highly compressed answers slowly (a 900 KB pod page took 600 ms), so
    // the client asks for gzip itself and inflates with zlib, off the GUI thread for lists.
    // Streams stay uncompressed so that each event arrives as it is sent.
    network.setRawHeader("Accept-Encoding", request.stream ? QByteArrayLiteral("identity") : QByteArrayLiteral("gzip"));
    if (!request.contentType.isEmpty())
        network.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
    // Like kubectl, credentials travel only over TLS: never a token in clear text.
    const bool secure = url.scheme() == QLatin1String("https");
    if (secure && !m_bearer.isEmpty())
        network.setRawHeader("Authorization", "Bearer " + m_bearer);
    else if (secure && !m_connection.username.isEmpty())
        network.setRawHeader("Authorization",
                             "Basic "
                                 + QByteArray(m_connection.username.toUtf8() + ':' + m_connection.password).toBase64());
    if (url.scheme() == QLatin1String("https")) {
        network.setSslConfiguration(sslConfiguration());
        if (!m_connection.tlsServerName.isEmpty())
            network.setPeerVerifyName(m_connection.tlsServerName);
    }
    network.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    return network;
}

KubeReply *KubeClient::send(KubeRequest request)
{
    auto *reply = new KubeReply(std::move(request), this);
    if (reply->m_request.stream) {
        startAttempt(reply);
    } else {
        m_queue.append(reply);
        pump();
    }
    return reply;
}

void KubeClient::pump()
{
    while (m_active < m_maxConcurrent && !m_queue.isEmpty()) {
        KubeReply *reply = m_queue.takeFirst();
        if (!reply || reply->m_finished)
            continue;
        ++m_active;
        reply->m_holdsSlot = true;
        startAttempt(reply);
    }
}

void KubeClient::startAttempt(KubeReply *reply)
{
    if (m_exec && !m_exec->cached()) {
        m_waitingForCredentials.append(reply);
        m_exec->request();
        return;
    }
    sendAttempt(reply);
}

void KubeClient::sendAttempt(KubeReply *reply)
{
    ++reply->m_attempts;
    reply->m_timedOut = false;
    reply->m_tooLarge = false;
    reply->m_fellBehindBytes = 0;
    reply->m_tlsErrors.clear();
    reply->m_body.clear();
    reply->m_decoded.clear();
    reply->m_isDecoded = false;
    reply->m_gzip = false;
    reply->m_httpStatus = 0;
    reply->m_streaming = false;
    QNetworkAccessManager *manager = m_manager;
    if (reply->m_request.stream) {
        // Each stream holds its connection for minutes; a manager of its own keeps it from
        // taking one of the few connections per host that ordinary requests share.
        if (!reply->m_streamManager)
            reply->m_streamManager = newManager(reply);
        manager = reply->m_streamManager;
    }
    QNetworkReply *network
        = manager->sendCustomRequest(networkRequest(reply->m_request), reply->m_request.method, reply->m_request.body);
    reply->m_network = network;
    if (!reply->m_timer) {
        reply->m_timer = new QTimer(reply);
        reply->m_timer->setSingleShot(true);
    }
    reply->m_timer->disconnect();
    if (reply->m_request.timeoutMs > 0) {
        connect(reply->m_timer, &QTimer::timeout, reply, [reply] {
            if (auto *network = qobject_cast<QNetworkReply *>(reply->m_network)) {
                reply->m_timedOut = true;
                network->abort();
            }
        });
        reply->m_timer->start(reply->m_request.timeoutMs);
    }
    if (reply->m_request.stream && reply->m_request.deadlineMs > 0) {
        if (!reply->m_deadline) {
            reply->m_deadline = new QTimer(reply);
            reply->m_deadline->setSingleShot(true);
        }
        reply->m_deadline->disconnect();
        connect(reply->m_deadline, &QTimer::timeout, reply, [reply] {
            if (auto *network = qobject_cast<QNetworkReply *>(reply->m_network)) {
                reply->m_timedOut = true;
                network->abort();
            }
        });
        reply->m_deadline->start(reply->m_request.deadlineMs);
    }

    connect(network, &QNetworkReply::sslErrors, reply, [this, reply, network](const QList<QSslError> &errors) {
        if (m_connection.insecureSkipTlsVerify) {
            network->ignoreSslErrors();
            return;
        }
        QStringList texts;
        for (const QSslError &error : errors)
            texts.append(error.errorString());
        reply->m_tlsErrors = texts.join(QStringLiteral("; "));
    });
    connect(network, &QNetworkReply::readyRead, reply, [reply, network] {
        if (reply->m_request.stream && reply->m_request.timeoutMs > 0)
            reply->m_timer->start(reply->m_request.timeoutMs); // an idle limit for streams
        const int status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (!reply->m_request.stream
            && (network->bytesAvailable() > MaxAnswerBytes
                || network->header(QNetworkRequest::ContentLengthHeader).toLongLong() > MaxAnswerBytes)) {
            reply->m_tooLarge = true;
            network->abort(); // finished() follows, with the Decode error
            return;
        }
        if (reply->m_request.stream && status >= 200 && status < 300) {
            reply->m_streaming = true;
            // QtNetwork reads the socket whatever the reply's read buffer size (measured with
            // Qt 6.4: a 4 MB limit still let 800 MB pile up in its HTTP thread under a log
            // flood), so TCP never slows the server; a stream this far behind ends instead.
            const qint64 behindLimit = reply->m_request.dropWhenBehindBytes;
            if (behindLimit > 0 && network->bytesAvailable() > behindLimit) {
                reply->m_fellBehindBytes = network->bytesAvailable();
                network->abort(); // finished() follows, with the FellBehind error
                return;
            }
            if (reply->m_readingPaused)
                return; // setReadingPaused(false) reads on
            reply->m_httpStatus = status;
            // At most a megabyte per turn of the event loop: a backlog of tens of megabytes
            // would otherwise be copied, and handed on, in one piece. Never ask for more than
            // is there: read(n) allocates n bytes and keeps them as the chunk's capacity, so a
            // 2 KB chunk held a megabyte while it waited for the parser (gigabytes under a flood).
            const qint64 size = std::min<qint64>(network->bytesAvailable(), 1024 * 1024);
            const QByteArray chunk = network->isOpen() && size > 0 ? network->read(size) : QByteArray();
            if (!chunk.isEmpty())
                Q_EMIT reply->dataReceived(chunk);
            if (network->isOpen() && network->bytesAvailable() > 0)
                QTimer::singleShot(0, network, [network] { Q_EMIT network->readyRead(); });
        }
    });
    connect(network, &QNetworkReply::finished, reply, [this, reply] { onNetworkFinished(reply); });
}

void KubeClient::onNetworkFinished(KubeReply *reply)
{
    auto *network = qobject_cast<QNetworkReply *>(reply->m_network);
    if (!network)
        return;
    reply->m_network = nullptr;
    network->deleteLater();
    if (reply->m_timer)
        reply->m_timer->stop();
    if (reply->m_deadline)
        reply->m_deadline->stop();

    const int status = network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->m_httpStatus = status;
    const bool gzip = network->rawHeader("Content-Encoding").trimmed().toLower() == "gzip";
    QByteArray rest = network->isOpen() ? network->readAll() : QByteArray();
    if (gzip && status >= 400)
        rest = KubeReply::decodeBody(rest, true); // error bodies are small: inflate at once
    const QString operation = reply->m_request.operation();
    ApiError error;
    if (reply->m_aborted) {
        error = ApiError::transport(ApiError::Kind::Cancelled, {}, operation);
    } else if (reply->m_tooLarge) {
        error = ApiError::decode(QStringLiteral("the answer passed %1 MB, more than any page of objects holds, so it "
                                                "was dropped; the server or a proxy in between sends something else")
                                     .arg(MaxAnswerBytes >> 20),
                                 operation);
    } else if (reply->m_fellBehindBytes > 0) {
        error = ApiError::transport(ApiError::Kind::FellBehind,
                                    QStringLiteral("%1 MB unread").arg(reply->m_fellBehindBytes >> 20), operation);
    } else if (reply->m_timedOut) {
        error = ApiError::transport(ApiError::Kind::Timeout, QStringLiteral("timed out"), operation);
    } else if (status == 0) {
        const ApiError::Kind kind = transportKind(network->error());
        QString detail = network->errorString();
        if (kind == ApiError::Kind::Tls && !reply->m_tlsErrors.isEmpty())
            detail = reply->m_tlsErrors;
        error = ApiError::transport(kind, detail, operation);
    } else if (status >= 400) {
        reply->m_body = rest;
        error = ApiError::fromResponse(status, rest, operation);
        if (const int after = retryAfterSeconds(network); after > 0)
            error.retryAfterSeconds = after;
    } else if (reply->m_request.stream && reply->m_streaming) {
        if (!rest.isEmpty())
            Q_EMIT reply->dataReceived(rest);
        if (network->error() != QNetworkReply::NoError) {
            // The connection broke in the middle of the stream; the caller resumes.
            error = ApiError::transport(transportKind(network->error()), network->errorString(), operation);
        }
    } else if (const qint64 announced = network->header(QNetworkRequest::ContentLengthHeader).toLongLong();
               announced > rest.size() && reply->m_request.method != "HEAD") {
        // QtNetwork ends a body cut short by a reset as if it were complete; the length the
        // server announced tells the two apart, and a cut answer is worth asking again.
        error = ApiError::transport(ApiError::Kind::Network,
                                    QStringLiteral("the connection closed after %1 of the %2 bytes of the answer")
                                        .arg(rest.size())
                                        .arg(announced),
                                    operation);
    } else {
        reply->m_body += rest;
        reply->m_gzip = gzip;
    }

    // A 401 may mean an expired credential: fetch a fresh one and try once more. Safe for
    // writes too, since the server did not act on the request.
    if (status == 401 && !reply->m_authRetried && (m_exec || !m_connection.tokenFile.isEmpty())) {
        reply->m_authRetried = true;
        refreshCredentialsThenRetry(reply);
        return;
    }
    if (error.isError() && error.isTransient() && reply->m_request.isIdempotent() && !reply->m_request.stream
        && !reply->m_aborted && reply->m_attempts < m_retry.maxAttempts) {
        const int delay = error.retryAfterSeconds > 0
            ? std::min(error.retryAfterSeconds * 1000, m_retry.maxRetryAfterMs)
            : backoffDelayMs(reply->m_attempts);
        log()->info("{} failed ({}); retry {} of {} in {} ms", operation.toStdString(),
                    error.httpStatus > 0 ? std::to_string(error.httpStatus) : error.message.toStdString(),
                    reply->m_attempts, m_retry.maxAttempts - 1, delay);
        retryLater(reply, delay);
        return;
    }
    finish(reply, error);
}

int KubeClient::backoffDelayMs(int attempt) const
{
    const double exponential = std::min<double>(m_retry.maxDelayMs, m_retry.baseDelayMs * std::pow(2.0, attempt - 1));
    // Full jitter on the upper half: spreads clients that failed together.
    return int(exponential * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
}

void KubeClient::retryLater(KubeReply *reply, int delayMs)
{
    reply->m_timer->disconnect();
    connect(reply->m_timer, &QTimer::timeout, reply, [this, reply] { startAttempt(reply); });
    reply->m_timer->start(delayMs);
}

void KubeClient::refreshCredentialsThenRetry(KubeReply *reply)
{
    if (m_exec) {
        m_exec->invalidate();
        m_bearer.clear();
        m_execCertificate = QSslCertificate();
        m_execKey = QSslKey();
        startAttempt(reply); // waits for the plugin, then sends again
        return;
    }
    // The token file may have been rotated (a projected service-account token). The one
    // background job that is not a LatestJob: every request that met the 401 waits for its own
    // read, and the watcher belongs to the reply, so aborting the reply abandons the read.
    auto *watcher = new QFutureWatcher<QByteArray>(reply);
    connect(watcher, &QFutureWatcher<QByteArray>::finished, reply, [this, reply, watcher] {
        const QByteArray token = watcher->result();
        watcher->deleteLater();
        if (!token.isEmpty())
            m_bearer = token;
        startAttempt(reply);
    });
    watcher->setFuture(QtConcurrent::run([path = m_connection.tokenFile] {
        QString ignored; // an unreadable token file keeps the token read before
        return FileBounds::read(path, FileBounds::MaxCredentialBytes, &ignored).value_or(QByteArray()).trimmed();
    }));
}

void KubeClient::onExecCredential(const ExecCredential &credential)
{
    m_bearer = credential.token;
    m_execCertificate = QSslCertificate();
    m_execKey = QSslKey();
    if (!credential.clientCertificatePem.isEmpty()) {
        const auto chain = QSslCertificate::fromData(credential.clientCertificatePem, QSsl::Pem);
        m_execCertificate = chain.isEmpty() ? QSslCertificate() : chain.constFirst();
        m_execKey = ConnectionResolver::readPrivateKey(credential.clientKeyPem);
    }
    // The requests that waited for this run are sent with what it handed out, even when its
    // expirationTimestamp has passed already (a clock behind the issuer's, or a plugin that
    // hands out short-lived tokens), as kubectl does: asking again at once would run the plugin
    // for ever. A later request finds no valid credential and runs the plugin again.
    const auto waiting = std::exchange(m_waitingForCredentials, {});
    for (const QPointer<KubeReply> &reply : waiting) {
        if (reply && !reply->m_finished)
            sendAttempt(reply);
    }
}

void KubeClient::onExecFailed(const ApiError &error)
{
    const auto waiting = std::exchange(m_waitingForCredentials, {});
    for (const QPointer<KubeReply> &reply : waiting) {
        if (reply && !reply->m_finished) {
            ApiError specific = error;
            specific.operation = reply->m_request.operation();
            finish(reply, specific);
        }
    }
}

void KubeClient::abortReply(KubeReply *reply)
{
    reply->m_aborted = true;
    if (auto *network = qobject_cast<QNetworkReply *>(reply->m_network)) {
        network->abort(); // finished() follows and ends the reply
        return;
    }
    if (reply->m_timer)
        reply->m_timer->stop();
    m_queue.removeAll(reply);
    m_waitingForCredentials.removeAll(reply);
    finish(reply, ApiError::transport(ApiError::Kind::Cancelled, {}, reply->m_request.operation()));
}

void KubeClient::finish(KubeReply *reply, const ApiError &error)
{
    if (reply->m_finished)
        return;
    reply->m_finished = true;
    reply->m_error = error;
    if (reply->m_holdsSlot) {
        reply->m_holdsSlot = false;
        --m_active;
        QTimer::singleShot(0, this, &KubeClient::pump);
    }
    const auto elapsed = reply->m_started.elapsed();
    if (error.isError() && error.kind != ApiError::Kind::Cancelled) {
        log()->warn("{} -> {} ({} ms, {} attempt(s))", reply->m_request.operation().toStdString(),
                    error.sentence().toStdString(), elapsed, reply->m_attempts);
        Q_EMIT requestFailed(error);
    } else {
        log()->debug("{} -> {} ({} ms)", reply->m_request.operation().toStdString(), reply->m_httpStatus, elapsed);
    }
    Q_EMIT reply->finished();
    reply->deleteLater();
}

// --- Convenience calls -------------------------------------------------------------------

KubeReply *KubeClient::get(const ResourceType &type, const QString &ns, const QString &name, const QString &subresource)
{
    KubeRequest request;
    request.path = type.objectPath(ns, name, subresource);
    return send(std::move(request));
}

KubeReply *KubeClient::list(const ResourceType &type, const QString &ns, const ListOptions &options)
{
    KubeRequest request;
    request.path = type.collectionPath(ns);
    options.addTo(request.query);
    request.timeoutMs = 120000; // a big list on a slow link takes a while
    return send(std::move(request));
}

KubeReply *KubeClient::watch(const ResourceType &type, const QString &ns, const ListOptions &options)
{
    KubeRequest request;
    request.path = type.collectionPath(ns);
    ListOptions watchOptions = options;
    watchOptions.watch = true;
    watchOptions.addTo(request.query);
    request.stream = true;
    // Silence longer than the server's own timeout plus a margin means the link is dead; so
    // does a watch still open at twice the time the server should have ended it.
    request.timeoutMs = options.timeoutSeconds > 0 ? (options.timeoutSeconds + 30) * 1000 : 0;
    request.deadlineMs = options.timeoutSeconds > 0 ? (options.timeoutSeconds * 2 + 5) * 1000 : 0;
    return send(std::move(request));
}

KubeReply *KubeClient::create(const ResourceType &type, const QString &ns, const QJsonObject &object,
                              const QString &fieldManager)
{
    KubeRequest request;
    request.method = QByteArrayLiteral("POST");
    request.path = type.collectionPath(ns);
    if (!fieldManager.isEmpty())
        request.query.addQueryItem(QStringLiteral("fieldManager"), fieldManager);
    request.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    request.contentType = QByteArrayLiteral("application/json");
    return send(std::move(request));
}

KubeReply *KubeClient::update(const ResourceType &type, const QString &ns, const QString &name,
                              const QJsonObject &object, const QString &subresource)
{
    KubeRequest request;
    request.method = QByteArrayLiteral("PUT");
    request.path = type.objectPath(ns, name, subresource);
    request.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    request.contentType = QByteArrayLiteral("application/json");
    return send(std::move(request));
}

KubeReply *KubeClient::patch(const ResourceType &type, const QString &ns, const QString &name, PatchType patchType,
                             const QByteArray &patch, const QString &subresource, const QString &fieldManager)
{
    KubeRequest request;
    request.method = QByteArrayLiteral("PATCH");
    request.path = type.objectPath(ns, name, subresource);
    if (!fieldManager.isEmpty())
        request.query.addQueryItem(QStringLiteral("fieldManager"), fieldManager);
    request.body = patch;
    request.contentType = contentTypeFor(patchType);
    return send(std::move(request));
}

KubeReply *KubeClient::remove(const ResourceType &type, const QString &ns, const QString &name,
                              const QString &propagationPolicy)
{
    KubeRequest request;
    request.method = QByteArrayLiteral("DELETE");
    request.path = type.objectPath(ns, name);
    if (!propagationPolicy.isEmpty()) {
        const QJsonObject options{{QStringLiteral("kind"), QStringLiteral("DeleteOptions")},
                                  {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                                  {QStringLiteral("propagationPolicy"), propagationPolicy}};
        request.body = QJsonDocument(options).toJson(QJsonDocument::Compact);
        request.contentType = QByteArrayLiteral("application/json");
    }
    return send(std::move(request));
}

KubeReply *KubeClient::scale(const ResourceType &type, const QString &ns, const QString &name, int replicas)
{
    const QJsonObject body{{QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}}};
    return patch(type, ns, name, PatchType::Merge, QJsonDocument(body).toJson(QJsonDocument::Compact),
                 QStringLiteral("scale"));
}

KubeReply *KubeClient::proxyGet(const ResourceType &podsOrServices, const QString &ns, const QString &name,
                                const QString &port, const QString &path)
{
    KubeRequest request;
    const QString target = port.isEmpty() ? name : name + QLatin1Char(':') + port;
    request.path = podsOrServices.objectPath(ns, target, QStringLiteral("proxy"));
    request.path += path.startsWith(QLatin1Char('/')) ? path : QLatin1Char('/') + path;
    request.accept = QByteArrayLiteral("*/*");
    return send(std::move(request));
}

KubeReply *KubeClient::accessReview(const AccessQuery &query)
{
    QJsonObject attributes{{QStringLiteral("verb"), query.verb}, {QStringLiteral("resource"), query.resource}};
    auto put = [&attributes](const char *key, const QString &value) {
        if (!value.isEmpty())
            attributes.insert(QLatin1String(key), value);
    };
    put("group", query.group);
    put("subresource", query.subresource);
    put("namespace", query.namespaceName);
    put("name", query.name);
    const ResourceType type = ResourceType::selfSubjectAccessReviews();
    const QJsonObject review{{QStringLiteral("apiVersion"), type.apiVersion()},
                             {QStringLiteral("kind"), type.kind},
                             {QStringLiteral("spec"), QJsonObject{{QStringLiteral("resourceAttributes"), attributes}}}};
    return create(type, {}, review);
}

std::optional<AccessDecision> KubeClient::accessDecision(const QJsonObject &review)
{
    if (!review.value(QLatin1String("status")).isObject())
        return std::nullopt;
    const QJsonObject status = review.value(QLatin1String("status")).toObject();
    return AccessDecision{
        status.value(QLatin1String("allowed")).toBool(), status.value(QLatin1String("denied")).toBool(),
        status.value(QLatin1String("reason")).toString(), status.value(QLatin1String("evaluationError")).toString()};
}

} // namespace Lucent::Core::Kube
