#pragma once

#include "core/commandline/commandline.h"
#include "core/environment/projectconfig.h"
#include "core/kube/clusterconnection.h"
#include "core/kube/kubeconfig.h"
#include "core/release/projectpromotion.h"

#include <QJsonObject>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

namespace Lucent::Core::Kube {
class KubeClient;
class ResourceType;
} // namespace Lucent::Core::Kube

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Core::Release {
class PromotionEngine;
struct PromotionOptions;
} // namespace Lucent::Core::Release

// What the headless promotion commands share: the environment and its cluster, the
// confirmation, the progress lines and running an engine to its exit code.
namespace Lucent::Core::PromotionSupport {

/// Prints progress as lines with a time, or as JSON lines for CI logs.
class Printer
{
public:
    Printer(std::FILE *out, bool json)
        : m_out(out)
        , m_json(json)
    {
    }
    void line(const QString &event, const QString &text) const;
    bool isJson() const { return m_json; }

private:
    std::FILE *m_out;
    bool m_json;
};

/// Writes @p sentence to @p err and returns @p code.
int fail(std::FILE *err, int code, const QString &sentence);

struct Target {
    Environment::Environment environment;
    Kube::Kubeconfig kubeconfig;
    Kube::ClusterConnection connection;
    Environment::PromotionSettings promotion; ///< lucent.yaml's promotion: section
    QString projectDirectory; ///< where lucent.yaml is: the smoke test runs there
    QStringList kubeconfigFiles; ///< the files the kubeconfig came from, for the smoke test

    /// user@host: who holds the promotion lock.
    QString identity() const;
    QString user() const;
    /// What the shared promotion setup (projectpromotion.h) needs of it.
    Release::PromotionTarget promotionTarget() const;
};

/// The environment named on the command line and a connection to its cluster.
std::optional<Target> resolveEnvironment(const CommandLine &options, QString *problem);

/// A sentence refusing the change when the environment's confirmation is missing (a protected
/// environment's name typed with --confirm; --yes elsewhere); empty when confirmed.
QString missingConfirmation(const Environment::Environment &environment, const CommandLine &options,
                            const QString &verb);

/// The engine's options: the project's promotion settings, then what the command line says
/// (its --monitor and --scale-down-delay win when given).
Release::PromotionOptions engineOptions(const Target &target, const CommandLine &options);

/// The environment's Prometheus for the analysis (none when it names none or the analysis is
/// off), with the bearer token from --prometheus-token-file or $LUCENT_PROMETHEUS_TOKEN (never
/// printed or written anywhere). @p problem says why a token file could not be read.
std::unique_ptr<Prometheus::PrometheusClient> prometheusFor(const Target &target, const CommandLine &options,
                                                            QString *problem);

/// Lists @p type in @p ns, waiting: the command has nothing else to do meanwhile.
QList<QJsonObject> listNow(Kube::KubeClient &client, const Kube::ResourceType &type, const QString &ns, QString *error);

/// The namespace's promotion Lease; an empty object when there is none (@p error unset) or it
/// could not be read (@p error set).
QJsonObject leaseNow(Kube::KubeClient &client, const QString &ns, QString *error);

/// Runs @p start on @p engine and its event loop until it finishes, printing each step and
/// progress line; Ctrl+C or SIGTERM aborts (rolls back). The promote exit code.
int runEngine(Release::PromotionEngine &engine, const Printer &print, const std::function<void()> &start);

} // namespace Lucent::Core::PromotionSupport
