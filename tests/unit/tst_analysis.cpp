// A promotion's analysis: the verdicts of its metrics from recorded Prometheus answers, pass,
// fail, inconclusive and no data, and the default metrics' thresholds.

#include "core/prometheus/prometheusresponse.h"
#include "core/release/analysis.h"

#include <QtTest>

using namespace Lucent::Core;
using Release::AnalysisMetric;
using Release::AnalysisVerdict;
using Release::MetricRun;

class TestAnalysis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void singleValueOfRecordedAnswers_data();
    void singleValueOfRecordedAnswers();
    void belowThresholdPassesAfterItsCount();
    void oneFailedMeasurementFails();
    void noDataTwiceIsInconclusive();
    void aSingleMeasurementWithoutDataIsInconclusive();
    void aMinimumRateWantsTraffic();
    void combinedVerdicts();
    void defaultsUseTheAlertRulesThresholds();
    void versionLabelIsTheImageTag();
};

namespace {

std::optional<double> valueOf(const QByteArray &body)
{
    Prometheus::PrometheusError error;
    const auto result = Prometheus::PrometheusResponse::query(body, 200, &error);
    return result ? Release::singleValue(*result) : std::nullopt;
}

AnalysisMetric errorRatio(int count = 3)
{
    AnalysisMetric metric;
    metric.name = QStringLiteral("error-ratio");
    metric.threshold = 0.1;
    metric.count = count;
    return metric;
}

} // namespace

void TestAnalysis::singleValueOfRecordedAnswers_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("hasValue");
    QTest::addColumn<double>("value");
    QTest::addRow("one series") << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[
        {"metric":{},"value":[1764500000.1,"0.0421"]}]}})")
                                << true << 0.0421;
    QTest::addRow("no traffic yet") << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[]}})")
                                    << false << 0.0;
    QTest::addRow("0/0 is NaN") << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[
        {"metric":{},"value":[1764500000.1,"NaN"]}]}})")
                                << false << 0.0;
    QTest::addRow("two series") << QByteArray(R"({"status":"success","data":{"resultType":"vector","result":[
        {"metric":{"version":"1"},"value":[1764500000.1,"1"]},{"metric":{"version":"2"},"value":[1764500000.1,"2"]}]}})")
                                << false << 0.0;
    QTest::addRow("scalar") << QByteArray(
        R"({"status":"success","data":{"resultType":"scalar","result":[1764500000.1,"3"]}})")
                            << true << 3.0;
}

void TestAnalysis::singleValueOfRecordedAnswers()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, hasValue);
    QFETCH(double, value);
    const auto got = valueOf(body);
    QCOMPARE(got.has_value(), hasValue);
    if (hasValue)
        QCOMPARE(*got, value);
}

void TestAnalysis::belowThresholdPassesAfterItsCount()
{
    MetricRun run{errorRatio(3), {}, {}};
    run.add(0.01);
    QCOMPARE(run.verdict(), AnalysisVerdict::Running);
    run.add(0.02);
    run.add(std::nullopt); // one gap is tolerated (inconclusiveLimit 1) ...
    QCOMPARE(run.verdict(), AnalysisVerdict::Passed); // ... and counts as a measurement taken
    QCOMPARE(run.sentence(), QStringLiteral("error-ratio 0.01, 0.02, no data (must stay below 0.1): passed"));
}

void TestAnalysis::oneFailedMeasurementFails()
{
    MetricRun run{errorRatio(), {}, {}};
    run.add(0.02);
    run.add(0.35); // the -errors image answers a third of its requests with 500
    QCOMPARE(run.verdict(), AnalysisVerdict::Failed);
    QCOMPARE(Release::judge(errorRatio(), 0.1), Release::Measurement::Failed); // the rule fires above 0.1: equal fails
}

void TestAnalysis::noDataTwiceIsInconclusive()
{
    MetricRun run{errorRatio(), {}, {}};
    run.add(std::nullopt);
    QCOMPARE(run.verdict(), AnalysisVerdict::Running);
    run.add(std::nullopt);
    QCOMPARE(run.verdict(), AnalysisVerdict::Inconclusive);
}

// A monitor window that fits one measurement: the tolerated gap is the whole run, which proves
// nothing (it passed before).
void TestAnalysis::aSingleMeasurementWithoutDataIsInconclusive()
{
    MetricRun run{errorRatio(1), {}, {}};
    run.add(std::nullopt);
    QCOMPARE(run.verdict(), AnalysisVerdict::Inconclusive);
    MetricRun measured{errorRatio(1), {}, {}};
    measured.add(0.01);
    QCOMPARE(measured.verdict(), AnalysisVerdict::Passed);
}

void TestAnalysis::aMinimumRateWantsTraffic()
{
    AnalysisMetric rate;
    rate.name = QStringLiteral("request-rate");
    rate.bound = AnalysisMetric::Bound::Above;
    rate.threshold = 0.1;
    QCOMPARE(Release::judge(rate, 4.2), Release::Measurement::Passed);
    QCOMPARE(Release::judge(rate, 0.0), Release::Measurement::Failed);
    QCOMPARE(Release::judge(rate, std::nullopt), Release::Measurement::Inconclusive);
}

void TestAnalysis::combinedVerdicts()
{
    MetricRun passed{errorRatio(1), {}, {}};
    passed.add(0.0);
    MetricRun running{errorRatio(3), {}, {}};
    running.add(0.0);
    MetricRun failed{errorRatio(), {}, {}};
    failed.add(0.5);
    MetricRun inconclusive{errorRatio(), {}, {}};
    inconclusive.add(std::nullopt);
    inconclusive.add(std::nullopt);
    QCOMPARE(Release::combined({passed}), AnalysisVerdict::Passed);
    QCOMPARE(Release::combined({passed, running}), AnalysisVerdict::Running);
    QCOMPARE(Release::combined({passed, inconclusive}), AnalysisVerdict::Inconclusive);
    QCOMPARE(Release::combined({inconclusive, failed}), AnalysisVerdict::Failed);
    QCOMPARE(Release::combined({}), AnalysisVerdict::Running);
}

void TestAnalysis::defaultsUseTheAlertRulesThresholds()
{
    const auto metrics = Release::defaultAnalysis(QStringLiteral("lucent-staging"), QStringLiteral("wallet-service"),
                                                  QStringLiteral("green"), QStringLiteral("2.2.0"));
    QCOMPARE(metrics.size(), 3);
    QCOMPARE(metrics[0].threshold, 0.1); // HighErrorRate
    QCOMPARE(metrics[1].threshold, 1.0); // HighResponseTime
    QCOMPARE(metrics[2].bound, AnalysisMetric::Bound::Above);
    for (const auto &metric : metrics)
        QVERIFY2(metric.query.contains(QStringLiteral("color=\"green\""))
                     && metric.query.contains(QStringLiteral("app=\"wallet-service\""))
                     && metric.query.contains(QStringLiteral("version=\"2.2.0\"")),
                 qPrintable(metric.query));
}

void TestAnalysis::versionLabelIsTheImageTag()
{
    QCOMPARE(Release::versionLabel(QStringLiteral("lucent/wallet-service:2.2.0")), QStringLiteral("2.2.0"));
    QCOMPARE(Release::versionLabel(QStringLiteral("mirror.example:5000/lucent/wallet-service:2.2.0-rc1")),
             QStringLiteral("2.2.0-rc1"));
    QCOMPARE(Release::versionLabel(QStringLiteral("mirror.example:5000/lucent/wallet-service")),
             QStringLiteral("latest"));
}

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
