#include "sandbox/api/resourcetypes.h"

#include <algorithm>

namespace lucent::sandbox {

namespace {

const std::vector<std::string> AllVerbs{"create", "delete", "deletecollection", "get",
                                        "list",   "patch",  "update",           "watch"};
const std::vector<std::string> ReadOnly{"get", "list", "watch"};

} // namespace

bool ResourceType::supports(const std::string &verb) const
{
    return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool ResourceType::hasSubresource(const std::string &name) const
{
    return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

const std::vector<ResourceType> &resourceTypes()
{
    static const std::vector<ResourceType> types{
        {"",
         "v1",
         "namespaces",
         "namespace",
         "Namespace",
         false,
         {"create", "delete", "get", "list", "patch", "update", "watch"},
         {"ns"},
         {"status"},
         {}},
        {"",
         "v1",
         "pods",
         "pod",
         "Pod",
         true,
         AllVerbs,
         {"po"},
         {"status", "log", "proxy", "exec", "portforward"},
         {"all"}},
        {"",
         "v1",
         "services",
         "service",
         "Service",
         true,
         {"create", "delete", "get", "list", "patch", "update", "watch"},
         {"svc"},
         {"status", "proxy"},
         {"all"}},
        {"", "v1", "endpoints", "endpoints", "Endpoints", true, AllVerbs, {"ep"}, {}, {}},
        {"", "v1", "nodes", "node", "Node", false, ReadOnly, {"no"}, {"status"}, {}},
        {"", "v1", "events", "event", "Event", true, AllVerbs, {"ev"}, {}, {}},
        {"", "v1", "configmaps", "configmap", "ConfigMap", true, AllVerbs, {"cm"}, {}, {}},
        {"", "v1", "secrets", "secret", "Secret", true, AllVerbs, {}, {}, {}},
        {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, AllVerbs, {"sa"}, {}, {}},
        {"apps",
         "v1",
         "deployments",
         "deployment",
         "Deployment",
         true,
         AllVerbs,
         {"deploy"},
         {"status", "scale"},
         {"all"}},
        {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, AllVerbs, {"rs"}, {"status", "scale"}, {"all"}},
        {"apps",
         "v1",
         "statefulsets",
         "statefulset",
         "StatefulSet",
         true,
         AllVerbs,
         {"sts"},
         {"status", "scale"},
         {"all"}},
        {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, AllVerbs, {}, {}, {}},
        {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, AllVerbs, {"ing"}, {"status"}, {}},
        {"networking.k8s.io",
         "v1",
         "networkpolicies",
         "networkpolicy",
         "NetworkPolicy",
         true,
         AllVerbs,
         {"netpol"},
         {},
         {}},
        {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, AllVerbs, {}, {}, {}},
        // Computed from the simulated workload on each read, as metrics-server serves them.
        {"metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true, {"get", "list"}, {}, {}, {}},
        {"metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false, {"get", "list"}, {}, {}, {}},
        {"authorization.k8s.io",
         "v1",
         "selfsubjectaccessreviews",
         "selfsubjectaccessreview",
         "SelfSubjectAccessReview",
         false,
         {"create"},
         {},
         {},
         {}},
    };
    return types;
}

const ResourceType *findResource(const std::string &group, const std::string &version, const std::string &plural)
{
    for (const auto &t : resourceTypes()) {
        if (t.group == group && t.version == version && t.plural == plural)
            return &t;
    }
    return nullptr;
}

const ResourceType *findKind(const std::string &apiVersion, const std::string &kind)
{
    for (const auto &t : resourceTypes()) {
        if (t.apiVersion() == apiVersion && t.kind == kind)
            return &t;
    }
    return nullptr;
}

std::vector<std::pair<std::string, std::string>> apiGroups()
{
    std::vector<std::pair<std::string, std::string>> groups;
    for (const auto &t : resourceTypes()) {
        if (t.group.empty())
            continue;
        std::pair<std::string, std::string> entry{t.group, t.version};
        if (std::find(groups.begin(), groups.end(), entry) == groups.end())
            groups.push_back(entry);
    }
    return groups;
}

} // namespace lucent::sandbox
