#include "sandbox/cluster/clusterclock.h"

namespace lucent::sandbox {

ClusterClock::ClusterClock(double speed, std::uint64_t seed)
    : m_speed(speed > 0 ? speed : 1.0)
    , m_start(std::chrono::steady_clock::now())
    , m_random(seed)
{
}

double ClusterClock::now() const
{
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - m_start;
    return elapsed.count() * m_speed;
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
