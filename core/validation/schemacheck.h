#pragma once

// Internal to core/validation: checks one document against a KubernetesSchema.

#include "core/validation/kubernetesschema.h"
#include "core/validation/manifestfile.h"

namespace Lucent::Core::Validation {

/// Unknown kinds and fields, wrong types, missing required fields and unsupported enum values,
/// each at the position of the key or value at fault.
void checkSchema(const KubernetesSchema &schema, const ManifestDocument &doc, QList<Problem> &problems);

/// The closest of @p candidates to @p word within two edits, for "did you mean" hints.
QString closestMatch(const QString &word, const QStringList &candidates);

} // namespace Lucent::Core::Validation
