#include "ui/common/confirmactiondialog.h"

#include "ui/common/diffhighlighter.h"
#include "ui/common/palette.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QKeyEvent>
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
    // Room for a question of two lines and a spin box or a revision list without crowding.
    setMinimumWidth(460);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    layout->setContentsMargins(16, 16, 16, 12);
    m_inputs->setSpacing(8);
    auto *text = new QLabel(question, this);
    text->setObjectName(QStringLiteral("confirmQuestion"));
    text->setWordWrap(true);
    layout->addWidget(text);
    layout->addLayout(m_inputs);

    m_details->setObjectName(QStringLiteral("confirmDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setMinimumHeight(160);
    // A diff keeps its lines whole (scroll sideways) and its colours.
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    new DiffHighlighter(m_details->document(), isDark(palette()));
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
        m_typedName->installEventFilter(this);
        layout->addWidget(m_typedName);
        m_typedName->setFocus(); // until an input comes first (addInput)
    }
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("confirmOk"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(title);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("confirmCancel"));
    // Cancel is the default button: an Enter pressed out of habit changes nothing in the cluster.
    // Confirming takes a click on the action's button, or, on a protected environment, Enter in
    // the name field once the name is typed (Enter there with a wrong name does nothing). Focus
    // moving onto a button does not change what Enter does. Escape cancels.
    for (QAbstractButton *button : m_buttons->buttons()) {
        if (auto *push = qobject_cast<QPushButton *>(button))
            push->setAutoDefault(false);
    }
    m_buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    updateButton();
}

void ConfirmActionDialog::addInput(QWidget *input)
{
    // Focus starts on the first input, and Tab goes through the inputs, then the name.
    if (m_inputs->isEmpty())
        input->setFocus();
    else
        setTabOrder(m_inputs->itemAt(m_inputs->count() - 1)->widget(), input);
    m_inputs->addWidget(input);
    if (m_typedName)
        setTabOrder(input, m_typedName);
}

void ConfirmActionDialog::setDetails(const QString &text)
{
    m_details->setPlainText(text);
    m_details->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        resize(std::max(width(), 680), std::max(height(), 460)); // a diff needs width and lines
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

bool ConfirmActionDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_typedName && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            if (canConfirm())
                accept();
            return true; // the typed name is the confirmation: never Cancel from here
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace Lucent::Ui
