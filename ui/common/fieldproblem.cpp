#include "ui/common/fieldproblem.h"

#include "ui/common/palette.h"

#include <QApplication>
#include <QVariant>
#include <QWidget>

namespace Lucent::Ui {

namespace {

const char *const problemProperty = "lucentFieldProblem";

} // namespace

void setFieldProblem(QWidget *field, const QString &problem)
{
    if (fieldProblem(field) == problem)
        return;
    field->setProperty(problemProperty, problem);
    field->setToolTip(problem);
    field->setAccessibleDescription(problem);
    if (problem.isEmpty()) {
        field->setPalette(QPalette()); // back to the inherited palette, whatever the theme
        return;
    }
    QPalette palette = field->palette();
    palette.setColor(QPalette::Base, isDark(palette) ? QColor(0x5a, 0x1f, 0x1f) : QColor(0xfb, 0xe3, 0xe3));
    field->setPalette(palette);
}

QString fieldProblem(const QWidget *field)
{
    return field->property(problemProperty).toString();
}

} // namespace Lucent::Ui
