#include "sandbox/api/tables.h"

#include <ctime>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

struct Column {
    const char *name;
    const char *type;
    int priority;
};

std::int64_t intAt(const json &object, const json::json_pointer &pointer)
{
    if (!object.contains(pointer))
        return 0;
    const json &value = object.at(pointer);
    return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

std::string stringAt(const json &object, const json::json_pointer &pointer, const std::string &fallback = "<none>")
{
    if (!object.contains(pointer) || !object.at(pointer).is_string())
        return fallback;
    return object.at(pointer).get<std::string>();
}

std::string joinImages(const json &podSpec, const char *field)
{
    std::string out;
    if (!podSpec.contains("containers"))
        return "<none>";
    for (const auto &c : podSpec["containers"]) {
        if (!out.empty())
            out += ",";
        out += c.value(field, "");
    }
    return out.empty() ? "<none>" : out;
}

std::string selectorText(const json &selector)
{
    std::string out;
    if (!selector.is_object())
        return "<none>";
    const json &labels = selector.contains("matchLabels") ? selector["matchLabels"] : selector;
    for (const auto &[k, v] : labels.items()) {
        if (!v.is_string())
            continue;
        out += (out.empty() ? "" : ",") + k + "=" + v.get<std::string>();
    }
    return out.empty() ? "<none>" : out;
}

// What kubectl shows in a pod's STATUS column: a waiting/terminated reason or the phase.
std::string podStatus(const json &pod)
{
    if (pod["metadata"].contains("deletionTimestamp"))
        return "Terminating";
    std::string reason = stringAt(pod, "/status/phase"_json_pointer, "Pending");
    if (pod.contains("/status/reason"_json_pointer))
        reason = pod["status"]["reason"].get<std::string>();
    if (pod.contains("/status/containerStatuses"_json_pointer)) {
        for (const auto &cs : pod["status"]["containerStatuses"]) {
            if (cs.contains("/state/waiting/reason"_json_pointer))
                return cs["state"]["waiting"]["reason"];
            if (cs.contains("/state/terminated/reason"_json_pointer))
                reason = cs["state"]["terminated"]["reason"];
        }
    }
    return reason;
}

std::pair<std::vector<Column>, std::vector<json>> rowFor(const ResourceType &type, const json &o)
{
    const std::string age = humanAge(stringAt(o, "/metadata/creationTimestamp"_json_pointer, ""));
    const std::string name = stringAt(o, "/metadata/name"_json_pointer, "");
    if (type.kind == "Pod") {
        int ready = 0, total = 0, restarts = 0;
        if (o.contains("/spec/containers"_json_pointer))
            total = int(o["spec"]["containers"].size());
        if (o.contains("/status/containerStatuses"_json_pointer)) {
            for (const auto &cs : o["status"]["containerStatuses"]) {
                ready += cs.value("ready", false) ? 1 : 0;
                restarts += cs.value("restartCount", 0);
            }
        }
        return {{{"Name", "string", 0},
                 {"Ready", "string", 0},
                 {"Status", "string", 0},
                 {"Restarts", "string", 0},
                 {"Age", "string", 0},
                 {"IP", "string", 1},
                 {"Node", "string", 1}},
                {name, std::to_string(ready) + "/" + std::to_string(total), podStatus(o), std::to_string(restarts), age,
                 stringAt(o, "/status/podIP"_json_pointer), stringAt(o, "/spec/nodeName"_json_pointer)}};
    }
    if (type.kind == "Deployment" || type.kind == "StatefulSet") {
        const auto desired = intAt(o, "/spec/replicas"_json_pointer);
        const auto ready = intAt(o, "/status/readyReplicas"_json_pointer);
        const json podSpec
            = o.contains("/spec/template/spec"_json_pointer) ? o["spec"]["template"]["spec"] : json::object();
        if (type.kind == "StatefulSet")
            return {{{"Name", "string", 0},
                     {"Ready", "string", 0},
                     {"Age", "string", 0},
                     {"Containers", "string", 1},
                     {"Images", "string", 1}},
                    {name, std::to_string(ready) + "/" + std::to_string(desired), age, joinImages(podSpec, "name"),
                     joinImages(podSpec, "image")}};
        return {{{"Name", "string", 0},
                 {"Ready", "string", 0},
                 {"Up-to-date", "integer", 0},
                 {"Available", "integer", 0},
                 {"Age", "string", 0},
                 {"Containers", "string", 1},
                 {"Images", "string", 1},
                 {"Selector", "string", 1}},
                {name, std::to_string(ready) + "/" + std::to_string(desired),
                 intAt(o, "/status/updatedReplicas"_json_pointer), intAt(o, "/status/availableReplicas"_json_pointer),
                 age, joinImages(podSpec, "name"), joinImages(podSpec, "image"),
                 selectorText(o.value("/spec/selector"_json_pointer, json()))}};
    }
    if (type.kind == "ReplicaSet") {
        const json podSpec
            = o.contains("/spec/template/spec"_json_pointer) ? o["spec"]["template"]["spec"] : json::object();
        return {{{"Name", "string", 0},
                 {"Desired", "integer", 0},
                 {"Current", "integer", 0},
                 {"Ready", "integer", 0},
                 {"Age", "string", 0},
                 {"Containers", "string", 1},
                 {"Images", "string", 1}},
                {name, intAt(o, "/spec/replicas"_json_pointer), intAt(o, "/status/replicas"_json_pointer),
                 intAt(o, "/status/readyReplicas"_json_pointer), age, joinImages(podSpec, "name"),
                 joinImages(podSpec, "image")}};
    }
    if (type.kind == "Service") {
        std::string ports;
        if (o.contains("/spec/ports"_json_pointer)) {
            for (const auto &p : o["spec"]["ports"])
                ports += (ports.empty() ? "" : ",") + std::to_string(p.value("port", 0)) + "/"
                    + p.value("protocol", "TCP");
        }
        return {{{"Name", "string", 0},
                 {"Type", "string", 0},
                 {"Cluster-IP", "string", 0},
                 {"External-IP", "string", 0},
                 {"Port(s)", "string", 0},
                 {"Age", "string", 0},
                 {"Selector", "string", 1}},
                {name, stringAt(o, "/spec/type"_json_pointer, "ClusterIP"), stringAt(o, "/spec/clusterIP"_json_pointer),
                 "<none>", ports.empty() ? "<none>" : ports, age,
                 selectorText(o.value("/spec/selector"_json_pointer, json()))}};
    }
    if (type.kind == "Namespace")
        return {{{"Name", "string", 0}, {"Status", "string", 0}, {"Age", "string", 0}},
                {name, stringAt(o, "/status/phase"_json_pointer, "Active"), age}};
    if (type.kind == "Endpoints") {
        std::string endpoints;
        if (o.contains("subsets")) {
            for (const auto &subset : o["subsets"]) {
                for (const auto &address : subset.value("addresses", json::array())) {
                    for (const auto &port : subset.value("ports", json::array()))
                        endpoints += (endpoints.empty() ? "" : ",") + address.value("ip", "") + ":"
                            + std::to_string(port.value("port", 0));
                }
            }
        }
        return {{{"Name", "string", 0}, {"Endpoints", "string", 0}, {"Age", "string", 0}},
                {name, endpoints.empty() ? "<none>" : endpoints, age}};
    }
    if (type.kind == "Event")
        return {{{"Last Seen", "string", 0},
                 {"Type", "string", 0},
                 {"Reason", "string", 0},
                 {"Object", "string", 0},
                 {"Message", "string", 0}},
                {humanAge(stringAt(o, "/lastTimestamp"_json_pointer,
                                   stringAt(o, "/metadata/creationTimestamp"_json_pointer, ""))),
                 stringAt(o, "/type"_json_pointer, "Normal"), stringAt(o, "/reason"_json_pointer, ""),
                 stringAt(o, "/involvedObject/kind"_json_pointer, "") + "/"
                     + stringAt(o, "/involvedObject/name"_json_pointer, ""),
                 stringAt(o, "/message"_json_pointer, "")}};
    if (type.kind == "ConfigMap" || type.kind == "Secret") {
        std::size_t count = o.contains("data") && o["data"].is_object() ? o["data"].size() : 0;
        if (type.kind == "Secret")
            return {{{"Name", "string", 0}, {"Type", "string", 0}, {"Data", "string", 0}, {"Age", "string", 0}},
                    {name, stringAt(o, "/type"_json_pointer, "Opaque"), std::int64_t(count), age}};
        return {{{"Name", "string", 0}, {"Data", "string", 0}, {"Age", "string", 0}}, {name, std::int64_t(count), age}};
    }
    if (type.kind == "Ingress") {
        // As kubectl shows them: hosts joined, "80" or "80, 443" when TLS is configured.
        std::string hosts;
        for (const auto &rule : o.value("/spec/rules"_json_pointer, json::array()))
            hosts += (hosts.empty() ? "" : ",") + rule.value("host", std::string("*"));
        const bool tls = !o.value("/spec/tls"_json_pointer, json::array()).empty();
        return {{{"Name", "string", 0},
                 {"Class", "string", 0},
                 {"Hosts", "string", 0},
                 {"Address", "string", 0},
                 {"Ports", "string", 0},
                 {"Age", "string", 0}},
                {name, stringAt(o, "/spec/ingressClassName"_json_pointer, "<none>"), hosts.empty() ? "*" : hosts, "",
                 tls ? "80, 443" : "80", age}};
    }
    if (type.kind == "NetworkPolicy") {
        // Formatted as kubectl formats a label selector: pairs, then "key in (a,b)" terms.
        const json selector = o.value("/spec/podSelector"_json_pointer, json::object());
        std::string text;
        // Named, not temporaries: items() does not keep a temporary alive through the loop.
        const json matchLabels = selector.value("matchLabels", json::object());
        const json matchExpressions = selector.value("matchExpressions", json::array());
        for (const auto &[k, v] : matchLabels.items())
            text += (text.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        for (const auto &e : matchExpressions) {
            const std::string op = e.value("operator", "");
            std::string values;
            const json listed = e.value("values", json::array());
            for (const auto &v : listed)
                values += (values.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
            const std::string key = e.value("key", "");
            const std::string term = op == "In" ? key + " in (" + values + ")"
                : op == "NotIn"                 ? key + " notin (" + values + ")"
                : op == "Exists"                ? key
                                                : "!" + key;
            text += (text.empty() ? "" : ",") + term;
        }
        return {{{"Name", "string", 0}, {"Pod-Selector", "string", 0}, {"Age", "string", 0}},
                {name, text.empty() ? "<none>" : text, age}};
    }
    if (type.kind == "Node") {
        const bool ready = o.value("/status/conditions/0/status"_json_pointer, std::string()) == "True";
        return {{{"Name", "string", 0},
                 {"Status", "string", 0},
                 {"Roles", "string", 0},
                 {"Age", "string", 0},
                 {"Version", "string", 0}},
                {name, ready ? "Ready" : "NotReady", "<none>", age,
                 stringAt(o, "/status/nodeInfo/kubeletVersion"_json_pointer, "")}};
    }
    if (type.kind == "EndpointSlice") {
        std::string ports, addresses;
        for (const auto &port : o.value("ports", json::array()))
            ports += (ports.empty() ? "" : ",") + port.value("port", json(0)).dump();
        for (const auto &endpoint : o.value("endpoints", json::array()))
            for (const auto &address : endpoint.value("addresses", json::array()))
                addresses += (addresses.empty() ? "" : ",") + address.get<std::string>();
        return {{{"Name", "string", 0},
                 {"AddressType", "string", 0},
                 {"Ports", "string", 0},
                 {"Endpoints", "string", 0},
                 {"Age", "string", 0}},
                {name, stringAt(o, "/addressType"_json_pointer, "IPv4"), ports.empty() ? "<unset>" : ports,
                 addresses.empty() ? "<unset>" : addresses, age}};
    }
    if (type.kind == "Lease")
        return {{{"Name", "string", 0}, {"Holder", "string", 0}, {"Age", "string", 0}},
                {name, stringAt(o, "/spec/holderIdentity"_json_pointer, ""), age}};
    return {{{"Name", "string", 0}, {"Age", "string", 0}}, {name, age}};
}

} // namespace

bool wantsTable(const std::string &accept)
{
    return accept.find("as=Table") != std::string::npos;
}

std::string humanAge(const std::string &timestamp)
{
    std::tm tm{};
    if (timestamp.size() < 19 || !strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
        return "<unknown>";
    const std::int64_t seconds = std::max<std::int64_t>(0, std::time(nullptr) - timegm(&tm));
    if (seconds < 120)
        return std::to_string(seconds) + "s";
    const std::int64_t minutes = seconds / 60;
    if (minutes < 10)
        return std::to_string(minutes) + "m" + (seconds % 60 ? std::to_string(seconds % 60) + "s" : "");
    if (minutes < 180)
        return std::to_string(minutes) + "m";
    const std::int64_t hours = minutes / 60;
    if (hours < 48)
        return std::to_string(hours) + "h";
    return std::to_string(hours / 24) + "d";
}

json toTable(const ResourceType &type, const std::vector<json> &objects, const std::string &resourceVersion,
             bool withColumns)
{
    json rows = json::array();
    std::vector<Column> columns = rowFor(type, json{{"metadata", json::object()}}).first;
    for (const auto &object : objects) {
        auto [cols, cells] = rowFor(type, object);
        json metadata = object.value("metadata", json::object());
        metadata.erase("managedFields");
        rows.push_back(
            {{"cells", cells},
             {"object",
              {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata}}}});
    }
    json table = {{"kind", "Table"},
                  {"apiVersion", "meta.k8s.io/v1"},
                  {"metadata", {{"resourceVersion", resourceVersion}}},
                  {"rows", rows}};
    json definitions = json::array();
    if (withColumns) {
        for (const auto &c : columns)
            definitions.push_back({{"name", c.name},
                                   {"type", c.type},
                                   {"format", std::string(c.name) == "Name" ? "name" : ""},
                                   {"description", ""},
                                   {"priority", c.priority}});
    }
    table["columnDefinitions"] = definitions;
    return table;
}

} // namespace lucent::sandbox
