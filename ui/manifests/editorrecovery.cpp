#include "ui/manifests/editorrecovery.h"

#include "ui/manifests/manifesteditor.h"

#include <QFutureWatcher>
#include <QTextDocument>
#include <QTimer>

namespace Lucent::Ui {

using Lucent::Core::Recovery::RecoveredText;

EditorRecovery::EditorRecovery(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_store(directory)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    m_timer->setInterval(CopyIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &EditorRecovery::copyChanged);
    connect(&m_store, &Core::Recovery::RecoveryStore::failed, this, &EditorRecovery::failed);
}

EditorRecovery::~EditorRecovery()
{
    copyChanged(); // a normal quit keeps what is still unsaved, as a crash would
}

void EditorRecovery::track(ManifestEditor *editor)
{
    connect(editor->document(), &QTextDocument::contentsChange, this, [this, editor](int, int removed, int added) {
        if (!removed && !added)
            return;
        if (!m_changed.contains(editor))
            m_changed.append(editor);
        if (!m_timer->isActive()) // not restarted: steady typing is copied every interval
            m_timer->start();
    });
    connect(editor->document(), &QTextDocument::modificationChanged, this, [this, editor](bool modified) {
        if (!modified) { // saved, or undone to the file's text
            m_changed.removeAll(editor);
            m_store.forget(editor->filePath());
        }
    });
}

void EditorRecovery::discard(ManifestEditor *editor)
{
    m_changed.removeAll(editor);
    m_store.forget(editor->filePath());
}

void EditorRecovery::copyChanged()
{
    for (const QPointer<ManifestEditor> &editor : std::exchange(m_changed, {})) {
        if (editor && editor->isModified())
            m_store.keep(editor->filePath(), editor->toPlainText());
    }
}

void EditorRecovery::findLeftBehind()
{
    auto *watcher = new QFutureWatcher<QList<RecoveredText>>(this);
    connect(watcher, &QFutureWatcher<QList<RecoveredText>>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const QList<RecoveredText> copies = watcher->result();
        if (!copies.isEmpty())
            Q_EMIT leftBehindFound(copies);
    });
    watcher->setFuture(m_store.leftBehind());
}

void EditorRecovery::discardLeftBehind(const QList<RecoveredText> &copies)
{
    for (const RecoveredText &copy : copies)
        m_store.forget(copy.path);
}

} // namespace Lucent::Ui
