#include "sandbox/cluster/resourceusage.h"

#include <algorithm>
#include <functional>

namespace lucent::sandbox {

namespace {

constexpr std::int64_t Mi = 1024 * 1024;
constexpr std::int64_t MilliCore = 1'000'000; // nanocores

// What the process holds when idle: NestJS services, the database, the cache, the web server.
std::int64_t baseMemory(const std::string &service)
{
    if (service.find("mongo") != std::string::npos)
        return 180 * Mi;
    if (service.find("redis") != std::string::npos)
        return 12 * Mi;
    if (service.find("frontend") != std::string::npos)
        return 9 * Mi;
    return 52 * Mi;
}

// A factor in [0.9, 1.1] that changes with each window, the same for every read within it.
double jitter(const std::string &podUid, std::int64_t window, std::uint64_t salt)
{
    const std::size_t h = std::hash<std::string>{}(podUid + "/" + std::to_string(window) + "/" + std::to_string(salt));
    return 0.9 + double(h % 2001) / 10000.0;
}

} // namespace

ResourceUsage usageOf(const std::string &service, Workload::Kind kind, double runAge, double requestsPerSecond,
                      std::int64_t window, const std::string &podUid)
{
    double cpu = 3.0 * MilliCore + 1.5 * MilliCore * requestsPerSecond;
    double memory = double(baseMemory(service)) + 0.5 * Mi * requestsPerSecond;
    switch (kind) {
    case Workload::Kind::Slow:
        cpu *= 3.0;
        memory += 40.0 * Mi;
        break;
    case Workload::Kind::Crash:
        cpu *= 2.0;
        memory += 8.0 * Mi * std::max(0.0, runAge);
        break;
    case Workload::Kind::Errors: cpu *= 1.3; break;
    case Workload::Kind::Unready:
    case Workload::Kind::Healthy: break;
    }
    // Starting up costs more CPU for the first few seconds.
    if (runAge < 5.0)
        cpu += 20.0 * MilliCore * (5.0 - std::max(0.0, runAge)) / 5.0;
    return {std::int64_t(cpu * jitter(podUid, window, 1)), std::int64_t(memory * jitter(podUid, window, 2))};
}

std::string cpuQuantity(std::int64_t nanoCores)
{
    return std::to_string(std::max<std::int64_t>(0, nanoCores)) + "n";
}

std::string memoryQuantity(std::int64_t bytes)
{
    return std::to_string(std::max<std::int64_t>(0, bytes) / 1024) + "Ki";
}

} // namespace lucent::sandbox
