#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace lucent::sandbox {

/// What one simulated Lucent service does, as a pure function of (pod, run, line number):
/// the log lines it writes and the requests behind them, so that /log, /proxy/metrics and
/// repeated reads agree without storing anything per line. Image tags pick the behaviour:
/// "-errors" answers about 30 % with 5xx, "-slow" has a p95 latency above 1 s, "-crash"
/// logs a fatal error before each exit.
class Workload
{
public:
    enum class Kind { Healthy, Crash, Unready, Errors, Slow };

    /// @p service is the container name (user-service, ...); @p podName the pod's.
    Workload(std::string service, std::string podName, std::string podUid, Kind kind);

    static Kind kindOf(const std::string &image);

    struct Request {
        std::string method;
        std::string route; ///< the route template, e.g. /users/:id
        std::string path; ///< the concrete path
        int status = 200;
        double latencySeconds = 0;
    };

    /// The request behind access-log line @p line of run @p restart.
    Request request(int restart, std::uint64_t line) const;
    /// Line @p line of run @p restart, written at @p timestampIso (RFC 3339, UTC). A crashing
    /// run ends with a fatal line (@p last).
    std::string logLine(int restart, std::uint64_t line, const std::string &timestampIso, bool last) const;

    /// The Prometheus text exposition after @p requests requests: http_requests_total by
    /// method, route and status, and the http_request_duration_seconds histogram.
    std::string metrics(std::uint64_t requests) const;

    /// Access-log lines are all but every tenth line.
    static bool isAccessLine(std::uint64_t line) { return line % 10 != 9 && line >= 3; }

private:
    std::uint64_t hash(int restart, std::uint64_t line, std::uint64_t salt) const;

    std::string m_service;
    std::string m_podName;
    std::uint64_t m_seed;
    Kind m_kind;
};

} // namespace lucent::sandbox
