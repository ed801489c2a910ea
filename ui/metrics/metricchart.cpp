#include "ui/metrics/metricchart.h"

#include "ui/common/seriescolours.h"
#include "ui/metrics/seriesreduction.h"

#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QFile>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QTextStream>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace Lucent::Ui {

namespace {

QString valueText(double value)
{
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("+Inf") : QStringLiteral("-Inf");
    return QString::number(value, 'g', 6);
}

} // namespace

MetricChart::MetricChart(const QString &title, const QString &unit, QWidget *parent)
    : QChartView(parent)
    , m_unit(unit)
    , m_timeAxis(new QDateTimeAxis(this))
    , m_valueAxis(new QValueAxis(this))
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTitleText(tr("time"));
    m_valueAxis->setTitleText(unit);
    m_valueAxis->setLabelFormat(QStringLiteral("%.3g"));
    // A label that does not fit yet (the first layout happens before the tab has its size)
    // would stay cut to "0…"; the axis takes the room it needs instead.
    m_timeAxis->setTruncateLabels(false);
    m_valueAxis->setTruncateLabels(false);
    chart->legend()->setShowToolTips(true);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    chart->addAxis(m_valueAxis, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand); // drag to zoom into a time span
    setMinimumHeight(200);
    applyPalette();
}

void MetricChart::applyPalette()
{
    const QPalette palette = this->palette();
    QChart *chart = this->chart();
    chart->setBackgroundBrush(palette.base());
    chart->setBackgroundPen(QPen(palette.color(QPalette::Mid)));
    chart->setTitleBrush(palette.text());
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
    setBackgroundBrush(palette.window());
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_timeAxis), static_cast<QAbstractAxis *>(m_valueAxis)}) {
        axis->setLabelsBrush(palette.text());
        axis->setTitleBrush(palette.text());
        axis->setLinePenColor(palette.color(QPalette::Mid));
        QColor grid = palette.color(QPalette::Text);
        grid.setAlpha(40);
        axis->setGridLineColor(grid);
    }
}

void MetricChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void MetricChart::setThreshold(double value, const QString &name)
{
    m_threshold = value;
    m_thresholdName = name;
}

QString MetricChart::seriesName(const Core::Prometheus::Labels &labels) const
{
    if (!m_legendLabel.isEmpty() && labels.contains(m_legendLabel))
        return labels.value(m_legendLabel);
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (m_distinctLabels.isEmpty() || m_distinctLabels.contains(it.key()))
            parts.append(m_distinctLabels.size() == 1 ? it.value() : it.key() + QLatin1Char('=') + it.value());
    }
    return parts.isEmpty() ? tr("value") : parts.join(QStringLiteral(", "));
}

void MetricChart::setResult(const Core::Prometheus::QueryResult &result, const QDateTime &start, const QDateTime &end)
{
    m_result = result;
    m_distinctLabels.clear();
    for (const auto &series : result.series) {
        for (auto it = series.labels.cbegin(); it != series.labels.cend(); ++it) {
            if (m_distinctLabels.contains(it.key()))
                continue;
            const bool differs = std::any_of(result.series.cbegin(), result.series.cend(), [&it](const auto &other) {
                return other.labels.value(it.key()) != it.value();
            });
            if (differs)
                m_distinctLabels.append(it.key());
        }
    }
    QChart *chart = this->chart();
    chart->removeAllSeries();
    // Qt Charts recomputes every series' geometry when an axis range, a pen, addSeries or
    // attachAxis changes. So: points first, then ranges and pens, and the points go into each
    // series last, costing one geometry pass instead of five.
    double low = 0;
    double high = 0;
    bool any = false;
    QList<QList<QPointF>> lines;
    qsizetype drawn = 0;
    // More points than pixels only cost drawing time (and Qt Charts strokes every line once
    // more for hit-testing): a line is cut to its envelope per column of two pixels, which
    // a one-pixel line draws alike. Tooltips and CSV export read the exact samples.
    const double from = double(start.toMSecsSinceEpoch());
    const double to = double(end.toMSecsSinceEpoch());
    const int plotWidth = chart->plotArea().width() > 0 ? int(chart->plotArea().width()) : width() - 100;
    const int buckets = std::max(100, plotWidth / 2);
    for (const auto &series : result.series) {
        QList<QPointF> points;
        points.reserve(series.samples.size());
        for (const auto &sample : series.samples) {
            if (!std::isfinite(sample.value))
                continue; // a gap, not a spike to infinity
            points.append(QPointF(sample.time * 1000.0, sample.value));
            low = any ? std::min(low, sample.value) : sample.value;
            high = any ? std::max(high, sample.value) : sample.value;
            any = true;
        }
        lines.append(envelopeOf(points, from, to, buckets));
        drawn += lines.constLast().size();
    }
    if (std::isfinite(m_threshold))
        high = std::max(high, m_threshold);
    m_valueSpan = {std::min(0.0, low), high > low ? high * 1.1 : low + 1};
    // Antialiased two-pixel lines go through the stroker; past some tens of thousands of points
    // that costs frames, and one-pixel plain lines take the raster engine's fast path instead.
    m_drawnPoints = int(drawn);
    m_busy = drawn >= BusyPoints;
    setRenderHint(QPainter::Antialiasing, !m_busy);
    m_pending.clear();
    m_created.clear();
    m_filled = 0;
    m_rangesSet = false;
    for (int i = 0; i < result.series.size(); ++i)
        m_pending.append({seriesName(result.series[i].labels), lines[i], i});
    m_thresholdSpan = {double(start.toMSecsSinceEpoch()), double(end.toMSecsSinceEpoch())};
    const int generation = ++m_loadGeneration;
    if (!m_busy) {
        addPendingSeries(generation, std::numeric_limits<qint64>::max());
        return;
    }
    // A busy answer goes in over several turns of the event loop, a few milliseconds each, so
    // that input never waits on it; the chart paints once, when every line is in.
    viewport()->setUpdatesEnabled(false);
    chart->legend()->hide(); // laid out once at the end instead of once per added line
    QTimer::singleShot(0, this, [this, generation] { addPendingSeries(generation, LoadSliceNs); });
}

void MetricChart::addPendingSeries(int generation, qint64 budgetNs)
{
    if (generation != m_loadGeneration)
        return; // a newer answer replaced this one
    QElapsedTimer timer;
    timer.start();
    // First every line, empty, and then the axes' ranges: attaching a series resets the ranges,
    // and a range set while lines hold points recomputes every line's geometry (Qt Charts
    // strokes each line once more for hit-testing). Then the points, a few lines a slice, each
    // costing only its own geometry.
    if (!m_rangesSet) {
        createLines(timer, budgetNs);
        if (m_created.size() < m_pending.size()) {
            QTimer::singleShot(0, this, [this, generation] { addPendingSeries(generation, LoadSliceNs); });
            return;
        }
        m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(m_thresholdSpan.first)),
                             QDateTime::fromMSecsSinceEpoch(qint64(m_thresholdSpan.second)));
        m_timeAxis->setTickCount(std::clamp(width() / 120, 3, 8));
        m_valueAxis->setRange(m_valueSpan.first, m_valueSpan.second);
        m_rangesSet = true;
    }
    qint64 slowest = 0; // stop before the next line would overrun the budget
    while (m_filled < m_pending.size() && timer.nsecsElapsed() + slowest < budgetNs) {
        const qint64 before = timer.nsecsElapsed();
        m_created[m_filled]->replace(m_pending[m_filled].points);
        ++m_filled;
        slowest = std::max(slowest, timer.nsecsElapsed() - before);
    }
    if (m_filled < m_pending.size()) {
        QTimer::singleShot(0, this, [this, generation] { addPendingSeries(generation, LoadSliceNs); });
        return;
    }
    m_pending.clear();
    m_created.clear();
    m_filled = 0;
    // Fifty legend entries are laid out slowly and read by nobody: past MaxLegendEntries the
    // legend stays hidden, and a line's name is in its tooltip.
    chart()->legend()->setVisible(chart()->series().size() <= MaxLegendEntries);
    viewport()->setUpdatesEnabled(true);
    Q_EMIT loaded();
}

void MetricChart::createLines(const QElapsedTimer &timer, qint64 budgetNs)
{
    QChart *chart = this->chart();
    while (m_created.size() < m_pending.size() && timer.nsecsElapsed() < budgetNs) {
        const PendingLine &pending = m_pending[m_created.size()];
        auto *line = new QLineSeries;
        line->setName(pending.name);
        chart->addSeries(line);
        line->attachAxis(m_timeAxis);
        line->attachAxis(m_valueAxis);
        QPen pen = line->pen();
        pen.setColor(SeriesColours::shared().colourOf(pending.name)); // the same in every chart
        if (m_busy) {
            pen.setWidth(1);
            pen.setCosmetic(true);
        }
        line->setPen(pen);
        connect(line, &QLineSeries::hovered, this,
                [this, name = pending.name, index = pending.seriesIndex](const QPointF &point, bool state) {
                    if (!state || index >= m_result.series.size())
                        return;
                    // The exact sample nearest to the pointer, not a point of the drawn envelope.
                    const auto *sample = nearestSample(m_result.series[index], point.x() / 1000.0);
                    if (!sample)
                        return;
                    QToolTip::showText(QCursor::pos(),
                                       tr("%1\n%2: %3 %4")
                                           .arg(name,
                                                QDateTime::fromMSecsSinceEpoch(qint64(sample->time * 1000))
                                                    .toString(QStringLiteral("HH:mm:ss")),
                                                valueText(sample->value), m_unit));
                });
        connectLegendMarker(line);
        m_created.append(line);
    }
    if (m_created.size() < m_pending.size() || !std::isfinite(m_threshold))
        return;
    auto *line = new QLineSeries;
    line->setName(m_thresholdName);
    QPen pen(QColor(0xd1, 0x3b, 0x3b));
    pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    chart->addSeries(line);
    line->attachAxis(m_timeAxis);
    line->attachAxis(m_valueAxis);
    line->append(m_thresholdSpan.first, m_threshold);
    line->append(m_thresholdSpan.second, m_threshold);
    connectLegendMarker(line);
}

void MetricChart::connectLegendMarker(QLineSeries *line)
{
    // Legend entries switch their line on and off.
    for (QLegendMarker *marker : chart()->legend()->markers(line)) {
        connect(marker, &QLegendMarker::clicked, this, [this, marker] {
            marker->series()->setVisible(!marker->series()->isVisible());
            marker->setVisible(true);
            marker->setLabelBrush(marker->series()->isVisible() ? palette().text()
                                                                : palette().brush(QPalette::Disabled, QPalette::Text));
        });
    }
}

bool MetricChart::isLoading() const
{
    return !m_pending.isEmpty() || !m_created.isEmpty();
}

void MetricChart::resetZoom()
{
    chart()->zoomReset();
}

int MetricChart::seriesCount() const
{
    return int(m_result.series.size());
}

int MetricChart::pointCount() const
{
    int total = 0;
    for (const auto &series : m_result.series)
        total += int(series.samples.size());
    return total;
}

bool MetricChart::exportPng(const QString &path)
{
    return grab().save(path, "PNG");
}

bool MetricChart::exportCsv(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QTextStream out(&file);
    QMap<double, QMap<int, double>> rows; // time -> series -> value
    QStringList header{QStringLiteral("time")};
    for (int i = 0; i < m_result.series.size(); ++i) {
        header.append(QLatin1Char('"')
                      + seriesName(m_result.series[i].labels).replace(QLatin1Char('"'), QStringLiteral("\"\""))
                      + QLatin1Char('"'));
        for (const auto &sample : m_result.series[i].samples)
            rows[sample.time].insert(i, sample.value);
    }
    out << header.join(QLatin1Char(',')) << '\n';
    for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
        QStringList cells{QDateTime::fromMSecsSinceEpoch(qint64(it.key() * 1000), Qt::UTC).toString(Qt::ISODate)};
        for (int i = 0; i < m_result.series.size(); ++i)
            cells.append(it.value().contains(i) ? valueText(it.value().value(i)) : QString());
        out << cells.join(QLatin1Char(',')) << '\n';
    }
    return out.status() == QTextStream::Ok;
}

} // namespace Lucent::Ui
