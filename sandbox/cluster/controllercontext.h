#pragma once

#include "sandbox/cluster/clusterclock.h"
#include "sandbox/store/objectstore.h"

#include <map>
#include <string>
#include <vector>

namespace lucent::sandbox {

/// What every controller and the kubelet use of the cluster: the store (as real controllers
/// go through the API server, so watches see every change), the clock, and the helpers they
/// share: listing, status writes, Events, creating a pod for an owner, and a summary of every pod.
class ControllerContext final
{
public:
    ControllerContext(ObjectStore &store, ClusterClock &clock);

    ObjectStore &store() const { return m_store; }
    ClusterClock &clock() const { return m_clock; }

    /// What the controllers need of a pod, gathered once per round without copying pods.
    struct PodSummary {
        std::string uid, name, ns, ownerUid, ip, node, created;
        nlohmann::json labels;
        bool ready = false;
    };
    using PodsByOwner = std::map<std::string, std::vector<const PodSummary *>>;

    std::vector<PodSummary> summarizePods() const;
    static PodsByOwner groupByOwner(const std::vector<PodSummary> &pods);
    static std::vector<const PodSummary *> podsOwnedBy(const PodsByOwner &byOwner, const nlohmann::json &owner);
    /// replicas, ready and available as a ReplicaSet or StatefulSet reports them.
    static nlohmann::json replicaStatus(const nlohmann::json &owner, const std::vector<const PodSummary *> &pods);

    std::vector<nlohmann::json> list(const char *group, const char *resource) const;
    /// Writes @p status when it differs; returns the object's resourceVersion afterwards.
    std::string writeStatus(const char *group, const char *resource, const nlohmann::json &object,
                            const nlohmann::json &status);
    /// Records an Event, counting up repeats of the same message as Kubernetes' recorder does.
    void recordEvent(const nlohmann::json &involved, const std::string &type, const std::string &reason,
                     const std::string &message, const std::string &component);
    /// Creates pod @p name from @p podTemplate, owned by @p owner (a ReplicaSet or StatefulSet).
    void createPod(const nlohmann::json &owner, const nlohmann::json &podTemplate, const std::string &name);

private:
    ObjectStore &m_store;
    ClusterClock &m_clock;
};

} // namespace lucent::sandbox
