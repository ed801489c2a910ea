#pragma once

#include "core/prometheus/prometheustypes.h"

#include <optional>

#include <QList>
#include <QString>

namespace Lucent::Core::Release {

/// One metric a promotion's analysis measures on the standby (or, in the monitor window,
/// the new active) colour: a PromQL query answering one number, a threshold it must stay
/// under or above, how many measurements to take, and how many failed or inconclusive ones
/// it tolerates.
struct AnalysisMetric {
    enum class Bound { Below, Above };
    QString name; ///< "error-ratio"
    QString query;
    Bound bound = Bound::Below;
    double threshold = 0;
    int count = 3;
    int intervalSeconds = 10;
    int failureLimit = 0; ///< more failed measurements than this fail the analysis
    int inconclusiveLimit = 1; ///< more measurements without data than this make it inconclusive
};

enum class Measurement { Passed, Failed, Inconclusive };
enum class AnalysisVerdict { Running, Passed, Failed, Inconclusive };

QString analysisVerdictName(AnalysisVerdict verdict);

/// The number a query answered: the last sample of its only series (a vector's value); none
/// when the answer is empty or not a number (no traffic yet: inconclusive, not zero).
std::optional<double> singleValue(const Prometheus::QueryResult &result);

/// One measurement of @p metric.
Measurement judge(const AnalysisMetric &metric, const std::optional<double> &value);

/// A metric's measurements so far, and what they add up to.
struct MetricRun {
    AnalysisMetric metric;
    QList<std::optional<double>> values;
    QList<Measurement> measurements;

    void add(const std::optional<double> &value);
    AnalysisVerdict verdict() const;
    /// "error-ratio 0.002, 0.004, 0.001 (must stay below 0.1): passed"
    QString sentence() const;
};

/// The "version" label the scrape configuration gives a pod's series: its image's tag (the text
/// after the last ':' of the name's last path segment; "latest" without one).
QString versionLabel(const QString &image);

/// The default analysis of the pods of @p service in @p colour running @p version in
/// @p namespaceName, with the thresholds of the platform's HighErrorRate (5xx ratio above 0.1)
/// and HighResponseTime (p95 above 1 s) rules, and a minimum request rate so that a colour
/// without traffic is not called healthy. The version keeps out the series that pods of an
/// earlier promotion of the same colour left in the rate window.
QList<AnalysisMetric> defaultAnalysis(const QString &namespaceName, const QString &service, const QString &colour,
                                      const QString &version, int count = 3, int intervalSeconds = 10);

/// @p metric (from a project's analysis template) for the pods of @p service in @p colour
/// running @p version: {{selector}} becomes namespace, app, color and version matchers, and
/// {{namespace}}, {{service}}, {{colour}} (or {{color}}) and {{version}} their values.
AnalysisMetric expandedMetric(AnalysisMetric metric, const QString &namespaceName, const QString &service,
                              const QString &colour, const QString &version);

/// Several metrics' verdicts combined: failed if any failed, inconclusive if any is, passed
/// once all passed.
AnalysisVerdict combined(const QList<MetricRun> &runs);

} // namespace Lucent::Core::Release
