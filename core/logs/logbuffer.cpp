#include "core/logs/logbuffer.h"

#include <algorithm>

namespace Lucent::Core::Logs {

namespace {

constexpr qsizetype BlockSize = 1024 * 1024;

LogLevel levelFromWord(QByteArrayView word)
{
    auto is = [&](const char *candidate) { return word.compare(candidate, Qt::CaseInsensitive) == 0; };
    if (is("trace"))
        return LogLevel::Trace;
    if (is("debug") || is("verbose"))
        return LogLevel::Debug;
    if (is("info") || is("log") || is("notice"))
        return LogLevel::Info;
    if (is("warn") || is("warning"))
        return LogLevel::Warning;
    if (is("error") || is("err"))
        return LogLevel::Error;
    if (is("fatal") || is("critical") || is("panic"))
        return LogLevel::Fatal;
    return LogLevel::Unknown;
}

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

LogLevel detectLevel(const QByteArray &utf8)
{
    // JSON logs (pino, NestJS, zap, logrus): "level":"info" - or pino's numeric levels.
    const qsizetype key = utf8.indexOf("\"level\":");
    if (key >= 0) {
        qsizetype i = key + 8;
        while (i < utf8.size() && utf8[i] == ' ')
            ++i;
        if (i < utf8.size() && utf8[i] == '"') {
            const qsizetype end = utf8.indexOf('"', i + 1);
            if (end > i)
                return levelFromWord(QByteArrayView(utf8).sliced(i + 1, end - i - 1));
        } else if (i + 1 < utf8.size() && utf8[i] >= '1' && utf8[i] <= '6' && utf8[i + 1] == '0') {
            static const LogLevel pino[] = {LogLevel::Trace,   LogLevel::Debug, LogLevel::Info,
                                            LogLevel::Warning, LogLevel::Error, LogLevel::Fatal};
            return pino[utf8[i] - '1'];
        }
    }
    // Plain text: the first level word among the first few words ("2026-... WARN msg", "[error]").
    const qsizetype limit = std::min<qsizetype>(utf8.size(), 64);
    qsizetype i = 0;
    while (i < limit) {
        while (i < limit && !isWordChar(utf8[i]))
            ++i;
        const qsizetype start = i;
        while (i < utf8.size() && isWordChar(utf8[i]))
            ++i;
        if (i > start) {
            const LogLevel level = levelFromWord(QByteArrayView(utf8).sliced(start, i - start));
            if (level != LogLevel::Unknown)
                return level;
        }
    }
    return LogLevel::Unknown;
}

QString levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Unknown: return {};
    case LogLevel::Trace: return QStringLiteral("trace");
    case LogLevel::Debug: return QStringLiteral("debug");
    case LogLevel::Info: return QStringLiteral("info");
    case LogLevel::Warning: return QStringLiteral("warn");
    case LogLevel::Error: return QStringLiteral("error");
    case LogLevel::Fatal: return QStringLiteral("fatal");
    }
    return {};
}

LogBuffer::LogBuffer(qsizetype maxLines, qsizetype maxBytes)
    : m_maxLines(maxLines)
    , m_maxBytes(maxBytes)
{
}

LogBuffer::Entry LogBuffer::store(const IncomingLine &line)
{
    if (m_blocks.isEmpty() || m_blocks.constLast().data.size() + line.text.size() > BlockSize) {
        Block block;
        block.data.reserve(std::max(BlockSize, line.text.size()));
        m_blocks.append(block);
    }
    Block &block = m_blocks.last();
    Entry entry;
    entry.nanos = line.nanos;
    entry.sequence = m_nextSequence++;
    entry.block = quint32(m_blocks.size() - 1);
    entry.offset = quint32(block.data.size());
    entry.length = quint32(line.text.size());
    entry.source = quint16(line.source);
    entry.level = line.levelKnown ? line.level : detectLevel(line.text);
    entry.flags = line.flags;
    block.data.append(line.text);
    ++block.live;
    m_bytes += line.text.size();
    return entry;
}

qsizetype LogBuffer::add(QList<IncomingLine> lines)
{
    if (lines.isEmpty())
        return m_entries.size();
    std::stable_sort(lines.begin(), lines.end(),
                     [](const IncomingLine &a, const IncomingLine &b) { return a.nanos < b.nanos; });
    QList<Entry> fresh;
    fresh.reserve(lines.size());
    for (const IncomingLine &line : std::as_const(lines))
        fresh.append(store(line));
    const auto byTime = [](const Entry &a, const Entry &b) { return a.nanos < b.nanos; };
    // Usually everything is newer than what is held: a plain append.
    const auto firstMoved = std::upper_bound(m_entries.begin(), m_entries.end(), fresh.constFirst(), byTime);
    const qsizetype position = firstMoved - m_entries.begin();
    if (position == m_entries.size()) {
        m_entries.append(fresh);
        return position;
    }
    // A late or backfilled batch: merged into the tail it overlaps, in place. (Rebuilding the
    // list with reserve() for the exact new size reallocated and copied all of a million
    // entries on every late batch: reserve() gives up the list's geometric growth.)
    const qsizetype held = m_entries.size();
    m_entries.append(fresh);
    std::inplace_merge(m_entries.begin() + position, m_entries.begin() + held, m_entries.end(), byTime);
    return position;
}

qsizetype LogBuffer::evict()
{
    if (m_entries.size() <= m_maxLines && m_bytes <= m_maxBytes)
        return 0;
    // A tenth at a time, so that a full buffer does not shift a million entries per batch.
    qsizetype drop = 0;
    if (m_entries.size() > m_maxLines)
        drop = m_entries.size() - m_maxLines + m_maxLines / 10;
    if (m_bytes > m_maxBytes) {
        qsizetype freed = 0;
        qsizetype byBytes = 0;
        while (byBytes < m_entries.size() && m_bytes - freed > m_maxBytes - m_maxBytes / 10)
            freed += m_entries[byBytes++].length;
        drop = std::max(drop, byBytes);
    }
    drop = std::min(drop, m_entries.size());
    for (qsizetype i = 0; i < drop; ++i) {
        const Entry &entry = m_entries[i];
        m_bytes -= entry.length;
        Block &block = m_blocks[entry.block];
        if (--block.live == 0 && entry.block + 1 != quint32(m_blocks.size()))
            block.data = QByteArray(); // every line of it is gone
    }
    m_entries.remove(0, drop);
    return drop;
}

QByteArray LogBuffer::text(const Entry &entry) const
{
    return QByteArray::fromRawData(m_blocks[entry.block].data.constData() + entry.offset, entry.length);
}

qsizetype LogBuffer::memoryUsed() const
{
    qsizetype total = m_entries.capacity() * qsizetype(sizeof(Entry)) + m_blocks.capacity() * qsizetype(sizeof(Block));
    for (const Block &block : m_blocks)
        total += block.data.capacity();
    return total;
}

void LogBuffer::clear()
{
    m_entries.clear();
    m_blocks.clear();
    m_bytes = 0;
}

} // namespace Lucent::Core::Logs
