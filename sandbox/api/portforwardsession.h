#pragma once

#include "sandbox/api/apirequest.h"
#include "sandbox/api/upgradableserver.h"

#include <functional>

namespace lucent::sandbox {

using Forward = std::function<ForwardAnswer(int port, const std::string &request)>;

/// Answers the upgrade of a port-forward request and serves it: SPDY/3.1 with the
/// portforward.k8s.io stream protocol, over the raw connection (Upgrade: SPDY/3.1, kubectl
/// before 1.31) or tunnelled in WebSocket binary messages (SPDY/3.1+portforward.k8s.io, kubectl
/// 1.31 and later). Each forwarded connection is a pair of streams (data and error) with the
/// same requestID; what comes in on the data stream is answered by @p forward.
void servePortForward(Connection &connection, const ApiRequest &request, const Forward &forward);

} // namespace lucent::sandbox
