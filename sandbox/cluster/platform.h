#pragma once

#include "sandbox/store/objectstore.h"

#include <string>
#include <vector>

namespace lucent::sandbox {

class ObjectStore;

/// The environments the sandbox simulates: a context name and the namespace it works in.
struct Environment {
    std::string name; ///< "staging", "production"
    std::string ns; ///< "lucent-staging", "lucent-platform"
    bool protectedEnv = false;
};

const std::vector<Environment> &environments();

/// Applies the kustomizations in @p manifestsDir's subdirectories that no other one includes
/// (staging, production, monitoring), as 'kubectl apply -k' would: their resources (files, and
/// directories with a kustomization) in their namespace, Namespaces first. The sandbox reads
/// the kustomization fields 'namespace' and 'resources' and names any other as a problem.
/// Secret templates (*.template.yaml) next to a kustomization are applied too, their empty
/// values filled with random ones, as a deploy pipeline would from its secret store.
/// With @p adopted, each Service whose selector has no color but whose Deployments all carry one
/// selects it, written by the field manager lucent-promotion: the platform as the console leaves
/// it after adopting its services into blue-green. Without, as git alone leaves a new cluster.
/// Returns a sentence per problem (an unreadable file, an unknown kind, a rejected object).
std::vector<std::string> applyPlatform(ObjectStore &store, const std::string &manifestsDir, bool adopted = true);

/// Adds @p count standalone pods of the simulated load-generator service to namespace @p ns
/// (created when missing; lucent-load unless asked otherwise), for scale tests.
void addExtraPods(ObjectStore &store, int count, const std::string &ns = "lucent-load");

/// What the written kubeconfig says.
struct KubeconfigSpec {
    std::string server;
    std::string caCertificatePem; ///< empty for plain HTTP
    std::vector<std::pair<std::string, std::string>> tokenUsers; ///< user name, token; the first is the contexts' user
    std::string certificateUser; ///< a user authenticating with the client certificate below, if any
    std::string clientCertificatePem;
    std::string clientKeyPem;
};

/// Writes a kubeconfig (mode 0600: it holds credentials) with one context per environment.
bool writeKubeconfig(const std::string &path, const KubeconfigSpec &spec, std::string &error);

/// The repository's scripts/smoke-test.sh, compiled in.
const char *smokeTestScript();

/// Writes the console's project file (lucent.yaml) for the sandbox's environments, whose
/// contexts writeKubeconfig() names alike: staging, and production (protected). The
/// services are the Deployments of the platform's manifests. Promotions get a preview and the
/// repository's smoke test, written as smoke-test.sh next to the file.
bool writeProjectFile(const std::string &path, const ObjectStore &store, const std::string &prometheusUrl,
                      const std::string &alertmanagerUrl, std::string &error);

} // namespace lucent::sandbox
