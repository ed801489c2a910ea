#include "sandbox/api/discovery.h"

#include "sandbox/api/fieldvalidation.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/api/status.h"

namespace lucent::sandbox {

namespace {

json resourceList(const std::string &group, const std::string &version)
{
    json resources = json::array();
    for (const auto &t : resourceTypes()) {
        if (t.group != group || t.version != version)
            continue;
        json entry = {{"name", t.plural},
                      {"singularName", t.singular},
                      {"namespaced", t.namespaced},
                      {"kind", t.kind},
                      {"verbs", t.verbs}};
        if (!t.shortNames.empty())
            entry["shortNames"] = t.shortNames;
        if (!t.categories.empty())
            entry["categories"] = t.categories;
        resources.push_back(entry);
        for (const auto &sub : t.subresources) {
            json subEntry = {{"name", t.plural + "/" + sub}, {"singularName", ""}, {"namespaced", t.namespaced}};
            if (sub == "scale") {
                subEntry["group"] = "autoscaling";
                subEntry["version"] = "v1";
                subEntry["kind"] = "Scale";
                subEntry["verbs"] = {"get", "patch", "update"};
            } else if (sub == "status") {
                subEntry["kind"] = t.kind;
                subEntry["verbs"] = {"get", "patch", "update"};
            } else if (sub == "exec" || sub == "portforward") {
                subEntry["kind"] = sub == "exec" ? "PodExecOptions" : "PodPortForwardOptions";
                subEntry["verbs"] = {"create", "get"};
            } else if (sub == "log") {
                subEntry["kind"] = "Pod";
                subEntry["verbs"] = {"get"};
            } else { // proxy
                subEntry["kind"] = sub == "proxy" && t.kind == "Pod" ? "PodProxyOptions" : "ServiceProxyOptions";
                subEntry["verbs"] = {"create", "delete", "get", "patch", "update"};
            }
            resources.push_back(subEntry);
        }
    }
    return {{"kind", "APIResourceList"},
            {"apiVersion", "v1"},
            {"groupVersion", group.empty() ? version : group + "/" + version},
            {"resources", resources}};
}

json groupEntry(const std::string &group, const std::string &version)
{
    json gv = {{"groupVersion", group + "/" + version}, {"version", version}};
    return {{"name", group}, {"versions", json::array({gv})}, {"preferredVersion", gv}};
}

// A small OpenAPI v3 document per group-version: enough for clients to see which kinds are
// served and that POST/PUT/PATCH take the fieldValidation and dryRun parameters.
json openApiFor(const std::string &group, const std::string &version)
{
    json paths = json::object();
    json schemas = json::object();
    const json commonParams = json::array({
        {{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
    });
    for (const auto &t : resourceTypes()) {
        if (t.group != group || t.version != version)
            continue;
        const json gvk = json::array({{{"group", group}, {"version", version}, {"kind", t.kind}}});
        // Field names and types come from the same schema the server validates with.
        std::string schemaName = addOpenApiSchemas(t.kind, schemas);
        if (schemaName.empty()) {
            schemaName = "io.k8s.sandbox." + t.kind;
            schemas[schemaName] = {{"type", "object"}};
        }
        schemas[schemaName]["x-kubernetes-group-version-kind"] = gvk;
        const std::string base = (group.empty() ? "/api/" + version : "/apis/" + group + "/" + version)
            + (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.plural;
        const json ref = {{"$ref", "#/components/schemas/" + schemaName}};
        const json body = {{"content", {{"application/json", {{"schema", ref}}}}}};
        const json ok = {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}};
        json collection = {{"post",
                            {{"parameters", commonParams},
                             {"requestBody", body},
                             {"responses", ok},
                             {"x-kubernetes-action", "post"},
                             {"x-kubernetes-group-version-kind", gvk[0]}}}};
        if (t.supports("list"))
            collection["get"]
                = {{"responses", ok}, {"x-kubernetes-action", "list"}, {"x-kubernetes-group-version-kind", gvk[0]}};
        paths[base] = collection;
        if (t.supports("get"))
            paths[base + "/{name}"]
                = {{"get",
                    {{"responses", ok}, {"x-kubernetes-action", "get"}, {"x-kubernetes-group-version-kind", gvk[0]}}},
                   {"put",
                    {{"parameters", commonParams},
                     {"requestBody", body},
                     {"responses", ok},
                     {"x-kubernetes-action", "put"},
                     {"x-kubernetes-group-version-kind", gvk[0]}}},
                   {"patch",
                    {{"parameters", commonParams},
                     {"responses", ok},
                     {"x-kubernetes-action", "patch"},
                     {"x-kubernetes-group-version-kind", gvk[0]}}},
                   {"delete",
                    {{"parameters", json::array({commonParams[0]})},
                     {"responses", ok},
                     {"x-kubernetes-action", "delete"},
                     {"x-kubernetes-group-version-kind", gvk[0]}}}};
    }
    return {{"openapi", "3.0.0"},
            {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
            {"paths", paths},
            {"components", {{"schemas", schemas}}}};
}

std::string openApiPath(const std::string &group, const std::string &version)
{
    return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

} // namespace

std::optional<ApiResponse> serveDiscovery(const ApiRequest &request)
{
    const std::string &path = request.path;
    if (request.method != "GET")
        return std::nullopt;
    if (path == "/healthz" || path == "/readyz" || path == "/livez")
        return ApiResponse{200, "text/plain; charset=utf-8", "ok", {}, {}, {}, {}, {}};
    if (path == "/version")
        return ApiResponse::json(200,
                                 {{"major", "1"},
                                  {"minor", "32"},
                                  {"gitVersion", "v1.32.0-lucent-sandbox"},
                                  {"gitCommit", "0000000000000000000000000000000000000000"},
                                  {"gitTreeState", "clean"},
                                  {"buildDate", "2026-11-25T00:00:00Z"},
                                  {"goVersion", "go1.23.0"},
                                  {"compiler", "gc"},
                                  {"platform", "linux/amd64"}});
    if (path == "/api")
        return ApiResponse::json(200,
                                 {{"kind", "APIVersions"},
                                  {"versions", {"v1"}},
                                  {"serverAddressByClientCIDRs",
                                   json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}})}});
    if (path == "/api/v1")
        return ApiResponse::json(200, resourceList("", "v1"));
    if (path == "/apis") {
        json groups = json::array();
        for (const auto &[group, version] : apiGroups())
            groups.push_back(groupEntry(group, version));
        return ApiResponse::json(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
    }
    for (const auto &[group, version] : apiGroups()) {
        if (path == "/apis/" + group) {
            json entry = groupEntry(group, version);
            entry["kind"] = "APIGroup";
            entry["apiVersion"] = "v1";
            return ApiResponse::json(200, entry);
        }
        if (path == "/apis/" + group + "/" + version)
            return ApiResponse::json(200, resourceList(group, version));
    }
    if (path == "/openapi/v3") {
        json paths = json::object();
        paths["api/v1"] = {{"serverRelativeURL", "/openapi/v3/api/v1"}};
        for (const auto &[group, version] : apiGroups())
            paths[openApiPath(group, version)] = {{"serverRelativeURL", "/openapi/v3/" + openApiPath(group, version)}};
        return ApiResponse::json(200, {{"paths", paths}});
    }
    if (path.rfind("/openapi/v3/", 0) == 0) {
        const std::string rest = path.substr(12);
        if (rest == "api/v1")
            return ApiResponse::json(200, openApiFor("", "v1"));
        for (const auto &[group, version] : apiGroups()) {
            if (rest == openApiPath(group, version))
                return ApiResponse::json(200, openApiFor(group, version));
        }
        return ApiResponse::json(
            404,
            ApiError{404, "NotFound", "the server could not find the requested resource", json::object(), {}}
                .toStatus());
    }
    return std::nullopt;
}

} // namespace lucent::sandbox
