// ReplicaSet and StatefulSet controllers: keep the number of owned pods at spec.replicas
// and report how many are ready and available.

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"
#include "sandbox/cluster/simulator.h"

#include <algorithm>
#include <map>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

using PodSummary = Simulator::PodSummary;

std::vector<const PodSummary *> podsOwnedBy(const std::map<std::string, std::vector<const PodSummary *>> &byOwner,
                                            const json &owner)
{
    auto it = byOwner.find(objects::uid(owner));
    return it == byOwner.end() ? std::vector<const PodSummary *>{} : it->second;
}

std::map<std::string, std::vector<const PodSummary *>> groupByOwner(const std::vector<PodSummary> &pods)
{
    std::map<std::string, std::vector<const PodSummary *>> byOwner;
    for (const auto &pod : pods) {
        if (!pod.ownerUid.empty())
            byOwner[pod.ownerUid].push_back(&pod);
    }
    return byOwner;
}

json replicaStatus(const json &owner, const std::vector<const PodSummary *> &pods)
{
    int ready = 0;
    for (const auto *pod : pods)
        ready += pod->ready ? 1 : 0;
    json status = {{"replicas", int(pods.size())}, {"observedGeneration", objects::generation(owner)}};
    if (owner.value("kind", "") == "ReplicaSet")
        status["fullyLabeledReplicas"] = int(pods.size());
    if (ready) {
        status["readyReplicas"] = ready;
        status["availableReplicas"] = ready;
    }
    return status;
}

} // namespace

void Simulator::createPod(const json &owner, const json &podTemplate, const std::string &name)
{
    json pod = {{"metadata", podTemplate.value("metadata", json::object())},
                {"spec", podTemplate.value("spec", json::object())}};
    pod["metadata"]["name"] = name;
    pod["metadata"]["ownerReferences"] = json::array({objects::controllerRef(owner)});
    pod["spec"]["restartPolicy"] = pod["spec"].value("restartPolicy", "Always");
    pod["status"] = {{"phase", "Pending"}, {"qosClass", "Burstable"}};
    auto created = m_store.create(*findResource("", "v1", "pods"), objects::ns(owner), pod, false);
    if (std::holds_alternative<json>(created))
        recordEvent(owner, "Normal", "SuccessfulCreate", "Created pod: " + name,
                    owner.value("kind", "") == "ReplicaSet" ? "replicaset-controller" : "statefulset-controller");
}

void Simulator::reconcileReplicaSets(const std::vector<PodSummary> &pods)
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto byOwner = groupByOwner(pods);
    for (const auto &rs : list("apps", "replicasets")) {
        auto owned = podsOwnedBy(byOwner, rs);
        const int desired = rs.value("/spec/replicas"_json_pointer, 1);
        const auto podTemplate = rs.value("/spec/template"_json_pointer, json::object());
        for (int i = int(owned.size()); i < desired; ++i)
            createPod(rs, podTemplate, objects::name(rs) + "-" + m_clock.suffix(5));
        if (int(owned.size()) > desired) {
            // Like Kubernetes, give up the pods that matter least first: not ready, then newest.
            std::sort(owned.begin(), owned.end(), [](const PodSummary *a, const PodSummary *b) {
                if (a->ready != b->ready)
                    return !a->ready;
                return a->created > b->created;
            });
            for (std::size_t i = 0; i < owned.size() - std::size_t(desired); ++i) {
                m_store.remove(*podType, owned[i]->ns, owned[i]->name, false);
                recordEvent(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + owned[i]->name,
                            "replicaset-controller");
            }
            owned.erase(owned.begin(), owned.begin() + std::ptrdiff_t(owned.size() - std::size_t(desired)));
        }
        writeStatus("apps", "replicasets", rs, replicaStatus(rs, owned));
    }
}

void Simulator::reconcileStatefulSets(const std::vector<PodSummary> &pods)
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto byOwner = groupByOwner(pods);
    for (const auto &sts : list("apps", "statefulsets")) {
        auto owned = podsOwnedBy(byOwner, sts);
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
                createPod(sts, fresh, name);
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
                m_store.remove(*podType, pod->ns, pod->name, false);
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
            m_store.remove(*podType, outdated->ns, outdated->name, false);

        json status = replicaStatus(sts, owned);
        status["currentReplicas"] = updated == int(owned.size()) ? updated : int(owned.size()) - updated;
        status["updatedReplicas"] = updated;
        status["updateRevision"] = revision;
        const std::string current = sts.value("/status/currentRevision"_json_pointer, revision);
        status["currentRevision"] = updated == desired ? revision : current;
        writeStatus("apps", "statefulsets", sts, status);
    }
}

void Simulator::reconcileEndpoints(const std::vector<PodSummary> &pods)
{
    const ResourceType *endpointsType = findResource("", "v1", "endpoints");
    for (const auto &svc : list("", "services")) {
        const json selector = svc.value("/spec/selector"_json_pointer, json());
        if (!selector.is_object() || selector.empty())
            continue;
        json ready = json::array(), notReady = json::array();
        for (const auto &pod : pods) {
            if (pod.ns != objects::ns(svc) || pod.ip.empty() || !pod.labels.is_object())
                continue;
            bool matches = true;
            for (const auto &[k, v] : selector.items())
                matches = matches && pod.labels.value(k, json()) == v;
            if (!matches)
                continue;
            json address
                = {{"ip", pod.ip},
                   {"nodeName", pod.node},
                   {"targetRef", {{"kind", "Pod"}, {"namespace", pod.ns}, {"name", pod.name}, {"uid", pod.uid}}}};
            (pod.ready ? ready : notReady).push_back(address);
        }
        auto byName = [](const json &a, const json &b) { return a["targetRef"]["name"] < b["targetRef"]["name"]; };
        std::sort(ready.begin(), ready.end(), byName);
        std::sort(notReady.begin(), notReady.end(), byName);
        json ports = json::array();
        for (const auto &p : svc.value("/spec/ports"_json_pointer, json::array())) {
            json port
                = {{"port", p.value("targetPort", p.value("port", json(0)))}, {"protocol", p.value("protocol", "TCP")}};
            if (p.contains("name"))
                port["name"] = p["name"];
            if (!port["port"].is_number())
                port["port"] = p.value("port", 0);
            ports.push_back(port);
        }
        json subsets = json::array();
        if (!ready.empty() || !notReady.empty()) {
            json subset = {{"ports", ports}};
            if (!ready.empty())
                subset["addresses"] = ready;
            if (!notReady.empty())
                subset["notReadyAddresses"] = notReady;
            subsets.push_back(subset);
        }
        auto current = m_store.get(*endpointsType, objects::ns(svc), objects::name(svc));
        if (auto existing = std::get_if<json>(&current)) {
            if (existing->value("subsets", json::array()) != subsets) {
                m_store.modify(*endpointsType, objects::ns(svc), objects::name(svc),
                               [&](json &o) -> std::optional<ApiError> {
                                   if (subsets.empty())
                                       o.erase("subsets");
                                   else
                                       o["subsets"] = subsets;
                                   return std::nullopt;
                               });
            }
        } else {
            json endpoints
                = {{"metadata",
                    {{"name", objects::name(svc)}, {"labels", svc["metadata"].value("labels", json::object())}}}};
            if (!subsets.empty())
                endpoints["subsets"] = subsets;
            m_store.create(*endpointsType, objects::ns(svc), endpoints, false);
        }
    }
}

} // namespace lucent::sandbox
