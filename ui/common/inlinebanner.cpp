#include "ui/common/inlinebanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace Lucent::Ui {

InlineBanner::InlineBanner(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("inlineBanner"));
    m_label->setObjectName(QStringLiteral("inlineBannerText"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_label->setTextFormat(Qt::PlainText);

    auto *close = new QToolButton(this);
    close->setObjectName(QStringLiteral("inlineBannerClose"));
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Hide this message"));
    connect(close, &QToolButton::clicked, this, &InlineBanner::clear);

    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(10, 6, 6, 6);
    m_layout->addWidget(m_label, 1);
    m_layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void InlineBanner::showMessages(Severity severity, const QStringList &sentences)
{
    if (sentences.isEmpty()) {
        clear();
        return;
    }
    // Colours chosen to keep dark text readable on light and dark palettes alike.
    const char *background = severity == Severity::Error ? "#f8d7da"
        : severity == Severity::Warning                  ? "#fff3cd"
                                                         : "#d1ecf1";
    const char *border = severity == Severity::Error ? "#d9534f"
        : severity == Severity::Warning              ? "#e0a800"
                                                     : "#17a2b8";
    setStyleSheet(QStringLiteral("QFrame#inlineBanner { background: %1; border: 1px solid %2; border-radius: 4px; }"
                                 "QFrame#inlineBanner QLabel, QFrame#inlineBanner QToolButton { color: #212529; }")
                      .arg(QLatin1String(background), QLatin1String(border)));
    m_label->setText(sentences.join(QLatin1Char('\n')));
    show();
}

QPushButton *InlineBanner::addButton(const QString &text, const QString &objectName)
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(objectName);
    m_layout->insertWidget(m_layout->count() - 1, button, 0, Qt::AlignTop);
    m_buttons.append(button);
    return button;
}

void InlineBanner::clear()
{
    m_label->clear();
    for (QPushButton *button : std::exchange(m_buttons, {})) {
        button->hide();
        button->deleteLater(); // a button may be clearing the banner from its own click
    }
    hide();
}

QString InlineBanner::text() const
{
    return m_label->text();
}

} // namespace Lucent::Ui
