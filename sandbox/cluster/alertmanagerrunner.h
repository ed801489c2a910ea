#pragma once

#include "sandbox/cluster/childprocess.h"

#include <string>

namespace lucent::sandbox {

/// A real Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, receiving
/// the sandbox Prometheus' alerts so that the console can list, create and expire silences.
/// It notifies nobody: the sandbox has no mail or chat to send to.
class AlertmanagerRunner
{
public:
    /// The binary, or empty when the package is not installed (then the sandbox runs without).
    static std::string binary();
    static std::string config();

    bool start(const std::string &directory, std::string &error);
    void stop() { m_process.stop(); }
    std::string url() const { return m_url; }

private:
    ChildProcess m_process;
    std::string m_url;
};

} // namespace lucent::sandbox
