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

    /// Keeps only alerts that carry every label of @p scope (an environment's namespace, or
    /// its alertLabels): environments often share one Prometheus. Applies from the next answer.
    void setScope(const Labels &scope) { m_scope = scope; }
    const Labels &scope() const { return m_scope; }
    void start();
    /// This environment's alerts (see setScope()).
    const QList<Alert> &alerts() const { return m_alerts; }
    bool hasAnswered() const { return m_answered; }
    const PrometheusError &lastError() const { return m_error; }
    int firingCount(const QString &app = {}) const;

    /// Whether @p labels carry every label of @p scope with its value (an empty scope: all).
    static bool inScope(const Labels &labels, const Labels &scope);
    /// An alerting rule's state counting only the alerts in @p scope: firing, pending or
    /// inactive. A rule firing in another environment is inactive here.
    static QString stateInScope(const Rule &rule, const Labels &scope);

Q_SIGNALS:
    /// The alerts differ from the last answer, or they are the first answer after a failure.
    void alertsChanged(const QList<Lucent::Core::Prometheus::Alert> &alerts);
    void failed(const Lucent::Core::Prometheus::PrometheusError &error);

private:
    void poll();

    QPointer<PrometheusClient> m_client;
    QTimer *m_timer = nullptr;
    QPointer<PrometheusReply> m_reply;
    QList<Alert> m_alerts;
    Labels m_scope;
    PrometheusError m_error;
    bool m_answered = false;
};

} // namespace Lucent::Core::Prometheus
