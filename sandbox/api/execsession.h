#pragma once

#include "sandbox/api/apirequest.h"
#include "sandbox/api/upgradableserver.h"

#include <functional>
#include <optional>

namespace lucent::sandbox {

/// The request line and headers of @p head as an ApiRequest (no body, no identity yet);
/// nullopt when it is not HTTP/1.1.
std::optional<ApiRequest> parseRequestHead(const std::string &head);

/// Serves a connection whose first request asks to upgrade: @p handle (authentication and the
/// API) decides; an exec it accepts is run over WebSocket with Kubernetes' channel protocol
/// (v5.channel.k8s.io, or v4), a port-forward over SPDY (portforwardsession.h), anything else is
/// answered as plain HTTP and the connection ends.
void serveUpgrade(Connection &connection, const std::string &head,
                  const std::function<ApiResponse(ApiRequest &request)> &handle);

} // namespace lucent::sandbox
