#include "sandbox/cluster/alertmanagerrunner.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace lucent::sandbox {

std::string AlertmanagerRunner::binary()
{
    // Debian renames the upstream "alertmanager" binary.
    std::string found = findOnPath("prometheus-alertmanager");
    return found.empty() ? findOnPath("alertmanager") : found;
}

std::string AlertmanagerRunner::config()
{
    // Short waits, so that an alert reaches the console's silence view seconds after it fires.
    return "route:\n"
           "  receiver: nobody\n"
           "  group_by: [alertname, namespace, app]\n"
           "  group_wait: 1s\n"
           "  group_interval: 5s\n"
           "  repeat_interval: 1h\n"
           "receivers:\n"
           "  - name: nobody\n";
}

bool AlertmanagerRunner::start(const std::string &directory, std::string &error)
{
    const std::string program = binary();
    if (program.empty()) {
        error = "Alertmanager is not installed (Debian package 'prometheus-alertmanager')";
        return false;
    }
    const int port = freeLoopbackPort();
    if (port < 0) {
        error = "no free loopback port for Alertmanager";
        return false;
    }
    const fs::path dir(directory);
    std::error_code ec;
    fs::create_directories(dir / "data", ec);
    {
        std::ofstream file(dir / "alertmanager.yml", std::ios::trunc);
        file << config();
        if (!file) {
            error = "cannot write Alertmanager's configuration into " + dir.string();
            return false;
        }
    }
    // An empty cluster address turns off gossip, which would otherwise bind 0.0.0.0:9094.
    if (!m_process.start({program, "--config.file=" + (dir / "alertmanager.yml").string(),
                          "--storage.path=" + (dir / "data").string(),
                          "--web.listen-address=127.0.0.1:" + std::to_string(port),
                          "--cluster.listen-address=", "--log.level=warn"},
                         (dir / "alertmanager.log").string(), port, "Alertmanager", error))
        return false;
    m_url = "http://127.0.0.1:" + std::to_string(port);
    return true;
}

} // namespace lucent::sandbox
