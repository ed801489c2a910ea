#include "sandbox/cluster/deploymentcontroller.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"

#include <algorithm>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

constexpr auto RevisionAnnotation = "deployment.kubernetes.io/revision";

int revisionOf(const json &rs)
{
    try {
        return std::stoi(rs["metadata"].value("annotations", json::object()).value(RevisionAnnotation, "0"));
    } catch (const std::exception &) {
        return 0;
    }
}

int specReplicas(const json &o)
{
    return o.value("/spec/replicas"_json_pointer, 1);
}

int statusOf(const json &o, const char *field)
{
    return o.contains("status") ? o["status"].value(field, 0) : 0;
}

json templateWithoutHash(json podTemplate)
{
    if (podTemplate.contains("/metadata/labels"_json_pointer))
        podTemplate["metadata"]["labels"].erase("pod-template-hash");
    return podTemplate;
}

} // namespace

void DeploymentController::reconcile()
{
    const auto deployments = m_cluster.list("apps", "deployments");
    if (deployments.empty())
        return;
    const auto replicaSets = m_cluster.list("apps", "replicasets");
    for (const auto &deployment : deployments)
        reconcileDeployment(deployment, replicaSets);
}

void DeploymentController::scaleReplicaSet(const json &rs, int replicas, const std::string &deploymentName)
{
    const int current = specReplicas(rs);
    if (current == replicas)
        return;
    const ResourceType *type = findResource("apps", "v1", "replicasets");
    m_cluster.store().modify(*type, objects::ns(rs), objects::name(rs), [&](json &o) -> std::optional<ApiError> {
        o["spec"]["replicas"] = replicas;
        return std::nullopt;
    });
    if (auto deployment
        = m_cluster.store().get(*findResource("apps", "v1", "deployments"), objects::ns(rs), deploymentName);
        std::holds_alternative<json>(deployment)) {
        m_cluster.recordEvent(std::get<json>(deployment), "Normal", "ScalingReplicaSet",
                              std::string(replicas > current ? "Scaled up" : "Scaled down") + " replica set "
                                  + objects::name(rs) + " from " + std::to_string(current) + " to "
                                  + std::to_string(replicas),
                              "deployment-controller");
    }
}

void DeploymentController::reconcileDeployment(const json &d, const std::vector<json> &replicaSets)
{
    const std::string uid = objects::uid(d), ns = objects::ns(d), name = objects::name(d);
    const json spec = d.value("spec", json::object());
    const json podTemplate = spec.value("template", json::object());
    const int replicas = spec.value("replicas", 1);
    const bool paused = spec.value("paused", false);
    const json strategy = spec.value("strategy", json::object());
    const bool recreate = strategy.value("type", "RollingUpdate") == "Recreate";
    const json rolling = strategy.value("rollingUpdate", json::object());
    int maxSurge = recreate ? 0 : objects::intOrPercent(rolling.value("maxSurge", json("25%")), replicas, true, 1);
    int maxUnavailable
        = recreate ? replicas : objects::intOrPercent(rolling.value("maxUnavailable", json("25%")), replicas, false, 0);
    if (maxSurge == 0 && maxUnavailable == 0)
        maxUnavailable = 1;

    std::vector<json> owned;
    for (const auto &rs : replicaSets) {
        if (objects::ns(rs) == ns && objects::ownedBy(rs, uid))
            owned.push_back(rs);
    }
    int maxRevision = 0;
    const json *newRs = nullptr;
    for (const auto &rs : owned) {
        maxRevision = std::max(maxRevision, revisionOf(rs));
        if (templateWithoutHash(rs["spec"]["template"]) == podTemplate)
            newRs = &rs;
    }
    const ResourceType *rsType = findResource("apps", "v1", "replicasets");
    const std::string changeCause
        = d["metadata"].value("annotations", json::object()).value("kubernetes.io/change-cause", "");

    if (!newRs && !paused) {
        const std::string hash = objects::templateHash(podTemplate);
        json labels = podTemplate.value("/metadata/labels"_json_pointer, json::object());
        labels["pod-template-hash"] = hash;
        json rsTemplate = podTemplate;
        rsTemplate["metadata"]["labels"] = labels;
        json selector = objects::matchLabels(spec.value("selector", json::object()));
        selector["pod-template-hash"] = hash;
        json annotations = {{RevisionAnnotation, std::to_string(maxRevision + 1)},
                            {"deployment.kubernetes.io/desired-replicas", std::to_string(replicas)},
                            {"deployment.kubernetes.io/max-replicas", std::to_string(replicas + maxSurge)}};
        if (!changeCause.empty())
            annotations["kubernetes.io/change-cause"] = changeCause;
        const int initial = owned.empty() ? replicas : 0;
        json rs
            = {{"metadata",
                {{"name", name + "-" + hash},
                 {"labels", labels},
                 {"annotations", annotations},
                 {"ownerReferences", json::array({objects::controllerRef(d)})}}},
               {"spec", {{"replicas", initial}, {"selector", {{"matchLabels", selector}}}, {"template", rsTemplate}}}};
        auto created = m_cluster.store().create(*rsType, ns, rs, false);
        if (auto object = std::get_if<json>(&created)) {
            owned.push_back(*object);
            newRs = &owned.back();
            m_cluster.recordEvent(d, "Normal", "ScalingReplicaSet",
                                  "Scaled up replica set " + objects::name(*object) + " from 0 to "
                                      + std::to_string(initial),
                                  "deployment-controller");
        }
    } else if (newRs && revisionOf(*newRs) < maxRevision && !paused) {
        // Rolling back to an older template makes its ReplicaSet the newest revision again.
        m_cluster.store().modify(*rsType, ns, objects::name(*newRs), [&](json &o) -> std::optional<ApiError> {
            o["metadata"]["annotations"][RevisionAnnotation] = std::to_string(maxRevision + 1);
            if (!changeCause.empty())
                o["metadata"]["annotations"]["kubernetes.io/change-cause"] = changeCause;
            return std::nullopt;
        });
    }
    const std::string newName = newRs ? objects::name(*newRs) : std::string();
    std::vector<json> oldRs;
    for (const auto &rs : owned) {
        if (objects::name(rs) != newName)
            oldRs.push_back(rs);
    }
    std::sort(oldRs.begin(), oldRs.end(), [](const json &a, const json &b) { return revisionOf(a) < revisionOf(b); });

    if (!paused && newRs) {
        if (recreate) {
            bool oldPodsLeft = false;
            for (const auto &rs : oldRs) {
                scaleReplicaSet(rs, 0, name);
                oldPodsLeft = oldPodsLeft || statusOf(rs, "replicas") > 0;
            }
            if (!oldPodsLeft)
                scaleReplicaSet(*newRs, replicas, name);
        } else {
            int total = 0;
            for (const auto &rs : owned)
                total += specReplicas(rs);
            const int newSpec = specReplicas(*newRs);
            if (newSpec > replicas) {
                scaleReplicaSet(*newRs, replicas, name);
            } else if (newSpec < replicas) {
                const int scaleUp = std::min(replicas + maxSurge - total, replicas - newSpec);
                if (scaleUp > 0) {
                    scaleReplicaSet(*newRs, newSpec + scaleUp, name);
                    total += scaleUp;
                }
            }
            // Old pods go only while enough pods stay available: first the unavailable ones,
            // then as many available ones as maxUnavailable allows.
            const int minAvailable = replicas - maxUnavailable;
            const int newUnavailable = specReplicas(*newRs) - statusOf(*newRs, "availableReplicas");
            int budget = total - minAvailable - newUnavailable;
            for (auto &rs : oldRs) {
                if (budget <= 0)
                    break;
                const int unhealthy = std::min(budget, specReplicas(rs) - statusOf(rs, "availableReplicas"));
                if (unhealthy > 0) {
                    scaleReplicaSet(rs, specReplicas(rs) - unhealthy, name);
                    rs["spec"]["replicas"] = specReplicas(rs) - unhealthy;
                    budget -= unhealthy;
                    total -= unhealthy;
                }
            }
            int available = 0;
            for (const auto &rs : owned)
                available += statusOf(rs, "availableReplicas");
            int scaleDown = available - minAvailable;
            for (const auto &rs : oldRs) {
                if (scaleDown <= 0)
                    break;
                const int step = std::min(scaleDown, specReplicas(rs));
                if (step > 0) {
                    scaleReplicaSet(rs, specReplicas(rs) - step, name);
                    scaleDown -= step;
                }
            }
        }
        // Keep revisionHistoryLimit old ReplicaSets that have scaled to zero.
        const int limit = spec.value("revisionHistoryLimit", 10);
        std::vector<json> idle;
        for (const auto &rs : oldRs) {
            if (specReplicas(rs) == 0 && statusOf(rs, "replicas") == 0)
                idle.push_back(rs);
        }
        for (std::size_t i = 0; i + limit < idle.size(); ++i)
            m_cluster.store().remove(*rsType, ns, objects::name(idle[i]), false);
    }

    // Status, from the ReplicaSets as they stand after this round.
    int total = 0, updated = 0, ready = 0, available = 0;
    for (const auto &rs : m_cluster.store().select(*rsType, [&](const json &o) { return objects::ownedBy(o, uid); })) {
        total += statusOf(rs, "replicas");
        ready += statusOf(rs, "readyReplicas");
        available += statusOf(rs, "availableReplicas");
        if (objects::name(rs) == newName)
            updated = statusOf(rs, "replicas");
    }
    const double now = m_cluster.clock().now();
    const std::string signature = std::to_string(objects::generation(d)) + "/" + newName + "/" + std::to_string(total)
        + "/" + std::to_string(updated) + "/" + std::to_string(ready) + "/" + std::to_string(available);
    // The progress deadline counts from the last time any of these numbers moved.
    auto &[lastSignature, progress] = m_progress[uid];
    if (lastSignature != signature) {
        lastSignature = signature;
        progress = now;
    }
    json d2 = d;
    json &status = d2["status"];
    if (!status.is_object())
        status = json::object();
    status["observedGeneration"] = objects::generation(d);
    status["replicas"] = total;
    status["updatedReplicas"] = updated;
    status["readyReplicas"] = ready;
    status["availableReplicas"] = available;
    status["unavailableReplicas"] = std::max(0, total - available);
    if (ready == 0)
        status.erase("readyReplicas");
    if (available == 0)
        status.erase("availableReplicas");
    if (updated == 0)
        status.erase("updatedReplicas");
    if (total - available <= 0)
        status.erase("unavailableReplicas");
    const std::string stamp = nowTimestamp();
    const bool minimum = available >= replicas - maxUnavailable;
    objects::setCondition(
        d2, "Available", minimum ? "True" : "False",
        minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        minimum ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", stamp);
    const bool complete = updated == replicas && available == replicas && total == replicas;
    const int deadline = spec.value("progressDeadlineSeconds", 600);
    if (paused) {
        objects::setCondition(d2, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", stamp);
    } else if (complete) {
        objects::setCondition(d2, "Progressing", "True", "NewReplicaSetAvailable",
                              "ReplicaSet \"" + newName + "\" has successfully progressed.", stamp);
    } else if (now - progress > deadline) {
        objects::setCondition(d2, "Progressing", "False", "ProgressDeadlineExceeded",
                              "ReplicaSet \"" + newName + "\" has timed out progressing.", stamp);
    } else {
        objects::setCondition(d2, "Progressing", "True", "ReplicaSetUpdated",
                              "ReplicaSet \"" + newName + "\" is progressing.", stamp);
    }
    // Timestamps alone are not a change worth a new resourceVersion.
    m_cluster.writeStatus("apps", "deployments", d, status);
    if (newRs) {
        const int newRevision = revisionOf(*newRs);
        const std::string revision = std::to_string(newRevision < maxRevision ? maxRevision + 1 : newRevision);
        if (d["metadata"].value("annotations", json::object()).value(RevisionAnnotation, "") != revision) {
            m_cluster.store().modify(*findResource("apps", "v1", "deployments"), ns, name,
                                     [&](json &o) -> std::optional<ApiError> {
                                         o["metadata"]["annotations"][RevisionAnnotation] = revision;
                                         return std::nullopt;
                                     });
        }
    }
}

} // namespace lucent::sandbox
