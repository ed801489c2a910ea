#pragma once

#include "sandbox/auth/authorizer.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

namespace lucent::sandbox {

/// An HTTP request as the API layer sees it, independent of the HTTP library, so that tests
/// and the fuzz target can drive the handlers without sockets.
struct ApiRequest {
    std::string method;
    std::string path;
    std::multimap<std::string, std::string> query;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string body;
    Identity identity; ///< set by the transport after authentication
    bool authenticated = false;

    std::string param(const std::string &name, const std::string &fallback = {}) const
    {
        auto it = query.find(name);
        return it == query.end() ? fallback : it->second;
    }
    bool has(const std::string &name) const { return query.count(name) > 0; }
    /// A boolean query parameter, read as Go's strconv.ParseBool does (1, t, T, TRUE, true, True).
    bool flag(const std::string &name) const
    {
        const std::string v = param(name);
        return v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "true" || v == "True";
    }
    std::string header(const std::string &name) const
    {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// What a command run in a simulated container printed, and how it ended.
struct ExecResult {
    std::string out;
    std::string err;
    int exitCode = 0;
};

/// What a connection forwarded to a pod's port got back.
struct ForwardAnswer {
    bool refused = false; ///< nothing listens on the port; error says so
    std::string bytes; ///< the simulated service's HTTP answer
    std::string error;
};

/// Writes one chunk of a streamed response; false when the client has gone. An empty string
/// writes nothing and only asks whether the client is still there.
using ChunkWriter = std::function<bool(const std::string &)>;

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    /// When set, the response is streamed (watch, follow logs): the function writes chunks
    /// until it returns.
    std::function<void(const ChunkWriter &)> stream;
    /// Sent as "Warning: 299 - ..." headers (unknown fields under fieldValidation=Warn).
    std::vector<std::string> warnings;
    /// Any other response headers (Retry-After, ...).
    std::vector<std::pair<std::string, std::string>> headers;
    /// For an exec the server accepts: runs the command on what the client sent to its stdin.
    /// The transport switches protocols (WebSocket) and streams the result.
    std::function<ExecResult(const std::string &stdinText)> exec;
    /// For a port-forward the server accepts: what the pod answers on @p port to the bytes a
    /// forwarded connection sent (an HTTP request). The transport speaks SPDY.
    std::function<ForwardAnswer(int port, const std::string &request)> forward;

    static ApiResponse json(int status, const nlohmann::json &value)
    {
        // Replace, not throw, on invalid UTF-8: an answer must always go out.
        return {status,
                "application/json",
                value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                {},
                {},
                {},
                {},
                {}};
    }
};

} // namespace lucent::sandbox
