#include "sandbox/cluster/prometheusrunner.h"

#include "sandbox/cluster/childprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace lucent::sandbox {

namespace {

// A duration of the seed's rules, shortened by the simulation's speed (whole seconds).
std::string scaled(double seconds, double speed, double minimum)
{
    return std::to_string(std::int64_t(std::max(minimum, std::round(seconds / speed)))) + "s";
}

bool writeFile(const fs::path &path, const std::string &text)
{
    std::ofstream file(path, std::ios::trunc);
    file << text;
    return bool(file);
}

} // namespace

std::string PrometheusRunner::rules(double speed)
{
    // The seed's rules, aggregated per service where its expressions would fire once per pod
    // or route. Windows need at least three 5 s scrapes.
    const std::string window = "[" + scaled(300, speed, 15) + "]";
    const std::string down = scaled(60, speed, 0);
    const std::string slow = scaled(120, speed, 0);
    return "groups:\n"
           "  - name: lucent-platform\n"
           "    rules:\n"
           "      - alert: ServiceDown\n"
           "        expr: max by (namespace, app) (up{job=\"lucent-services\"}) == 0\n"
           "        for: "
        + down
        + "\n"
          "        labels:\n          severity: critical\n"
          "        annotations:\n"
          "          summary: \"{{ $labels.app }} is down in {{ $labels.namespace }}\"\n"
          "          description: \"No pod of {{ $labels.app }} answers its metrics scrape.\"\n"
          "      - alert: HighErrorRate\n"
          "        expr: >-\n"
          "          sum by (namespace, app) (rate(http_requests_total{job=\"lucent-services\",status=~\"5..\"}"
        + window
        + "))\n"
          "          / sum by (namespace, app) (rate(http_requests_total{job=\"lucent-services\"}"
        + window
        + ")) > 0.1\n"
          "        for: "
        + slow
        + "\n"
          "        labels:\n          severity: warning\n"
          "        annotations:\n"
          "          summary: \"High error rate on {{ $labels.app }}\"\n"
          "          description: \"{{ $value | humanizePercentage }} of requests to {{ $labels.app }} in {{ "
          "$labels.namespace }} fail with 5xx.\"\n"
          "      - alert: HighResponseTime\n"
          "        expr: >-\n"
          "          histogram_quantile(0.95, sum by (namespace, app, le)\n"
          "          (rate(http_request_duration_seconds_bucket{job=\"lucent-services\"}"
        + window
        + "))) > 1\n"
          "        for: "
        + slow
        + "\n"
          "        labels:\n          severity: warning\n"
          "        annotations:\n"
          "          summary: \"Slow responses from {{ $labels.app }}\"\n"
          "          description: \"The 95th percentile latency of {{ $labels.app }} is {{ $value | humanizeDuration "
          "}}.\"\n"
          "      - alert: MongoDBDown\n"
          "        expr: max by (namespace) (up{job=\"mongodb\"}) == 0\n"
          "        for: "
        + down
        + "\n"
          "        labels:\n          severity: critical\n"
          "        annotations:\n"
          "          summary: \"MongoDB is down in {{ $labels.namespace }}\"\n"
          "          description: \"No MongoDB pod answers its metrics scrape.\"\n"
          "      - alert: RedisDown\n"
          "        expr: max by (namespace) (up{job=\"redis\"}) == 0\n"
          "        for: "
        + down
        + "\n"
          "        labels:\n          severity: critical\n"
          "        annotations:\n"
          "          summary: \"Redis is down in {{ $labels.namespace }}\"\n"
          "          description: \"No Redis pod answers its metrics scrape.\"\n";
}

std::string PrometheusRunner::config(const PrometheusSpec &spec, const std::string &rulesFile, bool tls)
{
    std::string access;
    if (tls)
        access = "    scheme: https\n"
                 "    tls_config: {ca_file: "
            + (fs::path(spec.directory) / "sandbox-ca.crt").string()
            + "}\n"
              "    authorization: {credentials_file: "
            + (fs::path(spec.directory) / "token").string() + "}\n";
    std::string out = "global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n"
                      "rule_files: ["
        + rulesFile
        + "]\n"
          "scrape_configs:\n";
    if (!spec.alertmanagerUrl.empty()) {
        const std::string hostPort = spec.alertmanagerUrl.substr(spec.alertmanagerUrl.find("://") + 3);
        out = "alerting:\n  alertmanagers:\n    - static_configs: [{targets: ['" + hostPort + "']}]\n" + out;
    }
    for (const auto &[job, query] : std::vector<std::pair<std::string, std::string>>{
             {"lucent-services", ""}, {"mongodb", "?app=mongodb"}, {"redis", "?app=redis"}}) {
        out += "  - job_name: " + job + "\n" + access
            + "    http_sd_configs:\n"
              "      - url: "
            + spec.server + "/lucent/v1/prometheus/targets" + query
            + "\n"
              "        refresh_interval: 5s\n";
        if (tls)
            out += "        tls_config: {ca_file: " + (fs::path(spec.directory) / "sandbox-ca.crt").string()
                + "}\n"
                  "        authorization: {credentials_file: "
                + (fs::path(spec.directory) / "token").string() + "}\n";
    }
    return out;
}

bool PrometheusRunner::start(const PrometheusSpec &spec, std::string &error)
{
    const std::string binary = findOnPath("prometheus");
    if (binary.empty()) {
        error = "--prometheus needs the prometheus server on PATH (Debian package 'prometheus'; scripts/setup-deps.sh "
                "installs it)";
        return false;
    }
    const int port = freeLoopbackPort();
    if (port < 0) {
        error = "no free loopback port for Prometheus";
        return false;
    }
    const fs::path dir(spec.directory);
    std::error_code ec;
    fs::create_directories(dir / "data", ec);
    const bool tls = spec.server.rfind("https://", 0) == 0;
    m_rules = (dir / "rules.yml").string();
    if (!writeFile(m_rules, rules(spec.speed)) || !writeFile(dir / "prometheus.yml", config(spec, m_rules, tls))
        || (tls && (!writeFile(dir / "sandbox-ca.crt", spec.caPem) || !writeFile(dir / "token", spec.bearerToken)))) {
        error = "cannot write Prometheus' configuration into " + dir.string();
        return false;
    }
    fs::permissions(dir / "token", fs::perms::owner_read | fs::perms::owner_write, ec);
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    const std::string configFlag = "--config.file=" + (dir / "prometheus.yml").string();
    const std::string storage = "--storage.tsdb.path=" + (dir / "data").string();
    // Ready when it listens; Prometheus opens its TSDB first, which takes a moment.
    if (!m_process.start({binary, configFlag, storage, listen, "--web.enable-lifecycle", "--log.level=warn"},
                         (dir / "prometheus.log").string(), port, "Prometheus", error))
        return false;
    m_url = "http://127.0.0.1:" + std::to_string(port);
    return true;
}

void PrometheusRunner::stop()
{
    m_process.stop();
}

} // namespace lucent::sandbox
