#pragma once

#include <spdlog/common.h>

#include <QSize>
#include <QString>
#include <QStringList>

namespace Lucent::Core {

/// What the user asked for on the command line. Parsed without a QCoreApplication so that
/// main() can choose the Qt platform (offscreen for --screenshot) before creating one.
struct CommandLine {
    enum class Action { Run, Validate, Promote, Rollback, Promotion, ShowHelp, ShowVersion, Fail };
    enum class Theme { System, Light, Dark };

    Action action = Action::Run;
    QString kubeconfig; ///< --kubeconfig, overrides $KUBECONFIG
    QString config; ///< --config: the project file (lucent.yaml)
    bool sandbox = false; ///< --sandbox: start lucent-sandbox and use it
    QString view = QStringLiteral("rollouts"); ///< --view: the tab to open on
    QString logs; ///< --logs: the log source to open (implies --view logs)
    QString screenshot; ///< --screenshot FILE: render once data arrived, save, exit
    int screenshotTimeoutSeconds = 30;
    spdlog::level::level_enum logLevel = spdlog::level::info;
    Theme theme = Theme::System;
    QSize windowSize; ///< --size WIDTHxHEIGHT; invalid: the window's own default
    QString workspace; ///< --workspace DIR: the manifests the editor opens
    QString openFile; ///< --open FILE: a manifest to open (implies --view manifests)
    QString environment; ///< --env NAME: the environment to open on (else the current context's)
    bool openPromotion = false; ///< --promote[=SERVICES]: open the promotion wizard once connected
    QStringList promoteServices; ///< the services --promote ticks
    QString text; ///< help or version text, or the error sentence for Fail

    // "lucent-console validate [--format F] PATH...": validate manifests and exit.
    QStringList validatePaths;
    QString validateFormat = QStringLiteral("text"); ///< text, json or sarif
    QStringList productionNamespaces; ///< --production-namespace, besides lucent.yaml's protected ones
    bool listRules = false; ///< validate --list-rules: print the rules and exit

    // "lucent-console promote --env ENV --image SERVICE=IMAGE...": a blue-green promotion.
    QString promoteEnvironment;
    QStringList promoteImages; ///< SERVICE=IMAGE, as given
    QStringList rollbackServices; ///< rollback --service; empty: every service with a standby
    bool promoteYes = false; ///< --yes: no question on an unprotected environment
    QString promoteConfirm; ///< --confirm NAME: a protected environment's name, typed
    int monitorSeconds = 60;
    int scaleDownDelaySeconds = 30;
    bool monitorSet = false; ///< given on the command line: wins over lucent.yaml's promotion:
    bool scaleDownDelaySet = false;
    bool preview = false; ///< --preview: a <service>-preview Service on the standby colour
    QString outputFormat = QStringLiteral("text"); ///< text or json (JSON lines)
    bool promoteAnalysis = true; ///< --analysis default|none
    bool analysisSet = false; ///< given on the command line: a resume does not take the journal's
    bool pauseOnInconclusive = false; ///< --on-inconclusive pause
    bool acknowledgeAlerts = false;
    QString prometheusTokenFile; ///< --prometheus-token-file: the analysis' bearer token ///< --acknowledge-alerts:
                                 ///< firing alerts do not stop it
    QString promotionCommand; ///< "promotion status|resume|abort|history"

    static CommandLine parse(const QStringList &arguments);
};

} // namespace Lucent::Core
