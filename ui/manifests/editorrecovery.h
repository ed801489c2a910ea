#pragma once

#include "core/recovery/recoverystore.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QTimer;

namespace Lucent::Ui {

class ManifestEditor;

/// Keeps a recovery copy of every editor with unsaved text, at most a second behind the typing
/// (the copy is taken once a second while the text keeps changing, not after a pause), and
/// removes it when the text is saved, undone to what is on disk, or discarded.
class EditorRecovery final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EditorRecovery)

public:
    /// @p directory: where copies go; empty for $XDG_STATE_HOME/lucent-console/recovery.
    explicit EditorRecovery(const QString &directory = {}, QObject *parent = nullptr);
    ~EditorRecovery() override;

    static constexpr int CopyIntervalMs = 1000;

    void track(ManifestEditor *editor);
    /// The editor's text was discarded: its copy goes.
    void discard(ManifestEditor *editor);
    /// Looks for copies an ended console left; answers with leftBehindFound.
    void findLeftBehind();
    /// Removes copies the user chose not to restore.
    void discardLeftBehind(const QList<Lucent::Core::Recovery::RecoveredText> &copies);
    Lucent::Core::Recovery::RecoveryStore *store() { return &m_store; }

Q_SIGNALS:
    void leftBehindFound(const QList<Lucent::Core::Recovery::RecoveredText> &copies);
    /// A copy could not be written: unsaved edits are not protected until this is fixed.
    void failed(const QString &sentence);

private:
    void copyChanged();

    Lucent::Core::Recovery::RecoveryStore m_store;
    QTimer *m_timer = nullptr;
    QList<QPointer<ManifestEditor>> m_changed; ///< edited since their last copy
};

} // namespace Lucent::Ui
