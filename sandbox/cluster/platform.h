#pragma once

#include "sandbox/store/objectstore.h"

#include <string>
#include <vector>

namespace lucent::sandbox {

/// The environments the sandbox simulates: a context name and the namespace it works in.
struct Environment {
    std::string name;      ///< "staging", "production"
    std::string ns;        ///< "lucent-staging", "lucent-platform"
    bool protectedEnv = false;
};

const std::vector<Environment> &environments();

/// Creates the namespaces from @p manifestsDir/namespaces.yaml, then every object of
/// @p manifestsDir/platform/*.yaml in each environment's namespace. Returns a sentence per
/// problem (an unreadable file, an unknown kind, a rejected object); empty on success.
std::vector<std::string> applyPlatform(ObjectStore &store, const std::string &manifestsDir);

/// Writes a kubeconfig with one context per environment for @p server, using the admin
/// token, plus the deployer and viewer users for trying the RBAC.
bool writeKubeconfig(const std::string &path, const std::string &server, const std::string &adminToken,
                     const std::string &deployerToken, const std::string &viewerToken, std::string &error);

} // namespace lucent::sandbox
