#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace YAML {
class Node;
}

namespace Lucent::Core::Environment {

/// A metric of a project's promotion analysis, as written: its query may name the pods judged
/// with {{selector}} (namespace, app, color and version) or each of {{namespace}},
/// {{service}}, {{colour}} and {{version}}.
struct AnalysisMetricSettings {
    QString name;
    QString query;
    bool above = false; ///< the value must stay above the threshold (else below it)
    double threshold = 0;
    int failureLimit = 0;
    int inconclusiveLimit = 1;
};

/// lucent.yaml's `promotion:` section: how this project promotes.
///
///     promotion:
///       preview: true                  # a <service>-preview Service on the standby colour
///       monitorSeconds: 120
///       scaleDownDelaySeconds: 60
///       smokeTest: [./smoke-test.sh, --quick]   # run without a shell, relative to this file
///       smokeTestTimeoutSeconds: 120
///       leaseSeconds: 60               # a lock not renewed for this long may be taken over
///       analysis:                      # replaces the default error ratio, p95 and request rate
///         initialDelaySeconds: 30
///         intervalSeconds: 10
///         count: 3
///         metrics:
///           - name: error-ratio
///             query: sum(rate(http_requests_total{ {{selector}},status=~"5.."}[1m])) / ...
///             below: 0.05
///             failureLimit: 0
///             inconclusiveLimit: 1
struct PromotionSettings {
    bool preview = false;
    std::optional<int> monitorSeconds;
    std::optional<int> scaleDownDelaySeconds;
    QStringList smokeTest; ///< argv; the program relative to the project file's directory
    int smokeTestTimeoutSeconds = 120;
    std::optional<int> leaseSeconds;
    std::optional<int> analysisInitialDelaySeconds;
    std::optional<int> analysisIntervalSeconds;
    std::optional<int> analysisCount;
    QList<AnalysisMetricSettings> metrics; ///< empty: the default analysis
};

/// Reads @p node (the `promotion:` map) into @p settings; every mistake goes to @p problem with
/// the node it is about (for its line), and the rest is still read.
void parsePromotionSettings(const YAML::Node &node, PromotionSettings &settings,
                            const std::function<void(const YAML::Node &, const QString &)> &problem);

} // namespace Lucent::Core::Environment
