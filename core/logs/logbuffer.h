#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Lucent::Core::Logs {

/// How severe a line says it is: from a JSON "level" field, or a level word near its start.
enum class LogLevel : quint8 { Unknown, Trace, Debug, Info, Warning, Error, Fatal };

LogLevel detectLevel(const QByteArray &utf8);
QString levelName(LogLevel level);

/// Where lines come from: one container of one pod.
struct LogSource {
    QString pod;
    QString container;
    bool ended = false;
};

/// One line as ingested: the producer's index of its source, the server's timestamp and the
/// text as UTF-8 (kept that way: a million lines as QStrings would double the memory).
struct IncomingLine {
    int source = 0;
    qint64 nanos = 0;
    QByteArray text;
    LogLevel level = LogLevel::Unknown; ///< filled by the buffer, or earlier on a worker thread
    quint8 flags = 0; ///< the consumer's marks (a filter's verdict), kept with the line
    bool levelKnown = false;
    quint32 flagsVersion = 0; ///< the version of the filter whose verdict flags is; 0: none yet
};

/// Every line of a log session, ordered by timestamp (ties keep arrival order), in compact
/// storage: 24 bytes of bookkeeping per line plus its UTF-8 text in shared 1 MB blocks. When
/// it holds more lines or bytes than its caps, the oldest go, a tenth at a time.
class LogBuffer final
{
public:
    struct Entry {
        qint64 nanos = 0;
        quint64 sequence = 0; ///< arrival order; identifies the line for its whole life
        quint32 block = 0;
        quint32 offset = 0;
        quint32 length = 0;
        quint16 source = 0;
        LogLevel level = LogLevel::Unknown;
        quint8 flags = 0;
    };

    explicit LogBuffer(qsizetype maxLines = 1'000'000, qsizetype maxBytes = 512LL * 1024 * 1024);

    /// Adds @p lines (any order). Returns the position of the first entry that is new or moved:
    /// lines older than the newest held are merged in place, everything after shifts.
    qsizetype add(QList<IncomingLine> lines);
    /// Drops the oldest lines beyond the caps; returns how many went (they were at the front).
    qsizetype evict();

    qsizetype size() const { return m_entries.size(); }
    const Entry &at(qsizetype i) const { return m_entries[i]; }
    /// Sets the consumer's marks of entry @p i (a new filter's verdict).
    void setFlags(qsizetype i, quint8 flags) { m_entries[i].flags = flags; }
    QByteArray text(const Entry &entry) const;
    QString textString(const Entry &entry) const { return QString::fromUtf8(text(entry)); }
    qsizetype bytesHeld() const { return m_bytes; }
    /// Memory this buffer holds: entries, text blocks (allocated size) and their bookkeeping.
    qsizetype memoryUsed() const;
    void clear();

    qsizetype maxLines() const { return m_maxLines; }
    qsizetype maxBytes() const { return m_maxBytes; }

private:
    struct Block {
        QByteArray data;
        qsizetype live = 0;
    };
    Entry store(const IncomingLine &line);

    QList<Entry> m_entries;
    QList<Block> m_blocks; ///< a freed block keeps its slot (empty) so that indexes stay valid
    quint64 m_nextSequence = 0;
    qsizetype m_bytes = 0;
    qsizetype m_maxLines;
    qsizetype m_maxBytes;
};

} // namespace Lucent::Core::Logs
