#include "sandbox/cluster/statefulsetcontroller.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;
using PodSummary = ControllerContext::PodSummary;

void StatefulSetController::reconcile(const std::vector<PodSummary> &pods)
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto byOwner = ControllerContext::groupByOwner(pods);
    for (const auto &sts : m_cluster.list("apps", "statefulsets")) {
        auto owned = ControllerContext::podsOwnedBy(byOwner, sts);
        const int desired = sts.value("/spec/replicas"_json_pointer, 1);
        const json podTemplate = sts.value("/spec/template"_json_pointer, json::object());
        // Pods carry the revision of the template they were made from, as Kubernetes labels them.
        const std::string revision = objects::name(sts) + "-" + objects::templateHash(podTemplate);
        auto revisionOf = [](const PodSummary *p) {
            return p->labels.is_object() ? p->labels.value("controller-revision-hash", "") : "";
        };
        // Ordinal pods, created one after the other once the previous one is ready.
        bool previousReady = true;
        for (int ordinal = 0; ordinal < desired && previousReady; ++ordinal) {
            const std::string name = objects::name(sts) + "-" + std::to_string(ordinal);
            auto it = std::find_if(owned.begin(), owned.end(), [&](const PodSummary *p) { return p->name == name; });
            if (it == owned.end()) {
                json fresh = podTemplate;
                fresh["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] = name;
                fresh["metadata"]["labels"]["controller-revision-hash"] = revision;
                m_cluster.createPod(sts, fresh, name);
                previousReady = false;
            } else {
                previousReady = (*it)->ready;
            }
        }
        int updated = 0, ready = 0;
        const PodSummary *outdated = nullptr; // the highest ordinal on an old revision
        int outdatedOrdinal = -1;
        for (const auto *pod : owned) {
            const auto dash = pod->name.rfind('-');
            int ordinal = desired;
            try {
                ordinal = std::stoi(pod->name.substr(dash + 1));
            } catch (const std::exception &) {
            }
            if (ordinal >= desired) {
                m_cluster.store().remove(*podType, pod->ns, pod->name, false);
                continue;
            }
            ready += pod->ready ? 1 : 0;
            if (revisionOf(pod) == revision)
                ++updated;
            else if (ordinal > outdatedOrdinal) {
                outdated = pod;
                outdatedOrdinal = ordinal;
            }
        }
        // RollingUpdate: replace one pod at a time, from the highest ordinal down, and only
        // while every pod is ready.
        const bool rolling
            = sts.value("/spec/updateStrategy/type"_json_pointer, std::string("RollingUpdate")) == "RollingUpdate";
        if (rolling && outdated && ready == desired && int(owned.size()) == desired)
            m_cluster.store().remove(*podType, outdated->ns, outdated->name, false);

        json status = ControllerContext::replicaStatus(sts, owned);
        status["currentReplicas"] = updated == int(owned.size()) ? updated : int(owned.size()) - updated;
        status["updatedReplicas"] = updated;
        status["updateRevision"] = revision;
        const std::string current = sts.value("/status/currentRevision"_json_pointer, revision);
        status["currentRevision"] = updated == desired ? revision : current;
        m_cluster.writeStatus("apps", "statefulsets", sts, status);
    }
}

} // namespace lucent::sandbox
