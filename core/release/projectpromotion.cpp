#include "core/release/projectpromotion.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSysInfo>

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

QString PromotionTarget::identity() const
{
    return user + QLatin1Char('@') + QSysInfo::machineHostName();
}

PromotionOptions promotionOptions(const PromotionTarget &target, const PromotionChoices &choices)
{
    PromotionOptions options;
    applyProjectSettings(options, target.settings, target.projectDirectory);
    options.monitorSeconds = choices.monitorSeconds.value_or(options.monitorSeconds);
    options.scaleDownDelaySeconds = choices.scaleDownDelaySeconds.value_or(options.scaleDownDelaySeconds);
    options.preview = choices.preview.value_or(options.preview);
    options.identity = target.identity();
    options.analysis = choices.analysis;
    options.alertsAcknowledged = choices.alertsAcknowledged;
    options.pauseOnInconclusive = choices.pauseOnInconclusive;
    options.askOnInconclusive = choices.askOnInconclusive;
    options.confirmBeforeSwitch = choices.confirmBeforeSwitch;
    options.journalDirectory = promotionJournalDirectory();
    QStringList kubeconfigs;
    for (const QString &file : target.kubeconfigFiles)
        kubeconfigs.append(QFileInfo(file).absoluteFilePath());
    options.kubeconfigPath = kubeconfigs.join(QLatin1Char(':'));
    options.kubeContext = target.environment.context;
    options.apiServer = target.apiServer;
    return options;
}

QString newPromotionId(bool rollback)
{
    return QStringLiteral("%1-%2").arg(rollback ? QStringLiteral("r") : QStringLiteral("p"),
                                       QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
}

RecoveryPlan planRecovery(const PromotionJournal &journal, const QString &namespaceName,
                          const QList<QJsonObject> &services, const QList<QJsonObject> &deployments)
{
    RecoveryPlan recovery;
    QList<bool> switched; // the reconciler reads the Services again before it acts
    recovery.plan = resumePlan(journal, namespaceName, services, deployments, &switched);
    if (!recovery.plan.isValid())
        recovery.problem = QObject::tr("The journalled promotion no longer matches the cluster: %1 Check the "
                                       "Services' colours by hand.")
                               .arg(recovery.plan.problems.join(QLatin1Char(' ')));
    return recovery;
}

void beginRecovery(PromotionEngine &engine, const PromotionJournal &journal, bool resume, const QString &who)
{
    if (resume)
        engine.resume(journal);
    else
        engine.abortInterrupted(QObject::tr("Rolled back by %1.").arg(who));
}

} // namespace Lucent::Core::Release
