#pragma once

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>

namespace Lucent::Core::Recovery {

/// The unsaved text of one file, as a recovery copy kept it.
struct RecoveredText {
    QString path; ///< the file the text belongs to
    QString text;
    QDateTime written;
    bool secretValuesDropped = false; ///< the values of a Secret's data were not kept
    QString copyFile; ///< the recovery copy itself
};

/// Recovery copies of unsaved editor text, as Kate and Vim keep them: one file per edited file
/// under $XDG_STATE_HOME/lucent-console/recovery, written while the user types and removed when
/// the text is saved or discarded. A console that crashed or was killed leaves them behind, and
/// the next one offers them back. Writes and removals run in order on a thread of their own,
/// never on the GUI thread; a copy that cannot be written is reported, never fatal.
class RecoveryStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RecoveryStore)

public:
    /// @p directory: where copies go; empty for the default under the state directory.
    explicit RecoveryStore(const QString &directory = {}, QObject *parent = nullptr);
    ~RecoveryStore() override; ///< waits for the queued writes: a copy asked for is a copy made

    QString directory() const { return m_directory; }
    /// Keeps @p text as the unsaved state of @p path (replacing the copy before).
    void keep(const QString &path, const QString &text);
    /// Removes the copy of @p path: its text was saved or discarded.
    void forget(const QString &path);
    /// Copies whose console is gone (its process ended, here or on another host), oldest first.
    /// Reads files: runs on the store's thread, after the writes queued before it.
    QFuture<QList<RecoveredText>> leftBehind() const;
    /// Blocks until the queued writes are done; for tests and shutdown.
    void waitForWrites();

    /// Where a copy of @p path lives in @p directory.
    static QString copyFileFor(const QString &directory, const QString &path);

Q_SIGNALS:
    /// A copy could not be written or removed; @p sentence says why and what it means.
    void failed(const QString &sentence);

private:
    QString m_directory;
    mutable QThreadPool m_pool; ///< one thread: copies are written in the order asked
};

} // namespace Lucent::Core::Recovery
