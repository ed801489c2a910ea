#include "core/diff/linediff.h"

#include <algorithm>

namespace Lucent::Core::Diff {

QList<DiffLine> diffLines(const QStringList &a, const QStringList &b)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    QList<QList<int>> lcs(n + 1, QList<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
    QList<DiffLine> out;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            out.append({' ', a[i]});
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out.append({'-', a[i++]});
        } else {
            out.append({'+', b[j++]});
        }
    }
    return out;
}

QString unifiedDiff(const QStringList &from, const QStringList &to, int context)
{
    const QList<DiffLine> lines = diffLines(from, to);
    QStringList out;
    qsizetype k = 0;
    while (k < lines.size()) {
        if (lines[k].op == ' ') {
            ++k;
            continue;
        }
        // A hunk: from `context` lines before this change to `context` after the last change
        // that is no further than 2 * context lines from the one before it.
        const qsizetype start = std::max<qsizetype>(0, k - context);
        qsizetype end = k;
        for (qsizetype q = k; q < lines.size(); ++q) {
            if (lines[q].op != ' ')
                end = q;
            else if (q - end > 2 * context)
                break;
        }
        end = std::min<qsizetype>(lines.size() - 1, end + context);
        int oldStart = 1;
        int newStart = 1;
        for (qsizetype q = 0; q < start; ++q) {
            oldStart += lines[q].op != '+';
            newStart += lines[q].op != '-';
        }
        int oldCount = 0;
        int newCount = 0;
        QStringList body;
        for (qsizetype q = start; q <= end; ++q) {
            oldCount += lines[q].op != '+';
            newCount += lines[q].op != '-';
            body.append(QLatin1Char(lines[q].op) + lines[q].text);
        }
        out.append(QStringLiteral("@@ -%1,%2 +%3,%4 @@").arg(oldStart).arg(oldCount).arg(newStart).arg(newCount));
        out += body;
        k = end + 1;
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace Lucent::Core::Diff
