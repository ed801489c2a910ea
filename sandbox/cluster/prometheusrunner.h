#pragma once

#include "sandbox/cluster/childprocess.h"

#include <optional>
#include <string>

namespace lucent::sandbox {

/// What Prometheus needs to reach the sandbox.
struct PrometheusSpec {
    std::string server; ///< the sandbox's URL, http:// or https://
    std::string bearerToken; ///< sent with discovery and scrapes over https
    std::string caPem; ///< the sandbox's CA, for https
    std::string directory; ///< where config, rules and data go
    double speed = 1.0; ///< the sandbox's --speed: alert windows and delays shrink with it
    std::string alertmanagerUrl; ///< where firing alerts go; empty for none
    std::string rulesManifest; ///< manifests/monitoring/prometheus-rules.yaml
};

/// A real Prometheus (Debian's `prometheus`) on a free loopback port, discovering the sandbox's
/// pods through its http_sd endpoint, scraping them through the pod proxy and evaluating the
/// platform's alert rules. Stopped when this object goes.
class PrometheusRunner
{
public:
    /// Writes the configuration and starts Prometheus; false with @p error when it cannot.
    bool start(const PrometheusSpec &spec, std::string &error);
    void stop();
    std::string url() const { return m_url; }
    std::string rulesFile() const { return m_rules; }

    /// The alert rules of the prometheus-rules ConfigMap in @p manifestFile, their windows and
    /// delays divided by @p speed; nullopt with @p error when the file cannot be used.
    static std::optional<std::string> rules(const std::string &manifestFile, double speed, std::string &error);
    static std::string config(const PrometheusSpec &spec, const std::string &rulesFile, bool tls);

private:
    ChildProcess m_process;
    std::string m_url;
    std::string m_rules;
};

} // namespace lucent::sandbox
