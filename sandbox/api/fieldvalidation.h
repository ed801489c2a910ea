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

/// The parsed field schema: {"kinds": {Kind: model}, "types": {model: {field: type}}}.
const nlohmann::json &kubernetesFieldSchema();

/// Adds OpenAPI v3 component schemas for @p kind and every model it uses to @p schemas,
/// with the list merge keys strategic merge patch uses; returns the kind's schema name,
/// or "" when the field schema does not know the kind.
std::string addOpenApiSchemas(const std::string &kind, nlohmann::json &schemas);

} // namespace lucent::sandbox
