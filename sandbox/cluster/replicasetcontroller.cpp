// ReplicaSet and StatefulSet controllers: keep the number of owned pods at spec.replicas
// and report how many are ready and available.

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"
#include "sandbox/cluster/simulator.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

bool podReady(const json &pod)
{
    const json *ready = objects::condition(pod, "Ready");
    return ready && ready->value("status", "") == "True";
}

std::vector<json> podsOwnedBy(const std::vector<json> &pods, const json &owner)
{
    std::vector<json> owned;
    for (const auto &pod : pods) {
        if (objects::ns(pod) == objects::ns(owner) && objects::ownedBy(pod, objects::uid(owner)))
            owned.push_back(pod);
    }
    return owned;
}

json replicaStatus(const json &owner, const std::vector<json> &pods)
{
    int ready = 0;
    for (const auto &pod : pods)
        ready += podReady(pod) ? 1 : 0;
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
    json pod = {{"metadata", podTemplate.value("metadata", json::object())}, {"spec", podTemplate.value("spec", json::object())}};
    pod["metadata"]["name"] = name;
    pod["metadata"]["ownerReferences"] = json::array({objects::controllerRef(owner)});
    pod["spec"]["restartPolicy"] = pod["spec"].value("restartPolicy", "Always");
    pod["status"] = {{"phase", "Pending"}, {"qosClass", "Burstable"}};
    auto created = m_store.create(*findResource("", "v1", "pods"), objects::ns(owner), pod, false);
    if (std::holds_alternative<json>(created))
        recordEvent(owner, "Normal", "SuccessfulCreate", "Created pod: " + name, owner.value("kind", "") == "ReplicaSet" ? "replicaset-controller" : "statefulset-controller");
}

void Simulator::reconcileReplicaSets()
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto pods = list("", "pods");
    for (const auto &rs : list("apps", "replicasets")) {
        auto owned = podsOwnedBy(pods, rs);
        const int desired = rs.value("/spec/replicas"_json_pointer, 1);
        const auto podTemplate = rs.value("/spec/template"_json_pointer, json::object());
        for (int i = int(owned.size()); i < desired; ++i)
            createPod(rs, podTemplate, objects::name(rs) + "-" + m_clock.suffix(5));
        if (int(owned.size()) > desired) {
            // Like Kubernetes, give up the pods that matter least first: not ready, then newest.
            std::sort(owned.begin(), owned.end(), [](const json &a, const json &b) {
                if (podReady(a) != podReady(b))
                    return !podReady(a);
                return a["metadata"].value("creationTimestamp", "") > b["metadata"].value("creationTimestamp", "");
            });
            for (std::size_t i = 0; i < owned.size() - std::size_t(desired); ++i) {
                m_store.remove(*podType, objects::ns(owned[i]), objects::name(owned[i]), false);
                recordEvent(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + objects::name(owned[i]), "replicaset-controller");
            }
            owned.resize(std::size_t(desired));
        }
        writeStatus("apps", "replicasets", rs, replicaStatus(rs, owned));
    }
}

void Simulator::reconcileStatefulSets()
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const auto pods = list("", "pods");
    for (const auto &sts : list("apps", "statefulsets")) {
        auto owned = podsOwnedBy(pods, sts);
        const int desired = sts.value("/spec/replicas"_json_pointer, 1);
        // Ordinal pods, created one after the other once the previous one is ready.
        bool previousReady = true;
        for (int ordinal = 0; ordinal < desired && previousReady; ++ordinal) {
            const std::string name = objects::name(sts) + "-" + std::to_string(ordinal);
            auto it = std::find_if(owned.begin(), owned.end(), [&](const json &p) { return objects::name(p) == name; });
            if (it == owned.end()) {
                json podTemplate = sts.value("/spec/template"_json_pointer, json::object());
                podTemplate["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] = name;
                createPod(sts, podTemplate, name);
                previousReady = false;
            } else {
                previousReady = podReady(*it);
            }
        }
        for (const auto &pod : owned) {
            const std::string name = objects::name(pod);
            const auto dash = name.rfind('-');
            int ordinal = 0;
            try {
                ordinal = std::stoi(name.substr(dash + 1));
            } catch (const std::exception &) {
                ordinal = desired;
            }
            if (ordinal >= desired)
                m_store.remove(*podType, objects::ns(pod), name, false);
        }
        json status = replicaStatus(sts, owned);
        status["currentReplicas"] = int(owned.size());
        status["updatedReplicas"] = int(owned.size());
        writeStatus("apps", "statefulsets", sts, status);
    }
}

void Simulator::reconcileEndpoints()
{
    const ResourceType *endpointsType = findResource("", "v1", "endpoints");
    const auto pods = list("", "pods");
    for (const auto &svc : list("", "services")) {
        const json selector = svc.value("/spec/selector"_json_pointer, json());
        if (!selector.is_object() || selector.empty())
            continue;
        json ready = json::array(), notReady = json::array();
        for (const auto &pod : pods) {
            if (objects::ns(pod) != objects::ns(svc) || !pod.contains("/status/podIP"_json_pointer))
                continue;
            const json labels = pod["metadata"].value("labels", json::object());
            bool matches = true;
            for (const auto &[k, v] : selector.items())
                matches = matches && labels.value(k, json()) == v;
            if (!matches)
                continue;
            json address = {{"ip", pod["status"]["podIP"]}, {"nodeName", pod["spec"].value("nodeName", "")},
                            {"targetRef", {{"kind", "Pod"}, {"namespace", objects::ns(pod)}, {"name", objects::name(pod)},
                                           {"uid", objects::uid(pod)}}}};
            (podReady(pod) ? ready : notReady).push_back(address);
        }
        auto byName = [](const json &a, const json &b) { return a["targetRef"]["name"] < b["targetRef"]["name"]; };
        std::sort(ready.begin(), ready.end(), byName);
        std::sort(notReady.begin(), notReady.end(), byName);
        json ports = json::array();
        for (const auto &p : svc.value("/spec/ports"_json_pointer, json::array())) {
            json port = {{"port", p.value("targetPort", p.value("port", json(0)))}, {"protocol", p.value("protocol", "TCP")}};
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
                m_store.modify(*endpointsType, objects::ns(svc), objects::name(svc), [&](json &o) -> std::optional<ApiError> {
                    if (subsets.empty())
                        o.erase("subsets");
                    else
                        o["subsets"] = subsets;
                    return std::nullopt;
                });
            }
        } else {
            json endpoints = {{"metadata", {{"name", objects::name(svc)}, {"labels", svc["metadata"].value("labels", json::object())}}}};
            if (!subsets.empty())
                endpoints["subsets"] = subsets;
            m_store.create(*endpointsType, objects::ns(svc), endpoints, false);
        }
    }
}

} // namespace lucent::sandbox
