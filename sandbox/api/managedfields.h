#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// Field ownership as the API server tracks it in metadata.managedFields: server-side apply
// (application/apply-patch+yaml) and the updates every other write records. A field set is
// kept in Kubernetes' fieldsV1 form: {"f:spec": {"f:replicas": {}}, "f:containers":
// {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}}}}.
namespace lucent::sandbox::managedfields {

/// The fields @p object sets, without those the server owns (apiVersion, kind, name,
/// namespace, uid, resourceVersion, ..., status). List elements are keyed by their list keys.
nlohmann::json fieldSet(const std::string &kind, const nlohmann::json &object);

/// A field another manager owns with another value than the one applied.
struct Conflict {
    std::string manager;
    std::string apiVersion;
    std::string field; ///< ".spec.replicas", ".spec.template.spec.containers[name=\"app\"].image"
};

struct ApplyOutcome {
    nlohmann::json object; ///< the object after the apply, managedFields included
    std::vector<Conflict> conflicts; ///< when not empty (and not forced), nothing was applied
};

/// Server-side apply of @p applied (the manager's whole intent for the object) onto @p live
/// (null when the object does not exist yet): fields it sets are merged in (lists by their
/// keys), fields it set last time and sets no more are removed unless another manager owns
/// them, and it owns what it sets. A field another manager owns with a different value is a
/// conflict; @p force takes it over instead.
ApplyOutcome apply(const std::string &kind, const std::string &apiVersion, const nlohmann::json &live,
                   const nlohmann::json &applied, const std::string &manager, bool force, const std::string &now);

/// Records a write that is not an apply (create, replace, patch) by @p manager: it takes
/// every field whose value it changed, and other managers lose them. @p before is null for a
/// create. Sets @p after's metadata.managedFields.
void recordUpdate(const std::string &kind, const std::string &apiVersion, const nlohmann::json &before,
                  nlohmann::json &after, const std::string &manager, const std::string &now);

/// "Apply failed with 1 conflict: conflict with \"m\" using apps/v1: .spec.replicas", as the
/// API server words it.
std::string conflictMessage(const std::vector<Conflict> &conflicts);

} // namespace lucent::sandbox::managedfields
