// Pod logs (/log, with follow, tailLines, sinceSeconds, sinceTime, timestamps, previous,
// container and limitBytes) and the pod and service proxies (/health, /health/ready,
// /metrics of the simulated service).

#include "sandbox/api/apiserver.h"
#include "sandbox/cluster/workload.h"

#include <cmath>
#include <ctime>
#include <thread>
#include <utility>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

ApiResponse failure(const ApiError &e)
{
    return ApiResponse::json(e.code, e.toStatus());
}

std::string rfc3339(std::chrono::system_clock::time_point t, bool nanos)
{
    const auto since = t.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
    const std::time_t tt = seconds.count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buffer;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count();
    char fraction[16];
    if (nanos) {
        std::snprintf(fraction, sizeof fraction, ".%09lld", static_cast<long long>(ns));
        out += fraction;
    } else {
        std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(ns / 1000000));
        out += fraction;
    }
    return out + "Z";
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(const std::string &text)
{
    std::tm tm{};
    const char *rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return std::nullopt;
    auto t = std::chrono::system_clock::from_time_t(timegm(&tm));
    if (*rest == '.') {
        double fraction = std::strtod(rest, nullptr);
        t += std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(fraction));
    }
    return t;
}

std::optional<std::int64_t> integerParam(const ApiRequest &request, const char *name, std::string &error)
{
    if (!request.has(name))
        return std::nullopt;
    try {
        std::size_t used = 0;
        const std::string value = request.param(name);
        const std::int64_t n = std::stoll(value, &used);
        if (used != value.size() || n < 0)
            throw std::invalid_argument(value);
        return n;
    } catch (const std::exception &) {
        error = std::string(name) + " must be a non-negative integer";
        return std::nullopt;
    }
}

// "name", "name:port" or "scheme:name:port" as the proxy path carries it.
std::string proxyTargetName(const std::string &name)
{
    const auto first = name.find(':');
    if (first == std::string::npos)
        return name;
    const auto second = name.find(':', first + 1);
    if (second != std::string::npos)
        return name.substr(first + 1, second - first - 1);
    const std::string head = name.substr(0, first);
    return head == "http" || head == "https" ? name.substr(first + 1) : head;
}

std::uint64_t accessRequestsUpTo(std::int64_t lastLine)
{
    if (lastLine < 3)
        return 0;
    return std::uint64_t(lastLine + 1 - 3) - std::uint64_t((lastLine + 1) / 10);
}

} // namespace

ApiResponse ApiServer::podLog(const ApiRequest &request, const Target &target)
{
    auto current = m_store.get(*target.type, target.path.ns, target.path.name);
    if (auto e = std::get_if<ApiError>(&current))
        return failure(*e);
    const json pod = std::get<json>(current);
    const std::string podName = target.path.name;
    const json containers = pod.value("/spec/containers"_json_pointer, json::array());
    std::string container = request.param("container");
    if (container.empty()) {
        if (containers.size() != 1) {
            std::string names;
            for (const auto &c : containers)
                names += (names.empty() ? "" : " ") + c.value("name", "");
            return failure(ApiError::badRequest("a container name must be specified for pod " + podName
                                                + ", choose one of: [" + names + "]"));
        }
        container = containers[0].value("name", "");
    }
    json spec;
    for (const auto &c : containers) {
        if (c.value("name", "") == container)
            spec = c;
    }
    if (spec.is_null())
        return failure(ApiError::badRequest("container " + container + " is not valid for pod " + podName));

    std::string why;
    const auto tailLines = integerParam(request, "tailLines", why);
    const auto sinceSeconds = integerParam(request, "sinceSeconds", why);
    const auto limitBytes = integerParam(request, "limitBytes", why);
    if (!why.empty())
        return failure(ApiError::badRequest(why));
    std::optional<std::chrono::system_clock::time_point> sinceTime;
    if (request.has("sinceTime")) {
        sinceTime = parseRfc3339(request.param("sinceTime"));
        if (!sinceTime)
            return failure(ApiError::badRequest("sinceTime must be an RFC 3339 time, e.g. 2026-11-25T10:00:00Z"));
    }
    if (sinceSeconds && sinceTime)
        return failure(ApiError::invalid(
            "", "PodLogOptions", "",
            {{"FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
              "sinceSeconds"}}));
    const bool previous = request.flag("previous");
    const bool follow = request.flag("follow");
    const bool timestamps = request.flag("timestamps");

    if (!m_runtime)
        return failure({503, "ServiceUnavailable", "the pod runtime is not running", json::object(), {}});
    const std::string uid = pod["metadata"].value("uid", "");
    const auto run = m_runtime->run(uid, previous);
    if (!run) {
        if (previous)
            return failure(ApiError::badRequest("previous terminated container \"" + container + "\" in pod \""
                                                + podName + "\" not found"));
        return failure(ApiError::badRequest("container \"" + container + "\" in pod \"" + podName
                                            + "\" is waiting to start: ContainerCreating"));
    }

    const PodRuntime &runtime = *m_runtime;
    const double rate = runtime.logRate();
    const Workload workload(container, podName, uid, Workload::kindOf(spec.value("image", "")));
    // By value: the follow stream outlives this function's locals.
    auto lastLineAt = [rate](const ContainerRun &r, double simNow) {
        const double end = r.end >= 0 ? std::min(r.end, simNow) : simNow;
        return std::int64_t(std::floor((end - r.start) * rate));
    };
    std::int64_t first = 0;
    const double now = runtime.now();
    const auto wallNow = runtime.wallTime(now);
    std::optional<std::chrono::system_clock::time_point> cutoff;
    if (sinceSeconds)
        cutoff = wallNow - std::chrono::seconds(*sinceSeconds);
    if (sinceTime)
        cutoff = *sinceTime;
    if (cutoff) {
        const double simCutoff = now - std::chrono::duration<double>(wallNow - *cutoff).count() * runtime.speed();
        first = std::max<std::int64_t>(0, std::int64_t(std::ceil((simCutoff - run->start) * rate)));
    }
    const std::int64_t last = lastLineAt(*run, now);
    if (tailLines)
        first = std::max(first, last - *tailLines + 1);

    auto render = [=, &runtime](std::int64_t line, const ContainerRun &r, std::int64_t finalLine) {
        const auto when = runtime.wallTime(r.start + double(line) / rate);
        std::string text
            = workload.logLine(r.restart, std::uint64_t(line), rfc3339(when, false), r.end >= 0 && line == finalLine);
        return (timestamps ? rfc3339(when, true) + " " : std::string()) + text + "\n";
    };

    ApiResponse response;
    response.contentType = "text/plain";
    const std::int64_t budget = limitBytes ? *limitBytes : -1;
    if (!follow) {
        std::string body;
        for (std::int64_t line = first; line <= last && (budget < 0 || std::int64_t(body.size()) < budget); ++line)
            body += render(line, *run, last);
        if (budget >= 0 && std::int64_t(body.size()) > budget)
            body.resize(std::size_t(budget));
        response.body = body;
        return response;
    }
    // Follow: what is there, then each new line when its time comes, until the container
    // stops, the byte limit is reached or the client leaves.
    ObjectStore &store = m_store;
    const auto dropAfter = m_options.faults.dropWatchesAfter;
    response.stream = [=, &store, &runtime](const ChunkWriter &write) {
        const auto started = std::chrono::steady_clock::now();
        std::int64_t left = budget; // -1: no limit
        auto emit = [&left, &write](std::string text) {
            if (left >= 0 && std::int64_t(text.size()) > left)
                text.resize(std::size_t(left));
            if (left >= 0)
                left -= std::int64_t(text.size());
            return text.empty() || write(text);
        };
        std::int64_t next = first;
        ContainerRun current = *run;
        while (!store.stopped()) {
            const double simNow = runtime.now();
            const auto latest = runtime.run(uid, previous);
            if (!latest && !previous)
                return; // the pod is gone: its container was stopped, and so is its log
            if (latest && latest->start == current.start)
                current = *latest;
            const std::int64_t upTo = lastLineAt(current, simNow);
            // The API server copies the kubelet's stream through a 32 KB buffer and flushes after
            // each copy: a backlog leaves in pieces of that size, a quiet log line by line.
            std::string pending;
            for (; next <= upTo; ++next) {
                pending += render(next, current, upTo);
                if (pending.size() >= 32 * 1024 || next == upTo) {
                    if (!emit(std::exchange(pending, {})) || left == 0)
                        return;
                }
            }
            if (current.end >= 0 || previous)
                return;
            if (dropAfter.count() > 0 && std::chrono::steady_clock::now() - started >= dropAfter)
                return; // injected fault (--drop-watches): the stream ends mid-way
            const double wait = (current.start + double(next) / rate - simNow) / runtime.speed();
            std::this_thread::sleep_for(std::chrono::duration<double>(std::clamp(wait, 0.01, 0.5)));
            if (!write({}))
                return;
        }
    };
    return response;
}

ApiResponse ApiServer::proxy(const ApiRequest &request, const Target &target)
{
    const std::string name = proxyTargetName(target.path.name);
    const ResourceType *podType = findResource("", "v1", "pods");
    std::string podName = name;
    if (target.type->kind == "Service") {
        auto endpoints = m_store.get(*findResource("", "v1", "endpoints"), target.path.ns, name);
        std::vector<std::string> ready;
        if (auto e = std::get_if<json>(&endpoints)) {
            for (const auto &subset : e->value("subsets", json::array()))
                for (const auto &address : subset.value("addresses", json::array()))
                    ready.push_back(address.value("/targetRef/name"_json_pointer, std::string()));
        } else if (std::holds_alternative<ApiError>(m_store.get(*target.type, target.path.ns, name))) {
            return failure(ApiError::notFound("", "services", name));
        }
        if (ready.empty())
            return failure(
                {503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"", json::object(), {}});
        podName = ready[m_roundRobin++ % ready.size()];
    }
    auto found = m_store.get(*podType, target.path.ns, podName);
    if (auto e = std::get_if<ApiError>(&found))
        return failure(*e);
    const json pod = std::get<json>(found);
    const std::string podIp = pod.value("/status/podIP"_json_pointer, std::string("<none>"));
    const auto run = m_runtime ? m_runtime->run(pod["metadata"].value("uid", ""), false) : std::nullopt;
    if (!run || run->end >= 0)
        return failure({503,
                        "ServiceUnavailable",
                        "error trying to reach service: dial tcp " + podIp + ": connect: connection refused",
                        json::object(),
                        {}});
    if (request.method != "GET")
        return ApiResponse::json(404,
                                 {{"statusCode", 404},
                                  {"message", "Cannot " + request.method + " " + target.path.rest},
                                  {"error", "Not Found"}});

    const json containers = pod.value("/spec/containers"_json_pointer, json::array());
    const json container = containers.empty() ? json::object() : containers[0];
    const std::string path = target.path.rest.empty() ? "/" : target.path.rest;
    if (path == "/health")
        return ApiResponse::json(200, {{"status", "ok"}, {"info", {{"process", {{"status", "up"}}}}}});
    if (path == "/health/ready") {
        if (run->ready)
            return ApiResponse::json(
                200, {{"status", "ok"}, {"info", {{"mongodb", {{"status", "up"}}}, {"redis", {{"status", "up"}}}}}});
        return ApiResponse::json(
            503, {{"status", "error"}, {"error", {{"redis", {{"status", "down"}, {"message", "connect ETIMEDOUT"}}}}}});
    }
    if (path == "/metrics") {
        const Workload workload(container.value("name", ""), podName, pod["metadata"].value("uid", ""),
                                Workload::kindOf(container.value("image", "")));
        const auto lastLine = std::int64_t(std::floor((m_runtime->now() - run->start) * m_runtime->logRate()));
        return ApiResponse{200,
                           "text/plain; version=0.0.4; charset=utf-8",
                           workload.metrics(accessRequestsUpTo(lastLine)),
                           {},
                           {},
                           {},
                           {},
                           {}};
    }
    return ApiResponse::json(404, {{"statusCode", 404}, {"message", "Cannot GET " + path}, {"error", "Not Found"}});
}

} // namespace lucent::sandbox
