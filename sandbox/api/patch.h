#pragma once

#include "sandbox/api/status.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lucent::sandbox {

enum class PatchType { Merge, Json, Strategic };

/// The patch type of a Content-Type header, or nullopt for one the sandbox does not take
/// (apply-patch+yaml, protobuf, ...).
std::optional<PatchType> patchTypeFor(const std::string &contentType);

/// Applies @p patch to @p original of @p kind ("Deployment", ...):
/// - Merge: RFC 7386 JSON merge patch;
/// - Json: RFC 6902 JSON patch (add, remove, replace, move, copy, test);
/// - Strategic: Kubernetes' strategic merge patch, with the list merge keys of the kinds the
///   sandbox serves (containers by name, container ports by containerPort, service ports by
///   port, env by name, volumes by name, volumeMounts by mountPath, ...) and the $patch,
///   $setElementOrder and $deleteFromPrimitiveList directives.
/// Returns the patched object, or a BadRequest / UnprocessableEntity error.
/// The keys that identify an element of the list at @p path (dotted, "[]" for elements, e.g.
/// "spec.template.spec.containers[].ports") in @p kind: ["containerPort", "protocol"], ["name"],
/// or none for a list that is replaced whole. Server-side apply keys its field sets by them.
std::vector<std::string> listMapKeys(const std::string &kind, const std::string &path);

std::variant<nlohmann::json, ApiError> applyPatch(PatchType type, const std::string &kind,
                                                  const nlohmann::json &original, const nlohmann::json &patch);

} // namespace lucent::sandbox
