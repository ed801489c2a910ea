#include "core/environment/environmentsession.h"

#include "core/audit/audittrail.h"
#include "core/kube/clusterconnection.h"
#include "core/kube/kubeclient.h"
#include "core/kube/podmetrics.h"
#include "core/kube/resourcecache.h"
#include "core/prometheus/alertmanager.h"
#include "core/prometheus/alertpoller.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/secretstore.h"

namespace Lucent::Core::Environment {

using Kube::ResourceCache;
using Kube::ResourceType;

QString EnvironmentSession::tlsWarning() const
{
    const Kube::KubeconfigContext *context = m_kubeconfig.context(m_environment.context);
    const Kube::KubeconfigCluster *cluster = context ? m_kubeconfig.cluster(context->cluster) : nullptr;
    if (!cluster || !cluster->insecureSkipTlsVerify)
        return {};
    return QStringLiteral("TLS verification is off for %1 (insecure-skip-tls-verify in the kubeconfig): anyone "
                          "between this machine and %2 can read and change what the console sends and sees, tokens "
                          "included. Give the cluster its certificate-authority instead.")
        .arg(m_environment.name, cluster->server);
}

EnvironmentSession::EnvironmentSession(Environment environment, Kube::Kubeconfig kubeconfig, Scope scope,
                                       QObject *parent)
    : QObject(parent)
    , m_environment(std::move(environment))
    , m_kubeconfig(std::move(kubeconfig))
    , m_scope(scope)
    , m_audit(new Audit::AuditTrail(m_environment.context, Audit::AuditLog(), this))
{
    // The namespace, when lucent.yaml leaves it out, is the context's (as kubectl's): known
    // now, so that alerts are scoped to this environment from the first answer.
    if (m_environment.namespaceName.isEmpty()) {
        const Kube::KubeconfigContext *context = m_kubeconfig.context(m_environment.context);
        m_environment.namespaceName
            = context && !context->namespaceName.isEmpty() ? context->namespaceName : QStringLiteral("default");
    }
    // Alerts do not depend on the cluster connection: Prometheus may answer when the API
    // server does not, and the other way round.
    if (!m_environment.prometheusUrl.isEmpty()) {
        m_prometheus = new Prometheus::PrometheusClient(QUrl(m_environment.prometheusUrl), {}, this);
        m_alerts = new Prometheus::AlertPoller(m_prometheus, 5000, this);
        m_alerts->setScope(m_environment.alertScope());
    }
    if (!m_environment.alertmanagerUrl.isEmpty())
        m_alertmanager = new Prometheus::AlertmanagerClient(QUrl(m_environment.alertmanagerUrl), this);
}

EnvironmentSession::~EnvironmentSession() = default;

void EnvironmentSession::setPrometheusToken(const QByteArray &token)
{
    if (m_prometheus)
        m_prometheus->setAuth({token, {}, {}});
    if (m_alertmanager)
        m_alertmanager->setAuth({token, {}, {}});
}

void EnvironmentSession::setState(State state, const QString &problem)
{
    m_problem = problem;
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void EnvironmentSession::start()
{
    if (m_alerts || m_alertmanager) {
        // A token for Prometheus (and its Alertmanager), if one was stored for this environment; polls start at
        // once and carry it from the moment it is read.
        m_secrets = new Prometheus::SecretStore(this);
        connect(m_secrets, &Prometheus::SecretStore::readFinished, this,
                [this](const QString &, const QByteArray &secret) {
                    if (!secret.isEmpty())
                        setPrometheusToken(secret);
                });
        m_secrets->read(prometheusSecretKey());
        if (m_alerts)
            m_alerts->start();
    }
    // Reading certificate and token files is I/O: not on the GUI thread. Deleting the session
    // cancels it.
    m_resolve.start(
        [config = m_kubeconfig, context = m_environment.context](QPromise<ResolvedConnection> &promise) {
            ResolvedConnection resolved;
            resolved.connection = Kube::ConnectionResolver::resolve(config, context, &resolved.error);
            promise.addResult(resolved);
        },
        [this](const ResolvedConnection &resolved) {
            onConnection(resolved.connection ? QVariant::fromValue(*resolved.connection) : QVariant(), resolved.error);
        });
}

void EnvironmentSession::onConnection(const QVariant &connection, const QString &error)
{
    if (!connection.isValid()) {
        setState(State::Unreachable, error);
        return;
    }
    Kube::ClusterConnection resolved = connection.value<Kube::ClusterConnection>();
    if (const Kube::KubeconfigContext *context = m_kubeconfig.context(m_environment.context))
        m_userName = context->user;
    m_client = new Kube::KubeClient(resolved, this);
    m_audit->attach(m_client, m_userName);
    m_deployments = addCache(QStringLiteral("deployments"));
    m_pods = addCache(QStringLiteral("pods"));
    m_services = addCache(QStringLiteral("services"));
    m_endpoints = addCache(QStringLiteral("endpoints"));
    if (m_scope == Scope::Everything) {
        m_replicaSets = addCache(QStringLiteral("replicasets"));
        m_events = addCache(QStringLiteral("events"));
        m_podMetrics = new Kube::PodMetrics(m_client, m_environment.namespaceName, this);
    }
    // Connected once every cache holds a complete list; a failure of any makes it unreachable
    // until that cache syncs again.
    const QList<ResourceCache *> caches = findChildren<ResourceCache *>();
    for (ResourceCache *cache : caches) {
        connect(cache, &ResourceCache::synced, this, [this, caches] {
            if (std::all_of(caches.cbegin(), caches.cend(), [](const ResourceCache *c) { return c->isSynced(); }))
                setState(State::Connected);
        });
        connect(cache, &ResourceCache::errorOccurred, this,
                [this](const Kube::ApiError &error) { setState(State::Unreachable, error.sentence()); });
    }
    Kube::ResourceCacheOptions lease;
    lease.fieldSelector = QStringLiteral("metadata.name=lucent-promotion");
    m_promotionLease = new ResourceCache(m_client, ResourceType::leases(), m_environment.namespaceName, lease, this);
    Q_EMIT ready();
    for (ResourceCache *cache : caches)
        cache->start();
    m_promotionLease->start();
    if (m_podMetrics)
        m_podMetrics->start();
}

ResourceCache *EnvironmentSession::addCache(const QString &resource)
{
    return new ResourceCache(m_client, ResourceType::byResource(resource), m_environment.namespaceName, {}, this);
}

} // namespace Lucent::Core::Environment
