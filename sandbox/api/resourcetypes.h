#pragma once

#include <string>
#include <vector>

namespace lucent::sandbox {

/// A kind the sandbox serves, with what discovery says about it.
struct ResourceType {
    std::string group; ///< "" for the core group
    std::string version; ///< "v1"
    std::string plural; ///< "deployments"
    std::string singular;
    std::string kind;
    bool namespaced = true;
    std::vector<std::string> verbs;
    std::vector<std::string> shortNames;
    std::vector<std::string> subresources; ///< "status", "scale", "log", "proxy"
    std::vector<std::string> categories;

    std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
    /// "deployments.apps", "pods": unique across groups.
    std::string key() const { return group.empty() ? plural : plural + "." + group; }
    bool supports(const std::string &verb) const;
    bool hasSubresource(const std::string &name) const;
};

/// Every kind the sandbox serves.
const std::vector<ResourceType> &resourceTypes();

/// The type served at group/version/plural, or nullptr.
const ResourceType *findResource(const std::string &group, const std::string &version, const std::string &plural);

/// The type of a kind in an apiVersion ("apps/v1", "Deployment"), or nullptr.
const ResourceType *findKind(const std::string &apiVersion, const std::string &kind);

/// The groups in discovery order, each with its one version.
std::vector<std::pair<std::string, std::string>> apiGroups();

} // namespace lucent::sandbox
