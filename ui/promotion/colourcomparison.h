#pragma once

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Ui {

class MetricChart;
class RangeQuery;

/// A promotion's charts: the error ratio, p95 latency and request rate of a service's two
/// colours side by side (a line per colour, blue and green in their own colours), with the
/// analysis' thresholds drawn, over the last minutes and refreshed while shown; above them, the
/// release's firing alerts.
class ColourComparison final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ColourComparison)

public:
    explicit ColourComparison(QWidget *parent = nullptr);

    /// @p prometheus (not owned) may be null: the charts then say there is none.
    void setSource(Core::Prometheus::PrometheusClient *prometheus, const QString &namespaceName,
                   const QStringList &services);
    /// The analysis' thresholds: error ratio and p95 below, request rate above.
    void setThresholds(double errorRatio, double latencySeconds, double minimumRate);
    void refresh();

    MetricChart *errorChart() const { return m_errors; }
    MetricChart *latencyChart() const { return m_latency; }
    MetricChart *rateChart() const { return m_rate; }

Q_SIGNALS:
    /// All three charts have the answer of the last refresh.
    void refreshed();

private:
    void query(MetricChart *chart, RangeQuery *query, const QString &promql);
    /// The release's firing alerts, in a line above the charts.
    void queryAlerts();

    QPointer<Core::Prometheus::PrometheusClient> m_prometheus;
    QString m_namespace;
    QDateTime m_since; ///< when the promotion started: the charts' window begins a little before

    QComboBox *m_service = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_alerts = nullptr;
    int m_alertsGeneration = 0; ///< a newer question drops an older answer
    MetricChart *m_errors = nullptr;
    MetricChart *m_latency = nullptr;
    MetricChart *m_rate = nullptr;
    RangeQuery *m_errorQuery = nullptr;
    RangeQuery *m_latencyQuery = nullptr;
    RangeQuery *m_rateQuery = nullptr;
    QTimer m_timer;
    int m_pending = 0;
};

} // namespace Lucent::Ui
