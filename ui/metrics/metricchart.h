#pragma once

#include "core/prometheus/prometheustypes.h"

#include <QChartView>
#include <QPair>
#include <QPointF>

class QDateTimeAxis;
class QElapsedTimer;
class QLineSeries;
class QValueAxis;

namespace Lucent::Ui {

/// One metric over time: a line per series (named by @p legendLabel, e.g. "version"), an
/// optional threshold drawn dashed, drag to zoom, a tooltip on hover, legend entries that
/// hide and show their line, and export to PNG or CSV.
class MetricChart final : public QChartView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricChart)

public:
    MetricChart(const QString &title, const QString &unit, QWidget *parent = nullptr);

    void setLegendLabel(const QString &label) { m_legendLabel = label; }
    /// Draws @p value as a dashed line named @p name (e.g. the HighErrorRate threshold).
    void setThreshold(double value, const QString &name);
    void setResult(const Lucent::Core::Prometheus::QueryResult &result, const QDateTime &start, const QDateTime &end);
    /// Whether a busy answer is still going into the chart (see loaded()).
    bool isLoading() const;
    void resetZoom();
    int seriesCount() const;
    int pointCount() const;
    /// Points handed to Qt Charts: each series cut to what the plot's columns can show.
    int drawnPointCount() const { return m_drawnPoints; }

    bool exportPng(const QString &path);
    /// time, then one column per series; NaN and infinities as Prometheus writes them.
    bool exportCsv(const QString &path) const;

Q_SIGNALS:
    /// Every line of the last setResult() is in the chart.
    void loaded();

private:
    struct PendingLine {
        QString name;
        QList<QPointF> points; ///< what is drawn: the series' envelope
        int seriesIndex = 0; ///< its exact samples in m_result
    };
    /// Above this many points a chart draws thin plain lines and loads in slices.
    static constexpr qsizetype BusyPoints = 20000;
    /// How long one slice of loading may hold the GUI thread: half a 60 Hz frame.
    static constexpr qint64 LoadSliceNs = 8'000'000;

    void addPendingSeries(int generation, qint64 budgetNs);
    void createLines(const QElapsedTimer &timer, qint64 budgetNs);
    /// Past this many lines the legend is hidden (names are in the tooltips).
    static constexpr qsizetype MaxLegendEntries = 20;
    void connectLegendMarker(QLineSeries *line);
    /// What tells the series apart: the legend label if given, else the labels whose values
    /// differ between the series (all of them for a single series).
    QString seriesName(const Lucent::Core::Prometheus::Labels &labels) const;
    /// Background, text and grid from the widget's palette, so that the dark theme has a
    /// dark chart.
    void applyPalette();
    void changeEvent(QEvent *event) override;

    QString m_unit;
    QString m_legendLabel;
    double m_threshold = std::numeric_limits<double>::quiet_NaN();
    QString m_thresholdName;
    Lucent::Core::Prometheus::QueryResult m_result;
    QDateTimeAxis *m_timeAxis = nullptr;
    QValueAxis *m_valueAxis = nullptr;
    QList<PendingLine> m_pending;
    QList<QLineSeries *> m_created; ///< the pending lines' series, created (empty) so far
    qsizetype m_filled = 0; ///< of those, the ones holding their points
    bool m_rangesSet = false; ///< every line is created and the axes have their ranges
    QPair<double, double> m_thresholdSpan;
    QPair<double, double> m_valueSpan{0, 1};
    QStringList m_distinctLabels; ///< labels whose values differ between the result's series
    int m_loadGeneration = 0;
    int m_drawnPoints = 0;
    bool m_busy = false;
};

} // namespace Lucent::Ui
