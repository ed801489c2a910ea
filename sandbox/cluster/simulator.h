#pragma once

#include "sandbox/cluster/clusterclock.h"
#include "sandbox/cluster/podruntime.h"
#include "sandbox/store/objectstore.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace lucent::sandbox {

/// The simulated control plane and nodes: Deployment, ReplicaSet, StatefulSet and Endpoints
/// controllers, and a kubelet that runs each pod's simulated Lucent service. Everything goes
/// through the ObjectStore, as real controllers go through the API server, so watches see
/// every change. One thread ticks the controllers; tick() is public for tests.
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

    /// How a pod's image tag makes it behave.
    enum class Behaviour { Healthy, Crash, Unready, Errors, Slow };
    static Behaviour behaviourOf(const std::string &image);

    /// What the controllers need of a pod, gathered once per round without copying pods.
    struct PodSummary {
        std::string uid, name, ns, ownerUid, ip, node, created;
        nlohmann::json labels;
        bool ready = false;
    };
    std::vector<PodSummary> summarizePods() const;

private:
    struct PodState {
        double created = 0;
        double runningSince = -1; ///< current container start, -1 while not running
        double lastRunStart = -1; ///< start of the run that ended last
        double crashedAt = -1; ///< when the container last exited
        double backOffUntil = -1;
        int restarts = 0;
        std::string node;
        std::string ip;
        // Wall-clock stamps of each transition, kept so that an unchanged pod keeps an
        // identical status and is not rewritten every tick.
        std::string scheduledAt, startedAt, readyAt, finishedAt;
        bool ready = false;
        bool settled = false; ///< nothing left to happen until someone changes the pod
        std::string seenVersion; ///< the pod's resourceVersion after our last look
        std::string ns, name;
    };

    void round();
    void reconcileDeployments();
    void reconcileDeployment(const nlohmann::json &deployment, const std::vector<nlohmann::json> &replicaSets);
    void reconcileReplicaSets(const std::vector<PodSummary> &pods);
    void reconcileStatefulSets(const std::vector<PodSummary> &pods);
    void runKubelet();
    void reconcileEndpoints(const std::vector<PodSummary> &pods);
    void assignClusterIps();
    void collectOrphans();

    nlohmann::json podStatus(const nlohmann::json &pod, PodState &state, double now);
    void scaleReplicaSet(const nlohmann::json &rs, int replicas, const std::string &deploymentName);
    void createPod(const nlohmann::json &owner, const nlohmann::json &podTemplate, const std::string &name);
    void recordEvent(const nlohmann::json &involved, const std::string &type, const std::string &reason,
                     const std::string &message, const std::string &component);
    std::vector<nlohmann::json> list(const char *group, const char *resource) const;
    /// Writes @p status when it differs; returns the object's resourceVersion afterwards.
    std::string writeStatus(const char *group, const char *resource, const nlohmann::json &object,
                            const nlohmann::json &status);

    void recordRun(const std::string &uid, const ContainerRun &run);

    ObjectStore &m_store;
    ClusterClock &m_clock;
    double m_logRate;
    mutable std::mutex m_runsMutex;
    std::map<std::string, std::pair<std::optional<ContainerRun>, std::optional<ContainerRun>>>
        m_runs; ///< uid -> (previous, current)
    std::map<std::string, PodState> m_pods; ///< by pod uid
    /// deployment uid -> (what its status counted, simulated time that last changed)
    std::map<std::string, std::pair<std::string, double>> m_progress;
    std::uint32_t m_nextIp = 1;
    bool m_reportedFailure = false;
    std::uint64_t m_seenVersion = 0; ///< the store's resourceVersion at the start of the last round
    std::uint64_t m_kubeletSeenVersion = 0; ///< ... and at the end of the kubelet's last full scan
    std::mutex m_tickMutex;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

} // namespace lucent::sandbox
