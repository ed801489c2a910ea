// lucent-sandbox: a Kubernetes-API-compatible simulated cluster of the Lucent platform.

#include "sandbox/api/apiserver.h"
#include "sandbox/api/httptransport.h"
#include "sandbox/auth/authenticator.h"
#include "sandbox/cluster/platform.h"
#include "sandbox/store/objectstore.h"

#include <csignal>
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
               "  --manifests DIR      the platform manifests to apply at start (default: the built-in ones)\n",
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
    transport.serve();
    return 0;
}
