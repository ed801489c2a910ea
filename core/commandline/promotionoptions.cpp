#include "core/commandline/promotionoptions.h"

#include "core/logging/logging.h"

#include <QCommandLineParser>

namespace Lucent::Core {

PromotionOptionSet::PromotionOptionSet(bool forPromote)
    : help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."))
    , m_forPromote(forPromote)
    , m_env(QStringLiteral("env"), QStringLiteral("The environment (from lucent.yaml)."), QStringLiteral("ENV"))
    , m_yes(QStringLiteral("yes"), QStringLiteral("Go ahead on an unprotected environment."))
    , m_confirm(QStringLiteral("confirm"),
                QStringLiteral("The environment's name, required on a protected environment."), QStringLiteral("ENV"))
    , m_monitor(QStringLiteral("monitor"),
                QStringLiteral("Seconds to watch the new colour after the switch (60, or lucent.yaml's "
                               "promotion.monitorSeconds)."),
                QStringLiteral("SECONDS"), QStringLiteral("60"))
    , m_delay(QStringLiteral("scale-down-delay"),
              QStringLiteral("Seconds before the old colour goes to 0 replicas (30, or lucent.yaml's "
                             "promotion.scaleDownDelaySeconds)."),
              QStringLiteral("SECONDS"), QStringLiteral("30"))
    , m_output(QStringLiteral("output"), QStringLiteral("text or json (JSON lines)."), QStringLiteral("FORMAT"),
               QStringLiteral("text"))
    , m_analysis(QStringLiteral("analysis"),
                 QStringLiteral("default (the new colour's error ratio, p95 latency and request rate from the "
                                "environment's Prometheus, or lucent.yaml's metrics) or none (recorded)."),
                 QStringLiteral("MODE"), QStringLiteral("default"))
    , m_onInconclusive(QStringLiteral("on-inconclusive"),
                       QStringLiteral("rollback (default) or pause (exit 3; 'promotion resume' or 'abort' decides) "
                                      "when the analysis has no data."),
                       QStringLiteral("ACTION"), QStringLiteral("rollback"))
    , m_preview(QStringLiteral("preview"),
                QStringLiteral("A <service>-preview Service on the standby colour once it is healthy, for the smoke "
                               "test (also lucent.yaml's promotion.preview)."))
    , m_tokenFile(QStringLiteral("prometheus-token-file"),
                  QStringLiteral("A file holding the bearer token for the environment's Prometheus (else "
                                 "$LUCENT_PROMETHEUS_TOKEN)."),
                  QStringLiteral("FILE"))
    , m_acknowledge(QStringLiteral("acknowledge-alerts"),
                    QStringLiteral("Go on although alerts of these services fire (recorded)."))
    , m_config(QStringLiteral("config"), QStringLiteral("The project file (lucent.yaml)."), QStringLiteral("file"))
    , m_kubeconfig(QStringLiteral("kubeconfig"),
                   QStringLiteral("The kubeconfig, instead of $KUBECONFIG or ~/.kube/config."), QStringLiteral("file"))
    , m_logLevel(QStringLiteral("log-level"),
                 QStringLiteral("trace, debug, info, warn, error, critical or off (info), for the log file in "
                                "$XDG_STATE_HOME/lucent-console."),
                 QStringLiteral("level"), QStringLiteral("info"))
{
}

void PromotionOptionSet::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({help, m_env, m_yes, m_confirm, m_monitor, m_delay, m_output, m_analysis, m_tokenFile,
                       m_acknowledge, m_config, m_kubeconfig, m_logLevel});
    if (m_forPromote)
        parser.addOptions({m_onInconclusive, m_preview});
}

QString PromotionOptionSet::readInto(const QCommandLineParser &parser, CommandLine &result) const
{
    result.promoteEnvironment = parser.value(m_env);
    if (result.promoteEnvironment.isEmpty())
        return QStringLiteral("Name the environment with --env.");
    bool okMonitor = false;
    bool okDelay = false;
    result.monitorSeconds = parser.value(m_monitor).toInt(&okMonitor);
    result.scaleDownDelaySeconds = parser.value(m_delay).toInt(&okDelay);
    result.monitorSet = parser.isSet(m_monitor);
    result.scaleDownDelaySet = parser.isSet(m_delay);
    if (!okMonitor || !okDelay || result.monitorSeconds < 0 || result.scaleDownDelaySeconds < 0)
        return QStringLiteral("--monitor and --scale-down-delay take whole seconds, 0 or more.");
    result.outputFormat = parser.value(m_output).toLower();
    if (result.outputFormat != QLatin1String("text") && result.outputFormat != QLatin1String("json"))
        return QStringLiteral("--output takes text or json, not '%1'.").arg(parser.value(m_output));
    const QString analysis = parser.value(m_analysis);
    if (analysis != QLatin1String("default") && analysis != QLatin1String("none"))
        return QStringLiteral("--analysis takes default or none, not '%1'.").arg(analysis);
    result.promoteAnalysis = analysis == QLatin1String("default");
    result.analysisSet = parser.isSet(m_analysis);
    if (m_forPromote) {
        const QString inconclusive = parser.value(m_onInconclusive);
        if (inconclusive != QLatin1String("rollback") && inconclusive != QLatin1String("pause"))
            return QStringLiteral("--on-inconclusive takes rollback or pause, not '%1'.").arg(inconclusive);
        result.pauseOnInconclusive = inconclusive == QLatin1String("pause");
        result.preview = parser.isSet(m_preview);
    }
    result.acknowledgeAlerts = parser.isSet(m_acknowledge);
    result.prometheusTokenFile = parser.value(m_tokenFile);
    result.promoteYes = parser.isSet(m_yes);
    result.promoteConfirm = parser.value(m_confirm);
    result.config = parser.value(m_config);
    result.kubeconfig = parser.value(m_kubeconfig);
    const auto level = Logging::parseLevel(parser.value(m_logLevel));
    if (!level)
        return QStringLiteral("Unknown log level '%1'; use trace, debug, info, warn, error, critical or off.")
            .arg(parser.value(m_logLevel));
    result.logLevel = *level;
    return {};
}

} // namespace Lucent::Core
