#include "sandbox/cluster/workload.h"

#include <array>
#include <cmath>
#include <map>
#include <vector>

namespace lucent::sandbox {

using json = nlohmann::json;

namespace {

struct Route {
    const char *method;
    const char *route;
    int weight;
};

// Plausible routes per service of the platform; others get a generic set.
const std::vector<Route> &routesOf(const std::string &service)
{
    static const std::map<std::string, std::vector<Route>> routes{
        {"api-gateway",
         {{"GET", "/api/users/:id", 5},
          {"POST", "/api/auth/login", 2},
          {"GET", "/api/wallets/:id", 3},
          {"GET", "/health", 1}}},
        {"user-service", {{"GET", "/users/:id", 6}, {"POST", "/auth/login", 3}, {"PATCH", "/users/:id", 1}}},
        {"wallet-service",
         {{"GET", "/wallets/:id/balance", 6},
          {"POST", "/wallets/:id/transfer", 2},
          {"GET", "/wallets/:id/transactions", 2}}},
        {"play-service", {{"POST", "/games/:id/plays", 5}, {"GET", "/games", 4}, {"GET", "/games/:id", 2}}},
        {"task-service", {{"GET", "/tasks", 5}, {"POST", "/tasks/:id/complete", 3}}},
        {"portfolio-service", {{"GET", "/portfolios/:id", 6}, {"GET", "/portfolios/:id/performance", 3}}},
        {"notification-service", {{"POST", "/notifications", 4}, {"GET", "/notifications/unread", 5}}},
        {"frontend", {{"GET", "/", 5}, {"GET", "/static/app.js", 3}, {"GET", "/static/app.css", 2}}},
    };
    static const std::vector<Route> generic{{"GET", "/", 3}, {"GET", "/status", 1}};
    auto it = routes.find(service);
    return it == routes.end() ? generic : it->second;
}

constexpr std::array<double, 11> Buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb3fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

double unit(std::uint64_t h)
{
    return double(h >> 11) / double(1ULL << 53);
}

// Latency distribution per behaviour: fast for healthy services, a heavy slow tail for
// -slow (about 30 % between 1.1 and 2.6 s, so p95 is well above 1 s).
double latencyFor(Workload::Kind kind, double u, double v)
{
    if (kind == Workload::Kind::Slow && u < 0.3)
        return 1.1 + 1.5 * v;
    return 0.008 + 0.12 * v * v;
}

// The share of requests whose latency is at most @p bound, matching latencyFor().
double latencyCdf(Workload::Kind kind, double bound)
{
    auto fastCdf = [](double b) { return b <= 0.008 ? 0.0 : std::min(1.0, std::sqrt((b - 0.008) / 0.12)); };
    if (kind != Workload::Kind::Slow)
        return fastCdf(bound);
    const double slow = bound <= 1.1 ? 0.0 : std::min(1.0, (bound - 1.1) / 1.5);
    return 0.7 * fastCdf(bound) + 0.3 * slow;
}

int statusFor(Workload::Kind kind, const Route &route, double u)
{
    if (kind == Workload::Kind::Errors && u < 0.3)
        return u < 0.2 ? 500 : (u < 0.26 ? 502 : 503);
    if (u > 0.985)
        return std::string(route.method) == "POST" ? 400 : 404;
    return std::string(route.method) == "POST" ? 201 : 200;
}

std::string concrete(const std::string &route, std::uint64_t h)
{
    std::string out = route;
    const auto at = out.find(":id");
    if (at != std::string::npos)
        out.replace(at, 3, std::to_string(1000 + h % 9000));
    return out;
}

} // namespace

Workload::Workload(std::string service, std::string podName, std::string podUid, Kind kind)
    : m_service(std::move(service))
    , m_podName(std::move(podName))
    , m_seed(std::hash<std::string>{}(podUid))
    , m_kind(kind)
{
}

Workload::Kind Workload::kindOf(const std::string &image)
{
    const auto colon = image.rfind(':');
    const std::string tag
        = colon == std::string::npos || image.find('/', colon) != std::string::npos ? "" : image.substr(colon);
    if (tag.find("-crash") != std::string::npos)
        return Kind::Crash;
    if (tag.find("-unready") != std::string::npos)
        return Kind::Unready;
    if (tag.find("-errors") != std::string::npos)
        return Kind::Errors;
    if (tag.find("-slow") != std::string::npos)
        return Kind::Slow;
    return Kind::Healthy;
}

std::uint64_t Workload::hash(int restart, std::uint64_t line, std::uint64_t salt) const
{
    return mix(m_seed ^ mix(std::uint64_t(restart) * 0x9e3779b97f4a7c15ULL + line * 0xbf58476d1ce4e5b9ULL + salt));
}

Workload::Request Workload::request(int restart, std::uint64_t line) const
{
    const auto &routes = routesOf(m_service);
    int total = 0;
    for (const auto &r : routes)
        total += r.weight;
    int pick = int(hash(restart, line, 1) % std::uint64_t(total));
    const Route *route = &routes.front();
    for (const auto &r : routes) {
        if (pick < r.weight) {
            route = &r;
            break;
        }
        pick -= r.weight;
    }
    Request request;
    request.method = route->method;
    request.route = route->route;
    request.path = concrete(route->route, hash(restart, line, 2));
    request.status = statusFor(m_kind, *route, unit(hash(restart, line, 3)));
    request.latencySeconds = latencyFor(m_kind, unit(hash(restart, line, 4)), unit(hash(restart, line, 5)));
    return request;
}

std::string Workload::logLine(int restart, std::uint64_t line, const std::string &timestampIso, bool last) const
{
    // Field order as pino writes it: level, time, then the rest.
    nlohmann::ordered_json entry;
    entry["level"] = "info";
    entry["time"] = timestampIso;
    entry["pid"] = 1;
    entry["hostname"] = m_podName;
    entry["service"] = m_service;
    if (last && m_kind == Kind::Crash) {
        entry["level"] = "fatal";
        entry["context"] = "ExceptionHandler";
        entry["msg"] = "Unhandled exception: MongoServerSelectionError: connect ECONNREFUSED 10.96.0.27:27017; exiting";
        return entry.dump();
    }
    if (line < 3) {
        static const char *startup[]
            = {"Starting Nest application...", "Mapped {/health, GET} route", "Nest application successfully started"};
        entry["level"] = "info";
        entry["context"] = line == 1 ? "RouterExplorer" : "NestApplication";
        entry["msg"] = startup[line];
        return entry.dump();
    }
    if (!isAccessLine(line)) {
        static const char *messages[]
            = {"cache refreshed", "connection pool healthy", "scheduled job finished", "config reloaded"};
        const std::uint64_t h = hash(restart, line, 6);
        const bool warn = m_kind == Kind::Unready;
        entry["level"] = warn ? "warn" : "info";
        entry["context"] = "Application";
        entry["msg"] = warn ? "readiness check failed: dependency redis not reachable" : messages[h % 4];
        return entry.dump();
    }
    const Request r = request(restart, line);
    const int ms = int(std::lround(r.latencySeconds * 1000));
    entry["level"] = r.status >= 500 ? "error" : (r.status >= 400 ? "warn" : "info");
    entry["context"] = "HTTP";
    entry["msg"] = r.method + " " + r.path + " " + std::to_string(r.status) + " " + std::to_string(ms) + "ms";
    entry["method"] = r.method;
    entry["route"] = r.route;
    entry["url"] = r.path;
    entry["status"] = r.status;
    entry["latency_ms"] = ms;
    entry["requestId"] = std::to_string(hash(restart, line, 7) % 100000000);
    return entry.dump();
}

std::string Workload::metrics(std::uint64_t requests) const
{
    // Expected counts from the same distributions the log lines sample, so rates and
    // ratios in Prometheus match what the logs show.
    const auto &routes = routesOf(m_service);
    int total = 0;
    for (const auto &r : routes)
        total += r.weight;
    std::string out = "# HELP http_requests_total Total HTTP requests served.\n# TYPE http_requests_total counter\n";
    const double errorShare = m_kind == Kind::Errors ? 0.3 : 0.0;
    for (const auto &route : routes) {
        const double routeRequests = double(requests) * route.weight / total;
        const bool post = std::string(route.method) == "POST";
        std::vector<std::pair<int, double>> statuses{{post ? 201 : 200, 1.0 - errorShare - 0.015},
                                                     {post ? 400 : 404, 0.015}};
        if (errorShare > 0) {
            statuses.push_back({500, 0.2});
            statuses.push_back({502, 0.06});
            statuses.push_back({503, 0.04});
        }
        for (const auto &[status, share] : statuses) {
            out += "http_requests_total{method=\"" + std::string(route.method) + "\",route=\"" + route.route
                + "\",status=\"" + std::to_string(status) + "\"} "
                + std::to_string(std::uint64_t(routeRequests * share)) + "\n";
        }
    }
    out += "# HELP http_request_duration_seconds HTTP request latency.\n# TYPE http_request_duration_seconds "
           "histogram\n";
    for (const auto &route : routes) {
        const double routeRequests = double(requests) * route.weight / total;
        const std::string labels = "method=\"" + std::string(route.method) + "\",route=\"" + route.route + "\"";
        for (double bound : Buckets) {
            char le[16];
            std::snprintf(le, sizeof le, "%g", bound);
            out += "http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} "
                + std::to_string(std::uint64_t(routeRequests * latencyCdf(m_kind, bound))) + "\n";
        }
        out += "http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} "
            + std::to_string(std::uint64_t(routeRequests)) + "\n";
        const double meanLatency = m_kind == Kind::Slow ? 0.7 * 0.048 + 0.3 * 1.85 : 0.048;
        out += "http_request_duration_seconds_sum{" + labels + "} " + std::to_string(routeRequests * meanLatency)
            + "\n";
        out += "http_request_duration_seconds_count{" + labels + "} " + std::to_string(std::uint64_t(routeRequests))
            + "\n";
    }
    return out;
}

} // namespace lucent::sandbox
