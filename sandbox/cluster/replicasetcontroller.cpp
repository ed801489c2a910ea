#include "sandbox/cluster/replicasetcontroller.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;
using PodSummary = ControllerContext::PodSummary;

void ReplicaSetController::reconcile(const std::vector<PodSummary> &pods)
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto byOwner = ControllerContext::groupByOwner(pods);
    for (const auto &rs : m_cluster.list("apps", "replicasets")) {
        auto owned = ControllerContext::podsOwnedBy(byOwner, rs);
        const int desired = rs.value("/spec/replicas"_json_pointer, 1);
        const auto podTemplate = rs.value("/spec/template"_json_pointer, json::object());
        for (int i = int(owned.size()); i < desired; ++i)
            m_cluster.createPod(rs, podTemplate, objects::name(rs) + "-" + m_cluster.clock().suffix(5));
        if (int(owned.size()) > desired) {
            // Like Kubernetes, give up the pods that matter least first: not ready, then newest.
            std::sort(owned.begin(), owned.end(), [](const PodSummary *a, const PodSummary *b) {
                if (a->ready != b->ready)
                    return !a->ready;
                return a->created > b->created;
            });
            for (std::size_t i = 0; i < owned.size() - std::size_t(desired); ++i) {
                m_cluster.store().remove(*podType, owned[i]->ns, owned[i]->name, false);
                m_cluster.recordEvent(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + owned[i]->name,
                                      "replicaset-controller");
            }
            owned.erase(owned.begin(), owned.begin() + std::ptrdiff_t(owned.size() - std::size_t(desired)));
        }
        m_cluster.writeStatus("apps", "replicasets", rs, ControllerContext::replicaStatus(rs, owned));
    }
}

} // namespace lucent::sandbox
