#include "sandbox/cluster/simulator.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <cstdio>
#include <set>

namespace lucent::sandbox {

using json = nlohmann::json;

Simulator::Simulator(ObjectStore &store, ClusterClock &clock, double logRate)
    : m_store(store)
    , m_clock(clock)
    , m_logRate(logRate)
    , m_cluster(store, clock)
    , m_deployments(m_cluster)
    , m_replicaSets(m_cluster)
    , m_statefulSets(m_cluster)
    , m_endpoints(m_cluster)
    , m_kubelet(m_cluster)
{
}

std::optional<ContainerRun> Simulator::run(const std::string &podUid, bool previous) const
{
    return m_kubelet.run(podUid, previous);
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
    m_deployments.reconcile();
    if (changed) {
        const auto pods = m_cluster.summarizePods();
        m_replicaSets.reconcile(pods);
        m_statefulSets.reconcile(pods);
    }
    m_kubelet.sync();
    if (changed || m_store.resourceVersion() != version)
        m_endpoints.reconcile(m_cluster.summarizePods());
}

void Simulator::assignClusterIps()
{
    const ResourceType *services = findResource("", "v1", "services");
    for (const auto &svc : m_cluster.list("", "services")) {
        const json spec = svc.value("spec", json::object());
        if (spec.contains("clusterIP"))
            continue;
        const std::uint32_t n = m_nextClusterIp++;
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

} // namespace lucent::sandbox
