#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lucent::sandbox {

/// Converts one YAML document to JSON with Kubernetes' rules: unquoted true/false/null and
/// numbers become JSON scalars, everything else a string. nullopt and @p error on bad YAML.
std::optional<nlohmann::json> yamlToJson(const std::string &yaml, std::string &error);

/// Every non-empty document of a multi-document YAML stream.
std::optional<std::vector<nlohmann::json>> yamlDocumentsToJson(const std::string &yaml, std::string &error);

} // namespace lucent::sandbox
