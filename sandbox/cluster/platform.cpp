#include "sandbox/cluster/platform.h"

#include "sandbox/api/defaults.h"
#include "sandbox/api/resourcetypes.h"
#include "sandbox/api/yamljson.h"
#include "sandbox/auth/certificates.h"
#include "sandbox/store/objectstore.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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

void applyFile(ObjectStore &store, const fs::path &file, const std::string &ns, std::vector<std::string> &problems)
{
    const auto text = readFile(file);
    if (!text) {
        problems.push_back("cannot read " + file.string());
        return;
    }
    std::string why;
    const auto docs = yamlDocumentsToJson(*text, why);
    if (!docs) {
        problems.push_back(file.string() + ": " + why);
        return;
    }
    for (const auto &doc : *docs) {
        const ResourceType *type = findKind(doc.value("apiVersion", ""), doc.value("kind", ""));
        if (!type) {
            problems.push_back(file.string() + ": the sandbox does not serve " + doc.value("apiVersion", "?") + " "
                               + doc.value("kind", "?"));
            continue;
        }
        nlohmann::json object = doc;
        applyDefaults(type->kind, object); // as the API server would on a create
        auto result = store.create(*type, type->namespaced ? ns : "", object, false);
        if (auto e = std::get_if<ApiError>(&result))
            problems.push_back(file.string() + ": " + e->message);
    }
}

} // namespace

const std::vector<Environment> &environments()
{
    static const std::vector<Environment> envs{{"staging", "lucent-staging", false},
                                               {"production", "lucent-platform", true}};
    return envs;
}

std::vector<std::string> applyPlatform(ObjectStore &store, const std::string &manifestsDir)
{
    std::vector<std::string> problems;
    const fs::path root(manifestsDir);
    applyFile(store, root / "namespaces.yaml", "", problems);
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(root / "platform", ec)) {
        if (entry.path().extension() == ".yaml")
            files.push_back(entry.path());
    }
    if (ec)
        problems.push_back("cannot list " + (root / "platform").string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto &env : environments()) {
        for (const auto &file : files)
            applyFile(store, file, env.ns, problems);
    }
    return problems;
}

void addExtraPods(ObjectStore &store, int count)
{
    const ResourceType *namespaces = findResource("", "v1", "namespaces");
    const ResourceType *pods = findResource("", "v1", "pods");
    store.create(*namespaces, "",
                 {{"metadata", {{"name", "lucent-load"}, {"labels", {{"lucent.com/environment", "load"}}}}}}, false);
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
        store.create(*pods, "lucent-load", pod, false);
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
        for (const json &d : listed->items)
            services.push_back(d["metadata"].value("name", ""));
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
    out << YAML::EndSeq << YAML::EndMap;
    std::ofstream file(path, std::ios::trunc);
    if (!file) {
        error = "cannot write the project file " + path;
        return false;
    }
    file << out.c_str() << "\n";
    return bool(file);
}

} // namespace lucent::sandbox
