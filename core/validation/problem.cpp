#include "core/validation/problem.h"

#include <algorithm>

namespace Lucent::Core::Validation {

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Error: return QStringLiteral("error");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Info: return QStringLiteral("info");
    }
    return {};
}

std::optional<Severity> severityFromName(const QString &name)
{
    for (Severity s : {Severity::Error, Severity::Warning, Severity::Info}) {
        if (severityName(s) == name)
            return s;
    }
    return std::nullopt;
}

void sortProblems(QList<Problem> &problems)
{
    std::stable_sort(problems.begin(), problems.end(), [](const Problem &a, const Problem &b) {
        return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    });
}

int countSeverity(const QList<Problem> &problems, Severity severity)
{
    return int(std::count_if(problems.begin(), problems.end(),
                             [severity](const Problem &p) { return p.severity == severity; }));
}

} // namespace Lucent::Core::Validation
