#pragma once

#include <QString>

namespace Lucent::Core::Recovery {

/// @p text (YAML, one or more documents) with the values under `data:` and `stringData:` of
/// every Secret document replaced by empty strings, keys and everything else kept line for line.
/// A recovery copy must not become a second home for a credential: the user re-enters the
/// values, and sees which keys they belonged to. @p dropped says whether anything was dropped.
QString withoutSecretValues(const QString &text, bool *dropped);

} // namespace Lucent::Core::Recovery
