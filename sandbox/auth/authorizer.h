#pragma once

#include <string>
#include <vector>

namespace lucent::sandbox {

/// Who made a request, after authentication.
struct Identity {
    enum class Role { None, Viewer, Deployer, Admin };
    std::string user = "system:anonymous";
    std::vector<std::string> groups;
    Role role = Role::None;
    std::vector<std::string> namespaces; ///< where a deployer may write; empty: nowhere
};

/// What is asked: the Kubernetes authorization attributes of one request.
struct Attributes {
    std::string verb; ///< get, list, watch, create, update, patch, delete, deletecollection
    std::string group;
    std::string resource;
    std::string subresource;
    std::string ns;
    std::string name;
};

/// The sandbox's small RBAC:
/// - viewer reads everything but Secrets (as Kubernetes' "view" role);
/// - deployer reads like a viewer and, in its namespaces, may patch and update Deployments
///   (with their scale) and Services, and create and delete Deployments;
/// - admin may do anything.
/// Every authenticated user may create SelfSubjectAccessReviews.
class Authorizer
{
public:
    /// True when allowed; @p reason says why or why not, for SelfSubjectAccessReview.
    static bool allowed(const Identity &who, const Attributes &what, std::string &reason);
};

} // namespace lucent::sandbox
