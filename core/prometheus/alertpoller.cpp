#include "core/prometheus/alertpoller.h"

#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"

#include <QTimer>

namespace Lucent::Core::Prometheus {

namespace {

bool sameAlerts(const QList<Alert> &a, const QList<Alert> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].labels != b[i].labels || a[i].state != b[i].state || a[i].annotations != b[i].annotations)
            return false;
    }
    return true;
}

} // namespace

AlertPoller::AlertPoller(PrometheusClient *client, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(intervalMs);
    connect(m_timer, &QTimer::timeout, this, &AlertPoller::poll);
}

AlertPoller::~AlertPoller() = default;

void AlertPoller::start()
{
    poll();
    m_timer->start();
}

int AlertPoller::firingCount(const QString &app) const
{
    return int(std::count_if(m_alerts.cbegin(), m_alerts.cend(), [&app](const Alert &alert) {
        return alert.state == QLatin1String("firing")
            && (app.isEmpty() || alert.labels.value(QStringLiteral("app")) == app
                || alert.labels.value(QStringLiteral("service")) == app);
    }));
}

bool AlertPoller::inScope(const Labels &labels, const Labels &scope)
{
    for (auto it = scope.cbegin(); it != scope.cend(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

QString AlertPoller::stateInScope(const Rule &rule, const Labels &scope)
{
    QString state = QStringLiteral("inactive");
    for (const Alert &alert : rule.alerts) {
        if (!inScope(alert.labels, scope))
            continue;
        if (alert.state == QLatin1String("firing"))
            return alert.state;
        state = alert.state;
    }
    return state;
}

void AlertPoller::poll()
{
    if (!m_client || m_reply)
        return; // the previous poll is still out
    PrometheusReply *reply = m_client->alerts();
    m_reply = reply;
    connect(reply, &PrometheusReply::finished, this, [this, reply] {
        m_reply = nullptr;
        PrometheusError error = reply->error();
        std::optional<QList<Alert>> alerts;
        if (!error.isError())
            alerts = PrometheusResponse::alerts(reply->body(), reply->httpStatus(), &error);
        if (!alerts) {
            m_error = error;
            Q_EMIT failed(error);
            return;
        }
        alerts->removeIf([this](const Alert &alert) { return !inScope(alert.labels, m_scope); });
        // A stable order: by service, then alert name.
        std::sort(alerts->begin(), alerts->end(), [](const Alert &a, const Alert &b) {
            const QString sa = a.labels.value(QStringLiteral("app"));
            const QString sb = b.labels.value(QStringLiteral("app"));
            return sa != sb ? sa < sb : a.name() < b.name();
        });
        // After a failure the same alerts are news too: they are confirmed again.
        const bool first = !m_answered || m_error.isError();
        m_answered = true;
        m_error = {};
        if (first || !sameAlerts(*alerts, m_alerts)) {
            m_alerts = *alerts;
            Q_EMIT alertsChanged(m_alerts);
        }
    });
}

} // namespace Lucent::Core::Prometheus
