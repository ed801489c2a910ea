#include "ui/manifests/findbar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QToolButton>

namespace Lucent::Ui {

FindBar::FindBar(QWidget *parent)
    : QWidget(parent)
    , m_find(new QLineEdit(this))
    , m_replace(new QLineEdit(this))
    , m_case(new QCheckBox(tr("Match case"), this))
    , m_status(new QLabel(this))
    , m_replaceRow(new QWidget(this))
{
    m_find->setObjectName(QStringLiteral("findText"));
    m_replace->setObjectName(QStringLiteral("replaceText"));
    m_find->setPlaceholderText(tr("Find"));
    m_replace->setPlaceholderText(tr("Replace with"));
    m_find->setClearButtonEnabled(true);
    auto button = [this](const QString &text, const QString &tip, auto slot) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, slot);
        return b;
    };
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    auto *findRow = new QHBoxLayout;
    findRow->addWidget(m_find, 1);
    findRow->addWidget(button(tr("Previous"), tr("Find the previous match (Shift+Enter)"), [this] { findNext(true); }));
    findRow->addWidget(button(tr("Next"), tr("Find the next match (Enter)"), [this] { findNext(false); }));
    findRow->addWidget(m_case);
    findRow->addWidget(m_status);
    findRow->addWidget(button(tr("Close"), tr("Close (Escape)"), [this] { hide(); }));
    layout->addLayout(findRow);
    auto *replaceRow = new QHBoxLayout(m_replaceRow);
    replaceRow->setContentsMargins(0, 0, 0, 0);
    replaceRow->addWidget(m_replace, 1);
    replaceRow->addWidget(
        button(tr("Replace"), tr("Replace this match and find the next"), [this] { replaceCurrent(); }));
    replaceRow->addWidget(
        button(tr("Replace All"), tr("Replace every match; one undo takes it back"), [this] { replaceAll(); }));
    layout->addWidget(m_replaceRow);
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findNext(false); });
    connect(m_replace, &QLineEdit::returnPressed, this, [this] { replaceCurrent(); });
    hide();
}

void FindBar::setEditor(QPlainTextEdit *editor)
{
    m_editor = editor;
}

void FindBar::activate(bool replace)
{
    if (m_editor && m_editor->textCursor().hasSelection()
        && !m_editor->textCursor().selectedText().contains(QChar::ParagraphSeparator))
        m_find->setText(m_editor->textCursor().selectedText());
    m_replaceRow->setVisible(replace);
    show();
    m_find->setFocus();
    m_find->selectAll();
}

bool FindBar::findNext(bool backward)
{
    if (!m_editor || m_find->text().isEmpty())
        return false;
    QTextDocument::FindFlags flags;
    if (backward)
        flags |= QTextDocument::FindBackward;
    if (m_case->isChecked())
        flags |= QTextDocument::FindCaseSensitively;
    if (m_editor->find(m_find->text(), flags)) {
        m_status->clear();
        return true;
    }
    // Wrap around once.
    QTextCursor cursor = m_editor->textCursor();
    cursor.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
    m_editor->setTextCursor(cursor);
    const bool found = m_editor->find(m_find->text(), flags);
    m_status->setText(found ? tr("Wrapped") : tr("Not found"));
    return found;
}

bool FindBar::selectionMatches() const
{
    const QString selected = m_editor->textCursor().selectedText();
    return !selected.isEmpty()
        && selected.compare(m_find->text(), m_case->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive) == 0;
}

bool FindBar::replaceCurrent()
{
    if (!m_editor || m_editor->isReadOnly())
        return false;
    if (!selectionMatches() && !findNext(false))
        return false;
    m_editor->textCursor().insertText(m_replace->text());
    findNext(false);
    return true;
}

int FindBar::replaceAll()
{
    if (!m_editor || m_editor->isReadOnly() || m_find->text().isEmpty())
        return 0;
    const QTextDocument::FindFlags flags
        = m_case->isChecked() ? QTextDocument::FindCaseSensitively : QTextDocument::FindFlags();
    QTextDocument *doc = m_editor->document();
    QTextCursor edit(doc);
    edit.beginEditBlock();
    int count = 0;
    QTextCursor found = doc->find(m_find->text(), 0, flags);
    while (!found.isNull()) {
        found.insertText(m_replace->text());
        ++count;
        found = doc->find(m_find->text(), found.position(), flags);
    }
    edit.endEditBlock();
    m_status->setText(count == 1 ? tr("1 replaced") : tr("%1 replaced").arg(count));
    return count;
}

QString FindBar::status() const
{
    return m_status->text();
}

void FindBar::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape) {
        hide();
        if (m_editor)
            m_editor->setFocus();
        return;
    }
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && event->modifiers() & Qt::ShiftModifier) {
        findNext(true);
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace Lucent::Ui
