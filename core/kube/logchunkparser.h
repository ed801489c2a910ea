#pragma once

#include "core/kube/logline.h"
#include "core/kube/watchevent.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace Lucent::Core::Kube {

/// The parsing half of a LogStream, living on the background thread: it cuts the bytes of a
/// log into lines, reads their timestamps, drops the lines a resume fetches a second time,
/// and runs the consumer's annotator. Chunks are fed in order through queued calls; each
/// feed answers with one or more parsed() batches, the last one flagged, even when it found
/// no line, so the stream knows when nothing is in flight.
class LogChunkParser final : public QObject
{
    Q_OBJECT

public:
    /// Lines per parsed() batch: a backlog of many megabytes reaches the GUI thread in pieces
    /// it can take between two frames.
    static constexpr qsizetype BatchLines = 4096;

    LogChunkParser(bool utf8Only, std::shared_ptr<const LogLineAnnotator> annotator,
                   std::shared_ptr<const std::atomic<quint32>> currentEpoch);

    /// Parses @p chunk unless @p epoch is no longer the stream's (it was stopped meanwhile).
    void feed(const QByteArray &chunk, quint32 epoch);
    /// A new connection: the half line of the old one is forgotten, and after a resume the
    /// lines delivered already (up to the last timestamp) are dropped when they come again.
    void restart(bool afterResume);
    /// The lines @p chunk completes, without annotating or emitting them (also for tests).
    QList<LogLine> parse(const QByteArray &chunk);

Q_SIGNALS:
    void parsed(const QList<Lucent::Core::Kube::LogLine> &lines, qint64 lastNanos, quint32 epoch, bool lastOfChunk);

private:
    bool isOverlap(const LogLine &line, const QByteArray &raw);

    bool m_utf8Only;
    std::shared_ptr<const LogLineAnnotator> m_annotator;
    std::shared_ptr<const std::atomic<quint32>> m_currentEpoch;
    LineSplitter m_splitter;
    qint64 m_lastNanos = -1;
    QList<QByteArray> m_linesAtLast; ///< lines delivered with the last timestamp
    bool m_skippingOverlap = false;
};

} // namespace Lucent::Core::Kube
