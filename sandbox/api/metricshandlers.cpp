// metrics.k8s.io/v1beta1, as metrics-server serves it: PodMetrics and NodeMetrics computed on
// each read from the simulated workload (sandbox/cluster/resourceusage), for `kubectl top`
// and the console's pods tables.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/selectors.h"
#include "sandbox/cluster/resourceusage.h"
#include "sandbox/cluster/workload.h"

#include <cmath>
#include <ctime>
#include <map>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

// metrics-server's resolution: each figure covers a 15 s window.
constexpr double WindowSeconds = 15;

std::string timestamp(std::chrono::system_clock::time_point t)
{
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

ApiResponse failure(const ApiError &e)
{
    return ApiResponse::json(e.code, e.toStatus());
}

// The node's own processes (kubelet, container runtime, system daemons).
constexpr std::int64_t NodeOverheadNanoCores = 180'000'000;
constexpr std::int64_t NodeOverheadBytes = 900LL * 1024 * 1024;

} // namespace

ApiResponse ApiServer::metrics(const ApiRequest &request, const Target &target)
{
    if (request.method != "GET" || request.flag("watch"))
        return failure(ApiError::methodNotAllowed("the server does not allow this method on the requested resource"));
    std::string why;
    const auto labels = LabelSelector::parse(request.param("labelSelector"), why);
    if (!labels)
        return failure(ApiError::badRequest("unable to parse requirement: " + why));
    const bool nodes = target.type->kind == "NodeMetrics";
    const ResourceType *podType = findResource("", "v1", "pods");
    const double now = m_runtime ? m_runtime->now() : 0;
    const auto window = std::int64_t(std::floor(now / WindowSeconds));
    const auto windowStart
        = m_runtime ? m_runtime->wallTime(double(window) * WindowSeconds) : std::chrono::system_clock::now();
    const double requestsPerSecond = m_runtime ? m_runtime->logRate() * 0.9 : 0; // 9 of 10 lines are requests

    // Pods of the namespace (all of them for nodes), and what each running one uses.
    auto listed = m_store.list(*podType, nodes ? std::string() : target.path.ns, nullptr, 0, {});
    if (auto e = std::get_if<ApiError>(&listed))
        return failure(*e);
    json items = json::array();
    std::map<std::string, ResourceUsage> perNode;
    for (const auto &pod : std::get<ListPage>(listed).items) {
        const json &meta = pod["metadata"];
        const auto run = m_runtime ? m_runtime->run(meta.value("uid", ""), false) : std::nullopt;
        if (!run || run->end >= 0)
            continue; // metrics-server has nothing for a pod that is not running
        const json podLabels = meta.value("labels", json::object());
        json containers = json::array();
        ResourceUsage total;
        for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array())) {
            const std::string name = c.value("name", "");
            const ResourceUsage usage = usageOf(name, Workload::kindOf(c.value("image", "")), now - run->start,
                                                requestsPerSecond, window, meta.value("uid", "") + name);
            total.cpuNanoCores += usage.cpuNanoCores;
            total.memoryBytes += usage.memoryBytes;
            containers.push_back(
                {{"name", name},
                 {"usage", {{"cpu", cpuQuantity(usage.cpuNanoCores)}, {"memory", memoryQuantity(usage.memoryBytes)}}}});
        }
        auto &node = perNode[pod.value("/spec/nodeName"_json_pointer, std::string())];
        node.cpuNanoCores += total.cpuNanoCores;
        node.memoryBytes += total.memoryBytes;
        if (nodes || (!target.path.name.empty() && meta.value("name", "") != target.path.name)
            || !labels->matches(podLabels))
            continue;
        items.push_back({{"metadata",
                          {{"name", meta.value("name", "")},
                           {"namespace", meta.value("namespace", "")},
                           {"creationTimestamp", timestamp(std::chrono::system_clock::now())},
                           {"labels", podLabels}}},
                         {"timestamp", timestamp(windowStart)},
                         {"window", "15s"},
                         {"containers", containers}});
    }
    if (nodes) {
        auto nodeList = m_store.list(*findResource("", "v1", "nodes"), {}, nullptr, 0, {});
        for (const auto &node : std::get<ListPage>(nodeList).items) {
            const std::string name = node["metadata"].value("name", "");
            if ((!target.path.name.empty() && name != target.path.name)
                || !labels->matches(node["metadata"].value("labels", json::object())))
                continue;
            const ResourceUsage &usage = perNode[name];
            items.push_back({{"metadata",
                              {{"name", name},
                               {"creationTimestamp", timestamp(std::chrono::system_clock::now())},
                               {"labels", node["metadata"].value("labels", json::object())}}},
                             {"timestamp", timestamp(windowStart)},
                             {"window", "15s"},
                             {"usage",
                              {{"cpu", cpuQuantity(usage.cpuNanoCores + NodeOverheadNanoCores)},
                               {"memory", memoryQuantity(usage.memoryBytes + NodeOverheadBytes)}}}});
        }
    }
    const std::string kind = target.type->kind;
    if (!target.path.name.empty()) {
        if (items.empty())
            return failure(ApiError::notFound("metrics.k8s.io", target.type->plural, target.path.name));
        json one = items[0];
        one["kind"] = kind;
        one["apiVersion"] = "metrics.k8s.io/v1beta1";
        return ApiResponse::json(200, one);
    }
    return ApiResponse::json(200,
                             {{"kind", kind + "List"},
                              {"apiVersion", "metrics.k8s.io/v1beta1"},
                              {"metadata", json::object()},
                              {"items", items}});
}

} // namespace lucent::sandbox
