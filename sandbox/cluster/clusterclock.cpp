#include "sandbox/cluster/clusterclock.h"

namespace lucent::sandbox {

ClusterClock::ClusterClock(double speed, std::uint64_t seed)
    : m_speed(speed > 0 ? speed : 1.0)
    , m_start(std::chrono::steady_clock::now())
    , m_wallStart(std::chrono::system_clock::now())
    , m_random(seed)
{
}

double ClusterClock::now() const
{
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - m_start;
    return elapsed.count() * m_speed;
}

std::chrono::system_clock::time_point ClusterClock::wallTime(double simulated) const
{
    const auto offset = std::chrono::duration<double>(simulated / m_speed);
    return m_wallStart + std::chrono::duration_cast<std::chrono::system_clock::duration>(offset);
}

std::string ClusterClock::suffix(int length)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < length; ++i)
        s += alphabet[m_random() % (sizeof alphabet - 1)];
    return s;
}

} // namespace lucent::sandbox
