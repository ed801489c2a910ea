#pragma once

#include "sandbox/cluster/clusterclock.h"
#include "sandbox/cluster/controllercontext.h"
#include "sandbox/cluster/deploymentcontroller.h"
#include "sandbox/cluster/endpointscontroller.h"
#include "sandbox/cluster/kubelet.h"
#include "sandbox/cluster/podruntime.h"
#include "sandbox/cluster/replicasetcontroller.h"
#include "sandbox/cluster/statefulsetcontroller.h"
#include "sandbox/store/objectstore.h"

#include <atomic>
#include <mutex>
#include <thread>

namespace lucent::sandbox {

/// The simulated control plane and nodes: the Deployment, ReplicaSet, StatefulSet and
/// Endpoints controllers and the kubelet, ticked in rounds on one thread (tick() is public for
/// tests), plus what the API server itself does in the background (cluster IPs for Services,
/// garbage collection of orphans). Everything goes through the ObjectStore, as real
/// controllers go through the API server, so watches see every change.
class Simulator final : public PodRuntime
{
public:
    Simulator(ObjectStore &store, ClusterClock &clock, double logRate = 2.0);
    ~Simulator() override;

    std::optional<ContainerRun> run(const std::string &podUid, bool previous) const override;
    double now() const override { return m_clock.now(); }
    std::chrono::system_clock::time_point wallTime(double simulated) const override
    {
        return m_clock.wallTime(simulated);
    }
    double speed() const override { return m_clock.speed(); }
    double logRate() const override { return m_logRate; }

    void start(std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    void stop();
    /// One round of every controller.
    void tick();

private:
    void round();
    void assignClusterIps();
    void collectOrphans();

    ObjectStore &m_store;
    ClusterClock &m_clock;
    double m_logRate;
    ControllerContext m_cluster;
    DeploymentController m_deployments;
    ReplicaSetController m_replicaSets;
    StatefulSetController m_statefulSets;
    EndpointsController m_endpoints;
    Kubelet m_kubelet;
    std::uint32_t m_nextClusterIp = 1;
    bool m_reportedFailure = false;
    std::uint64_t m_seenVersion = 0; ///< the store's resourceVersion at the start of the last round
    std::mutex m_tickMutex;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace lucent::sandbox
