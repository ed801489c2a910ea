#pragma once

#include "ui/common/itemroles.h"

#include "core/logs/logbuffer.h"
#include "core/logs/logfilter.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QElapsedTimer>
#include <QJsonObject>

class QTimer;

namespace Lucent::Ui {

using Core::Logs::CompiledLogFilter;
using Core::Logs::LogFilter;

/// The merged log of many pods as a table, virtualized over a LogBuffer: one row per line that
/// passes the filter, ordered by timestamp. Lines normally arrive classified (level, and the
/// verdict of this model's filter, judged on the parsing thread: PodLogSet::setFilter with
/// filterVersion()); a line judged by an older filter is judged again here. Lines are stored
/// in slices of a few milliseconds per turn of the event loop, so a flood never holds the GUI
/// thread for a frame. Paused, the model shows nothing new but drops nothing: held lines are
/// counted and come in on resume. New rows are announced to views at most PublishesPerSecond
/// times a second: a view lays out and repaints itself on every insertion, and under a flood
/// that was hundreds of times a second, more than a screen shows.
class LogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogModel)

public:
    /// How often, at most, new rows are announced to views: a flood is shown a frame at a time.
    static constexpr int PublishesPerSecond = 30;

    enum Column { TimeColumn, PodColumn, LevelColumn, MessageColumn };
    enum Role {
        SourceRole = LogSourceRole,
        NanosRole = LogNanosRole,
        RawTextRole = LogRawTextRole,
        HighlightedRole = LogHighlightedRole
    };

    explicit LogModel(QObject *parent = nullptr, qsizetype maxLines = 1'000'000,
                      qsizetype maxBytes = 512LL * 1024 * 1024);

    void addSource(int index, const Lucent::Core::Logs::LogSource &source);
    void endSource(int index);
    const QList<Lucent::Core::Logs::LogSource> &sources() const { return m_sources; }
    QColor colorOf(int source) const;

    void appendLines(const QList<Lucent::Core::Logs::IncomingLine> &lines);
    void setFilter(const LogFilter &filter);
    const LogFilter &filter() const { return m_filter; }
    /// Grows with every setFilter(); a line's flagsVersion equal to it carries this filter's verdict.
    quint32 filterVersion() const { return m_filterVersion; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    /// Lines that arrived while paused (and pass the filter, as far as is known).
    qsizetype heldCount() const { return m_heldCount; }
    /// Lines not yet taken in, plus a filter still being applied.
    bool isBusy() const { return !m_incoming.isEmpty() || m_refilterPosition >= 0 || m_published < m_visible.size(); }
    void clear();

    /// JSON mode: one column per field (level, msg, route, status, ...); empty for raw lines.
    void setJsonFields(const QStringList &fields);
    const QStringList &jsonFields() const { return m_jsonFields; }

    const Lucent::Core::Logs::LogBuffer &buffer() const { return m_buffer; }
    /// One line as a person reads it in a saved file: time, pod and the text.
    QString lineText(int row, bool withTimestamp) const;
    /// Writes every shown row (@p onlyShown) or every held line, in order; false when the file
    /// cannot be written.
    bool save(const QString &path, bool onlyShown, bool withTimestamp, QString *error) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void heldCountChanged(qsizetype held);
    /// The filter is applied to every held line (rows were reset).
    void filterApplied();
    /// All lines given so far are in (or held).
    void idle();

private:
    void schedule();
    void schedulePublish();
    void publish();
    bool work(const QElapsedTimer &clock, qint64 deadlineNs);
    void takeIn(QList<Lucent::Core::Logs::IncomingLine> chunk);
    void refilterSlice(const QElapsedTimer &clock, qint64 deadlineNs);
    QList<Lucent::Core::Logs::IncomingLine> nextChunk();
    void requeueHeld();
    void showFrom(qsizetype position);
    void dropFront(qsizetype count);
    QJsonObject jsonOf(const Lucent::Core::Logs::LogBuffer::Entry &entry) const;
    QByteArray formatLine(const Lucent::Core::Logs::LogBuffer::Entry &entry, bool withTimestamp) const;

    Lucent::Core::Logs::LogBuffer m_buffer;
    QList<Lucent::Core::Logs::LogSource> m_sources;
    QList<qsizetype> m_visible; ///< buffer positions of the rows, announced or not
    qsizetype m_published = 0; ///< rows announced to views (a prefix of m_visible)
    QTimer *m_publishTimer = nullptr;
    QElapsedTimer m_lastPublish;
    struct Batch {
        QList<Lucent::Core::Logs::IncomingLine> lines;
        qsizetype start = 0; ///< lines before it are taken
    };
    // Queues of batches as they came, never one long list: appending to a list of a million
    // lines reallocates and copies it all at once, a stall of its own.
    QList<Batch> m_incoming;
    QList<Batch> m_held;
    qsizetype m_heldCount = 0;
    LogFilter m_filter;
    quint32 m_filterVersion = 1;
    Lucent::Core::Logs::CompiledLogFilter m_compiled{LogFilter{}};
    qsizetype m_refilterPosition = -1;
    QStringList m_jsonFields;
    bool m_paused = false;
    mutable qsizetype m_jsonCacheRow = -1;
    mutable QJsonObject m_jsonCache;
};

} // namespace Lucent::Ui
