#pragma once

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace Lucent::Ui {

/// Find and replace in one editor. Replace All is a single undo step.
class FindBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FindBar)

public:
    explicit FindBar(QWidget *parent = nullptr);

    void setEditor(QPlainTextEdit *editor);
    /// Shows the bar with the editor's selection as the search text; @p replace shows the
    /// replace field too.
    void activate(bool replace);

    bool findNext(bool backward = false);
    bool replaceCurrent();
    int replaceAll();

    QLineEdit *findField() const { return m_find; }
    QLineEdit *replaceField() const { return m_replace; }
    QCheckBox *caseSensitive() const { return m_case; }
    QString status() const;

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    bool selectionMatches() const;

    QPointer<QPlainTextEdit> m_editor;
    QLineEdit *m_find = nullptr;
    QLineEdit *m_replace = nullptr;
    QCheckBox *m_case = nullptr;
    QLabel *m_status = nullptr;
    QWidget *m_replaceRow = nullptr;
};

} // namespace Lucent::Ui
