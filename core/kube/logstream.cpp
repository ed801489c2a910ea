#include "core/kube/logstream.h"

#include "core/kube/kubeclient.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>
#include <algorithm>

namespace Lucent::Core::Kube {

LogStream::LogStream(KubeClient *client, QString namespaceName, QString pod, LogOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_pod(std::move(pod))
    , m_options(std::move(options))
    , m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &LogStream::checkContainerThenResume);
    m_splitter.setMaxLineBytes(MaxLogLineBytes);
}

LogStream::~LogStream()
{
    stop();
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
    open();
}

void LogStream::stop()
{
    m_running = false;
    m_backlog.clear();
    m_backlogPosition = 0;
    m_draining = false;
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
        // is dropped in onData().
        const QDateTime since = QDateTime::fromSecsSinceEpoch(m_lastNanos / 1000000000LL, Qt::UTC);
        query.addQueryItem(QStringLiteral("sinceTime"), since.toString(Qt::ISODate));
        m_skippingOverlap = true;
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
    } else {
        request.timeoutMs = 120000;
    }
    m_splitter.clear();
    KubeReply *reply = m_client->send(std::move(request));
    m_reply = reply;
    connect(reply, &KubeReply::dataReceived, this, &LogStream::onData);
    connect(reply, &KubeReply::finished, this, [this, reply] { onFinished(reply); });
}

void LogStream::onData(const QByteArray &chunk)
{
    // A long backlog can arrive as one read of many megabytes; it is parsed a slice per turn of
    // the event loop so that the GUI thread is never held for long.
    m_backlog.append(chunk);
    if (!m_draining) {
        m_draining = true;
        QTimer::singleShot(0, this, &LogStream::drain);
    }
}

void LogStream::drain()
{
    m_draining = false;
    if (m_backlog.isEmpty())
        return; // stopped meanwhile
    constexpr qsizetype Slice = 128 * 1024;
    QByteArray &first = m_backlog.first();
    const qsizetype end = std::min(first.size(), m_backlogPosition + Slice);
    const QByteArray slice = m_backlogPosition == 0 && end == first.size()
        ? first
        : QByteArray(first.constData() + m_backlogPosition, end - m_backlogPosition);
    m_backlogPosition = end;
    if (m_backlogPosition >= first.size()) {
        m_backlog.removeFirst();
        m_backlogPosition = 0;
    }
    if (!m_backlog.isEmpty()) {
        m_draining = true;
        QTimer::singleShot(0, this, &LogStream::drain);
    }
    processData(slice);
    if (!m_draining && m_afterDrain) {
        const auto after = std::move(m_afterDrain);
        m_afterDrain = nullptr;
        after();
    }
}

void LogStream::processData(const QByteArray &chunk)
{
    const QList<QByteArray> rawLines = m_splitter.feed(chunk);
    QList<LogLine> lines;
    lines.reserve(rawLines.size());
    for (const QByteArray &raw : rawLines) {
        LogLine line = parseLogLine(raw, m_utf8Only);
        if (line.nanos >= 0 && m_skippingOverlap) {
            if (line.nanos < m_lastNanos)
                continue;
            if (line.nanos == m_lastNanos) {
                const auto seen = std::find(m_linesAtLast.begin(), m_linesAtLast.end(), raw);
                if (seen != m_linesAtLast.end()) {
                    m_linesAtLast.erase(seen); // delivered before the stream dropped
                    continue;
                }
            }
            m_skippingOverlap = false;
        }
        if (line.nanos >= 0) {
            if (line.nanos != m_lastNanos) {
                m_lastNanos = line.nanos;
                m_linesAtLast.clear();
            }
            m_linesAtLast.append(raw); // usually one: few lines share a nanosecond
        }
        lines.append(std::move(line));
    }
    if (!lines.isEmpty()) {
        m_delayMs = m_minDelayMs;
        Q_EMIT linesReceived(lines);
    }
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
        onData(body);
    }
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
        if (error.isError())
            Q_EMIT errorOccurred(error);
        resumeLater();
    };
    if (m_draining)
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
