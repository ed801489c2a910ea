// The metrics view against the sandbox's real Prometheus: the service's charts fill with a
// line per version, thresholds are drawn, the PromQL box charts any range query and shows
// Prometheus' error text, and the query chart exports to CSV.

#include "sandboxprocess.h"

#include "ui/metrics/metricchart.h"
#include "ui/metrics/metricsview.h"
#include "ui/metrics/seriesreduction.h"
#include "ui/shell/mainwindow.h"

#include <QChart>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QValueAxis>
#include <QtTest>

using Lucent::Tests::SandboxProcess;
using namespace Lucent::Ui;

class TestMetricsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void serviceChartsShowALinePerVersion();
    void chartsAreReadableAndShareColours();
    void timeAxisLabelsAreDrawn();
    void promqlBoxChartsAndShowsErrors();
    void denseSeriesAreCutToTheirEnvelope();

private:
    /// wallet-service's charts with lines for 2.1.0 and, after a rollout to it, 2.2.0.
    bool showsBothWalletVersions();

private:
    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20"),
                              QStringLiteral("--log-rate"), QStringLiteral("10")}};
    std::unique_ptr<MainWindow> m_window;
    MetricsView *m_view = nullptr;
};

namespace {

QStringList names(MetricChart *chart)
{
    QStringList list;
    for (QAbstractSeries *series : chart->chart()->series())
        list.append(series->name());
    return list;
}

} // namespace

void TestMetricsView::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    m_window = std::make_unique<MainWindow>(QStringList{m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    QSignalSpy first(m_window.get(), &MainWindow::firstDataArrived);
    m_window->show();
    QVERIFY(first.wait(30000));
    m_view = m_window->findChild<MetricsView *>();
    QVERIFY(m_view);
}

void TestMetricsView::serviceChartsShowALinePerVersion()
{
    m_view->setService(QStringLiteral("wallet-service"));
    QCOMPARE(m_view->findChild<QComboBox *>(QStringLiteral("metricsService"))->currentText(),
             QStringLiteral("wallet-service"));
    // Rates need two scrapes: within some seconds the request rate has a line for 2.1.0.
    QVERIFY(QTest::qWaitFor(
        [this] {
            QSignalSpy refreshed(m_view, &MetricsView::refreshed);
            m_view->refresh();
            return refreshed.wait(10000) && m_view->rateChart()->seriesCount() >= 1;
        },
        60000));
    QVERIFY2(names(m_view->rateChart()).contains(QStringLiteral("2.1.0")),
             qPrintable(names(m_view->rateChart()).join(u',')));
    QVERIFY(names(m_view->errorChart()).contains(QStringLiteral("HighErrorRate threshold")));
    QVERIFY(names(m_view->latencyChart()).contains(QStringLiteral("HighResponseTime threshold")));

    // A new version gets its own line next to the old one.
    QVERIFY(showsBothWalletVersions());
}

bool TestMetricsView::showsBothWalletVersions()
{
    [this] {
        m_view->setService(QStringLiteral("wallet-service"));
        // 2.1.0 needs two scrapes for a rate before its pods are replaced.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QSignalSpy refreshed(m_view, &MetricsView::refreshed);
                         m_view->refresh();
                         return refreshed.wait(10000) && names(m_view->rateChart()).contains(QStringLiteral("2.1.0"));
                     },
                     60000),
                 qPrintable(names(m_view->rateChart()).join(u',')));
        // Setting the image it already runs changes nothing: alone or after the test above,
        // the same state follows.
        const auto r
            = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "set", "image", "deploy/wallet-service",
                                                     "wallet-service=lucent/wallet-service:2.2.0"}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QSignalSpy refreshed(m_view, &MetricsView::refreshed);
                         m_view->refresh();
                         return refreshed.wait(10000) && names(m_view->rateChart()).contains(QStringLiteral("2.2.0"))
                             && names(m_view->rateChart()).contains(QStringLiteral("2.1.0"));
                     },
                     90000),
                 qPrintable(names(m_view->rateChart()).join(u',')));
    }();
    return !QTest::currentTestFailed();
}

namespace {

/// Dark pixels in the band under @p chart's plot area, where the time labels go.
int darkPixelsUnderThePlot(MetricChart *chart)
{
    const QImage picture = chart->grab().toImage();
    const QRectF plot = chart->chart()->plotArea();
    int dark = 0;
    for (int y = int(plot.bottom()) + 4; y < int(plot.bottom()) + 18 && y < picture.height(); ++y) {
        for (int x = int(plot.left()); x < int(plot.right()); ++x)
            dark += qGray(picture.pixel(x, y)) < 128 ? 1 : 0;
    }
    return dark;
}

QLineSeries *seriesNamed(MetricChart *chart, const QString &name)
{
    for (QAbstractSeries *series : chart->chart()->series()) {
        if (series->name() == name)
            return qobject_cast<QLineSeries *>(series);
    }
    return nullptr;
}

} // namespace

// Issue 15's "hard to read": labelled time axes, uncut value labels, one colour per version
// in every chart, legends that name what differs, and charts that follow a dark palette.
void TestMetricsView::chartsAreReadableAndShareColours()
{
    QVERIFY(showsBothWalletVersions());
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QVERIFY(tabs->indexOf(m_view) >= 0);
    tabs->setCurrentWidget(m_view);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->isVisible(), 5000);
    QSignalSpy refreshed(m_view, &MetricsView::refreshed);
    m_view->refresh();
    QVERIFY(refreshed.wait(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->rateChart()->isLoading(), 5000);
    const QDateTime now = QDateTime::currentDateTime();
    for (MetricChart *chart : {m_view->rateChart(), m_view->errorChart(), m_view->latencyChart()}) {
        const auto times = chart->chart()->axes(Qt::Horizontal);
        QCOMPARE(times.size(), 1);
        auto *time = qobject_cast<QDateTimeAxis *>(times.constFirst());
        QVERIFY(time && time->labelsVisible());
        // The window the view asked for (the last 15 minutes), not a range the series reset.
        QVERIFY2(qAbs(time->max().secsTo(now)) < 60, qPrintable(time->max().toString(Qt::ISODate)));
        QCOMPARE(time->min().secsTo(time->max()), 15 * 60);
        auto *value = qobject_cast<QValueAxis *>(chart->chart()->axes(Qt::Vertical).constFirst());
        QVERIFY(value);
        QTRY_VERIFY_WITH_TIMEOUT(!value->labelsTruncated(), 5000);
        QVERIFY(!time->labelsTruncated());
        const int dark = darkPixelsUnderThePlot(chart);
        QVERIFY2(dark > 20,
                 qPrintable(QStringLiteral("%1: %2 dark pixels under the plot").arg(chart->objectName()).arg(dark)));
    }
    // Both versions are in the request rate: each has one colour, the same in every chart.
    QLineSeries *oldRate = seriesNamed(m_view->rateChart(), QStringLiteral("2.1.0"));
    QLineSeries *newRate = seriesNamed(m_view->rateChart(), QStringLiteral("2.2.0"));
    QVERIFY(oldRate && newRate);
    QVERIFY(oldRate->pen().color() != newRate->pen().color());
    for (MetricChart *chart : {m_view->errorChart(), m_view->latencyChart()}) {
        for (QLineSeries *rate : {oldRate, newRate}) {
            if (QLineSeries *same = seriesNamed(chart, rate->name()))
                QCOMPARE(same->pen().color(), rate->pen().color());
        }
    }

    // A PromQL answer is named by the labels that tell its series apart.
    m_view->runQuery(
        QStringLiteral("sum by (namespace, app) (rate(http_requests_total{namespace=\"lucent-staging\"}[1m]))"));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->queryChart()->seriesCount() > 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->queryChart()->isLoading(), 5000);
    QVERIFY(seriesNamed(m_view->queryChart(), QStringLiteral("wallet-service")));
    for (QAbstractSeries *series : m_view->queryChart()->chart()->series())
        QVERIFY2(!series->name().contains(QLatin1String("lucent-staging")), qPrintable(series->name()));

    // A dark palette gives a dark chart with light text.
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    MetricChart *rate = m_view->rateChart();
    const QPalette before = rate->palette();
    rate->setPalette(dark);
    QVERIFY(rate->chart()->backgroundBrush().color().lightness() < 64);
    QVERIFY(rate->chart()->axes(Qt::Vertical).constFirst()->labelsBrush().color().lightness() > 192);
    rate->setPalette(before);
    QVERIFY(rate->chart()->backgroundBrush().color().lightness() > 192);
}

// The time axis is drawn with labels on the first answer, as a grab (what a screenshot and the
// screen show) proves: dark pixels in the band under the plot, left of the legend.
void TestMetricsView::timeAxisLabelsAreDrawn()
{
    MetricChart chart(QStringLiteral("Request rate"), QStringLiteral("requests/s"));
    chart.setLegendLabel(QStringLiteral("version"));
    chart.resize(300, 200); // before its layout gives it its size
    const QDateTime end = QDateTime::currentDateTime();
    const QDateTime start = end.addSecs(-15 * 60);
    Lucent::Core::Prometheus::QueryResult result;
    Lucent::Core::Prometheus::Series series;
    series.labels.insert(QStringLiteral("version"), QStringLiteral("1.8.0"));
    for (qint64 t = end.addSecs(-60).toSecsSinceEpoch(); t <= end.toSecsSinceEpoch(); t += 5)
        series.samples.append({double(t), 30.0});
    result.series.append(series);
    QSignalSpy loaded(&chart, &MetricChart::loaded);
    chart.setResult(result, start, end);
    QVERIFY(!loaded.isEmpty() || loaded.wait(5000));
    // As in a tab not yet shown: the answer came before the chart was on screen and sized.
    chart.resize(629, 317);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const int dark = darkPixelsUnderThePlot(&chart);
    QVERIFY2(dark > 20, qPrintable(QStringLiteral("%1 dark pixels under the plot").arg(dark)));
}

void TestMetricsView::promqlBoxChartsAndShowsErrors()
{
    auto *error = m_view->findChild<QLabel *>(QStringLiteral("promqlError"));
    m_view->runQuery(QStringLiteral("sum(rate(http_requests_total[1m]"));
    QTRY_VERIFY_WITH_TIMEOUT(!error->isHidden(), 10000); // hidden tabs make nothing 'visible'
    QVERIFY2(error->text().contains(QStringLiteral("parse error")), qPrintable(error->text()));

    m_view->runQuery(QStringLiteral("vector(1)"));
    QTRY_VERIFY_WITH_TIMEOUT(error->isHidden(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->queryChart()->seriesCount(), 1, 10000);
    QVERIFY(m_view->queryChart()->pointCount() >= 100); // 15 minutes at a step of a few seconds
    auto *history = m_view->findChild<QComboBox *>(QStringLiteral("promqlBox"));
    QCOMPARE(history->itemText(0), QStringLiteral("vector(1)"));
    QCOMPARE(history->itemText(1), QStringLiteral("sum(rate(http_requests_total[1m]"));

    // A custom window: a minute, a minute ago, at a step of 1 s.
    const QDateTime to = QDateTime::currentDateTimeUtc().addSecs(-60);
    m_view->setCustomRange(to.addSecs(-60), to);
    m_view->runQuery(QStringLiteral("vector(2)"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->queryChart()->pointCount(), 61, 10000);

    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("query.csv"));
    QVERIFY(m_view->queryChart()->exportCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), m_view->queryChart()->pointCount() + 1);
    QVERIFY(lines[1].endsWith(",2"));
    const QString png = dir.filePath(QStringLiteral("chart.png"));
    QVERIFY(m_view->queryChart()->exportPng(png));
    QVERIFY(!QImage(png).isNull());

    // A failed query leaves no earlier answer on screen as if it were its own.
    QCOMPARE(m_view->queryChart()->seriesCount(), 1);
    m_view->runQuery(QStringLiteral("vector("));
    QTRY_VERIFY_WITH_TIMEOUT(!error->isHidden(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->queryChart()->seriesCount(), 0, 10000);
}

QTEST_MAIN(TestMetricsView)
void TestMetricsView::denseSeriesAreCutToTheirEnvelope()
{
    // 10,000 points over 100 columns, with one spike up and one down in column 42.
    QList<QPointF> points;
    for (int i = 0; i < 10000; ++i)
        points.append(QPointF(i, 10 + (i % 7)));
    points[4213].setY(99);
    points[4277].setY(-5);
    const QList<QPointF> envelope = Lucent::Ui::envelopeOf(points, 0, 10000, 100);
    QVERIFY2(envelope.size() <= 200, qPrintable(QString::number(envelope.size())));
    QVERIFY(std::is_sorted(envelope.cbegin(), envelope.cend(),
                           [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); }));
    QVERIFY(envelope.contains(QPointF(4213, 99))); // spikes survive, at their exact place
    QVERIFY(envelope.contains(QPointF(4277, -5)));
    for (const QPointF &point : envelope)
        QVERIFY(points.contains(point)); // nothing invented
    // Few points: kept whole.
    QCOMPARE(Lucent::Ui::envelopeOf(points.mid(0, 150), 0, 10000, 100), points.mid(0, 150));

    // A chart given 50 x 2,000 points draws about two a column, and its CSV keeps them all.
    Lucent::Core::Prometheus::QueryResult result;
    result.type = Lucent::Core::Prometheus::QueryResult::Type::Matrix;
    for (int s = 0; s < 50; ++s) {
        Lucent::Core::Prometheus::Series series;
        series.labels.insert(QStringLiteral("pod"), QStringLiteral("p%1").arg(s));
        for (int i = 0; i < 2000; ++i)
            series.samples.append({1764064800.0 + i * 15, double((i * 7919 + s) % 100)});
        result.series.append(series);
    }
    Lucent::Ui::MetricChart chart(QStringLiteral("dense"), QStringLiteral("req/s"));
    chart.resize(900, 500);
    chart.show();
    QSignalSpy loaded(&chart, &Lucent::Ui::MetricChart::loaded);
    const QDateTime from = QDateTime::fromSecsSinceEpoch(1764064800);
    chart.setResult(result, from, from.addSecs(2000 * 15));
    QVERIFY(loaded.wait(10000));
    QVERIFY2(chart.drawnPointCount() < 50 * 1000, qPrintable(QString::number(chart.drawnPointCount())));
    QCOMPARE(chart.pointCount(), 100000);
    QTemporaryDir dir;
    QVERIFY(chart.exportCsv(dir.filePath(QStringLiteral("dense.csv"))));
    QFile csv(dir.filePath(QStringLiteral("dense.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 2001); // a header and every time stamp

    // The tooltip's value is the exact sample nearest to the pointer.
    const auto *sample = Lucent::Ui::nearestSample(result.series[3], 1764064800.0 + 100 * 15 + 6);
    QVERIFY(sample);
    QCOMPARE(sample->time, 1764064800.0 + 100 * 15);
    QCOMPARE(sample->value, double((100 * 7919 + 3) % 100));
}

#include "tst_metricsview.moc"
