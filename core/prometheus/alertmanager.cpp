#include "core/prometheus/alertmanager.h"

#include "core/prometheus/prometheusclient.h"

namespace Lucent::Core::Prometheus {

AlertmanagerClient::AlertmanagerClient(const QUrl &baseUrl, QObject *parent)
    : QObject(parent)
    , m_http(new PrometheusClient(baseUrl, {}, this))
{
    m_http->setServerName(QStringLiteral("Alertmanager"));
}

AlertmanagerClient::~AlertmanagerClient() = default;

const QUrl &AlertmanagerClient::baseUrl() const
{
    return m_http->baseUrl();
}

void AlertmanagerClient::setAuth(const PrometheusAuth &auth)
{
    m_http->setAuth(auth);
}

PrometheusReply *AlertmanagerClient::silences()
{
    return m_http->request("GET", QStringLiteral("/api/v2/silences"));
}

PrometheusReply *AlertmanagerClient::createSilence(const Silence &silence)
{
    return m_http->request("POST", QStringLiteral("/api/v2/silences"), {}, AlertmanagerResponse::encode(silence),
                           QByteArrayLiteral("application/json"));
}

PrometheusReply *AlertmanagerClient::expireSilence(const QString &id)
{
    return m_http->request("DELETE",
                           QStringLiteral("/api/v2/silence/") + QString::fromLatin1(QUrl::toPercentEncoding(id)));
}

} // namespace Lucent::Core::Prometheus
