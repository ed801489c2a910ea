#include "sandbox/cluster/endpointscontroller.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;
using PodSummary = ControllerContext::PodSummary;

void EndpointsController::reconcile(const std::vector<PodSummary> &pods)
{
    const ResourceType *endpointsType = findResource("", "v1", "endpoints");
    for (const auto &svc : m_cluster.list("", "services")) {
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
        auto current = m_cluster.store().get(*endpointsType, objects::ns(svc), objects::name(svc));
        if (auto existing = std::get_if<json>(&current)) {
            if (existing->value("subsets", json::array()) != subsets) {
                m_cluster.store().modify(*endpointsType, objects::ns(svc), objects::name(svc),
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
            m_cluster.store().create(*endpointsType, objects::ns(svc), endpoints, false);
        }
    }
}

} // namespace lucent::sandbox
