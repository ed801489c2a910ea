#include "sandbox/cluster/controllercontext.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <cstdio>

namespace lucent::sandbox {

using json = nlohmann::json;

ControllerContext::ControllerContext(ObjectStore &store, ClusterClock &clock)
    : m_store(store)
    , m_clock(clock)
{
}

std::vector<const ControllerContext::PodSummary *> ControllerContext::podsOwnedBy(const PodsByOwner &byOwner,
                                                                                  const json &owner)
{
    auto it = byOwner.find(objects::uid(owner));
    return it == byOwner.end() ? std::vector<const PodSummary *>{} : it->second;
}

ControllerContext::PodsByOwner ControllerContext::groupByOwner(const std::vector<PodSummary> &pods)
{
    PodsByOwner byOwner;
    for (const auto &pod : pods) {
        if (!pod.ownerUid.empty())
            byOwner[pod.ownerUid].push_back(&pod);
    }
    return byOwner;
}

json ControllerContext::replicaStatus(const json &owner, const std::vector<const PodSummary *> &pods)
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

std::vector<json> ControllerContext::list(const char *group, const char *resource) const
{
    const ResourceType *type = findResource(group, "v1", resource);
    std::vector<json> items;
    if (type)
        m_store.forEach(*type, [&](const json &o) { items.push_back(o); });
    return items;
}

std::string ControllerContext::writeStatus(const char *group, const char *resource, const json &object,
                                           const json &status)
{
    const std::string version = object["metadata"].value("resourceVersion", "");
    if (object.value("status", json::object()) == status)
        return version;
    const ResourceType *type = findResource(group, "v1", resource);
    auto written = m_store.modify(*type, objects::ns(object), objects::name(object),
                                  [&](json &current) -> std::optional<ApiError> {
                                      current["status"] = status;
                                      return std::nullopt;
                                  });
    if (auto stored = std::get_if<json>(&written))
        return (*stored)["metadata"].value("resourceVersion", "");
    return version;
}

std::vector<ControllerContext::PodSummary> ControllerContext::summarizePods() const
{
    std::vector<PodSummary> pods;
    m_store.forEach(*findResource("", "v1", "pods"), [&](const json &pod) {
        PodSummary s;
        const json &meta = pod["metadata"];
        s.uid = meta.value("uid", "");
        s.name = meta.value("name", "");
        s.ns = meta.value("namespace", "");
        s.created = meta.value("creationTimestamp", "");
        if (auto labels = meta.find("labels"); labels != meta.end())
            s.labels = *labels;
        if (auto refs = meta.find("ownerReferences"); refs != meta.end()) {
            for (const auto &ref : *refs)
                if (ref.value("controller", false))
                    s.ownerUid = ref.value("uid", "");
        }
        if (auto status = pod.find("status"); status != pod.end()) {
            s.ip = status->value("podIP", "");
            if (const json *ready = objects::condition(pod, "Ready"))
                s.ready = ready->value("status", "") == "True";
        }
        if (auto spec = pod.find("spec"); spec != pod.end())
            s.node = spec->value("nodeName", "");
        pods.push_back(std::move(s));
    });
    return pods;
}

void ControllerContext::recordEvent(const json &involved, const std::string &type, const std::string &reason,
                                    const std::string &message, const std::string &component)
{
    const ResourceType *events = findResource("", "v1", "events");
    const std::string ns = objects::ns(involved);
    const std::string now = nowTimestamp();
    // Repeats of the same message on the same object count up one Event, as Kubernetes'
    // event recorder does; a different message is a new Event.
    const std::size_t key = std::hash<std::string>{}(objects::uid(involved) + "|" + reason + "|" + message);
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "%016zx", key);
    const std::string name = objects::name(involved) + "." + suffix;
    auto bumped = m_store.modify(*events, ns, name, [&](json &e) -> std::optional<ApiError> {
        e["count"] = e.value("count", 1) + 1;
        e["lastTimestamp"] = now;
        e["message"] = message;
        return std::nullopt;
    });
    if (!std::holds_alternative<ApiError>(bumped))
        return;
    json event = {{"metadata", {{"name", name}, {"namespace", ns}}},
                  {"involvedObject",
                   {{"kind", involved.value("kind", "")},
                    {"name", objects::name(involved)},
                    {"namespace", ns},
                    {"uid", objects::uid(involved)},
                    {"apiVersion", involved.value("apiVersion", "")},
                    {"resourceVersion", involved["metadata"].value("resourceVersion", "")}}},
                  {"reason", reason},
                  {"message", message},
                  {"type", type},
                  {"source", {{"component", component}}},
                  {"firstTimestamp", now},
                  {"lastTimestamp", now},
                  {"count", 1},
                  {"reportingComponent", component},
                  {"reportingInstance", "lucent-sandbox"}};
    m_store.create(*events, ns, event, false);
}

void ControllerContext::createPod(const json &owner, const json &podTemplate, const std::string &name)
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

} // namespace lucent::sandbox
