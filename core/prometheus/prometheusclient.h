#pragma once

#include "core/prometheus/prometheuserror.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;

namespace Lucent::Core::Prometheus {

/// How to authenticate to Prometheus. The secrets come from the keychain, never from a file
/// the console writes.
struct PrometheusAuth {
    QByteArray bearerToken;
    QString username;
    QByteArray password;
};

/// One answer from Prometheus, arriving later: finished() once, then it deletes itself.
/// Parse body() with PrometheusResponse; a transport failure is already in error().
class PrometheusReply final : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    Q_DISABLE_COPY_MOVE(PrometheusReply)

    const QByteArray &body() const { return m_body; }
    int httpStatus() const { return m_httpStatus; }
    const PrometheusError &error() const { return m_error; }
    void abort();

Q_SIGNALS:
    void finished();

private:
    friend class PrometheusClient;
    QPointer<QObject> m_network;
    QByteArray m_body;
    int m_httpStatus = 0;
    PrometheusError m_error;
    bool m_timedOut = false;
};

/// The Prometheus HTTP API (query, query_range, alerts, rules, targets, label values,
/// series) on QtNetwork. Queries go as POST forms, so long PromQL never hits a URL limit.
class PrometheusClient final : public QObject
{
    Q_OBJECT

public:
    explicit PrometheusClient(QUrl baseUrl, PrometheusAuth auth = {}, QObject *parent = nullptr);
    ~PrometheusClient() override;
    Q_DISABLE_COPY_MOVE(PrometheusClient)

    const QUrl &baseUrl() const { return m_base; }
    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    /// Who answers, as errors name it ("Alertmanager" for that API on the same transport).
    void setServerName(const QString &name) { m_serverName = name; }
    /// New credentials (read from the keychain later than the client was made).
    void setAuth(const PrometheusAuth &auth) { m_auth = auth; }
    const PrometheusAuth &auth() const { return m_auth; }

    PrometheusReply *query(const QString &promql, const QDateTime &at = {});
    PrometheusReply *queryRange(const QString &promql, const QDateTime &start, const QDateTime &end,
                                qint64 stepSeconds);
    PrometheusReply *alerts();
    PrometheusReply *rules();
    PrometheusReply *targets();
    PrometheusReply *labelValues(const QString &label);
    PrometheusReply *series(const QStringList &matchers, const QDateTime &start, const QDateTime &end);

    /// Any request under the base URL, with the same credentials, timeout and reply; for the
    /// Prometheus-family APIs that are not queries (Alertmanager's v2 API).
    PrometheusReply *request(const QByteArray &verb, const QString &path, const QUrlQuery &query = {},
                             const QByteArray &body = {}, const QByteArray &contentType = {});

private:
    PrometheusReply *send(const QString &path, const QUrlQuery &form, bool post);

    QUrl m_base;
    PrometheusAuth m_auth;
    QNetworkAccessManager *m_manager = nullptr;
    int m_timeoutMs = 30000;
    QString m_serverName = QStringLiteral("Prometheus");
};

} // namespace Lucent::Core::Prometheus
