#pragma once

#include "sandbox/api/resourcetypes.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace lucent::sandbox {

/// True when the Accept header asks for a meta.k8s.io Table (as kubectl get does).
bool wantsTable(const std::string &accept);

/// Renders objects as a Table with the columns kubectl shows for the kind (server-side
/// printing): READY/STATUS/RESTARTS for pods, READY/UP-TO-DATE/AVAILABLE for deployments...
nlohmann::json toTable(const ResourceType &type, const std::vector<nlohmann::json> &objects,
                       const std::string &resourceVersion, bool withColumns = true);

/// "5s", "3m", "2d4h": how kubectl prints ages.
std::string humanAge(const std::string &timestamp);

} // namespace lucent::sandbox
