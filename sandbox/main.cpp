// lucent-sandbox: a Kubernetes-API-compatible simulated cluster of the Lucent platform.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/httptransport.h"
#include "sandbox/auth/authenticator.h"
#include "sandbox/cluster/clusterclock.h"
#include "sandbox/cluster/platform.h"
#include "sandbox/cluster/simulator.h"
#include "sandbox/store/objectstore.h"

#include <csignal>
#include <random>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace {

lucent::sandbox::HttpTransport *g_transport = nullptr;

void onSignal(int)
{
    if (g_transport)
        g_transport->stop();
}

void usage(FILE *to)
{
    std::fputs("usage: lucent-sandbox [--port N] [--host ADDRESS] [--kubeconfig-out FILE] [--manifests DIR]\n"
               "  --port N             listen on port N (default 0: a free port, printed at start)\n"
               "  --host ADDRESS       listen address (default 127.0.0.1)\n"
               "  --kubeconfig-out F   write a kubeconfig with a context per environment to F\n"
               "  --manifests DIR      the platform manifests to apply at start (default: the built-in ones)\n"
               "  --speed X            run simulated time X times faster (probe delays, back-off, deadlines)\n"
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
    std::string manifests = LUCENT_SANDBOX_MANIFESTS_DIR;
    double speed = 1.0;
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
        } else if (arg == "--manifests") {
            manifests = value("--manifests");
        } else if (arg == "--speed" || arg == "--seed") {
            const std::string text = value(arg.c_str());
            try {
                if (arg == "--speed")
                    speed = std::stod(text);
                else
                    seed = std::stoull(text);
            } catch (const std::exception &) {
                std::fprintf(stderr, "lucent-sandbox: %s takes a number, not '%s'\n", arg.c_str(), text.c_str());
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

    ObjectStore store;
    ClusterClock clock(speed, seed);
    Simulator simulator(store, clock);
    for (const auto &problem : applyPlatform(store, manifests))
        std::fprintf(stderr, "lucent-sandbox: %s\n", problem.c_str());

    std::vector<std::string> namespaces;
    for (const auto &env : environments())
        namespaces.push_back(env.ns);
    Authenticator authenticator(namespaces);
    ApiServer api(store);
    // Without TLS kubectl sends no credentials, so every caller is the admin (see --help).
    Identity insecureAdmin{"lucent-admin", {"system:authenticated"}, Identity::Role::Admin, namespaces};
    HttpTransport transport(api, authenticator, insecureAdmin);
    const int bound = transport.bind(host, port);
    if (bound < 0) {
        std::fprintf(stderr, "lucent-sandbox: cannot listen on %s:%d (in use, or not an address of this machine)\n", host.c_str(), port);
        return 1;
    }
    const std::string server = "http://" + host + ":" + std::to_string(bound);
    if (!kubeconfigOut.empty()) {
        std::string error;
        if (!writeKubeconfig(kubeconfigOut, server, authenticator.tokenOf("lucent-admin"), authenticator.tokenOf("lucent-deployer"),
                             authenticator.tokenOf("lucent-viewer"), error)) {
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
