#include "core/release/projectpromotion.h"

namespace Lucent::Core::Release {

void applyProjectSettings(PromotionOptions &options, const Environment::PromotionSettings &settings,
                          const QString &projectDirectory)
{
    options.preview = options.preview || settings.preview;
    options.monitorSeconds = settings.monitorSeconds.value_or(options.monitorSeconds);
    options.scaleDownDelaySeconds = settings.scaleDownDelaySeconds.value_or(options.scaleDownDelaySeconds);
    options.leaseSeconds = settings.leaseSeconds.value_or(options.leaseSeconds);
    options.smokeTest = settings.smokeTest;
    options.smokeTestDirectory = projectDirectory;
    options.smokeTestTimeoutSeconds = settings.smokeTestTimeoutSeconds;
    options.analysisInitialDelaySeconds
        = settings.analysisInitialDelaySeconds.value_or(options.analysisInitialDelaySeconds);
    options.analysisIntervalSeconds = settings.analysisIntervalSeconds.value_or(options.analysisIntervalSeconds);
    options.analysisCount = settings.analysisCount.value_or(options.analysisCount);
    options.analysisTemplates.clear();
    for (const Environment::AnalysisMetricSettings &metric : settings.metrics)
        options.analysisTemplates.append({metric.name, metric.query,
                                          metric.above ? AnalysisMetric::Bound::Above : AnalysisMetric::Bound::Below,
                                          metric.threshold, options.analysisCount, options.analysisIntervalSeconds,
                                          metric.failureLimit, metric.inconclusiveLimit});
}

void applyJournalledOptions(PromotionOptions &options, const JournalOptions &journalled, ChosenOptions chosen)
{
    if (!journalled.known)
        return;
    if (!chosen.analysis)
        options.analysis = journalled.analysis;
    if (!chosen.monitor)
        options.monitorSeconds = journalled.monitorSeconds;
    if (!chosen.scaleDownDelay)
        options.scaleDownDelaySeconds = journalled.scaleDownDelaySeconds;
    // The previews it made are its to remove, and a pause it asked for stays its way to decide.
    options.preview = journalled.preview;
    options.pauseOnInconclusive = journalled.pauseOnInconclusive;
}

} // namespace Lucent::Core::Release
