#include "sandbox/cluster/platform.h"

#include "sandbox/api/defaults.h"
#include "sandbox/api/managedfields.h"
#include "sandbox/api/resourcetypes.h"
#include "sandbox/api/yamljson.h"
#include "sandbox/auth/certificates.h"
#include "sandbox/store/objectstore.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

namespace lucent::sandbox {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> readFile(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

struct Document {
    fs::path file;
    nlohmann::json object;
};

// Reads every document of @p file; a broken file is a problem, not a crash.
std::vector<Document> readDocuments(const fs::path &file, std::vector<std::string> &problems)
{
    const auto text = readFile(file);
    if (!text) {
        problems.push_back("cannot read " + file.string());
        return {};
    }
    std::string why;
    const auto docs = yamlDocumentsToJson(*text, why);
    if (!docs) {
        problems.push_back(file.string() + ": " + why);
        return {};
    }
    std::vector<Document> out;
    for (const auto &doc : *docs) {
        if (doc.is_object())
            out.push_back({file, doc});
    }
    return out;
}

struct Kustomization {
    fs::path dir;
    std::string ns;
    std::vector<fs::path> resources; ///< normalized paths
};

std::optional<Kustomization> readKustomization(const fs::path &dir, std::vector<std::string> &problems)
{
    const fs::path file = dir / "kustomization.yaml";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return std::nullopt;
    auto docs = readDocuments(file, problems);
    if (docs.size() != 1)
        return std::nullopt;
    Kustomization k;
    k.dir = dir;
    for (const auto &[key, value] : docs.front().object.items()) {
        if (key == "namespace" && value.is_string()) {
            k.ns = value.get<std::string>();
        } else if (key == "resources" && value.is_array()) {
            for (const auto &entry : value) {
                if (entry.is_string())
                    k.resources.push_back((dir / entry.get<std::string>()).lexically_normal());
            }
        } else if (key != "apiVersion" && key != "kind") {
            problems.push_back(file.string() + ": the sandbox does not support the kustomization field '" + key
                               + "'; only namespace and resources");
        }
    }
    return k;
}

// The files a kustomization includes, through the directories it lists.
void collectFiles(const Kustomization &k, std::vector<fs::path> &files, std::vector<std::string> &problems,
                  int depth = 0)
{
    for (const auto &resource : k.resources) {
        std::error_code ec;
        if (fs::is_directory(resource, ec)) {
            const auto inner = readKustomization(resource, problems);
            if (!inner)
                problems.push_back(resource.string() + " is listed as a resource but has no kustomization.yaml");
            else if (depth < 8)
                collectFiles(*inner, files, problems, depth + 1);
        } else {
            files.push_back(resource);
        }
    }
}

// The colour a promotion would adopt a git Service into: its selector has no color, and every
// Deployment of @p docs whose pods it selects carries the same color label. Empty otherwise.
std::string adoptionColour(const nlohmann::json &service, const std::vector<Document> &docs)
{
    if (service.value("kind", "") != "Service")
        return {};
    const nlohmann::json selector = service.value("/spec/selector"_json_pointer, nlohmann::json::object());
    if (!selector.is_object() || selector.empty() || selector.contains("color"))
        return {};
    std::string colour;
    for (const auto &doc : docs) {
        if (doc.object.value("kind", "") != "Deployment")
            continue;
        const nlohmann::json labels
            = doc.object.value("/spec/template/metadata/labels"_json_pointer, nlohmann::json::object());
        const bool selected = std::all_of(selector.items().begin(), selector.items().end(), [&](const auto &item) {
            return labels.is_object() && labels.contains(item.key()) && labels[item.key()] == item.value();
        });
        if (!selected)
            continue;
        const std::string own = labels.value("color", "");
        if (own.empty() || (!colour.empty() && own != colour))
            return {};
        colour = own;
    }
    return colour;
}

void applyObject(ObjectStore &store, const Document &doc, const std::string &ns, std::vector<std::string> &problems,
                 const std::string &adoptColour = {})
{
    const ResourceType *type = findKind(doc.object.value("apiVersion", ""), doc.object.value("kind", ""));
    if (!type) {
        problems.push_back(doc.file.string() + ": the sandbox does not serve " + doc.object.value("apiVersion", "?")
                           + " " + doc.object.value("kind", "?"));
        return;
    }
    nlohmann::json object = doc.object;
    applyDefaults(type->kind, object); // as the API server would on a create
    const std::string target = type->namespaced ? (ns.empty() ? "default" : ns) : "";
    if (type->namespaced)
        object["metadata"]["namespace"] = target;
    // As a deploy pipeline's `kubectl apply` leaves them: owned by kubectl's client-side apply,
    // so that a server-side apply that changes a value meets a real conflict.
    managedfields::recordUpdate(type->kind, type->apiVersion(), nlohmann::json(), object, "kubectl-client-side-apply",
                                nowTimestamp());
    if (!adoptColour.empty()) {
        // As the console leaves a Service it adopted into blue-green at its first promotion: the
        // colour in its selector, written by the promotion's own field manager.
        const nlohmann::json applied = object;
        object["spec"]["selector"]["color"] = adoptColour;
        managedfields::recordUpdate(type->kind, type->apiVersion(), applied, object, "lucent-promotion",
                                    nowTimestamp());
    }
    auto result = store.create(*type, target, object, false);
    if (auto e = std::get_if<ApiError>(&result))
        problems.push_back(doc.file.string() + ": " + e->message);
}

// Fills a Secret template's empty values, as the deploy pipeline fills them from its store.
void fillSecretTemplate(nlohmann::json &secret, std::mt19937_64 &random)
{
    if (secret.value("kind", "") != "Secret" || !secret.contains("data") || !secret["data"].is_object())
        return;
    for (auto &[key, value] : secret["data"].items()) {
        if (!value.is_string() || !value.get<std::string>().empty())
            continue;
        // A password as an operator would generate one: 24 letters and digits.
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::string raw(24, '\0');
        for (auto &c : raw)
            c = alphabet[random() % (sizeof alphabet - 1)];
        value = base64(raw);
    }
}

} // namespace

const std::vector<Environment> &environments()
{
    static const std::vector<Environment> envs{{"staging", "lucent-staging", false},
                                               {"production", "lucent-platform", true}};
    return envs;
}

namespace {

// The three nodes the simulated kubelet places pods on (sandbox-node-1..3): what `kubectl get
// nodes` and `kubectl top nodes` read. Their status is fixed: the sandbox simulates no node
// failures.
void addNodes(ObjectStore &store)
{
    const ResourceType *nodes = findResource("", "v1", "nodes");
    for (int i = 1; i <= 3; ++i) {
        const std::string name = "sandbox-node-" + std::to_string(i);
        const nlohmann::json resources
            = {{"cpu", "4"}, {"memory", "16Gi"}, {"pods", "110"}, {"ephemeral-storage", "100Gi"}};
        nlohmann::json allocatable = resources;
        allocatable["cpu"] = "3800m";
        allocatable["memory"] = "15Gi";
        nlohmann::json node
            = {{"metadata",
                {{"name", name},
                 {"labels",
                  {{"kubernetes.io/hostname", name},
                   {"kubernetes.io/os", "linux"},
                   {"kubernetes.io/arch", "amd64"},
                   {"topology.kubernetes.io/zone", "sandbox-" + std::string(1, char('a' + i - 1))}}}}},
               {"spec", {{"podCIDR", "10.244." + std::to_string(i) + ".0/24"}}},
               {"status",
                {{"capacity", resources},
                 {"allocatable", allocatable},
                 {"conditions",
                  nlohmann::json::array({{{"type", "Ready"},
                                          {"status", "True"},
                                          {"reason", "KubeletReady"},
                                          {"message", "kubelet is posting ready status"}}})},
                 {"addresses",
                  nlohmann::json::array({{{"type", "InternalIP"}, {"address", "172.18.0." + std::to_string(i)}},
                                         {{"type", "Hostname"}, {"address", name}}})},
                 {"nodeInfo",
                  {{"kubeletVersion", "v1.32.0-lucent-sandbox"},
                   {"containerRuntimeVersion", "lucent-sandbox://1"},
                   {"operatingSystem", "linux"},
                   {"architecture", "amd64"},
                   {"osImage", "Lucent sandbox"}}}}}};
        store.create(*nodes, "", node, false);
    }
}

} // namespace

std::vector<std::string> applyPlatform(ObjectStore &store, const std::string &manifestsDir, bool adopted)
{
    std::vector<std::string> problems;
    addNodes(store);
    const fs::path root = fs::path(manifestsDir).lexically_normal();
    std::vector<Kustomization> all;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(root, ec)) {
        if (entry.is_directory()) {
            if (auto k = readKustomization(entry.path().lexically_normal(), problems))
                all.push_back(*k);
        }
    }
    if (ec)
        problems.push_back("cannot list " + root.string() + ": " + ec.message());
    std::vector<Kustomization> roots;
    for (const auto &k : all) {
        const bool included = std::any_of(all.begin(), all.end(), [&](const Kustomization &other) {
            return std::find(other.resources.begin(), other.resources.end(), k.dir) != other.resources.end();
        });
        if (!included)
            roots.push_back(k);
    }
    std::sort(roots.begin(), roots.end(), [](const auto &a, const auto &b) { return a.dir < b.dir; });
    if (roots.empty())
        problems.push_back(root.string() + " has no kustomization to apply (expected e.g. staging/kustomization.yaml)");

    std::mt19937_64 random{std::random_device{}()};
    for (const auto &k : roots) {
        std::vector<fs::path> files;
        collectFiles(k, files, problems);
        for (const auto &entry : fs::directory_iterator(k.dir, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.size() > 14 && name.compare(name.size() - 14, 14, ".template.yaml") == 0)
                files.push_back(entry.path().lexically_normal());
        }
        std::vector<Document> docs;
        for (const auto &file : files) {
            for (auto &doc : readDocuments(file, problems)) {
                fillSecretTemplate(doc.object, random);
                docs.push_back(std::move(doc));
            }
        }
        // Namespaces before what goes into them.
        std::stable_partition(docs.begin(), docs.end(),
                              [](const Document &d) { return d.object.value("kind", "") == "Namespace"; });
        for (const auto &doc : docs)
            applyObject(store, doc, k.ns, problems, adopted ? adoptionColour(doc.object, docs) : std::string());
    }
    return problems;
}

void addExtraPods(ObjectStore &store, int count, const std::string &ns)
{
    const ResourceType *namespaces = findResource("", "v1", "namespaces");
    const ResourceType *pods = findResource("", "v1", "pods");
    if (std::holds_alternative<ApiError>(store.get(*namespaces, "", ns)))
        store.create(*namespaces, "", {{"metadata", {{"name", ns}, {"labels", {{"lucent.com/environment", "load"}}}}}},
                     false);
    for (int i = 0; i < count; ++i) {
        const std::string shard = std::to_string(i % 50);
        nlohmann::json pod
            = {{"metadata",
                {{"name", "load-" + std::to_string(i)}, {"labels", {{"app", "load-generator"}, {"shard", shard}}}}},
               {"spec",
                {{"containers",
                  nlohmann::json::array({{{"name", "load-generator"},
                                          {"image", "lucent/load-generator:1.0.0"},
                                          {"ports", nlohmann::json::array({{{"containerPort", 8080}}})},
                                          {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "32Mi"}}}}}}})},
                 {"restartPolicy", "Always"}}}};
        applyDefaults("Pod", pod);
        store.create(*pods, ns, pod, false);
    }
}

bool writeKubeconfig(const std::string &path, const KubeconfigSpec &spec, std::string &error)
{
    const std::string contextUser = spec.tokenUsers.empty() ? spec.certificateUser : spec.tokenUsers.front().first;
    YAML::Emitter out;
    out << YAML::Comment("lucent-sandbox kubeconfig. Contexts use " + contextUser
                         + ". Switch a context's user to\n"
                           "lucent-deployer (patch/update deployments and services, create/delete deployments, in\n"
                           "lucent-staging only) or\n"
                           "lucent-viewer (read-only, no secrets) to try the RBAC. Over plain HTTP kubectl sends no\n"
                           "credentials and every caller is the admin; start the sandbox with --tls for real checks.");
    out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1" << YAML::Key << "kind" << YAML::Value
        << "Config";
    out << YAML::Key << "current-context" << YAML::Value << environments().front().name;
    out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "name"
        << YAML::Value << "lucent-sandbox" << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap << YAML::Key
        << "server" << YAML::Value << spec.server;
    if (!spec.caCertificatePem.empty())
        out << YAML::Key << "certificate-authority-data" << YAML::Value << base64(spec.caCertificatePem);
    out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
    out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
    for (const auto &[user, token] : spec.tokenUsers) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << user << YAML::Key << "user" << YAML::Value
            << YAML::BeginMap << YAML::Key << "token" << YAML::Value << token << YAML::EndMap << YAML::EndMap;
    }
    if (!spec.certificateUser.empty()) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << spec.certificateUser << YAML::Key << "user"
            << YAML::Value << YAML::BeginMap << YAML::Key << "client-certificate-data" << YAML::Value
            << base64(spec.clientCertificatePem) << YAML::Key << "client-key-data" << YAML::Value
            << base64(spec.clientKeyPem) << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
    for (const auto &env : environments()) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << env.name << YAML::Key << "context" << YAML::Value
            << YAML::BeginMap << YAML::Key << "cluster" << YAML::Value << "lucent-sandbox" << YAML::Key << "user"
            << YAML::Value << contextUser << YAML::Key << "namespace" << YAML::Value << env.ns << YAML::EndMap
            << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;

    // The file holds tokens: owner-only from the first byte on.
    const fs::path target(path);
    std::error_code ec;
    if (target.has_parent_path())
        fs::create_directories(target.parent_path(), ec);
    const fs::path temporary = target.string() + ".tmp";
    {
        std::ofstream file(temporary, std::ios::trunc);
        if (!file) {
            error = "cannot write " + temporary.string();
            return false;
        }
        fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write, ec);
        file << out.c_str() << "\n";
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        error = "cannot move the kubeconfig into place at " + path + ": " + ec.message();
        return false;
    }
    return true;
}

bool writeProjectFile(const std::string &path, const ObjectStore &store, const std::string &prometheusUrl,
                      const std::string &alertmanagerUrl, std::string &error)
{
    std::vector<std::string> services;
    const ResourceType *deployments = findResource("apps", "v1", "deployments");
    auto page = store.list(*deployments, environments().front().ns, [](const json &) { return true; }, 0, {});
    if (auto *listed = std::get_if<ListPage>(&page)) {
        // The platform's services; data stores (Redis) are Deployments too but not released.
        for (const json &d : listed->items) {
            if (d["metadata"].value("labels", json::object()).value("tier", "") != "data")
                services.push_back(d["metadata"].value("name", ""));
        }
    }
    YAML::Emitter out;
    out << YAML::Comment("lucent-sandbox project file: the console's environments, one per kubeconfig context.");
    out << YAML::BeginMap << YAML::Key << "environments" << YAML::Value << YAML::BeginSeq;
    for (const auto &env : environments()) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << env.name << YAML::Key << "context" << YAML::Value
            << env.name << YAML::Key << "namespace" << YAML::Value << env.ns;
        if (!prometheusUrl.empty())
            out << YAML::Key << "prometheus" << YAML::Value << prometheusUrl;
        if (!alertmanagerUrl.empty())
            out << YAML::Key << "alertmanager" << YAML::Value << alertmanagerUrl;
        out << YAML::Key << "protected" << YAML::Value << env.protectedEnv << YAML::Key << "services" << YAML::Value
            << YAML::Flow << services << YAML::EndMap;
    }
    out << YAML::EndSeq;
    // Promotions in the demo create preview Services and run the repository's smoke test.
    out << YAML::Key << "promotion" << YAML::Value << YAML::BeginMap << YAML::Key << "preview" << YAML::Value << true
        << YAML::Key << "smokeTest" << YAML::Value << YAML::Flow << std::vector<std::string>{"./smoke-test.sh"}
        << YAML::Key << "smokeTestTimeoutSeconds" << YAML::Value << 60 << YAML::EndMap;
    out << YAML::EndMap;
    const std::filesystem::path script = std::filesystem::path(path).parent_path() / "smoke-test.sh";
    {
        std::ofstream smoke(script, std::ios::trunc);
        smoke << smokeTestScript();
        if (!smoke) {
            error = "cannot write the smoke test " + script.string();
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::permissions(script,
                                 std::filesystem::perms::owner_all | std::filesystem::perms::group_read
                                     | std::filesystem::perms::group_exec | std::filesystem::perms::others_read
                                     | std::filesystem::perms::others_exec,
                                 ec);
    std::ofstream file(path, std::ios::trunc);
    if (!file) {
        error = "cannot write the project file " + path;
        return false;
    }
    file << out.c_str() << "\n";
    return bool(file);
}

} // namespace lucent::sandbox
