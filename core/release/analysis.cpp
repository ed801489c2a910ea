#include "core/release/analysis.h"

#include <cmath>

namespace Lucent::Core::Release {

QString analysisVerdictName(AnalysisVerdict verdict)
{
    switch (verdict) {
    case AnalysisVerdict::Running: return QStringLiteral("running");
    case AnalysisVerdict::Passed: return QStringLiteral("passed");
    case AnalysisVerdict::Failed: return QStringLiteral("failed");
    case AnalysisVerdict::Inconclusive: return QStringLiteral("inconclusive");
    }
    return {};
}

std::optional<double> singleValue(const Prometheus::QueryResult &result)
{
    if (result.type == Prometheus::QueryResult::Type::Scalar)
        return std::isfinite(result.scalar.value) ? std::optional<double>(result.scalar.value) : std::nullopt;
    if (result.series.size() != 1 || result.series.constFirst().samples.isEmpty())
        return std::nullopt;
    const double value = result.series.constFirst().samples.constLast().value;
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

Measurement judge(const AnalysisMetric &metric, const std::optional<double> &value)
{
    if (!value)
        return Measurement::Inconclusive;
    const bool within
        = metric.bound == AnalysisMetric::Bound::Below ? *value < metric.threshold : *value > metric.threshold;
    return within ? Measurement::Passed : Measurement::Failed;
}

void MetricRun::add(const std::optional<double> &value)
{
    values.append(value);
    measurements.append(judge(metric, value));
}

AnalysisVerdict MetricRun::verdict() const
{
    const auto failed = measurements.count(Measurement::Failed);
    const auto inconclusive = measurements.count(Measurement::Inconclusive);
    if (failed > metric.failureLimit)
        return AnalysisVerdict::Failed;
    if (inconclusive > metric.inconclusiveLimit)
        return AnalysisVerdict::Inconclusive;
    // The tolerance is for a missed scrape, not for a metric that never answered: a run whose
    // every measurement had no data (a single one, in a short monitor window) proves nothing.
    if (measurements.size() >= metric.count && inconclusive == measurements.size())
        return AnalysisVerdict::Inconclusive;
    return measurements.size() >= metric.count ? AnalysisVerdict::Passed : AnalysisVerdict::Running;
}

QString MetricRun::sentence() const
{
    QStringList shown;
    for (const auto &value : values)
        shown.append(value ? QString::number(*value, 'g', 3) : QStringLiteral("no data"));
    // "0.299 < 0.1: failed" read as a false inequality: the bound is said in words.
    return QStringLiteral("%1 %2 (%3 %4): %5")
        .arg(metric.name, shown.join(QStringLiteral(", ")),
             metric.bound == AnalysisMetric::Bound::Below ? QStringLiteral("must stay below")
                                                          : QStringLiteral("must stay above"))
        .arg(metric.threshold)
        .arg(analysisVerdictName(verdict()));
}

QString versionLabel(const QString &image)
{
    const qsizetype slash = image.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    return colon > slash ? image.mid(colon + 1) : QStringLiteral("latest");
}

AnalysisMetric expandedMetric(AnalysisMetric metric, const QString &namespaceName, const QString &service,
                              const QString &colour, const QString &version)
{
    const QString selector = QStringLiteral("namespace=\"%1\",app=\"%2\",color=\"%3\",version=\"%4\"")
                                 .arg(namespaceName, service, colour, version);
    metric.query.replace(QLatin1String("{{selector}}"), selector)
        .replace(QLatin1String("{{namespace}}"), namespaceName)
        .replace(QLatin1String("{{service}}"), service)
        .replace(QLatin1String("{{colour}}"), colour)
        .replace(QLatin1String("{{color}}"), colour)
        .replace(QLatin1String("{{version}}"), version);
    return metric;
}

QList<AnalysisMetric> defaultAnalysis(const QString &namespaceName, const QString &service, const QString &colour,
                                      const QString &version, int count, int intervalSeconds)
{
    const QString selector = QStringLiteral("{{selector}}");
    AnalysisMetric errors{QStringLiteral("error-ratio"),
                          // A healthy colour has no 5xx series at all: its errors count as 0, not as
                          // "no data", while no traffic at all still answers nothing.
                          QStringLiteral("(sum(rate(http_requests_total{%1,status=~\"5..\"}[1m])) or vector(0)) / "
                                         "sum(rate(http_requests_total{%1}[1m]))")
                              .arg(selector),
                          AnalysisMetric::Bound::Below, 0.1, count, intervalSeconds, 0, 1};
    AnalysisMetric latency{QStringLiteral("p95-latency"),
                           QStringLiteral("histogram_quantile(0.95, sum by (le) "
                                          "(rate(http_request_duration_seconds_bucket{%1}[1m])))")
                               .arg(selector),
                           AnalysisMetric::Bound::Below,
                           1.0,
                           count,
                           intervalSeconds,
                           0,
                           1};
    AnalysisMetric traffic{QStringLiteral("request-rate"),
                           QStringLiteral("sum(rate(http_requests_total{%1}[1m]))").arg(selector),
                           AnalysisMetric::Bound::Above,
                           0.1,
                           count,
                           intervalSeconds,
                           0,
                           1};
    QList<AnalysisMetric> metrics;
    for (const AnalysisMetric &metric : {errors, latency, traffic})
        metrics.append(expandedMetric(metric, namespaceName, service, colour, version));
    return metrics;
}

AnalysisVerdict combined(const QList<MetricRun> &runs)
{
    bool allPassed = !runs.isEmpty();
    bool inconclusive = false;
    for (const MetricRun &run : runs) {
        const AnalysisVerdict verdict = run.verdict();
        if (verdict == AnalysisVerdict::Failed)
            return AnalysisVerdict::Failed;
        inconclusive = inconclusive || verdict == AnalysisVerdict::Inconclusive;
        allPassed = allPassed && verdict == AnalysisVerdict::Passed;
    }
    if (inconclusive)
        return AnalysisVerdict::Inconclusive;
    return allPassed ? AnalysisVerdict::Passed : AnalysisVerdict::Running;
}

} // namespace Lucent::Core::Release
