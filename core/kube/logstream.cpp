#include "core/kube/logstream.h"

#include "core/kube/backgroundthread.h"
#include "core/kube/kubeclient.h"
#include "core/kube/logchunkparser.h"
#include "core/logging/logging.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>
#include <algorithm>

namespace Lucent::Core::Kube {

namespace {

std::shared_ptr<spdlog::logger> log()
{
    static auto logger = Logging::logger("lucent.core.kube.logs");
    return logger;
}

} // namespace

LogStream::LogStream(KubeClient *client, QString namespaceName, QString pod, LogOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_pod(std::move(pod))
    , m_options(std::move(options))
    , m_retryTimer(new QTimer(this))
    , m_epoch(std::make_shared<std::atomic<quint32>>(0))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &LogStream::checkContainerThenResume);
}

LogStream::~LogStream()
{
    stop();
    if (m_parser)
        m_parser->deleteLater(); // after the chunks queued to it; its answers find no receiver
}

void LogStream::setReconnectDelays(int minMs, int maxMs)
{
    m_minDelayMs = m_delayMs = minMs;
    m_maxDelayMs = maxMs;
}

void LogStream::start()
{
    if (m_running)
        return;
    m_running = true;
    if (!m_parser) {
        m_parser = new LogChunkParser(m_utf8Only, m_annotator, m_epoch);
        m_parser->moveToThread(backgroundThread());
        connect(m_parser, &LogChunkParser::parsed, this, &LogStream::onParsed, Qt::QueuedConnection);
    }
    open();
}

void LogStream::stop()
{
    m_running = false;
    m_epoch->fetch_add(1);
    m_unsent.clear();
    m_afterDrain = nullptr;
    m_retryTimer->stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
    m_reply = nullptr;
}

void LogStream::open()
{
    if (!m_client)
        return;
    KubeRequest request;
    request.path = ResourceType::pods().objectPath(m_namespace, m_pod, QStringLiteral("log"));
    request.accept = QByteArrayLiteral("*/*");
    QUrlQuery &query = request.query;
    query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
    if (!m_options.container.isEmpty())
        query.addQueryItem(QStringLiteral("container"), m_options.container);
    if (m_options.previous)
        query.addQueryItem(QStringLiteral("previous"), QStringLiteral("true"));
    if (m_options.limitBytes > 0)
        query.addQueryItem(QStringLiteral("limitBytes"), QString::number(m_options.limitBytes));
    if (m_lastNanos >= 0) {
        // Resume from the second of the last line (the API takes whole seconds); the overlap
        // is dropped by the parser (restarted below).
        const QDateTime since = QDateTime::fromSecsSinceEpoch(m_lastNanos / 1000000000LL, Qt::UTC);
        query.addQueryItem(QStringLiteral("sinceTime"), since.toString(Qt::ISODate));
    } else {
        if (m_options.tailLines >= 0)
            query.addQueryItem(QStringLiteral("tailLines"), QString::number(m_options.tailLines));
        if (m_options.sinceSeconds > 0)
            query.addQueryItem(QStringLiteral("sinceSeconds"), QString::number(m_options.sinceSeconds));
        else if (m_options.sinceTime.isValid())
            query.addQueryItem(QStringLiteral("sinceTime"), m_options.sinceTime.toUTC().toString(Qt::ISODate));
    }
    if (m_options.follow) {
        query.addQueryItem(QStringLiteral("follow"), QStringLiteral("true"));
        request.stream = true;
        request.timeoutMs = 0; // a quiet container is not a dead connection
        // A log resumes from its last line at the cost of one second's overlap: cheaper than
        // holding a flood that outpaces the parser in memory.
        request.dropWhenBehindBytes = 16 * 1024 * 1024;
    } else {
        request.timeoutMs = 120000;
    }
    QMetaObject::invokeMethod(m_parser, [parser = m_parser, resume = m_lastNanos >= 0] { parser->restart(resume); });
    KubeReply *reply = m_client->send(std::move(request));
    m_reply = reply;
    connect(reply, &KubeReply::dataReceived, this, &LogStream::onData);
    connect(reply, &KubeReply::finished, this, [this, reply] { onFinished(reply); });
}

void LogStream::onData(const QByteArray &chunk)
{
    // The GUI thread only hands the bytes over, once per turn of the event loop: a server
    // that flushes line by line delivers thousands of small reads a second, and one hand-over
    // each would cost more than the parsing they feed.
    m_unsent += chunk;
    if (!m_flushScheduled) {
        m_flushScheduled = true;
        QTimer::singleShot(0, this, &LogStream::flush);
    }
}

void LogStream::flush()
{
    m_flushScheduled = false;
    if (!m_unsent.isEmpty())
        sendToParser(std::exchange(m_unsent, {}));
}

void LogStream::sendToParser(const QByteArray &chunk)
{
    ++m_chunksInFlight;
    m_chunkSizes.append(chunk.size());
    m_bytesInFlight += chunk.size();
    updateBackpressure();
    QMetaObject::invokeMethod(m_parser,
                              [parser = m_parser, chunk, epoch = m_epoch->load()] { parser->feed(chunk, epoch); });
}

void LogStream::onParsed(const QList<LogLine> &lines, qint64 lastNanos, quint32 epoch, bool lastOfChunk)
{
    if (lastOfChunk) {
        --m_chunksInFlight;
        m_bytesInFlight -= m_chunkSizes.isEmpty() ? 0 : m_chunkSizes.takeFirst();
        updateBackpressure();
    }
    if (epoch != m_epoch->load())
        return; // parsed for a stream stopped since
    m_lastNanos = lastNanos;
    if (!lines.isEmpty()) {
        m_delayMs = m_minDelayMs;
        Q_EMIT linesReceived(lines);
    }
    if (m_chunksInFlight == 0 && m_afterDrain) {
        const auto after = std::move(m_afterDrain);
        m_afterDrain = nullptr;
        after();
    }
}

void LogStream::updateBackpressure()
{
    // Past a few megabytes waiting for the background thread the stream stops reading, and
    // the server is slowed instead of a queue growing without end while the cores are busy.
    if (m_reply)
        m_reply->applyBackpressure(m_bytesInFlight);
}

void LogStream::onFinished(KubeReply *reply)
{
    m_reply = nullptr;
    if (!m_running)
        return;
    const ApiError error = reply->error();
    if (!m_options.follow && !error.isError()) {
        // The whole log came as the body. A last line without a newline (limitBytes) counts.
        QByteArray body = reply->body();
        if (!body.isEmpty() && !body.endsWith('\n'))
            body.append('\n');
        m_unsent += body;
    }
    flush(); // what arrived in this turn goes before the end
    // Lines still being parsed come first: the end, or the resume, follows the last of them.
    auto finish = [this, error] {
        if (!m_options.follow) {
            finishWith(error);
            return;
        }
        // A followed stream that broke off may leave half a line behind; it comes again whole
        // after the resume, so it is dropped here (open() clears the splitter).
        if (error.isError() && !error.isTransient()) {
            finishWith(error); // 404 pod gone, 400 container not running, 403: resuming would not help
            return;
        }
        if (error.kind == ApiError::Kind::FellBehind) {
            // Routine under a flood, not a fault: carry on from the last line at once. The
            // lines already taken in stay; the overlap is dropped as after any resume.
            log()->info("{}", error.sentence().toStdString());
            checkContainerThenResume();
            return;
        }
        if (error.isError())
            Q_EMIT errorOccurred(error);
        resumeLater();
    };
    if (m_chunksInFlight > 0)
        m_afterDrain = finish;
    else
        finish();
}

void LogStream::resumeLater()
{
    const int delay = int(m_delayMs * (0.5 + 0.5 * QRandomGenerator::global()->generateDouble()));
    m_delayMs = std::min(m_maxDelayMs, m_delayMs * 2);
    m_retryTimer->start(delay);
}

void LogStream::checkContainerThenResume()
{
    if (!m_client || !m_running)
        return;
    // A followed log also ends when the container stops. Only a running container is
    // worth reconnecting to; the pod's status says which case this is.
    KubeReply *reply = m_client->get(ResourceType::pods(), m_namespace, m_pod);
    m_reply = reply;
    connect(reply, &KubeReply::finished, this, [this, reply] {
        m_reply = nullptr;
        if (!m_running)
            return;
        const ApiError &error = reply->error();
        if (error.isNotFound()) {
            finishWith({}); // the pod is gone: its log is complete
            return;
        }
        if (error.isError()) {
            Q_EMIT errorOccurred(error);
            resumeLater();
            return;
        }
        const QJsonObject status = reply->json().value(QLatin1String("status")).toObject();
        const QString phase = status.value(QLatin1String("phase")).toString();
        bool running = phase == QLatin1String("Running") || phase == QLatin1String("Pending");
        const QJsonArray containers = status.value(QLatin1String("containerStatuses")).toArray();
        for (const auto &value : containers) {
            const QJsonObject container = value.toObject();
            const bool ours = m_options.container.isEmpty()
                || container.value(QLatin1String("name")).toString() == m_options.container;
            if (ours && container.value(QLatin1String("state")).toObject().contains(QLatin1String("terminated")))
                running = false;
            if (ours)
                break;
        }
        if (!running || m_options.previous) {
            finishWith({});
            return;
        }
        ++m_reconnects;
        Q_EMIT reconnecting(m_reconnects);
        open();
    });
}

void LogStream::finishWith(const ApiError &error)
{
    m_running = false;
    if (error.isError())
        Q_EMIT errorOccurred(error);
    Q_EMIT ended();
}

} // namespace Lucent::Core::Kube
