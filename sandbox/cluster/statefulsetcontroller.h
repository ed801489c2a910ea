#pragma once

#include "sandbox/cluster/controllercontext.h"

namespace lucent::sandbox {

/// The StatefulSet controller: ordinal pods created one after the other once the previous one is
/// ready, rolling updates from the highest ordinal down, revisions as Kubernetes labels them.
class StatefulSetController final
{
public:
    explicit StatefulSetController(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    void reconcile(const std::vector<ControllerContext::PodSummary> &pods);

private:
    ControllerContext &m_cluster;
};

} // namespace lucent::sandbox
