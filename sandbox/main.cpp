// lucent-sandbox: a Kubernetes-API-compatible simulated cluster of the Lucent platform.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/httptransport.h"
#include "sandbox/auth/authenticator.h"
#include "sandbox/auth/certificates.h"
#include "sandbox/cluster/alertmanagerrunner.h"
#include "sandbox/cluster/clusterclock.h"
#include "sandbox/cluster/platform.h"
#include "sandbox/cluster/prometheusrunner.h"
#include "sandbox/cluster/simulator.h"
#include "sandbox/store/objectstore.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

namespace {

lucent::sandbox::HttpTransport *g_transport = nullptr;

void onSignal(int)
{
    if (g_transport)
        g_transport->stop();
}

// Writes @p content to @p path readable by the owner only (keys and tokens).
bool writePrivate(const std::filesystem::path &path, const std::string &content)
{
    std::ofstream file(path, std::ios::trunc);
    if (!file)
        return false;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    file << content;
    return bool(file);
}

void usage(FILE *to)
{
    std::fputs(
        "usage: lucent-sandbox [--port N] [--host ADDRESS] [--kubeconfig-out FILE] [--project-out FILE] [--prometheus] "
        "[--manifests "
        "DIR]\n"
        "  --port N             listen on port N (default 0: a free port, printed at start)\n"
        "  --host ADDRESS       listen address (default 127.0.0.1)\n"
        "  --kubeconfig-out F   write a kubeconfig with a context per environment to F\n"
        "  --project-out F      write the console's project file (lucent.yaml) for those contexts to F\n"
        "  --prometheus         also run a real Prometheus (Debian's package) that discovers and scrapes the pods\n"
        "                       and evaluates the platform's alert rules; its URL goes into the project file,\n"
        "                       with an Alertmanager's when 'prometheus-alertmanager' is installed\n"
        "  --manifests DIR      the platform manifests to apply at start (default: the built-in ones)\n"
        "  --unadopted          leave the Services as git has them, without a colour in their selectors (by\n"
        "                       default each selects its running colour, as the console's first promotion leaves it)\n"
        "  --tls                serve HTTPS with a new self-signed CA; ca.crt, server.crt and server.key\n"
        "                       are written next to the kubeconfig, which then also has a client-certificate user\n"
        "  --speed X            run simulated time X times faster (probe delays, back-off, deadlines)\n"
        "  --extra-pods N       add N pods of a load generator in namespace lucent-load (scale tests)\n"
        "  --extra-pods-namespace NS  put them in namespace NS instead (an environment's, say)\n"
        "  --log-rate R         log lines each container writes per simulated second (default 2)\n"
        "Fault injection, for testing clients:\n"
        "  --error-rate R       answer a share R (0..1) of resource requests with 500 or 429 + Retry-After\n"
        "  --latency MS         add MS milliseconds to every request\n"
        "  --gone-rate R        answer a share R of watches from a resourceVersion with 410 Gone\n"
        "  --drop-watches N     end every watch and followed log after N seconds\n"
        "  --seed N             make names and chance repeatable\n"
        "Without TLS, kubectl sends no credentials, so every caller is treated as lucent-admin.\n",
        to);
}

} // namespace

int main(int argc, char **argv)
{
    using namespace lucent::sandbox;
    int port = 0;
    std::string host = "127.0.0.1";
    std::string kubeconfigOut;
    std::string projectOut;
    bool withPrometheus = false;
    // Installed: <prefix>/lib/lucent-console/lucent-sandbox with <prefix>/share/lucent-console/manifests.
    std::string manifests = LUCENT_SANDBOX_MANIFESTS_DIR;
    {
        std::error_code ec;
        const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
        const auto installed = self.parent_path() / "../../share/lucent-console/manifests";
        if (!ec && std::filesystem::is_directory(installed, ec))
            manifests = installed.lexically_normal().string();
    }
    double speed = 1.0;
    bool tls = false;
    bool adopted = true;
    double logRate = 2.0;
    int extraPods = 0;
    std::string extraPodsNamespace = "lucent-load";
    ApiServerOptions apiOptions;
    std::uint64_t seed = std::random_device{}();
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char *name) -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "lucent-sandbox: %s needs a value\n", name);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--port") {
            try {
                port = std::stoi(value("--port"));
            } catch (const std::exception &) {
                std::fputs("lucent-sandbox: --port takes a number\n", stderr);
                return 2;
            }
        } else if (arg == "--host") {
            host = value("--host");
        } else if (arg == "--kubeconfig-out") {
            kubeconfigOut = value("--kubeconfig-out");
        } else if (arg == "--prometheus") {
            withPrometheus = true;
        } else if (arg == "--project-out") {
            projectOut = value("--project-out");
        } else if (arg == "--manifests") {
            manifests = value("--manifests");
        } else if (arg == "--extra-pods-namespace") {
            extraPodsNamespace = value("--extra-pods-namespace");
        } else if (arg == "--extra-pods") {
            try {
                extraPods = std::stoi(value("--extra-pods"));
            } catch (const std::exception &) {
                extraPods = -1;
            }
            if (extraPods < 0 || extraPods > 100000) {
                std::fputs("lucent-sandbox: --extra-pods takes a number from 0 to 100000\n", stderr);
                return 2;
            }
        } else if (arg == "--error-rate" || arg == "--gone-rate" || arg == "--latency" || arg == "--drop-watches") {
            const std::string text = value(arg.c_str());
            double number = -1;
            try {
                number = std::stod(text);
            } catch (const std::exception &) {
            }
            const bool rate = arg == "--error-rate" || arg == "--gone-rate";
            if (number < 0 || (rate && number > 1) || (!rate && number > 86400000)) {
                std::fprintf(stderr, "lucent-sandbox: %s takes %s, not '%s'\n", arg.c_str(),
                             rate ? "a share from 0 to 1" : "a non-negative number", text.c_str());
                return 2;
            }
            if (arg == "--error-rate")
                apiOptions.faults.errorRate = number;
            else if (arg == "--gone-rate")
                apiOptions.faults.goneRate = number;
            else if (arg == "--latency")
                apiOptions.faults.latency = std::chrono::milliseconds(std::int64_t(number));
            else
                apiOptions.faults.dropWatchesAfter = std::chrono::seconds(std::int64_t(number));
        } else if (arg == "--tls") {
            tls = true;
        } else if (arg == "--unadopted") {
            adopted = false;
        } else if (arg == "--speed" || arg == "--seed" || arg == "--log-rate") {
            const std::string text = value(arg.c_str());
            try {
                if (arg == "--speed")
                    speed = std::stod(text);
                else if (arg == "--log-rate")
                    logRate = std::stod(text);
                else
                    seed = std::stoull(text);
            } catch (const std::exception &) {
                std::fprintf(stderr, "lucent-sandbox: %s takes a number, not '%s'\n", arg.c_str(), text.c_str());
                return 2;
            }
            if (logRate <= 0 || logRate > 1000) {
                std::fputs("lucent-sandbox: --log-rate must be above 0 and at most 1000 lines per second\n", stderr);
                return 2;
            }
            if (speed <= 0 || speed > 1000) {
                std::fputs("lucent-sandbox: --speed must be above 0 and at most 1000\n", stderr);
                return 2;
            }
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "lucent-sandbox: unknown option '%s'\n", arg.c_str());
            usage(stderr);
            return 2;
        }
    }

    ObjectStore store(10000, seed);
    // Milliseconds since the epoch: every run's versions lie beyond those of the runs before.
    store.setFirstResourceVersion(std::uint64_t(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count()));
    ClusterClock clock(speed, seed);
    Simulator simulator(store, clock, logRate);
    for (const auto &problem : applyPlatform(store, manifests, adopted))
        std::fprintf(stderr, "lucent-sandbox: %s\n", problem.c_str());
    if (extraPods > 0)
        addExtraPods(store, extraPods, extraPodsNamespace);

    // The deployer may write where mistakes are cheap: the unprotected environments.
    std::vector<std::string> namespaces, deployerNamespaces;
    for (const auto &env : environments()) {
        namespaces.push_back(env.ns);
        if (!env.protectedEnv)
            deployerNamespaces.push_back(env.ns);
    }
    Authenticator authenticator(deployerNamespaces);
    apiOptions.faults.seed = seed;
    ApiServer api(store, apiOptions);
    api.setRuntime(&simulator);
    std::optional<CertificateAuthority> pki;
    std::optional<HttpTransport::Tls> tlsConfig;
    std::optional<Identity> anonymous;
    if (tls) {
        try {
            pki.emplace();
            const KeyPair server = pki->issueServer({"localhost"}, {"127.0.0.1", "::1"});
            tlsConfig = HttpTransport::Tls{server.certificate, server.privateKey, pki->ca().certificate};
            const std::filesystem::path dir = kubeconfigOut.empty()
                ? std::filesystem::current_path()
                : std::filesystem::absolute(kubeconfigOut).parent_path();
            std::filesystem::create_directories(dir);
            if (!writePrivate(dir / "ca.crt", pki->ca().certificate)
                || !writePrivate(dir / "server.crt", server.certificate)
                || !writePrivate(dir / "server.key", server.privateKey)) {
                std::fprintf(stderr, "lucent-sandbox: cannot write the certificates to %s\n", dir.c_str());
                return 1;
            }
        } catch (const std::exception &e) {
            std::fprintf(stderr, "lucent-sandbox: cannot set up TLS: %s\n", e.what());
            return 1;
        }
    } else {
        // Without TLS kubectl sends no credentials, so every caller is the admin (see --help).
        anonymous = Identity{"lucent-admin", {"system:authenticated"}, Identity::Role::Admin, namespaces};
    }
    HttpTransport transport(api, authenticator, anonymous, tlsConfig);
    const int bound = transport.bind(host, port);
    if (bound < 0) {
        std::fprintf(stderr, "lucent-sandbox: cannot listen on %s:%d (in use, or not an address of this machine)\n",
                     host.c_str(), port);
        return 1;
    }
    const std::string server = std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(bound);
    if (!kubeconfigOut.empty()) {
        KubeconfigSpec spec;
        spec.server = server;
        for (const char *user : {"lucent-admin", "lucent-deployer", "lucent-viewer"})
            spec.tokenUsers.emplace_back(user, authenticator.tokenOf(user));
        if (pki) {
            spec.caCertificatePem = pki->ca().certificate;
            const KeyPair client = pki->issueClient("lucent-admin-cert", {"lucent:admins"});
            spec.certificateUser = "lucent-admin-cert";
            spec.clientCertificatePem = client.certificate;
            spec.clientKeyPem = client.privateKey;
        }
        std::string error;
        if (!writeKubeconfig(kubeconfigOut, spec, error)) {
            std::fprintf(stderr, "lucent-sandbox: %s\n", error.c_str());
            return 1;
        }
    }
    AlertmanagerRunner alertmanager;
    PrometheusRunner prometheus;
    if (withPrometheus) {
        PrometheusSpec spec;
        spec.server = server;
        spec.bearerToken = authenticator.tokenOf("lucent-admin");
        spec.caPem = pki ? pki->ca().certificate : std::string();
        spec.speed = speed;
        spec.rulesManifest = (std::filesystem::path(manifests) / "monitoring" / "prometheus-rules.yaml").string();
        std::string dir
            = kubeconfigOut.empty() ? std::string() : std::filesystem::absolute(kubeconfigOut).parent_path().string();
        if (dir.empty()) {
            char pattern[] = "/tmp/lucent-sandbox-prometheus.XXXXXX";
            const char *made = ::mkdtemp(pattern);
            dir = made ? made : "/tmp";
        }
        spec.directory = (std::filesystem::path(dir) / "prometheus").string();
        std::string error;
        // Alertmanager is optional: without it the console simply shows no silences.
        if (AlertmanagerRunner::binary().empty()) {
            std::fprintf(stderr,
                         "lucent-sandbox: no Alertmanager (Debian package 'prometheus-alertmanager'); "
                         "running without silences\n");
        } else if (!alertmanager.start((std::filesystem::path(dir) / "alertmanager").string(), error)) {
            std::fprintf(stderr, "lucent-sandbox: %s\n", error.c_str());
            return 1;
        } else {
            spec.alertmanagerUrl = alertmanager.url();
            std::printf("alertmanager listening on %s\n", alertmanager.url().c_str());
        }
        if (!prometheus.start(spec, error)) {
            std::fprintf(stderr, "lucent-sandbox: %s\n", error.c_str());
            return 1;
        }
        std::printf("prometheus listening on %s (rules: %s)\n", prometheus.url().c_str(),
                    prometheus.rulesFile().c_str());
    }
    if (!projectOut.empty()) {
        std::string error;
        if (!writeProjectFile(projectOut, store, prometheus.url(), alertmanager.url(), error)) {
            std::fprintf(stderr, "lucent-sandbox: %s\n", error.c_str());
            return 1;
        }
    }
    g_transport = &transport;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::printf("lucent-sandbox listening on %s\n", server.c_str());
    std::fflush(stdout);
    simulator.start();
    transport.serve();
    simulator.stop();
    return 0;
}
