#include "core/kube/logchunkparser.h"

#include <algorithm>

namespace Lucent::Core::Kube {

LogChunkParser::LogChunkParser(bool utf8Only, std::shared_ptr<const LogLineAnnotator> annotator,
                               std::shared_ptr<const std::atomic<quint32>> currentEpoch)
    : m_utf8Only(utf8Only)
    , m_annotator(std::move(annotator))
    , m_currentEpoch(std::move(currentEpoch))
{
    m_splitter.setMaxLineBytes(MaxLogLineBytes);
}

void LogChunkParser::restart(bool afterResume)
{
    m_splitter.clear();
    m_skippingOverlap = afterResume && m_lastNanos >= 0;
}

void LogChunkParser::feed(const QByteArray &chunk, quint32 epoch)
{
    if (epoch != m_currentEpoch->load(std::memory_order_relaxed)) {
        Q_EMIT parsed({}, m_lastNanos, epoch, true);
        return;
    }
    QList<LogLine> lines = parse(chunk);
    if (m_annotator && !lines.isEmpty())
        m_annotator->annotate(lines);
    if (lines.size() <= BatchLines) {
        Q_EMIT parsed(lines, m_lastNanos, epoch, true);
        return;
    }
    for (qsizetype start = 0; start < lines.size(); start += BatchLines) {
        const qsizetype count = std::min(BatchLines, lines.size() - start);
        Q_EMIT parsed(lines.mid(start, count), m_lastNanos, epoch, start + count >= lines.size());
    }
}

QList<LogLine> LogChunkParser::parse(const QByteArray &chunk)
{
    const QList<QByteArray> rawLines = m_splitter.feed(chunk);
    QList<LogLine> lines;
    lines.reserve(rawLines.size());
    for (const QByteArray &raw : rawLines) {
        LogLine line = parseLogLine(raw, m_utf8Only);
        if (isOverlap(line, raw))
            continue;
        if (line.nanos >= 0) {
            if (line.nanos != m_lastNanos) {
                m_lastNanos = line.nanos;
                m_linesAtLast.clear();
            }
            m_linesAtLast.append(raw); // usually one: few lines share a nanosecond
        }
        lines.append(std::move(line));
    }
    return lines;
}

bool LogChunkParser::isOverlap(const LogLine &line, const QByteArray &raw)
{
    // A resume asks from the last line's second (the API takes whole seconds): what comes
    // before the last timestamp, and the lines already seen at it, were delivered before.
    if (line.nanos < 0 || !m_skippingOverlap)
        return false;
    if (line.nanos < m_lastNanos)
        return true;
    if (line.nanos == m_lastNanos) {
        const auto seen = std::find(m_linesAtLast.begin(), m_linesAtLast.end(), raw);
        if (seen != m_linesAtLast.end()) {
            m_linesAtLast.erase(seen);
            return true;
        }
    }
    m_skippingOverlap = false;
    return false;
}

} // namespace Lucent::Core::Kube
