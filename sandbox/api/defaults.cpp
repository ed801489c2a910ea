#include "sandbox/api/defaults.h"

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

void setIfMissing(json &object, const char *key, const json &value)
{
    if (!object.contains(key) || object[key].is_null())
        object[key] = value;
}

void defaultPodSpec(json &spec)
{
    if (!spec.is_object())
        return;
    setIfMissing(spec, "restartPolicy", "Always");
    setIfMissing(spec, "dnsPolicy", "ClusterFirst");
    setIfMissing(spec, "schedulerName", "default-scheduler");
    setIfMissing(spec, "terminationGracePeriodSeconds", 30);
    setIfMissing(spec, "securityContext", json::object());
    for (const char *list : {"containers", "initContainers"}) {
        if (!spec.contains(list) || !spec[list].is_array())
            continue;
        for (auto &container : spec[list]) {
            if (!container.is_object())
                continue;
            const std::string image = container.value("image", "");
            const bool latest = image.find(':') == std::string::npos
                || (image.size() > 7 && image.compare(image.size() - 7, 7, ":latest") == 0);
            setIfMissing(container, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
            setIfMissing(container, "terminationMessagePath", "/dev/termination-log");
            setIfMissing(container, "terminationMessagePolicy", "File");
            setIfMissing(container, "resources", json::object());
            if (container.contains("ports") && container["ports"].is_array()) {
                for (auto &port : container["ports"])
                    if (port.is_object())
                        setIfMissing(port, "protocol", "TCP");
            }
        }
    }
}

void defaultTemplate(json &object)
{
    if (object.contains("/spec/template/spec"_json_pointer))
        defaultPodSpec(object["spec"]["template"]["spec"]);
}

} // namespace

void applyDefaults(const std::string &kind, json &object)
{
    if (!object.is_object())
        return;
    if (kind == "Namespace" && object.contains("metadata") && object["metadata"].is_object()) {
        // The API server labels every namespace with its name (1.21+); NetworkPolicies select
        // namespaces by it.
        json &meta = object["metadata"];
        if (meta.contains("name") && meta["name"].is_string()) {
            if (!meta.contains("labels") || !meta["labels"].is_object())
                meta["labels"] = json::object();
            meta["labels"]["kubernetes.io/metadata.name"] = meta["name"];
        }
    }
    // A Secret without a type is an Opaque one (SetDefaults_Secret).
    if (kind == "Secret" && (!object.contains("type") || object["type"] == ""))
        object["type"] = "Opaque";
    if (!object.contains("spec") || !object["spec"].is_object()) {
        if (kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" || kind == "Service" || kind == "Pod")
            object["spec"] = json::object();
        else
            return;
    }
    json &spec = object["spec"];
    if (kind == "Deployment") {
        setIfMissing(spec, "replicas", 1);
        setIfMissing(spec, "revisionHistoryLimit", 10);
        setIfMissing(spec, "progressDeadlineSeconds", 600);
        setIfMissing(spec, "strategy", json{{"type", "RollingUpdate"}});
        if (spec["strategy"].is_object() && spec["strategy"].value("type", "RollingUpdate") == "RollingUpdate") {
            spec["strategy"]["type"] = "RollingUpdate";
            setIfMissing(spec["strategy"], "rollingUpdate", json::object());
            if (spec["strategy"]["rollingUpdate"].is_object()) {
                setIfMissing(spec["strategy"]["rollingUpdate"], "maxSurge", "25%");
                setIfMissing(spec["strategy"]["rollingUpdate"], "maxUnavailable", "25%");
            }
        }
        defaultTemplate(object);
    } else if (kind == "StatefulSet") {
        setIfMissing(spec, "replicas", 1);
        setIfMissing(spec, "revisionHistoryLimit", 10);
        setIfMissing(spec, "podManagementPolicy", "OrderedReady");
        setIfMissing(spec, "updateStrategy", json{{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 0}}}});
        defaultTemplate(object);
    } else if (kind == "ReplicaSet") {
        setIfMissing(spec, "replicas", 1);
        defaultTemplate(object);
    } else if (kind == "Pod") {
        defaultPodSpec(spec);
    } else if (kind == "Service") {
        setIfMissing(spec, "type", "ClusterIP");
        setIfMissing(spec, "sessionAffinity", "None");
        if (spec.contains("ports") && spec["ports"].is_array()) {
            for (auto &port : spec["ports"]) {
                if (!port.is_object())
                    continue;
                setIfMissing(port, "protocol", "TCP");
                if (port.contains("port"))
                    setIfMissing(port, "targetPort", port["port"]);
            }
        }
    }
}

} // namespace lucent::sandbox
