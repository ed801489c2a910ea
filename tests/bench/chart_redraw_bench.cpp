// Benchmark for the metrics charts: 50 series x 2,000 points (a busy PromQL answer) set into a
// MetricChart and redrawn, offscreen. Prints the time to load the data, the longest stretch
// the GUI thread is held meanwhile, and the time of a full redraw, against the 16.7 ms a
// frame has at 60 Hz. A redraw is measured as a repaint is made: the whole widget painted into
// an image that lives on, as a window's backing store does. grab() is printed too (the method
// of the figures before issue 19): it also allocates and clears a new 1200 x 700 pixmap each
// time, about 4 ms of the total here. Figures, not assertions; run with
// `scripts/dev.sh bench -R chart`.

#include "benchreport.h"

#include "ui/metrics/metricchart.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace Lucent::Core::Prometheus;

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int seriesCount = 50;
    const int points = 2000;
    QueryResult result;
    result.type = QueryResult::Type::Matrix;
    const double start = 1764064800;
    for (int s = 0; s < seriesCount; ++s) {
        Series series;
        series.labels.insert(QStringLiteral("version"), QStringLiteral("v%1").arg(s));
        for (int i = 0; i < points; ++i)
            series.samples.append({start + i * 15.0, 10 + s + 5 * std::sin(i / 40.0 + s)});
        result.series.append(series);
    }
    Lucent::Ui::MetricChart chart(QStringLiteral("bench"), QStringLiteral("requests/s"));
    chart.resize(1200, 700);
    chart.show();
    const QDateTime from = QDateTime::fromSecsSinceEpoch(qint64(start));
    const QDateTime to = from.addSecs(qint64(points) * 15);

    QList<double> loads;
    QList<double> stalls;
    QList<double> redraws;
    QList<double> grabs;
    QImage backingStore(chart.size(), QImage::Format_ARGB32_Premultiplied);
    for (int run = 0; run < 5; ++run) {
        QElapsedTimer timer;
        timer.start();
        QElapsedTimer slice;
        slice.start();
        chart.setResult(result, from, to);
        double worst = slice.nsecsElapsed() / 1e6;
        // The chart loads a busy answer in slices; each turn of the event loop is a stretch the
        // GUI thread could not answer input or paint.
        while (chart.isLoading()) {
            slice.restart();
            QCoreApplication::processEvents();
            worst = std::max(worst, slice.nsecsElapsed() / 1e6);
        }
        loads.append(timer.nsecsElapsed() / 1e6);
        stalls.append(worst);
        // Three repaints a run, the median kept: the first after a load lays the chart out.
        QList<double> repaints;
        for (int i = 0; i < 3; ++i) {
            timer.restart();
            QPainter painter(&backingStore);
            chart.render(&painter); // every line, the axes and the legend
            painter.end();
            repaints.append(timer.nsecsElapsed() / 1e6);
        }
        std::sort(repaints.begin(), repaints.end());
        redraws.append(repaints[1]);
        timer.restart();
        const QPixmap frame = chart.grab();
        grabs.append(timer.nsecsElapsed() / 1e6);
        if (frame.isNull())
            return 1;
    }
    std::sort(grabs.begin(), grabs.end());
    std::sort(loads.begin(), loads.end());
    std::sort(redraws.begin(), redraws.end());
    std::sort(stalls.begin(), stalls.end());
    std::printf("%d series x %d points (%d points)\n", seriesCount, points, seriesCount * points);
    std::printf("load into the chart: %.1f ms until every line is in (median of 5)\n", loads[2]);
    std::printf("longest GUI-thread stall while loading: %.1f ms (median of 5), %.1f ms worst: %s\n", stalls[2],
                stalls[4], stalls[4] <= 16.7 ? "never a dropped frame" : "drops frames");
    std::printf("full redraw: %.1f ms (median of 5), %.1f ms worst (target: 8 ms): %s\n", redraws[2], redraws[4],
                redraws[2] <= 8 ? "MET" : "NOT MET");
    std::printf("grab() into a new pixmap: %.1f ms (median of 5)\n", grabs[2]);
    std::printf("points drawn after reduction to the plot's columns: %d of %d\n", chart.drawnPointCount(),
                seriesCount * points);
    Lucent::Tests::printBench("chart_redraw",
                              {{QStringLiteral("redrawMs"), redraws[2]},
                               {QStringLiteral("redrawWorstMs"), redraws[4]},
                               {QStringLiteral("grabMs"), grabs[2]},
                               {QStringLiteral("loadMs"), loads[2]},
                               {QStringLiteral("loadStallMs"), stalls[2]},
                               {QStringLiteral("loadStallWorstMs"), stalls[4]},
                               {QStringLiteral("pointsDrawn"), chart.drawnPointCount()}});
    return 0;
}
