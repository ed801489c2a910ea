#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Lucent::Core::Validation {

enum class Severity { Error, Warning, Info };

/// "error", "warning" or "info"; also the spelling lucent.yaml accepts.
QString severityName(Severity severity);
std::optional<Severity> severityFromName(const QString &name);

/// One finding in one manifest file. Positions are 1-based; length is how many characters
/// of the line the finding covers (at least 1), for underlines.
struct Problem {
    QString file;
    int line = 1;
    int column = 1;
    int length = 1;
    Severity severity = Severity::Error;
    QString ruleId; ///< e.g. "yaml-syntax", "schema-unknown-field", "image-tag-pinned"
    QString message; ///< a sentence saying what is wrong and, where useful, what to do
    QString objectName; ///< "Deployment/wallet-service" when the finding belongs to an object
};

/// File, then line, then column: the order problems are listed in.
void sortProblems(QList<Problem> &problems);

int countSeverity(const QList<Problem> &problems, Severity severity);

} // namespace Lucent::Core::Validation

Q_DECLARE_METATYPE(Lucent::Core::Validation::Problem)
