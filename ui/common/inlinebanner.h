#pragma once

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace Lucent::Ui {

/// A non-modal message strip above the content: problems are shown where the user is
/// looking, without a dialog in the way. Hidden while it has nothing to say.
class InlineBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InlineBanner)

public:
    enum class Severity { Info, Warning, Error };

    explicit InlineBanner(QWidget *parent = nullptr);

    void showMessages(Severity severity, const QStringList &sentences);
    /// A button after the text, for the one or two things to do about it; gone with clear().
    QPushButton *addButton(const QString &text, const QString &objectName);
    void clear();
    QString text() const;

private:
    QLabel *m_label = nullptr;
    QHBoxLayout *m_layout = nullptr;
    QList<QPushButton *> m_buttons;
};

} // namespace Lucent::Ui
