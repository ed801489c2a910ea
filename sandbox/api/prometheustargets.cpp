// Prometheus service discovery for the sandbox's pods, in the http_sd format, giving the labels
// manifests/monitoring's relabelling gives on a real cluster (tst_sandbox_prometheus compares). Debian's
// prometheus is built without kubernetes_sd_configs, so the sandbox offers its pods the way
// Prometheus' generic HTTP discovery reads them: target groups whose address is this API
// server and whose metrics path is the pod proxy.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/resourcetypes.h"

namespace lucent::sandbox {

ApiResponse ApiServer::prometheusTargets(const ApiRequest &request)
{
    const std::string host = request.header("host");
    if (host.empty())
        return ApiResponse::json(400,
                                 ApiError::badRequest("a Host header is needed to address the pod proxy").toStatus());
    // ?app=mongodb or ?app=redis picks a data store; without it, the platform's services.
    const std::string app = request.param("app");
    const ResourceType *pods = findResource("", "v1", "pods");
    auto page = m_store.list(*pods, "", [](const json &) { return true; }, 0, {});
    json groups = json::array();
    for (const json &pod : std::get<ListPage>(page).items) {
        const json &meta = pod["metadata"];
        const std::string ns = meta.value("namespace", "");
        if (ns == "lucent-load" || pod.value("/status/phase"_json_pointer, std::string()) != "Running")
            continue; // the scale test's pods are not part of the platform
        const json labels = meta.value("labels", json::object());
        const std::string podApp = labels.value("app", "");
        const bool dataStore = podApp == "mongodb" || podApp == "redis";
        if (app.empty() ? dataStore : podApp != app)
            continue;
        // Like manifests/monitoring's relabelling: a platform pod is scraped when it asks for it.
        const json annotations = meta.value("annotations", json::object());
        if (app.empty() && annotations.value("prometheus.io/scrape", "") != "true")
            continue;
        const json containers = pod.value("/spec/containers"_json_pointer, json::array());
        if (containers.empty() || !containers[0].contains("ports") || containers[0]["ports"].empty())
            continue;
        const int port = containers[0]["ports"][0].value("containerPort", 0);
        const std::string image = containers[0].value("image", "");
        // The tag: after the last ':' of the last path segment (a registry's port is not one).
        const auto colon = image.rfind(':');
        const auto slash = image.rfind('/');
        const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
        json targetLabels = {{"__metrics_path__",
                              "/api/v1/namespaces/" + ns + "/pods/" + meta.value("name", "") + ":"
                                  + std::to_string(port) + "/proxy/metrics"},
                             {"namespace", ns},
                             {"pod", meta.value("name", "")},
                             {"app", podApp},
                             {"version", tagged ? image.substr(colon + 1) : "latest"}};
        if (labels.contains("color"))
            targetLabels["color"] = labels["color"];
        groups.push_back({{"targets", json::array({host})}, {"labels", targetLabels}});
    }
    return ApiResponse::json(200, groups);
}

} // namespace lucent::sandbox
