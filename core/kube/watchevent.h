#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace Lucent::Core::Kube {

/// Cuts a byte stream into newline-terminated lines, however the network split it: an event
/// may arrive in many pieces, and one piece may hold many events. Linear in the input, also
/// for objects of many megabytes.
class LineSplitter final
{
public:
    /// Adds @p data and returns the lines it completed, without their line ends.
    QList<QByteArray> feed(const QByteArray &data);
    /// Bytes of an unfinished line held back.
    qsizetype pendingBytes() const { return m_buffer.size(); }
    void clear();
    /// A line that grows past @p bytes without ending is cut there and handed on in pieces
    /// of that size (0: never cut). A stream that never sends a newline must not take all
    /// the memory there is.
    void setMaxLineBytes(qsizetype bytes) { m_maxLineBytes = bytes; }
    /// Lines cut so far.
    qint64 cutLines() const { return m_cutLines; }

private:
    QByteArray m_buffer;
    qsizetype m_scanned = 0; ///< m_buffer holds no newline before this offset
    qsizetype m_maxLineBytes = 0;
    qint64 m_cutLines = 0;
};

/// The longest watch event read (one object as JSON): etcd keeps an object under 1.5 MB, and a
/// large CRD as JSON is a few MB. A longer line is not an event: the watch is dropped.
constexpr qsizetype MaxWatchEventBytes = qsizetype(16) << 20;

/// One event of a watch stream.
struct WatchEvent {
    enum class Type { Added, Modified, Deleted, Bookmark, Error };
    Type type = Type::Added;
    QJsonObject object; ///< the object; for Error, a metav1.Status
};

/// Decodes one line of a watch stream; empty with @p error set when it is not an event.
std::optional<WatchEvent> parseWatchEvent(const QByteArray &line, QString *error);

} // namespace Lucent::Core::Kube
