#pragma once

// Internal to core/validation: the Lucent platform's policy rules over a set of documents.

#include "core/validation/manifestfile.h"
#include "core/validation/rulecatalog.h"

#include <vector>

namespace Lucent::Core::Validation {

/// Runs every enabled policy rule over @p documents, which form one set: Services, Ingresses
/// and workloads refer to each other within it. Severities are left to the caller.
void checkPolicies(const std::vector<const ManifestDocument *> &documents, const ValidationSettings &settings,
                   QList<Problem> &problems);

/// The annotation that switches rules off for one object: a comma-separated list of rule ids.
inline constexpr char IgnoreAnnotation[] = "lucent.com/validation-ignore";

} // namespace Lucent::Core::Validation
