#include "ui/about/aboutdialog.h"

#include "ui/about/libraryversions.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Lucent::Ui {

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Lucent Release Console"));

    auto *layout = new QVBoxLayout(this);
    auto *icon = new QLabel(this);
    icon->setPixmap(windowIcon().pixmap(64, 64));
    icon->setAlignment(Qt::AlignHCenter);
    layout->addWidget(icon);

    auto *title = new QLabel(tr("<h2>Lucent Release Console %1</h2>").arg(Lucent::Core::applicationVersion()), this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    title->setAlignment(Qt::AlignHCenter);
    layout->addWidget(title);

    auto *blurb = new QLabel(tr("Promotions, rollouts, alerts and logs of the Lucent platform."), this);
    blurb->setAlignment(Qt::AlignHCenter);
    layout->addWidget(blurb);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const auto &component : linkedLibraryVersions()) {
        auto *value = new QLabel(component.version, this);
        value->setObjectName(QStringLiteral("version_") + component.name);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(component.name + QLatin1Char(':'), value);
    }
    layout->addLayout(form);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->setObjectName(QStringLiteral("aboutButtons"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace Lucent::Ui
