#pragma once

#include "core/validation/validator.h"

#include <QByteArray>
#include <QString>

namespace Lucent::Core::Validation {

/// "path:line:column: severity: message [rule]" lines and a summary, as compilers print them.
QByteArray formatText(const ValidationResult &result);

/// {"files", "documents", "errors", "warnings", "problems": [{file, line, column, ...}]}.
QByteArray formatJson(const ValidationResult &result);

/// SARIF 2.1.0 for code-scanning tools. File locations are relative to @p baseDirectory
/// (the %SRCROOT% base) when they are inside it.
QByteArray formatSarif(const ValidationResult &result, const QString &baseDirectory, const QString &toolVersion);

} // namespace Lucent::Core::Validation
