#pragma once

#include "core/prometheus/prometheuserror.h"
#include "core/prometheus/prometheustypes.h"

#include <QObject>
#include <QPointer>

class QTimer;

namespace Lucent::Core::Prometheus {

class PrometheusClient;
class PrometheusReply;

/// Keeps an environment's firing and pending alerts current by asking Prometheus'
/// /api/v1/alerts every few seconds. One request at a time; a failure is reported and the
/// next poll tries again.
class AlertPoller final : public QObject
{
    Q_OBJECT

public:
    AlertPoller(PrometheusClient *client, int intervalMs, QObject *parent = nullptr);
    ~AlertPoller() override;
    Q_DISABLE_COPY_MOVE(AlertPoller)

    void start();
    const QList<Alert> &alerts() const { return m_alerts; }
    bool hasAnswered() const { return m_answered; }
    const PrometheusError &lastError() const { return m_error; }
    int firingCount(const QString &app = {}) const;

Q_SIGNALS:
    void alertsChanged(const QList<Lucent::Core::Prometheus::Alert> &alerts);
    void failed(const Lucent::Core::Prometheus::PrometheusError &error);

private:
    void poll();

    QPointer<PrometheusClient> m_client;
    QTimer *m_timer = nullptr;
    QPointer<PrometheusReply> m_reply;
    QList<Alert> m_alerts;
    PrometheusError m_error;
    bool m_answered = false;
};

} // namespace Lucent::Core::Prometheus
