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
        reconcileSlice(svc, ready, notReady, ports);
    }
}

void EndpointsController::reconcileSlice(const json &svc, const json &ready, const json &notReady, const json &ports)
{
    const ResourceType *slices = findResource("discovery.k8s.io", "v1", "endpointslices");
    json endpoints = json::array();
    for (const json *list : {&ready, &notReady}) {
        for (const auto &address : *list) {
            const bool isReady = list == &ready;
            endpoints.push_back({{"addresses", json::array({address["ip"]})},
                                 {"conditions", {{"ready", isReady}, {"serving", isReady}, {"terminating", false}}},
                                 {"nodeName", address["nodeName"]},
                                 {"targetRef", address["targetRef"]}});
        }
    }
    // The controller names a slice after its Service and a suffix; the sandbox's is fixed, so
    // that one Service keeps one slice.
    const std::string name = objects::name(svc) + "-" + svc["metadata"].value("uid", "00000").substr(0, 5);
    auto current = m_cluster.store().get(*slices, objects::ns(svc), name);
    if (auto existing = std::get_if<json>(&current)) {
        if (existing->value("endpoints", json::array()) != endpoints
            || existing->value("ports", json::array()) != ports)
            m_cluster.store().modify(*slices, objects::ns(svc), name, [&](json &o) -> std::optional<ApiError> {
                o["endpoints"] = endpoints;
                o["ports"] = ports;
                return std::nullopt;
            });
        return;
    }
    json labels = svc["metadata"].value("labels", json::object());
    labels["kubernetes.io/service-name"] = objects::name(svc);
    labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
    const json slice = {{"metadata",
                         {{"name", name},
                          {"labels", labels},
                          {"ownerReferences",
                           json::array({{{"apiVersion", "v1"},
                                         {"kind", "Service"},
                                         {"name", objects::name(svc)},
                                         {"uid", svc["metadata"].value("uid", "")},
                                         {"controller", true},
                                         {"blockOwnerDeletion", true}}})}}},
                        {"addressType", "IPv4"},
                        {"endpoints", endpoints},
                        {"ports", ports}};
    m_cluster.store().create(*slices, objects::ns(svc), slice, false);
}

} // namespace lucent::sandbox
