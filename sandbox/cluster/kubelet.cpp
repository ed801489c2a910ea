#include "sandbox/cluster/kubelet.h"

#include "sandbox/api/resourcetypes.h"
#include "sandbox/cluster/objects.h"
#include "sandbox/cluster/workload.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

constexpr double CreatingSeconds = 1.0; // pulling and starting the image
constexpr double CrashAfterSeconds = 3.0; // how long a -crash container runs

double backOff(int restarts)
{
    return std::min(300.0, 10.0 * std::pow(2.0, std::max(0, restarts - 1)));
}

double readinessDelay(const json &pod)
{
    double delay = 0;
    for (const auto &c : pod.value("/spec/containers"_json_pointer, json::array()))
        delay = std::max(delay, c.value("/readinessProbe/initialDelaySeconds"_json_pointer, 0.0));
    return delay;
}

// A fault injected into a running pod, as a test does to an application that starts failing:
// `kubectl annotate pod P lucent-sandbox/fault=unready` makes its readiness probe fail from
// then on (the pod stays Running; the Endpoints drop it).
bool faultedUnready(const json &pod)
{
    return pod.value("/metadata/annotations/lucent-sandbox~1fault"_json_pointer, std::string()) == "unready";
}

json condition(const std::string &type, bool value, const std::string &since)
{
    return {{"type", type},
            {"status", value ? "True" : "False"},
            {"lastProbeTime", nullptr},
            {"lastTransitionTime", since}};
}

} // namespace

void Kubelet::sync()
{
    const ResourceType *podType = findResource("", "v1", "pods");
    const double now = m_cluster.clock().now();
    // Only pods that are new, were changed by someone else, or still have a transition ahead
    // are copied out and worked on; settled pods cost a map lookup per round.
    // When nothing was written since the last round only the unsettled pods can change,
    // and they are fetched one by one instead of scanning every pod.
    std::set<std::string> present;
    std::vector<json> work;
    const bool fullScan = m_cluster.store().resourceVersion() != m_seenVersion;
    if (fullScan) {
        work = m_cluster.store().select(*podType, [&](const json &pod) {
            const std::string uid = objects::uid(pod);
            present.insert(uid);
            auto it = m_pods.find(uid);
            return it == m_pods.end() || !it->second.settled
                || it->second.seenVersion != pod["metadata"].value("resourceVersion", "");
        });
    } else {
        for (const auto &[uid, state] : m_pods) {
            present.insert(uid);
            if (state.settled)
                continue;
            if (auto pod = m_cluster.store().get(*podType, state.ns, state.name); std::holds_alternative<json>(pod))
                work.push_back(std::get<json>(std::move(pod)));
        }
    }
    for (const auto &pod : work) {
        const std::string uid = objects::uid(pod);
        auto it = m_pods.find(uid);
        if (it == m_pods.end()) {
            PodState state;
            state.created = now;
            const std::uint32_t n = m_nextIp++;
            state.node = "sandbox-node-" + std::to_string(1 + n % 3);
            state.ip = "10.244." + std::to_string(1 + (n / 250) % 250) + "." + std::to_string(2 + n % 250);
            state.scheduledAt = nowTimestamp();
            state.ns = objects::ns(pod);
            state.name = objects::name(pod);
            it = m_pods.emplace(uid, state).first;
            if (!pod.contains("/spec/nodeName"_json_pointer)) {
                m_cluster.store().modify(*podType, objects::ns(pod), objects::name(pod),
                                         [&](json &o) -> std::optional<ApiError> {
                                             o["spec"]["nodeName"] = state.node;
                                             return std::nullopt;
                                         });
            }
            m_cluster.recordEvent(pod, "Normal", "Scheduled",
                                  "Successfully assigned " + objects::ns(pod) + "/" + objects::name(pod) + " to "
                                      + state.node,
                                  "default-scheduler");
            continue; // next round sees the scheduled pod
        }
        PodState &state = it->second;
        const json status = podStatus(pod, state, now);
        state.seenVersion = m_cluster.writeStatus("", "pods", pod, status);
        const Behaviour behaviour = faultedUnready(pod)
            ? Behaviour::Unready
            : behaviourOf(pod.value("/spec/containers/0/image"_json_pointer, std::string()));
        state.settled = state.runningSince >= 0 && behaviour != Behaviour::Crash
            && (state.ready || behaviour == Behaviour::Unready);
        if (state.runningSince >= 0)
            recordRun(uid, {state.runningSince, -1, state.restarts, state.ready});
        else if (state.crashedAt >= 0 && state.restarts > 0)
            recordRun(uid, {state.lastRunStart, state.crashedAt, state.restarts - 1, false});
    }
    if (fullScan) {
        for (auto it = m_pods.begin(); it != m_pods.end();)
            it = present.count(it->first) ? std::next(it) : m_pods.erase(it);
    }
    m_seenVersion = m_cluster.store().resourceVersion();
    std::lock_guard lock(m_runsMutex);
    for (auto it = m_runs.begin(); it != m_runs.end();)
        it = m_pods.count(it->first) ? std::next(it) : m_runs.erase(it);
}

json Kubelet::podStatus(const json &pod, PodState &s, double now)
{
    const json containers = pod.value("/spec/containers"_json_pointer, json::array());
    Behaviour behaviour = Behaviour::Healthy;
    for (const auto &c : containers) {
        const Behaviour b = behaviourOf(c.value("image", ""));
        if (b == Behaviour::Crash || (b == Behaviour::Unready && behaviour != Behaviour::Crash))
            behaviour = b;
    }
    if (faultedUnready(pod) && behaviour != Behaviour::Crash)
        behaviour = Behaviour::Unready;
    const double age = now - s.created;
    bool running = false;
    bool waitingBackOff = false;
    if (age >= CreatingSeconds) {
        if (behaviour == Behaviour::Crash) {
            if (s.runningSince < 0 && (s.backOffUntil < 0 || now >= s.backOffUntil)) {
                s.runningSince = now;
                s.startedAt = nowTimestamp();
                if (s.restarts == 0)
                    m_cluster.recordEvent(pod, "Normal", "Started",
                                          "Started container " + containers[0].value("name", ""), "kubelet");
            }
            if (s.runningSince >= 0 && now - s.runningSince >= CrashAfterSeconds) {
                s.lastRunStart = s.runningSince;
                s.runningSince = -1;
                ++s.restarts;
                s.crashedAt = now;
                s.backOffUntil = now + backOff(s.restarts);
                s.finishedAt = nowTimestamp();
                m_cluster.recordEvent(pod, "Warning", "BackOff",
                                      "Back-off restarting failed container " + containers[0].value("name", "")
                                          + " in pod " + objects::name(pod),
                                      "kubelet");
            }
            running = s.runningSince >= 0;
            waitingBackOff = !running;
        } else {
            if (s.runningSince < 0) {
                s.runningSince = now;
                s.startedAt = nowTimestamp();
                m_cluster.recordEvent(pod, "Normal", "Started", "Started container " + containers[0].value("name", ""),
                                      "kubelet");
            }
            running = true;
        }
    }
    const bool ready = running && behaviour != Behaviour::Crash && behaviour != Behaviour::Unready
        && now - s.runningSince >= readinessDelay(pod);
    if (ready != s.ready) {
        s.ready = ready;
        s.readyAt = nowTimestamp();
    }
    if (s.readyAt.empty())
        s.readyAt = s.scheduledAt;

    json statuses = json::array();
    for (const auto &c : containers) {
        json st = {{"name", c.value("name", "")},
                   {"image", c.value("image", "")},
                   {"imageID", "docker-pullable://" + c.value("image", "")},
                   {"restartCount", s.restarts},
                   {"ready", ready},
                   {"started", running}};
        if (running) {
            st["containerID"] = "containerd://" + objects::uid(pod).substr(0, 8) + std::to_string(s.restarts);
            st["state"] = {{"running", {{"startedAt", s.startedAt}}}};
        } else if (waitingBackOff) {
            st["state"] = {{"waiting",
                            {{"reason", "CrashLoopBackOff"},
                             {"message",
                              "back-off " + std::to_string(int(backOff(s.restarts))) + "s restarting failed container="
                                  + c.value("name", "") + " pod=" + objects::name(pod)}}}};
        } else {
            st["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}};
        }
        if (s.restarts > 0)
            st["lastState"]
                = {{"terminated",
                    {{"exitCode", 1}, {"reason", "Error"}, {"startedAt", s.startedAt}, {"finishedAt", s.finishedAt}}}};
        else
            st["lastState"] = json::object();
        statuses.push_back(st);
    }
    json status = {
        {"phase", age >= CreatingSeconds ? "Running" : "Pending"},
        {"hostIP", "172.18.0." + s.node.substr(s.node.size() - 1)},
        {"qosClass", "Burstable"},
        {"startTime", s.scheduledAt},
        {"conditions",
         json::array({condition("PodReadyToStartContainers", age >= CreatingSeconds, s.scheduledAt),
                      condition("Initialized", true, s.scheduledAt), condition("Ready", ready, s.readyAt),
                      condition("ContainersReady", ready, s.readyAt), condition("PodScheduled", true, s.scheduledAt)})},
        {"containerStatuses", statuses}};
    if (age >= CreatingSeconds) {
        status["podIP"] = s.ip;
        status["podIPs"] = json::array({{{"ip", s.ip}}});
    }
    return status;
}

std::optional<ContainerRun> Kubelet::run(const std::string &podUid, bool previous) const
{
    std::lock_guard lock(m_runsMutex);
    auto it = m_runs.find(podUid);
    if (it == m_runs.end())
        return std::nullopt;
    return previous ? it->second.first : it->second.second;
}

void Kubelet::recordRun(const std::string &uid, const ContainerRun &run)
{
    std::lock_guard lock(m_runsMutex);
    auto &[previous, current] = m_runs[uid];
    if (current && current->start != run.start)
        previous = current;
    current = run;
}

Kubelet::Behaviour Kubelet::behaviourOf(const std::string &image)
{
    switch (Workload::kindOf(image)) {
    case Workload::Kind::Crash: return Behaviour::Crash;
    case Workload::Kind::Unready: return Behaviour::Unready;
    case Workload::Kind::Errors: return Behaviour::Errors;
    case Workload::Kind::Slow: return Behaviour::Slow;
    case Workload::Kind::Healthy: break;
    }
    return Behaviour::Healthy;
}

} // namespace lucent::sandbox
