#include "ui/promotion/colourcomparison.h"

#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "core/release/promotionpreflight.h"
#include "ui/metrics/metricchart.h"
#include "ui/metrics/rangequery.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace Lucent::Ui {

namespace {

/// Long enough to show the standby starting next to the active colour's steady lines.
constexpr qint64 WindowSeconds = 10 * 60;
constexpr int RefreshMs = 5000;
constexpr qint64 LeadSeconds = 120;

} // namespace

ColourComparison::ColourComparison(QWidget *parent)
    : QWidget(parent)
{
    m_service = new QComboBox;
    m_service->setObjectName(QStringLiteral("comparisonService"));
    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("comparisonState"));
    m_state->setWordWrap(true);
    m_alerts = new QLabel;
    m_alerts->setObjectName(QStringLiteral("comparisonAlerts"));
    m_alerts->setWordWrap(true);
    m_errors = new MetricChart(tr("Error ratio"), {});
    m_latency = new MetricChart(tr("p95 latency"), tr("s"));
    m_rate = new MetricChart(tr("Request rate"), tr("req/s"));
    for (MetricChart *chart : {m_errors, m_latency, m_rate}) {
        chart->setLegendLabel(QStringLiteral("color"));
        chart->setMinimumSize(220, 200);
    }
    m_errors->setObjectName(QStringLiteral("comparisonErrors"));
    m_latency->setObjectName(QStringLiteral("comparisonLatency"));
    m_rate->setObjectName(QStringLiteral("comparisonRate"));
    m_errorQuery = new RangeQuery(this);
    m_latencyQuery = new RangeQuery(this);
    m_rateQuery = new RangeQuery(this);

    auto *top = new QHBoxLayout;
    auto *serviceLabel = new QLabel(tr("&Service:"));
    serviceLabel->setBuddy(m_service);
    top->addWidget(serviceLabel);
    top->addWidget(m_service);
    top->addWidget(m_alerts, 1);
    top->addWidget(m_state, 1);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_errors);
    charts->addWidget(m_latency);
    charts->addWidget(m_rate);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(charts, 1);

    connect(m_service, &QComboBox::currentTextChanged, this, &ColourComparison::refresh);
    m_timer.setInterval(RefreshMs);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
}

void ColourComparison::setSource(Core::Prometheus::PrometheusClient *prometheus, const QString &namespaceName,
                                 const QStringList &services)
{
    m_prometheus = prometheus;
    m_namespace = namespaceName;
    m_since = QDateTime::currentDateTimeUtc();
    const QSignalBlocker blocker(m_service);
    m_service->clear();
    m_service->addItems(services);
    m_service->setEnabled(services.size() > 1);
    m_state->setText(
        prometheus ? QString() : tr("This environment names no Prometheus in lucent.yaml: no charts and no analysis."));
    if (prometheus)
        m_timer.start();
    else
        m_timer.stop();
    refresh();
}

void ColourComparison::setThresholds(double errorRatio, double latencySeconds, double minimumRate)
{
    m_errors->setThreshold(errorRatio, tr("analysis: below %1").arg(errorRatio));
    m_latency->setThreshold(latencySeconds, tr("analysis: below %1 s").arg(latencySeconds));
    m_rate->setThreshold(minimumRate, tr("analysis: above %1").arg(minimumRate));
}

void ColourComparison::refresh()
{
    if (!m_prometheus || m_service->currentText().isEmpty())
        return;
    // Both colours of the service, whatever version each runs: one line per colour.
    const QString sel = QStringLiteral("job=\"lucent-services\",namespace=\"%1\",app=\"%2\"")
                            .arg(m_namespace, m_service->currentText());
    m_pending = 3;
    // A healthy colour has no 5xx series at all: "or" gives it a 0 so that it has its line.
    query(m_errors, m_errorQuery,
          QStringLiteral("(sum by (color) (rate(http_requests_total{%1,status=~\"5..\"}[1m])) or 0 * sum by (color) "
                         "(rate(http_requests_total{%1}[1m]))) / sum by (color) (rate(http_requests_total{%1}[1m]))")
              .arg(sel));
    query(m_latency, m_latencyQuery,
          QStringLiteral(
              "histogram_quantile(0.95, sum by (color, le) (rate(http_request_duration_seconds_bucket{%1}[1m])))")
              .arg(sel));
    query(m_rate, m_rateQuery, QStringLiteral("sum by (color) (rate(http_requests_total{%1}[1m]))").arg(sel));
    queryAlerts();
}

void ColourComparison::queryAlerts()
{
    QStringList services;
    for (int i = 0; i < m_service->count(); ++i)
        services.append(m_service->itemText(i));
    const int generation = ++m_alertsGeneration;
    Core::Prometheus::PrometheusReply *reply
        = m_prometheus->query(Core::Release::firingAlertsQuery(m_namespace, services));
    connect(reply, &Core::Prometheus::PrometheusReply::finished, this, [this, reply, generation] {
        if (generation != m_alertsGeneration)
            return;
        Core::Prometheus::PrometheusError error = reply->error();
        std::optional<Core::Prometheus::QueryResult> result;
        if (!error.isError()) // a few series at most: small enough to read here
            result = Core::Prometheus::PrometheusResponse::query(reply->body(), reply->httpStatus(), &error);
        if (!result) {
            m_alerts->setText(tr("Alerts: unknown (%1)").arg(error.sentence()));
            return;
        }
        const QStringList firing = Core::Release::firingAlertNames(*result);
        m_alerts->setText(firing.isEmpty()
                              ? tr("Alerts: none of these services is firing.")
                              : tr("<b>Firing:</b> %1").arg(firing.join(QStringLiteral(", ")).toHtmlEscaped()));
    });
}

void ColourComparison::query(MetricChart *chart, RangeQuery *query, const QString &promql)
{
    // From a little before the promotion started (both colours' lines before the new one takes
    // traffic), at most the last ten minutes.
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QDateTime start = std::max(end.addSecs(-WindowSeconds), m_since.addSecs(-LeadSeconds));
    const qint64 step = Core::Prometheus::PrometheusResponse::stepFor(std::max<qint64>(60, start.secsTo(end)),
                                                                      std::max(200, chart->width()));
    query->run(m_prometheus, promql, start, end, step, [this, chart, start, end](const RangeQuery::Answer &answer) {
        if (!answer.result)
            m_state->setText(answer.error.sentence());
        chart->setResult(answer.result.value_or(Core::Prometheus::QueryResult{}), start.toLocalTime(),
                         end.toLocalTime());
        if (--m_pending == 0)
            Q_EMIT refreshed();
    });
}

} // namespace Lucent::Ui
