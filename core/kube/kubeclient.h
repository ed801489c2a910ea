#pragma once

#include "core/kube/accessreview.h"
#include "core/kube/apierror.h"
#include "core/kube/clusterconnection.h"
#include "core/kube/kubereply.h"
#include "core/kube/kuberequest.h"
#include "core/kube/resourcetype.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

class QNetworkAccessManager;
class QNetworkRequest;

namespace Lucent::Core::Kube {

class ExecCredentialPlugin;
struct ExecCredential;

/// How reads are retried on 429, 5xx and transport failures. Writes never are.
struct RetryPolicy {
    int maxAttempts = 4;
    int baseDelayMs = 250; ///< doubled each attempt, with jitter
    int maxDelayMs = 8000;
    int maxRetryAfterMs = 30000; ///< a longer Retry-After is cut to this
};

/// Talks to one cluster's API server over QtNetwork: authentication (token, basic, client
/// certificate, exec plugin), TLS settings, retries with backoff for reads, a limit on
/// concurrent requests, and typed errors. Every call returns at once with a KubeReply.
class KubeClient final : public QObject
{
    Q_OBJECT

public:
    explicit KubeClient(ClusterConnection connection, QObject *parent = nullptr);
    ~KubeClient() override;
    Q_DISABLE_COPY_MOVE(KubeClient)

    const ClusterConnection &connection() const { return m_connection; }
    void setRetryPolicy(const RetryPolicy &policy) { m_retry = policy; }
    RetryPolicy retryPolicy() const { return m_retry; }
    /// At most this many ordinary requests at once; streams are not counted.
    void setMaxConcurrentRequests(int limit);
    int maxConcurrentRequests() const { return m_maxConcurrent; }
    int activeRequests() const { return m_active; }
    int queuedRequests() const { return int(m_queue.size()); }
    static QByteArray userAgent();

    KubeReply *send(KubeRequest request);

    KubeReply *get(const ResourceType &type, const QString &ns, const QString &name, const QString &subresource = {});
    KubeReply *list(const ResourceType &type, const QString &ns, const ListOptions &options = {});
    KubeReply *watch(const ResourceType &type, const QString &ns, const ListOptions &options);
    /// POST. A non-empty @p fieldManager names the writer in managedFields (else the server
    /// takes the User-Agent's first word).
    KubeReply *create(const ResourceType &type, const QString &ns, const QJsonObject &object,
                      const QString &fieldManager = {});
    /// PUT: replaces the object, or its status or scale subresource.
    KubeReply *update(const ResourceType &type, const QString &ns, const QString &name, const QJsonObject &object,
                      const QString &subresource = {});
    KubeReply *patch(const ResourceType &type, const QString &ns, const QString &name, PatchType patchType,
                     const QByteArray &patch, const QString &subresource = {}, const QString &fieldManager = {});
    /// DELETE with propagationPolicy Background, Foreground or Orphan (empty: the server's default).
    KubeReply *remove(const ResourceType &type, const QString &ns, const QString &name,
                      const QString &propagationPolicy = {});
    /// Sets replicas through the scale subresource.
    KubeReply *scale(const ResourceType &type, const QString &ns, const QString &name, int replicas);
    /// GET through the API server's proxy to a pod or service port, e.g. for /health checks.
    KubeReply *proxyGet(const ResourceType &podsOrServices, const QString &ns, const QString &name, const QString &port,
                        const QString &path);
    KubeReply *accessReview(const AccessQuery &query);
    static std::optional<AccessDecision> accessDecision(const QJsonObject &review);

Q_SIGNALS:
    /// A request failed for good (after retries); for a status bar or a log.
    void requestFailed(const Lucent::Core::Kube::ApiError &error);

private:
    friend class KubeReply;
    void pump();
    /// Sends @p reply's next attempt, once the exec plugin (if any) has a valid credential.
    void startAttempt(KubeReply *reply);
    /// Sends @p reply's next attempt with the credentials held now.
    void sendAttempt(KubeReply *reply);
    void onNetworkFinished(KubeReply *reply);
    void retryLater(KubeReply *reply, int delayMs);
    void finish(KubeReply *reply, const ApiError &error);
    void abortReply(KubeReply *reply);
    void refreshCredentialsThenRetry(KubeReply *reply);
    void onExecCredential(const ExecCredential &credential);
    void onExecFailed(const ApiError &error);
    int backoffDelayMs(int attempt) const;
    QNetworkRequest networkRequest(const KubeRequest &request) const;
    QSslConfiguration sslConfiguration() const;
    QNetworkAccessManager *newManager(QObject *parent) const;

    ClusterConnection m_connection;
    RetryPolicy m_retry;
    QNetworkAccessManager *m_manager = nullptr;
    ExecCredentialPlugin *m_exec = nullptr;
    QByteArray m_bearer; ///< from the kubeconfig, the token file or the exec plugin
    QSslCertificate m_execCertificate; ///< from the exec plugin, when it gives one
    QSslKey m_execKey;
    QList<QPointer<KubeReply>> m_queue; ///< waiting for a concurrency slot
    QList<QPointer<KubeReply>> m_waitingForCredentials;
    int m_maxConcurrent = 6;
    int m_active = 0;
};

} // namespace Lucent::Core::Kube
