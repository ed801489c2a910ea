#include "sandbox/cluster/prometheusrunner.h"

#include "sandbox/api/yamljson.h"

#include "sandbox/cluster/childprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
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

std::optional<std::string> PrometheusRunner::rules(const std::string &manifestFile, double speed, std::string &error)
{
    // The rules live in the platform's manifests (the prometheus-rules ConfigMap), as a real
    // cluster's Prometheus reads them; the sandbox only shortens their windows and delays.
    std::ifstream in(manifestFile, std::ios::binary);
    if (!in) {
        error = "cannot read the alert rules in " + manifestFile;
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string why;
    const auto docs = yamlDocumentsToJson(text.str(), why);
    if (!docs) {
        error = manifestFile + ": " + why;
        return std::nullopt;
    }
    std::string found;
    for (const auto &doc : *docs) {
        if (doc.value("kind", "") != "ConfigMap" || !doc.contains("data") || !doc["data"].is_object())
            continue;
        for (const auto &[key, value] : doc["data"].items()) {
            if (value.is_string() && (key.size() > 4 && (key.compare(key.size() - 4, 4, ".yml") == 0)))
                found = value.get<std::string>();
        }
    }
    if (found.empty()) {
        error = manifestFile + " holds no ConfigMap with a *.yml rules file";
        return std::nullopt;
    }
    // "for: 2m" and "[5m]" in simulated time; windows keep at least three 5 s scrapes.
    auto seconds = [](const std::smatch &m) {
        const double n = std::stod(m[1].str());
        const char unit = m[2].str()[0];
        return unit == 'h' ? n * 3600 : unit == 'm' ? n * 60 : n;
    };
    auto rewrite = [&](const std::string &input, const std::regex &re, auto replace) {
        std::string out;
        auto begin = std::sregex_iterator(input.begin(), input.end(), re);
        std::size_t last = 0;
        for (auto it = begin; it != std::sregex_iterator(); ++it) {
            out += input.substr(last, std::size_t(it->position()) - last) + replace(*it);
            last = std::size_t(it->position() + it->length());
        }
        return out + input.substr(last);
    };
    found = rewrite(found, std::regex(R"(for: (\d+)([smh])\b)"),
                    [&](const std::smatch &m) { return "for: " + scaled(seconds(m), speed, 0); });
    found = rewrite(found, std::regex(R"(\[(\d+)([smh])\])"),
                    [&](const std::smatch &m) { return "[" + scaled(seconds(m), speed, 15) + "]"; });
    return found;
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
    const auto ruleText = rules(spec.rulesManifest, spec.speed, error);
    if (!ruleText)
        return false;
    if (!writeFile(m_rules, *ruleText) || !writeFile(dir / "prometheus.yml", config(spec, m_rules, tls))
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
