#include "core/kube/watchevent.h"

#include <QJsonDocument>

namespace Lucent::Core::Kube {

QList<QByteArray> LineSplitter::feed(const QByteArray &data)
{
    QList<QByteArray> lines;
    m_buffer.append(data);
    qsizetype start = 0;
    qsizetype newline = m_buffer.indexOf('\n', m_scanned);
    while (newline >= 0) {
        qsizetype end = newline;
        if (end > start && m_buffer.at(end - 1) == '\r')
            --end;
        if (end > start)
            lines.append(m_buffer.mid(start, end - start));
        start = newline + 1;
        newline = m_buffer.indexOf('\n', start);
    }
    if (start > 0)
        m_buffer.remove(0, start);
    while (m_maxLineBytes > 0 && m_buffer.size() > m_maxLineBytes) {
        lines.append(m_buffer.left(m_maxLineBytes));
        m_buffer.remove(0, m_maxLineBytes);
        ++m_cutLines;
    }
    m_scanned = m_buffer.size();
    return lines;
}

void LineSplitter::clear()
{
    m_buffer.clear();
    m_scanned = 0;
}

std::optional<WatchEvent> parseWatchEvent(const QByteArray &line, QString *error)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("a watch event is not JSON (%1 at byte %2)")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    const QString type = root.value(QLatin1String("type")).toString();
    WatchEvent event;
    if (type == QLatin1String("ADDED"))
        event.type = WatchEvent::Type::Added;
    else if (type == QLatin1String("MODIFIED"))
        event.type = WatchEvent::Type::Modified;
    else if (type == QLatin1String("DELETED"))
        event.type = WatchEvent::Type::Deleted;
    else if (type == QLatin1String("BOOKMARK"))
        event.type = WatchEvent::Type::Bookmark;
    else if (type == QLatin1String("ERROR"))
        event.type = WatchEvent::Type::Error;
    else {
        *error = QStringLiteral("a watch event has the unknown type '%1'").arg(type);
        return std::nullopt;
    }
    event.object = root.value(QLatin1String("object")).toObject();
    if (event.object.isEmpty()) {
        *error = QStringLiteral("a %1 watch event carries no object").arg(type);
        return std::nullopt;
    }
    return event;
}

} // namespace Lucent::Core::Kube
