#pragma once

#include "core/prometheus/silence.h"

#include <QObject>
#include <QUrl>

namespace Lucent::Core::Prometheus {

class PrometheusClient;
class PrometheusReply;
struct PrometheusAuth;

/// Alertmanager's v2 silence API: list, create and expire. Same credentials rules as
/// Prometheus (secrets only over TLS or to this machine).
class AlertmanagerClient final : public QObject
{
    Q_OBJECT

public:
    AlertmanagerClient(const QUrl &baseUrl, QObject *parent = nullptr);
    ~AlertmanagerClient() override;
    Q_DISABLE_COPY_MOVE(AlertmanagerClient)

    const QUrl &baseUrl() const;
    void setAuth(const PrometheusAuth &auth);

    PrometheusReply *silences();
    PrometheusReply *createSilence(const Silence &silence);
    PrometheusReply *expireSilence(const QString &id);

private:
    PrometheusClient *m_http = nullptr;
};

} // namespace Lucent::Core::Prometheus
