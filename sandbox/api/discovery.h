#pragma once

#include "sandbox/api/apirequest.h"

#include <optional>

namespace lucent::sandbox {

/// Answers the discovery, health and OpenAPI paths (/version, /api, /apis/..., /healthz,
/// /openapi/v3, ...), or nullopt when @p request is for something else.
std::optional<ApiResponse> serveDiscovery(const ApiRequest &request);

} // namespace lucent::sandbox
