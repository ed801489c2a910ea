#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace lucent::sandbox {

/// The simulation's sense of time and chance. --speed scales every simulated delay (probe
/// delays, crash back-off, progress deadlines); --seed makes the chance repeatable.
class ClusterClock
{
public:
    ClusterClock(double speed, std::uint64_t seed);

    /// Seconds of simulated time since the start.
    double now() const;
    /// Simulated seconds per real second.
    double speed() const { return m_speed; }
    /// The wall-clock instant of a simulated time.
    std::chrono::system_clock::time_point wallTime(double simulated) const;
    std::mt19937_64 &random() { return m_random; }
    /// A lower-case suffix like Kubernetes' random name suffixes ("x7k2p").
    std::string suffix(int length);

private:
    double m_speed;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::system_clock::time_point m_wallStart;
    std::mt19937_64 m_random;
};

} // namespace lucent::sandbox
