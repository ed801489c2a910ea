#pragma once

#include <QString>

class QWidget;

namespace Lucent::Ui {

/// Marks @p field as holding a mistake, said by @p problem in its tooltip and accessible
/// description, with a red-tinted background in either theme; an empty @p problem clears
/// the mark. The mistake stays where it was made instead of taking over the page's banner.
void setFieldProblem(QWidget *field, const QString &problem);

/// The problem setFieldProblem() marked @p field with; empty when none.
QString fieldProblem(const QWidget *field);

} // namespace Lucent::Ui
