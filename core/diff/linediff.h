#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Diff {

/// One line of a diff: kept (' '), removed ('-') or added ('+').
struct DiffLine {
    char op = ' ';
    QString text;
};

/// The longest-common-subsequence line diff of @p from and @p to, removals before additions.
/// Quadratic: meant for objects and templates (hundreds of lines), not whole files of logs.
QList<DiffLine> diffLines(const QStringList &from, const QStringList &to);

/// A unified diff ("@@ -a,b +c,d @@" hunks with @p context lines around each change); empty
/// when the two are equal.
QString unifiedDiff(const QStringList &from, const QStringList &to, int context = 3);

} // namespace Lucent::Core::Diff
