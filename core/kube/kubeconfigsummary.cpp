#include "core/kube/kubeconfigsummary.h"

#include <yaml-cpp/yaml.h>

namespace Lucent::Core::Kube {

namespace {

std::string s(const QString &value)
{
    return value.toStdString();
}

} // namespace

QString contextSummaryYaml(const Kubeconfig &config, const QString &contextName)
{
    const KubeconfigContext *context = config.context(contextName);
    if (!context)
        return {};

    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << s(context->name);
    out << YAML::Key << "cluster" << YAML::Value << s(context->cluster);
    out << YAML::Key << "user" << YAML::Value << s(context->user);
    out << YAML::Key << "namespace" << YAML::Value
        << (context->namespaceName.isEmpty() ? std::string("default") : s(context->namespaceName));
    out << YAML::Key << "current" << YAML::Value << (config.currentContext == context->name);
    out << YAML::Key << "file" << YAML::Value << s(context->sourceFile);
    out << YAML::EndMap;

    out << YAML::Key << "cluster" << YAML::Value;
    if (const KubeconfigCluster *cluster = config.cluster(context->cluster)) {
        out << YAML::BeginMap;
        out << YAML::Key << "server" << YAML::Value << s(cluster->server);
        out << YAML::Key << "certificate-authority" << YAML::Value
            << (cluster->hasCertificateAuthority ? "configured" : "system trust store");
        out << YAML::Key << "insecure-skip-tls-verify" << YAML::Value << cluster->insecureSkipTlsVerify;
        if (!cluster->tlsServerName.isEmpty())
            out << YAML::Key << "tls-server-name" << YAML::Value << s(cluster->tlsServerName);
        if (!cluster->proxyUrl.isEmpty())
            out << YAML::Key << "proxy-url" << YAML::Value << s(cluster->proxyUrl);
        out << YAML::EndMap;
    } else {
        out << YAML::Null;
        out << YAML::Comment(s(QStringLiteral("cluster '%1' is not defined").arg(context->cluster)));
    }

    out << YAML::Key << "user" << YAML::Value;
    if (const KubeconfigUser *user = config.user(context->user)) {
        out << YAML::BeginMap;
        out << YAML::Key << "authentication" << YAML::Value << YAML::BeginSeq;
        for (AuthMethod method : user->methods)
            out << s(authMethodName(method));
        out << YAML::EndSeq;
        if (!user->execCommand.isEmpty())
            out << YAML::Key << "exec-command" << YAML::Value << s(user->execCommand);
        out << YAML::EndMap;
    } else {
        out << YAML::Null;
    }
    out << YAML::EndMap;
    return QString::fromUtf8(out.c_str());
}

} // namespace Lucent::Core::Kube
