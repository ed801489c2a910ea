#pragma once

#include "sandbox/cluster/workload.h"

#include <cstdint>
#include <string>

namespace lucent::sandbox {

/// What a simulated container uses, as metrics-server would report it.
struct ResourceUsage {
    std::int64_t cpuNanoCores = 0;
    std::int64_t memoryBytes = 0;
};

/// The usage of a container of @p service (its container name) running @p kind, @p runAge
/// simulated seconds into its run, serving @p requestsPerSecond. It follows the workload: CPU
/// grows with the request rate, a "-slow" image burns about three times as much and holds
/// queued requests in memory, a "-crash" image leaks memory until it dies, and the figures
/// move a little from one 15-second window to the next (@p window), as real ones do.
ResourceUsage usageOf(const std::string &service, Workload::Kind kind, double runAge, double requestsPerSecond,
                      std::int64_t window, const std::string &podUid);

/// Kubernetes quantities as metrics-server writes them: "12345678n" and "51200Ki".
std::string cpuQuantity(std::int64_t nanoCores);
std::string memoryQuantity(std::int64_t bytes);

} // namespace lucent::sandbox
