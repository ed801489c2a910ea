#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lucent::sandbox {

/// What the Kubernetes decoder would say about an object's fields.
struct FieldCheck {
    std::vector<std::string> unknownFields; ///< "spec.replicaz", "spec.template.spec.containers[0].imagez"
    std::string typeError; ///< the first wrongly typed value, as Go's JSON decoder words it
};

/// Checks @p object of @p kind against the field names and types of the Kubernetes API
/// (sandbox/schema/kubernetes-fields.json, compiled in). Kinds the schema does not know
/// pass unchecked.
FieldCheck checkFields(const std::string &kind, const nlohmann::json &object);

} // namespace lucent::sandbox
