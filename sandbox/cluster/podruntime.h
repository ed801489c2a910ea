#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lucent::sandbox {

/// One run of a pod's containers, between two restarts, in simulated seconds.
struct ContainerRun {
    double start = 0;
    double end = -1; ///< -1 while it runs
    int restart = 0; ///< 0 for the first run
    bool ready = false;
};

/// What the kubelet knows about running pods, for the log and proxy endpoints.
class PodRuntime
{
public:
    virtual ~PodRuntime() = default;
    /// The current run of the pod, or the one before it with @p previous; nullopt when there
    /// is none (not started yet, or no earlier run).
    virtual std::optional<ContainerRun> run(const std::string &podUid, bool previous) const = 0;
    /// Simulated seconds since the start.
    virtual double now() const = 0;
    /// The wall-clock time of a simulated instant.
    virtual std::chrono::system_clock::time_point wallTime(double simulated) const = 0;
    /// Simulated seconds per real second.
    virtual double speed() const = 0;
    /// Log lines each container writes per simulated second.
    virtual double logRate() const = 0;
};

} // namespace lucent::sandbox
