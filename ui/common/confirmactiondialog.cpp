#include "ui/common/confirmactiondialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Lucent::Ui {

ConfirmActionDialog::ConfirmActionDialog(const QString &title, const QString &question, const QString &environment,
                                         bool isProtected, QWidget *parent)
    : QDialog(parent)
    , m_environment(environment)
    , m_protected(isProtected)
    , m_inputs(new QVBoxLayout)
    , m_details(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("confirmActionDialog"));
    setWindowTitle(title);
    setModal(true);
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(question, this);
    text->setObjectName(QStringLiteral("confirmQuestion"));
    text->setWordWrap(true);
    layout->addWidget(text);
    layout->addLayout(m_inputs);

    m_details->setObjectName(QStringLiteral("confirmDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setMinimumHeight(160);
    m_details->hide();
    layout->addWidget(m_details, 1);

    if (m_protected) {
        auto *warning = new QLabel(
            tr("<b>%1</b> is a protected environment. Type its name to confirm.").arg(environment.toHtmlEscaped()),
            this);
        warning->setObjectName(QStringLiteral("protectedWarning"));
        warning->setWordWrap(true);
        layout->addWidget(warning);
        m_typedName = new QLineEdit(this);
        m_typedName->setObjectName(QStringLiteral("confirmEnvironmentName"));
        m_typedName->setPlaceholderText(environment);
        connect(m_typedName, &QLineEdit::textChanged, this, &ConfirmActionDialog::updateButton);
        layout->addWidget(m_typedName);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("confirmOk"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(title);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("confirmCancel"));
    m_buttons->button(QDialogButtonBox::Cancel)->setDefault(true); // Enter must not confirm by accident
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    updateButton();
}

void ConfirmActionDialog::addInput(QWidget *input)
{
    m_inputs->addWidget(input);
}

void ConfirmActionDialog::setDetails(const QString &text)
{
    m_details->setPlainText(text);
    m_details->setVisible(!text.isEmpty());
}

void ConfirmActionDialog::setInputsValid(bool valid)
{
    m_inputsValid = valid;
    updateButton();
}

bool ConfirmActionDialog::canConfirm() const
{
    return m_inputsValid && (!m_protected || (m_typedName && m_typedName->text() == m_environment));
}

void ConfirmActionDialog::updateButton()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(canConfirm());
}

} // namespace Lucent::Ui
