#pragma once

#include "sandbox/cluster/controllercontext.h"

namespace lucent::sandbox {

/// The Endpoints and EndpointSlice controllers: each Service with a selector gets the addresses
/// of the pods it selects, ready and not ready apart, in an Endpoints object and in one
/// EndpointSlice (discovery.k8s.io/v1) labelled with the Service's name.
class EndpointsController final
{
public:
    explicit EndpointsController(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    void reconcile(const std::vector<ControllerContext::PodSummary> &pods);

private:
    void reconcileSlice(const nlohmann::json &service, const nlohmann::json &ready, const nlohmann::json &notReady,
                        const nlohmann::json &ports);

    ControllerContext &m_cluster;
};

} // namespace lucent::sandbox
