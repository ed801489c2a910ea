#pragma once

#include "core/kube/apierror.h"
#include "core/kube/logline.h"
#include "core/kube/watchevent.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

class QTimer;

namespace Lucent::Core::Kube {

class KubeClient;
class KubeReply;
class LogChunkParser;

/// The query of a pod log (PodLogOptions).
struct LogOptions {
    QString container;
    bool follow = false;
    int tailLines = -1; ///< -1: all
    int sinceSeconds = 0; ///< 0: not set
    QDateTime sinceTime; ///< invalid: not set
    bool previous = false;
    qint64 limitBytes = 0; ///< 0: no limit
};

/// A pod log, optionally followed. When a followed stream drops while the container still
/// runs, it reconnects with sinceTime set to the last line's second and drops the lines it
/// already delivered, so nothing is duplicated or lost. The bytes are parsed on the
/// background thread (LogChunkParser); this object, on the GUI thread, only moves them.
class LogStream final : public QObject
{
    Q_OBJECT

public:
    LogStream(KubeClient *client, QString namespaceName, QString pod, LogOptions options, QObject *parent = nullptr);
    ~LogStream() override;
    Q_DISABLE_COPY_MOVE(LogStream)

    void start();
    void stop();
    bool isRunning() const { return m_running; }
    int reconnects() const { return m_reconnects; }
    void setReconnectDelays(int minMs, int maxMs);
    /// Deliver lines as UTF-8 bytes (LogLine::utf8), for consumers that store them that way.
    void setUtf8Only(bool utf8Only) { m_utf8Only = utf8Only; }
    /// Work done on every parsed batch on the background thread. Set before start().
    void setAnnotator(std::shared_ptr<const LogLineAnnotator> annotator) { m_annotator = std::move(annotator); }

Q_SIGNALS:
    void linesReceived(const QList<Lucent::Core::Kube::LogLine> &lines);
    /// No more lines will come: the log is complete, the container stopped or the pod is gone.
    void ended();
    void errorOccurred(const Lucent::Core::Kube::ApiError &error);
    void reconnecting(int attempt);

private:
    void open();
    void onData(const QByteArray &chunk);
    void onParsed(const QList<LogLine> &lines, qint64 lastNanos, quint32 epoch, bool lastOfChunk);
    void flush();
    void sendToParser(const QByteArray &chunk);
    void onFinished(KubeReply *reply);
    void checkContainerThenResume();
    void resumeLater();
    void finishWith(const ApiError &error);

    QPointer<KubeClient> m_client;
    QString m_namespace;
    QString m_pod;
    LogOptions m_options;
    QPointer<KubeReply> m_reply;
    QTimer *m_retryTimer = nullptr;
    LogChunkParser *m_parser = nullptr; ///< on the background thread; deleted there
    std::shared_ptr<std::atomic<quint32>> m_epoch; ///< bumped by stop(): parses in flight are void
    std::shared_ptr<const LogLineAnnotator> m_annotator;
    qint64 m_lastNanos = -1; ///< the newest timestamp parsed, as the parser reported it
    bool m_utf8Only = false;
    QByteArray m_unsent; ///< received in this turn of the event loop, not yet handed over
    bool m_flushScheduled = false;
    int m_chunksInFlight = 0; ///< sent to the parser, not yet answered
    QList<qsizetype> m_chunkSizes; ///< the sizes of those chunks, oldest first
    qsizetype m_bytesInFlight = 0;
    void updateBackpressure();
    std::function<void()> m_afterDrain; ///< the end or resume, once the parser has caught up
    bool m_running = false;
    int m_reconnects = 0;
    int m_minDelayMs = 250;
    int m_maxDelayMs = 10000;
    int m_delayMs = 250;
};

} // namespace Lucent::Core::Kube
