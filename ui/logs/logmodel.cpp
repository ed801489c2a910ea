#include "ui/logs/logmodel.h"

#include "core/jobs/slicescheduler.h"

#include <QBrush>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

#include <algorithm>

namespace Lucent::Ui {

using Core::Logs::IncomingLine;
using Core::Logs::LogLevel;
using Core::Logs::LogSource;

namespace {

// Distinct on light and dark backgrounds; a pod keeps its colour for the session.
const QColor PodColors[]
    = {QColor(0x1f, 0x77, 0xb4), QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd), QColor(0xe3, 0x77, 0xc2),
       QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22), QColor(0x8c, 0x56, 0x4b), QColor(0xff, 0x7f, 0x0e)};

QString timeText(qint64 nanos)
{
    if (nanos < 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(nanos / 1'000'000).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
}

QColor levelColor(LogLevel level)
{
    switch (level) {
    case LogLevel::Warning: return QColor(0xc7, 0x6a, 0x00);
    case LogLevel::Error:
    case LogLevel::Fatal: return QColor(0xd1, 0x3b, 0x3b);
    case LogLevel::Debug:
    case LogLevel::Trace: return QColor(0x80, 0x80, 0x80);
    default: return {};
    }
}

// Chunks small enough that one never outlasts a slice on this machine's slowest path.
constexpr qsizetype ChunkLines = 500;
// How many queued batches are merged by time: enough for the pods of a Deployment.
constexpr qsizetype MergeWindow = 16;

} // namespace

LogModel::LogModel(QObject *parent, qsizetype maxLines, qsizetype maxBytes)
    : QAbstractTableModel(parent)
    , m_buffer(maxLines, maxBytes)
    , m_publishTimer(new QTimer(this))
{
    m_publishTimer->setSingleShot(true);
    connect(m_publishTimer, &QTimer::timeout, this, &LogModel::publish);
}

void LogModel::addSource(int index, const LogSource &source)
{
    if (index >= m_sources.size())
        m_sources.resize(index + 1);
    m_sources[index] = source;
}

void LogModel::endSource(int index)
{
    if (index >= 0 && index < m_sources.size())
        m_sources[index].ended = true;
}

QColor LogModel::colorOf(int source) const
{
    return PodColors[source % int(std::size(PodColors))];
}

void LogModel::appendLines(const QList<IncomingLine> &lines)
{
    if (lines.isEmpty())
        return;
    m_incoming.append({lines, 0});
    schedule();
}

void LogModel::schedule()
{
    // Sliced under the GUI thread's shared budget: a pass of the event loop holds this work,
    // the caches' and every other model's together for a few milliseconds, not each of them.
    auto &scheduler = Core::Jobs::SliceScheduler::current();
    if (!scheduler.isPending(this))
        scheduler.request(this, [this](const QElapsedTimer &clock, qint64 deadline) { return work(clock, deadline); });
}

bool LogModel::work(const QElapsedTimer &clock, qint64 deadlineNs)
{
    // A new filter first: the rows are rebuilt once it has seen every held line.
    if (m_refilterPosition >= 0) {
        refilterSlice(clock, deadlineNs);
        if (m_refilterPosition >= 0)
            return true;
    }
    while (!m_incoming.isEmpty() && clock.nsecsElapsed() < deadlineNs)
        takeIn(nextChunk());
    if (!m_incoming.isEmpty())
        return true;
    if (m_published == m_visible.size())
        Q_EMIT idle(); // else once the rows are announced
    return false;
}

void LogModel::schedulePublish()
{
    if (m_published == m_visible.size() || m_publishTimer->isActive())
        return;
    constexpr qint64 frameMs = 1000 / PublishesPerSecond;
    const qint64 since = m_lastPublish.isValid() ? m_lastPublish.elapsed() : frameMs;
    // A quiet log shows its line at once; a flood waits for the next frame.
    m_publishTimer->start(int(std::max<qint64>(0, frameMs - since)));
}

void LogModel::publish()
{
    m_lastPublish.start();
    if (m_published < m_visible.size()) {
        beginInsertRows({}, int(m_published), int(m_visible.size()) - 1);
        m_published = m_visible.size();
        endInsertRows();
    }
    if (m_incoming.isEmpty() && m_refilterPosition < 0)
        Q_EMIT idle();
}

void LogModel::refilterSlice(const QElapsedTimer &clock, qint64 deadlineNs)
{
    while (m_refilterPosition < m_buffer.size() && clock.nsecsElapsed() < deadlineNs) {
        const qsizetype end = std::min(m_buffer.size(), m_refilterPosition + ChunkLines);
        for (qsizetype i = m_refilterPosition; i < end; ++i)
            m_buffer.setFlags(i, m_compiled.flagsFor(m_buffer.text(m_buffer.at(i))));
        m_refilterPosition = end;
    }
    if (m_refilterPosition < m_buffer.size())
        return;
    m_refilterPosition = -1;
    beginResetModel();
    m_visible.clear();
    for (qsizetype i = 0; i < m_buffer.size(); ++i) {
        if (m_buffer.at(i).flags & LogFilter::Visible)
            m_visible.append(i);
    }
    m_published = m_visible.size();
    m_jsonCacheRow = -1;
    endResetModel();
    Q_EMIT filterApplied();
}

QList<IncomingLine> LogModel::nextChunk()
{
    // Streams deliver their own lines in order, but batches of different pods overlap in time.
    // Taken batch by batch, each would be merged into the tail of the one before (a copy of
    // that tail, and its rows removed and inserted again); taken in time order across the
    // queued batches' heads, lines mostly append.
    const qsizetype window = std::min<qsizetype>(m_incoming.size(), MergeWindow);
    QList<IncomingLine> chunk;
    if (window == 1) {
        Batch &only = m_incoming.first();
        const qsizetype end = std::min(only.lines.size(), only.start + ChunkLines);
        chunk = only.start == 0 && end == only.lines.size()
            ? std::move(only.lines)
            : QList<IncomingLine>(only.lines.cbegin() + only.start, only.lines.cbegin() + end);
        only.start = end;
    } else {
        chunk.reserve(ChunkLines);
        while (chunk.size() < ChunkLines) {
            qsizetype earliest = -1;
            for (qsizetype i = 0; i < window; ++i) {
                const Batch &batch = m_incoming[i];
                if (batch.start < batch.lines.size()
                    && (earliest < 0
                        || batch.lines[batch.start].nanos
                            < m_incoming[earliest].lines[m_incoming[earliest].start].nanos))
                    earliest = i;
            }
            if (earliest < 0)
                break;
            Batch &from = m_incoming[earliest];
            chunk.append(std::move(from.lines[from.start++]));
        }
    }
    // From the front only, which costs nothing; a spent batch further in waits for its turn
    // (removing it there would shift every batch queued behind it).
    while (!m_incoming.isEmpty() && m_incoming.constFirst().start >= m_incoming.constFirst().lines.size())
        m_incoming.removeFirst();
    // Lines judged on the parsing thread by this filter are ready; others are judged here.
    for (IncomingLine &line : chunk) {
        if (line.flagsVersion != m_filterVersion) {
            line.flags = m_compiled.flagsFor(line.text);
            line.flagsVersion = m_filterVersion;
        }
        if (!line.levelKnown) {
            line.level = Core::Logs::detectLevel(line.text);
            line.levelKnown = true;
        }
    }
    return chunk;
}

void LogModel::takeIn(QList<IncomingLine> chunk)
{
    if (m_paused) {
        QList<IncomingLine> shown;
        for (IncomingLine &line : chunk) {
            if (line.flags & LogFilter::Visible)
                shown.append(std::move(line));
        }
        if (!shown.isEmpty()) {
            m_heldCount += shown.size();
            m_held.append({std::move(shown), 0});
            Q_EMIT heldCountChanged(m_heldCount);
        }
        return;
    }
    const qsizetype position = m_buffer.add(std::move(chunk));
    showFrom(position);
    if (const qsizetype dropped = m_buffer.evict())
        dropFront(dropped);
}

void LogModel::showFrom(qsizetype position)
{
    // Rows at or after the merge point may have moved: they go, and come back in order.
    const auto first = std::lower_bound(m_visible.cbegin(), m_visible.cend(), position);
    const int firstRow = int(first - m_visible.cbegin());
    if (firstRow < m_published) {
        beginRemoveRows({}, firstRow, int(m_published) - 1);
        m_visible.resize(firstRow);
        m_published = firstRow;
        endRemoveRows();
    } else {
        m_visible.resize(firstRow); // rows not announced yet go without a word
    }
    for (qsizetype i = position; i < m_buffer.size(); ++i) {
        if (m_buffer.at(i).flags & LogFilter::Visible)
            m_visible.append(i);
    }
    m_jsonCacheRow = -1;
    schedulePublish();
}

void LogModel::dropFront(qsizetype count)
{
    const auto first = std::lower_bound(m_visible.cbegin(), m_visible.cend(), count);
    const int gone = int(first - m_visible.cbegin());
    const int announced = int(std::min<qsizetype>(gone, m_published));
    if (announced > 0)
        beginRemoveRows({}, 0, announced - 1);
    m_visible.remove(0, gone);
    m_published -= announced;
    if (announced > 0)
        endRemoveRows();
    for (qsizetype &position : m_visible)
        position -= count;
    m_jsonCacheRow = -1;
    if (m_refilterPosition > 0)
        m_refilterPosition = std::max<qsizetype>(0, m_refilterPosition - count);
}

void LogModel::setFilter(const LogFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    m_compiled = CompiledLogFilter(filter);
    ++m_filterVersion;
    m_refilterPosition = 0;
    // Held lines were judged by the old filter: they are judged again when they come in.
    requeueHeld();
    schedule();
}

void LogModel::requeueHeld()
{
    if (m_held.isEmpty())
        return;
    // What arrived meanwhile comes in first, before anything newer.
    m_incoming = m_held + m_incoming;
    m_held.clear();
    m_heldCount = 0;
    Q_EMIT heldCountChanged(0);
}

void LogModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (paused) {
        m_publishTimer->stop();
        publish(); // what was taken in before the pause is shown; nothing after it
    }
    if (!paused && !m_held.isEmpty()) {
        requeueHeld();
        schedule();
    }
}

void LogModel::clear()
{
    beginResetModel();
    m_buffer.clear();
    m_visible.clear();
    m_published = 0;
    m_publishTimer->stop();
    m_held.clear();
    m_heldCount = 0;
    m_incoming.clear();
    m_refilterPosition = -1;
    m_jsonCacheRow = -1;
    endResetModel();
    Q_EMIT heldCountChanged(0);
}

void LogModel::setJsonFields(const QStringList &fields)
{
    beginResetModel();
    m_jsonFields = fields;
    m_jsonCacheRow = -1;
    endResetModel();
}

QJsonObject LogModel::jsonOf(const Core::Logs::LogBuffer::Entry &entry) const
{
    return QJsonDocument::fromJson(m_buffer.text(entry)).object();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_published);
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_jsonFields.isEmpty() ? MessageColumn + 1 : PodColumn + 1 + int(m_jsonFields.size());
}

QByteArray LogModel::formatLine(const Core::Logs::LogBuffer::Entry &entry, bool withTimestamp) const
{
    QByteArray line;
    if (withTimestamp)
        line = QDateTime::fromMSecsSinceEpoch(entry.nanos / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8()
            + ' ';
    return line + m_sources.value(entry.source).pod.toUtf8() + ' ' + m_buffer.text(entry);
}

QString LogModel::lineText(int row, bool withTimestamp) const
{
    return QString::fromUtf8(formatLine(m_buffer.at(m_visible[row]), withTimestamp));
}

bool LogModel::save(const QString &path, bool onlyShown, bool withTimestamp, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2.").arg(path, file.errorString());
        return false;
    }
    const qsizetype count = onlyShown ? m_published : m_buffer.size();
    for (qsizetype i = 0; i < count; ++i)
        file.write(formatLine(m_buffer.at(onlyShown ? m_visible[i] : i), withTimestamp) + '\n');
    if (!file.commit()) {
        *error = tr("Cannot write %1: %2.").arg(path, file.errorString());
        return false;
    }
    return true;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &entry = m_buffer.at(m_visible[index.row()]);
    switch (role) {
    case SourceRole: return int(entry.source);
    case NanosRole: return entry.nanos;
    case RawTextRole: return m_buffer.textString(entry);
    case HighlightedRole: return bool(entry.flags & LogFilter::Highlighted);
    default: break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (column == TimeColumn)
            return role == Qt::ToolTipRole
                ? QDateTime::fromMSecsSinceEpoch(entry.nanos / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs)
                : timeText(entry.nanos);
        if (column == PodColumn) {
            const LogSource source = m_sources.value(entry.source);
            return role == Qt::ToolTipRole ? source.pod + QLatin1Char('/') + source.container : source.pod;
        }
        if (m_jsonFields.isEmpty()) {
            if (column == LevelColumn)
                return Core::Logs::levelName(entry.level);
            return m_buffer.textString(entry);
        }
        if (m_jsonCacheRow != index.row()) {
            m_jsonCache = jsonOf(entry);
            m_jsonCacheRow = index.row();
        }
        if (m_jsonCache.isEmpty()) // not JSON: the raw line goes under the first field
            return column == PodColumn + 1 ? m_buffer.textString(entry) : QString();
        const QJsonValue value = m_jsonCache.value(m_jsonFields.value(column - PodColumn - 1));
        return value.isString() ? value.toString() : value.isUndefined() ? QString() : value.toVariant().toString();
    }
    if (role == Qt::ForegroundRole) {
        if (column == PodColumn)
            return QBrush(colorOf(entry.source));
        const QColor color = levelColor(entry.level);
        if (color.isValid() && column != TimeColumn)
            return QBrush(color);
    }
    if (role == Qt::BackgroundRole && (entry.flags & LogFilter::Highlighted))
        return QBrush(QColor(0xff, 0xe0, 0x66, 0x90));
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn: return tr("Time");
    case PodColumn: return tr("Pod");
    default: break;
    }
    if (!m_jsonFields.isEmpty())
        return m_jsonFields.value(section - PodColumn - 1);
    return section == LevelColumn ? tr("Level") : tr("Message");
}

} // namespace Lucent::Ui
