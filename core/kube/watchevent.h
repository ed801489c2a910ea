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

private:
    QByteArray m_buffer;
    qsizetype m_scanned = 0; ///< m_buffer holds no newline before this offset
};

/// One event of a watch stream.
struct WatchEvent {
    enum class Type { Added, Modified, Deleted, Bookmark, Error };
    Type type = Type::Added;
    QJsonObject object; ///< the object; for Error, a metav1.Status
};

/// Decodes one line of a watch stream; empty with @p error set when it is not an event.
std::optional<WatchEvent> parseWatchEvent(const QByteArray &line, QString *error);

} // namespace Lucent::Core::Kube
