#pragma once

#include <optional>
#include <string>

namespace lucent::sandbox {

/// A resource request path, taken apart:
///   /api/v1/namespaces/{ns}/{resource}[/{name}[/{subresource}[/{rest...}]]]
///   /apis/{group}/{version}/...                                  (same shape)
///   /api/v1/{resource}[/{name}[/{subresource}]]                  (cluster scope)
///   /api/v1/watch/...                   (the deprecated watch paths, still served: legacyWatch)
struct RequestPath {
    std::string group;
    std::string version;
    std::string ns;
    std::string resource;
    std::string name;
    std::string subresource;
    std::string rest; ///< what follows a proxy subresource, with its leading '/'
    /// The path had "watch/" before the namespace or resource: a watch of the collection, or of
    /// the one object when a name follows (ruby-kubeclient and older clients use these).
    bool legacyWatch = false;

    /// Parses a path (without the query). Returns nullopt for anything that is not a
    /// resource path, including discovery paths and malformed ones.
    static std::optional<RequestPath> parse(const std::string &path);
};

} // namespace lucent::sandbox
