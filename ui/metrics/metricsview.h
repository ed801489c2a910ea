#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QTimer;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}
namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Ui {

class InlineBanner;
class MetricChart;
class RangeQuery;

/// A service's request rate, error ratio and p95 latency from the environment's Prometheus,
/// one line per version so that a rollout or a blue-green switch shows, with the alert
/// thresholds drawn; time ranges like Grafana's, auto-refresh, and a PromQL box that charts
/// any range query and shows Prometheus' error text under it.
class MetricsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsView)

public:
    explicit MetricsView(QWidget *parent = nullptr);

    void setSession(Lucent::Core::Environment::EnvironmentSession *session);
    void setService(const QString &service);
    /// Queries every chart again.
    void refresh();
    /// Charts @p promql in the query chart and remembers it in the history.
    void runQuery(const QString &promql);
    /// A fixed window instead of "the last N minutes" (the range box's Custom entry).
    void setCustomRange(const QDateTime &from, const QDateTime &to);

    MetricChart *rateChart() const { return m_rate; }
    MetricChart *errorChart() const { return m_errors; }
    MetricChart *latencyChart() const { return m_latency; }
    MetricChart *queryChart() const { return m_query; }

Q_SIGNALS:
    /// Every chart of the last refresh has its answer (or its error).
    void refreshed();

private:
    void query(MetricChart *chart, const QString &promql, bool fromBox);
    /// The query of @p chart: a newer one for the chart drops the older one's answer.
    RangeQuery &queryOf(MetricChart *chart);
    qint64 rangeSeconds() const;
    std::pair<QDateTime, QDateTime> window() const;
    QString selector() const;
    void onExportPng();
    void onExportCsv();

    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    Lucent::Core::Prometheus::PrometheusClient *m_client = nullptr;
    QComboBox *m_service = nullptr;
    QComboBox *m_range = nullptr;
    QCheckBox *m_autoRefresh = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QComboBox *m_promql = nullptr;
    QLabel *m_promqlError = nullptr;
    InlineBanner *m_banner = nullptr;
    MetricChart *m_rate = nullptr;
    MetricChart *m_errors = nullptr;
    MetricChart *m_latency = nullptr;
    MetricChart *m_query = nullptr;
    QTimer *m_timer = nullptr;
    int m_pending = 0;
    QHash<MetricChart *, RangeQuery *> m_queries;
};

} // namespace Lucent::Ui
