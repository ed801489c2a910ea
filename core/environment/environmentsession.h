#pragma once

#include "core/environment/projectconfig.h"
#include "core/jobs/latestjob.h"
#include "core/kube/apierror.h"
#include "core/kube/clusterconnection.h"
#include "core/kube/kubeconfig.h"

#include <QObject>
#include <QPointer>

namespace Lucent::Core::Kube {
class KubeClient;
class PodMetrics;
class ResourceCache;
} // namespace Lucent::Core::Kube

namespace Lucent::Core::Prometheus {
class AlertPoller;
class AlertmanagerClient;
class PrometheusClient;
class SecretStore;
} // namespace Lucent::Core::Prometheus

namespace Lucent::Core::Audit {
class AuditTrail;
}

namespace Lucent::Core::Environment {

/// One environment's live connection: its client and the watch caches of its namespace.
/// Deleting it cancels every request and watch it started, so a view that switches
/// environments never hears from the old one again.
class EnvironmentSession final : public QObject
{
    Q_OBJECT

public:
    enum class State { Connecting, Connected, Unreachable };
    Q_ENUM(State)
    /// Overview cards need what tells which version serves (Deployments, Services, their
    /// Endpoints and pods); the dashboard needs everything.
    enum class Scope { Serving, Everything };

    EnvironmentSession(Environment environment, Kube::Kubeconfig kubeconfig, Scope scope, QObject *parent = nullptr);
    ~EnvironmentSession() override;
    Q_DISABLE_COPY_MOVE(EnvironmentSession)

    /// Resolves the context's credentials off the GUI thread, then starts the caches.
    void start();

    const Environment &environment() const { return m_environment; }
    State state() const { return m_state; }
    QString problem() const { return m_problem; }
    QString userName() const { return m_userName; }
    const Kube::Kubeconfig &kubeconfig() const { return m_kubeconfig; }
    /// A sentence when the kubeconfig switches TLS verification off for this environment's
    /// cluster (insecure-skip-tls-verify); empty when the server's certificate is verified.
    QString tlsWarning() const;

    /// Null until ready().
    Kube::KubeClient *client() const { return m_client; }
    Kube::ResourceCache *deployments() const { return m_deployments; }
    Kube::ResourceCache *replicaSets() const { return m_replicaSets; }
    Kube::ResourceCache *pods() const { return m_pods; }
    Kube::ResourceCache *services() const { return m_services; }
    Kube::ResourceCache *endpoints() const { return m_endpoints; }
    Kube::ResourceCache *events() const { return m_events; }
    /// The pods' CPU and memory from metrics.k8s.io (Everything scope only); it says itself
    /// when the cluster serves none.
    Kube::PodMetrics *podMetrics() const { return m_podMetrics; }
    /// The namespace's promotion Lease (lucent-promotion) and its journal: what promotion is
    /// under way. Not part of the session's state: a user who may not read Leases still sees
    /// the rest.
    Kube::ResourceCache *promotionLease() const { return m_promotionLease; }
    /// The environment's alerts; null when it names no Prometheus.
    Prometheus::AlertPoller *alerts() const { return m_alerts; }
    Prometheus::PrometheusClient *prometheus() const { return m_prometheus; }
    /// Silences; null when the environment names no Alertmanager.
    Prometheus::AlertmanagerClient *alertmanager() const { return m_alertmanager; }
    /// Where every change made in this environment is recorded (audit.jsonl and Events).
    Audit::AuditTrail *audit() const { return m_audit; }
    /// A bearer token for Prometheus and Alertmanager (they usually sit behind one proxy).
    void setPrometheusToken(const QByteArray &token);
    /// The keychain entry of this environment's Prometheus bearer token.
    QString prometheusSecretKey() const { return QStringLiteral("prometheus/") + m_environment.name; }

Q_SIGNALS:
    /// The client and caches exist (the caches are still listing).
    void ready();
    void stateChanged(Lucent::Core::Environment::EnvironmentSession::State state);

private:
    void setState(State state, const QString &problem = {});
    void onConnection(const QVariant &connection, const QString &error);
    Kube::ResourceCache *addCache(const QString &resource);

    Environment m_environment;
    Kube::Kubeconfig m_kubeconfig;
    Scope m_scope;
    State m_state = State::Connecting;
    QString m_problem;
    QString m_userName;
    Kube::KubeClient *m_client = nullptr;
    Kube::ResourceCache *m_deployments = nullptr;
    Kube::ResourceCache *m_replicaSets = nullptr;
    Kube::ResourceCache *m_pods = nullptr;
    Kube::ResourceCache *m_services = nullptr;
    Kube::ResourceCache *m_endpoints = nullptr;
    Kube::ResourceCache *m_events = nullptr;
    Kube::PodMetrics *m_podMetrics = nullptr;
    Kube::ResourceCache *m_promotionLease = nullptr;
    Prometheus::PrometheusClient *m_prometheus = nullptr;
    Prometheus::AlertPoller *m_alerts = nullptr;
    Prometheus::AlertmanagerClient *m_alertmanager = nullptr;
    Prometheus::SecretStore *m_secrets = nullptr;
    Audit::AuditTrail *m_audit = nullptr;
    struct ResolvedConnection {
        std::optional<Kube::ClusterConnection> connection;
        QString error;
    };
    Jobs::LatestJob<ResolvedConnection> m_resolve{this};
};

} // namespace Lucent::Core::Environment
