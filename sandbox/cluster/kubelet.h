#pragma once

#include "sandbox/cluster/controllercontext.h"
#include "sandbox/cluster/podruntime.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace lucent::sandbox {

/// The simulated kubelet: schedules each pod onto one of three nodes and walks it through
/// Pending, ContainerCreating and Running; readiness follows the readinessProbe's
/// initialDelaySeconds; images tagged -crash exit after a few seconds and back off like
/// CrashLoopBackOff, -unready never pass readiness. Times are simulated (see --speed). It
/// remembers each container's runs, which the log and metrics endpoints read from other threads.
class Kubelet final
{
public:
    explicit Kubelet(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    /// One pass over the pods that are new, changed, or still have a transition ahead.
    void sync();
    /// The current or previous run of a pod's container (thread-safe).
    std::optional<ContainerRun> run(const std::string &podUid, bool previous) const;

    /// How a pod's image tag makes it behave.
    enum class Behaviour { Healthy, Crash, Unready, Errors, Slow };
    static Behaviour behaviourOf(const std::string &image);

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

    nlohmann::json podStatus(const nlohmann::json &pod, PodState &state, double now);
    void recordRun(const std::string &uid, const ContainerRun &run);

    ControllerContext &m_cluster;
    std::map<std::string, PodState> m_pods; ///< by pod uid
    std::uint32_t m_nextIp = 1;
    std::uint64_t m_seenVersion = 0; ///< the store's resourceVersion at the end of the last full scan
    mutable std::mutex m_runsMutex;
    std::map<std::string, std::pair<std::optional<ContainerRun>, std::optional<ContainerRun>>>
        m_runs; ///< uid -> (previous, current)
};

} // namespace lucent::sandbox
