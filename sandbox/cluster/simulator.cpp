#include "sandbox/cluster/simulator.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"
#include "sandbox/cluster/workload.h"

#include <cstdio>
#include <set>

namespace lucent::sandbox {

using json = nlohmann::json;

Simulator::Simulator(ObjectStore &store, ClusterClock &clock, double logRate)
    : m_store(store)
    , m_clock(clock)
    , m_logRate(logRate)
{
}

std::optional<ContainerRun> Simulator::run(const std::string &podUid, bool previous) const
{
    std::lock_guard lock(m_runsMutex);
    auto it = m_runs.find(podUid);
    if (it == m_runs.end())
        return std::nullopt;
    return previous ? it->second.first : it->second.second;
}

void Simulator::recordRun(const std::string &uid, const ContainerRun &run)
{
    std::lock_guard lock(m_runsMutex);
    auto &[previous, current] = m_runs[uid];
    if (current && current->start != run.start)
        previous = current;
    current = run;
}

Simulator::~Simulator()
{
    stop();
}

void Simulator::start(std::chrono::milliseconds interval)
{
    if (m_running.exchange(true))
        return;
    m_thread = std::thread([this, interval] {
        while (m_running) {
            tick();
            std::this_thread::sleep_for(interval);
        }
    });
}

void Simulator::stop()
{
    m_running = false;
    if (m_thread.joinable())
        m_thread.join();
}

void Simulator::tick()
{
    std::lock_guard lock(m_tickMutex);
    // An object with a field of an unexpected type must not stop the whole cluster: the
    // round is abandoned and the next one tries again.
    try {
        round();
    } catch (const std::exception &e) {
        if (!m_reportedFailure) {
            std::fprintf(stderr, "lucent-sandbox: a controller round failed (%s); the cluster carries on\n", e.what());
            m_reportedFailure = true;
        }
    }
}

void Simulator::round()
{
    // The passes over every pod only run when something was written since the last round
    // (ours included, so a round that wrote is followed by another until all settles). The
    // deployment controller and the kubelet also act on time, so they run every round.
    const std::uint64_t version = m_store.resourceVersion();
    const bool changed = version != m_seenVersion;
    m_seenVersion = version;
    if (changed) {
        assignClusterIps();
        collectOrphans();
    }
    reconcileDeployments();
    if (changed) {
        const auto pods = summarizePods();
        reconcileReplicaSets(pods);
        reconcileStatefulSets(pods);
    }
    runKubelet();
    if (changed || m_store.resourceVersion() != version)
        reconcileEndpoints(summarizePods());
}

Simulator::Behaviour Simulator::behaviourOf(const std::string &image)
{
    switch (Workload::kindOf(image)) {
    case Workload::Kind::Crash: return Behaviour::Crash;
    case Workload::Kind::Unready: return Behaviour::Unready;
    case Workload::Kind::Errors: return Behaviour::Errors;
    case Workload::Kind::Slow: return Behaviour::Slow;
    case Workload::Kind::Healthy: break;
    }
    return Behaviour::Healthy;
}

std::vector<json> Simulator::list(const char *group, const char *resource) const
{
    const ResourceType *type = findResource(group, group[0] ? "v1" : "v1", resource);
    std::vector<json> items;
    if (type)
        m_store.forEach(*type, [&](const json &o) { items.push_back(o); });
    return items;
}

std::string Simulator::writeStatus(const char *group, const char *resource, const json &object, const json &status)
{
    const std::string version = object["metadata"].value("resourceVersion", "");
    if (object.value("status", json::object()) == status)
        return version;
    const ResourceType *type = findResource(group, "v1", resource);
    auto written = m_store.modify(*type, objects::ns(object), objects::name(object),
                                  [&](json &current) -> std::optional<ApiError> {
                                      current["status"] = status;
                                      return std::nullopt;
                                  });
    if (auto stored = std::get_if<json>(&written))
        return (*stored)["metadata"].value("resourceVersion", "");
    return version;
}

std::vector<Simulator::PodSummary> Simulator::summarizePods() const
{
    std::vector<PodSummary> pods;
    m_store.forEach(*findResource("", "v1", "pods"), [&](const json &pod) {
        PodSummary s;
        const json &meta = pod["metadata"];
        s.uid = meta.value("uid", "");
        s.name = meta.value("name", "");
        s.ns = meta.value("namespace", "");
        s.created = meta.value("creationTimestamp", "");
        if (auto labels = meta.find("labels"); labels != meta.end())
            s.labels = *labels;
        if (auto refs = meta.find("ownerReferences"); refs != meta.end()) {
            for (const auto &ref : *refs)
                if (ref.value("controller", false))
                    s.ownerUid = ref.value("uid", "");
        }
        if (auto status = pod.find("status"); status != pod.end()) {
            s.ip = status->value("podIP", "");
            if (const json *ready = objects::condition(pod, "Ready"))
                s.ready = ready->value("status", "") == "True";
        }
        if (auto spec = pod.find("spec"); spec != pod.end())
            s.node = spec->value("nodeName", "");
        pods.push_back(std::move(s));
    });
    return pods;
}

void Simulator::assignClusterIps()
{
    const ResourceType *services = findResource("", "v1", "services");
    for (const auto &svc : list("", "services")) {
        const json spec = svc.value("spec", json::object());
        if (spec.contains("clusterIP"))
            continue;
        const std::uint32_t n = m_nextIp++;
        const std::string ip = "10.96." + std::to_string((n >> 8) & 0xff) + "." + std::to_string(n & 0xff);
        m_store.modify(*services, objects::ns(svc), objects::name(svc), [&](json &o) -> std::optional<ApiError> {
            o["spec"]["clusterIP"] = ip;
            o["spec"]["clusterIPs"] = json::array({ip});
            return std::nullopt;
        });
    }
}

void Simulator::collectOrphans()
{
    // The API server deletes dependents when an owner goes; a controller that was mid-way
    // through a round may still create one for the owner it just read. Like Kubernetes'
    // garbage collector, remove whatever names a controller that no longer exists.
    std::set<std::string> owners;
    for (const char *resource : {"deployments", "replicasets", "statefulsets"})
        m_store.forEach(*findResource("apps", "v1", resource), [&](const json &o) { owners.insert(objects::uid(o)); });
    for (const char *resource : {"replicasets", "pods"}) {
        const ResourceType *type = findResource(resource[0] == 'r' ? "apps" : "", "v1", resource);
        const auto orphans = m_store.select(*type, [&](const json &o) {
            const json &meta = o["metadata"];
            auto refs = meta.find("ownerReferences");
            if (refs == meta.end())
                return false;
            for (const auto &ref : *refs)
                if (ref.value("controller", false) && !owners.count(ref.value("uid", "")))
                    return true;
            return false;
        });
        for (const auto &o : orphans)
            m_store.remove(*type, objects::ns(o), objects::name(o), false);
    }
}

void Simulator::recordEvent(const json &involved, const std::string &type, const std::string &reason,
                            const std::string &message, const std::string &component)
{
    const ResourceType *events = findResource("", "v1", "events");
    const std::string ns = objects::ns(involved);
    const std::string now = nowTimestamp();
    // Repeats of the same message on the same object count up one Event, as Kubernetes'
    // event recorder does; a different message is a new Event.
    const std::size_t key = std::hash<std::string>{}(objects::uid(involved) + "|" + reason + "|" + message);
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "%016zx", key);
    const std::string name = objects::name(involved) + "." + suffix;
    auto bumped = m_store.modify(*events, ns, name, [&](json &e) -> std::optional<ApiError> {
        e["count"] = e.value("count", 1) + 1;
        e["lastTimestamp"] = now;
        e["message"] = message;
        return std::nullopt;
    });
    if (!std::holds_alternative<ApiError>(bumped))
        return;
    json event = {{"metadata", {{"name", name}, {"namespace", ns}}},
                  {"involvedObject",
                   {{"kind", involved.value("kind", "")},
                    {"name", objects::name(involved)},
                    {"namespace", ns},
                    {"uid", objects::uid(involved)},
                    {"apiVersion", involved.value("apiVersion", "")},
                    {"resourceVersion", involved["metadata"].value("resourceVersion", "")}}},
                  {"reason", reason},
                  {"message", message},
                  {"type", type},
                  {"source", {{"component", component}}},
                  {"firstTimestamp", now},
                  {"lastTimestamp", now},
                  {"count", 1},
                  {"reportingComponent", component},
                  {"reportingInstance", "lucent-sandbox"}};
    m_store.create(*events, ns, event, false);
}

} // namespace lucent::sandbox
