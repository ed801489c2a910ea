#pragma once

#include "sandbox/cluster/controllercontext.h"

namespace lucent::sandbox {

/// The Endpoints controller: each Service with a selector gets the addresses of the pods it
/// selects, ready and not ready apart.
class EndpointsController final
{
public:
    explicit EndpointsController(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    void reconcile(const std::vector<ControllerContext::PodSummary> &pods);

private:
    ControllerContext &m_cluster;
};

} // namespace lucent::sandbox
