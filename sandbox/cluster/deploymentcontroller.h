#pragma once

#include "sandbox/cluster/controllercontext.h"

#include <map>
#include <string>
#include <utility>

namespace lucent::sandbox {

/// The Deployment controller: one ReplicaSet per pod template (named by its hash, numbered by
/// the deployment.kubernetes.io/revision annotation), rolling updates within maxSurge and
/// maxUnavailable, Recreate, pause, the progress deadline, and the status fields that
/// `kubectl rollout status` reads. It acts on time as well as on changes, so it runs every round.
class DeploymentController final
{
public:
    explicit DeploymentController(ControllerContext &cluster)
        : m_cluster(cluster)
    {
    }

    void reconcile();

private:
    void reconcileDeployment(const nlohmann::json &deployment, const std::vector<nlohmann::json> &replicaSets);
    void scaleReplicaSet(const nlohmann::json &rs, int replicas, const std::string &deploymentName);

    ControllerContext &m_cluster;
    /// deployment uid -> (what its status counted, simulated time that last changed)
    std::map<std::string, std::pair<std::string, double>> m_progress;
};

} // namespace lucent::sandbox
