#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Lucent::Core::Kube {

/// One line of a container's log. The server's timestamp is always fetched - it is what
/// makes resuming exact - and the view decides whether to show it.
struct LogLine {
    qint64 nanos = 0; ///< nanoseconds since the epoch, from the RFC 3339 timestamp
    QByteArray timestamp; ///< as the server wrote it
    QString text; ///< without the timestamp
    QByteArray utf8; ///< the same, undecoded, instead of text when the stream is utf8Only
    /// What a LogLineAnnotator found (a consumer's level, filter verdict and the version of
    /// the filter that gave it); zero without one.
    quint8 level = 0;
    quint8 marks = 0;
    quint32 marksVersion = 0;
};

/// Work a consumer wants done on each parsed batch on the parsing thread, so that the GUI
/// thread receives lines it only has to store (say, their level and a filter's verdict).
/// annotate() runs on the parsing thread; an implementation guards what it shares.
class LogLineAnnotator
{
public:
    virtual ~LogLineAnnotator() = default;
    virtual void annotate(QList<LogLine> &lines) const = 0;
};

/// The longest log line kept whole; a longer one comes in pieces of this size. Loggers write
/// lines of bytes to kilobytes; a stream without newlines must not hold all memory.
constexpr qsizetype MaxLogLineBytes = qsizetype(1) << 20;

/// Parses "2026-11-25T10:00:00.123456789Z text"; nanos is -1 when the line has no timestamp.
LogLine parseLogLine(const QByteArray &line, bool utf8Only = false);

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::LogLine)
