#include "sandbox/auth/authorizer.h"

#include <algorithm>

namespace lucent::sandbox {

namespace {

bool isRead(const std::string &verb)
{
    return verb == "get" || verb == "list" || verb == "watch";
}

bool contains(const std::vector<std::string> &list, const std::string &value)
{
    return std::find(list.begin(), list.end(), value) != list.end();
}

} // namespace

bool Authorizer::allowed(const Identity &who, const Attributes &what, std::string &reason)
{
    using Role = Identity::Role;
    if (who.role == Role::None) {
        reason = "no RBAC role is bound to " + who.user;
        return false;
    }
    if (what.resource == "selfsubjectaccessreviews" && what.verb == "create") {
        reason = "every authenticated user may review its own access";
        return true;
    }
    if (who.role == Role::Admin) {
        reason = "RBAC: allowed by ClusterRoleBinding \"lucent-admin\" of ClusterRole \"cluster-admin\"";
        return true;
    }
    if (isRead(what.verb)) {
        if (what.resource == "secrets") {
            reason = "the " + std::string(who.role == Role::Viewer ? "viewer" : "deployer")
                + " role does not read secrets";
            return false;
        }
        reason = "RBAC: allowed by ClusterRole \"lucent-viewer\"";
        return true;
    }
    if (who.role == Role::Deployer && contains(who.namespaces, what.ns)) {
        const bool deployments = what.group == "apps" && what.resource == "deployments";
        const bool services = what.group.empty() && what.resource == "services" && what.subresource.empty();
        const bool write = what.verb == "patch" || what.verb == "update";
        if ((deployments && (write || what.verb == "create" || what.verb == "delete")
             && (what.subresource.empty() || what.subresource == "scale"))
            || (services && write)) {
            reason = "RBAC: allowed by RoleBinding \"lucent-deployer\" in namespace \"" + what.ns + "\"";
            return true;
        }
    }
    reason = "the " + std::string(who.role == Role::Viewer ? "viewer" : "deployer") + " role may not " + what.verb + " "
        + what.resource + (what.subresource.empty() ? "" : "/" + what.subresource)
        + (what.ns.empty() ? " at the cluster scope" : " in namespace \"" + what.ns + "\"");
    return false;
}

} // namespace lucent::sandbox
