#pragma once

#include "sandbox/cluster/controllercontext.h"

namespace lucent::sandbox {

/// The ReplicaSet controller: keeps the number of owned pods at spec.replicas (giving up the
/// pods that matter least first) and reports how many are ready and available.
class ReplicaSetController final
{
public:
    explicit ReplicaSetController(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    void reconcile(const std::vector<ControllerContext::PodSummary> &pods);

private:
    ControllerContext &m_cluster;
};

} // namespace lucent::sandbox
