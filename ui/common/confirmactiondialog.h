#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLineEdit;
class QPlainTextEdit;
class QVBoxLayout;

namespace Lucent::Ui {

/// Asks before a mutating action. On a protected environment the user must type the
/// environment's name; the button stays disabled until the text matches exactly.
class ConfirmActionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConfirmActionDialog)

public:
    ConfirmActionDialog(const QString &title, const QString &question, const QString &environment, bool isProtected,
                        QWidget *parent = nullptr);

    /// A widget for the action's input (a replica count, a revision), above the confirmation.
    void addInput(QWidget *input);
    /// Text to review before confirming (a diff); hidden when empty.
    void setDetails(const QString &text);
    /// Whether the inputs make a complete request; the button stays disabled until they do.
    void setInputsValid(bool valid);
    bool canConfirm() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateButton();

    QString m_environment;
    bool m_protected = false;
    bool m_inputsValid = true;
    QVBoxLayout *m_inputs = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QLineEdit *m_typedName = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Lucent::Ui
