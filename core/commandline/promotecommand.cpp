#include "core/commandline/promotecommand.h"

#include "core/audit/audittrail.h"
#include "core/commandline/promotionsupport.h"
#include "core/environment/projectconfig.h"
#include "core/kube/clusterconnection.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionlock.h"
#include "core/release/promotionplan.h"
#include "core/validation/validator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <memory>

namespace Lucent::Core {

namespace {

using namespace PromotionSupport;

QList<Release::RequestedImage> requestedImages(const QStringList &given, QString *error)
{
    QList<Release::RequestedImage> images;
    for (const QString &pair : given) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals <= 0 || equals == pair.size() - 1) {
            *error = QStringLiteral("--image takes SERVICE=IMAGE (or SERVICE/CONTAINER=IMAGE), not '%1'.").arg(pair);
            return {};
        }
        const QString target = pair.left(equals);
        const qsizetype slash = target.indexOf(QLatin1Char('/'));
        images.append({slash < 0 ? target : target.left(slash), pair.mid(equals + 1),
                       slash < 0 ? QString() : target.mid(slash + 1)});
    }
    return images;
}

} // namespace

CommandLine parsePromote(const QStringList &arguments, bool rollback)
{
    const QString command = rollback ? QStringLiteral("rollback") : QStringLiteral("promote");
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption env(QStringLiteral("env"), QStringLiteral("The environment (from lucent.yaml)."),
                                 QStringLiteral("ENV"));
    const QCommandLineOption image(QStringLiteral("image"),
                                   QStringLiteral("A service and its new image, SERVICE=IMAGE (repeatable; "
                                                  "SERVICE/CONTAINER=IMAGE for pods with several containers)."),
                                   QStringLiteral("SERVICE=IMAGE"));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Go ahead on an unprotected environment."));
    const QCommandLineOption confirm(QStringLiteral("confirm"),
                                     QStringLiteral("The environment's name, required on a protected environment."),
                                     QStringLiteral("ENV"));
    const QCommandLineOption monitor(QStringLiteral("monitor"),
                                     QStringLiteral("Seconds to watch the new colour after the switch (60)."),
                                     QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption delay(QStringLiteral("scale-down-delay"),
                                   QStringLiteral("Seconds before the old colour goes to 0 replicas (30)."),
                                   QStringLiteral("SECONDS"), QStringLiteral("30"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("text or json (JSON lines)."),
                                    QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption analysis(QStringLiteral("analysis"),
                                      QStringLiteral("default (the standby colour's error ratio, p95 latency and "
                                                     "request rate from the environment's Prometheus) or none."),
                                      QStringLiteral("MODE"), QStringLiteral("default"));
    const QCommandLineOption onInconclusive(
        QStringLiteral("on-inconclusive"),
        QStringLiteral("rollback (default) or pause (exit 3; 'promotion resume' or 'abort' decides) when the "
                       "analysis has no data."),
        QStringLiteral("ACTION"), QStringLiteral("rollback"));
    const QCommandLineOption preview(QStringLiteral("preview"),
                                     QStringLiteral("A <service>-preview Service on the standby colour once it is "
                                                    "healthy, for the smoke test (also lucent.yaml's "
                                                    "promotion.preview)."));
    const QCommandLineOption tokenFile(QStringLiteral("prometheus-token-file"),
                                       QStringLiteral("A file holding the bearer token for the environment's "
                                                      "Prometheus (else $LUCENT_PROMETHEUS_TOKEN)."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption acknowledge(QStringLiteral("acknowledge-alerts"),
                                         QStringLiteral("Promote although alerts of these services fire (recorded)."));
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("The project file (lucent.yaml)."),
                                    QStringLiteral("file"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                        QStringLiteral("The kubeconfig, instead of $KUBECONFIG or ~/.kube/config."),
                                        QStringLiteral("file"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("A service to roll back (repeatable; default: every service with "
                                                    "a standby colour)."),
                                     QStringLiteral("SERVICE"));
    parser.addOptions({help, env, rollback ? service : image, yes, confirm, monitor, delay, output, analysis,
                       onInconclusive, preview, acknowledge, tokenFile, config, kubeconfig});

    CommandLine result;
    auto failWith = [&](const QString &sentence) {
        result.action = CommandLine::Action::Fail;
        result.text = sentence + QStringLiteral("\nRun 'lucent-console %1 --help' for the options.\n").arg(command);
        return result;
    };
    if (!parser.parse(arguments))
        return failWith(parser.errorText());
    if (parser.isSet(help)) {
        result.action = CommandLine::Action::ShowHelp;
        result.text = parser.helpText();
        result.text.replace(
            0, result.text.indexOf(QLatin1Char('\n')),
            (rollback
                 ? QStringLiteral("Usage: lucent-console rollback --env ENV [--service SERVICE...] [--yes | --confirm "
                                  "ENV]\n"
                                  "Rolls back to the standby colour: brings it back to the active colour's "
                                  "replicas with the image it still has, waits until ready, switches every "
                                  "Service back, watches, scales the failed colour down.\n")
                 : QStringLiteral("Usage: lucent-console promote --env ENV --image SERVICE=IMAGE... [--yes | "
                                  "--confirm ENV]\n"
                                  "A blue-green promotion: deploy the standby colour, wait until ready, switch "
                                  "every Service, watch, scale the old colour down; roll back on any failure "
                                  "or Ctrl+C.\n"))
                + QStringLiteral(
                    "Exit codes: 0 promoted; 1 failed and rolled back (or refused before any change); 2 "
                    "usage or configuration; 3 paused for a decision (--on-inconclusive pause); 4 another "
                    "promotion holds the lock; 5 a permission is missing; 6 the rollback failed, a human must act."));
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return failWith(QStringLiteral("Unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));
    result.promoteEnvironment = parser.value(env);
    if (result.promoteEnvironment.isEmpty())
        return failWith(QStringLiteral("Name the environment with --env."));
    if (rollback) {
        result.rollbackServices = parser.values(service);
    } else {
        result.promoteImages = parser.values(image);
        if (result.promoteImages.isEmpty())
            return failWith(QStringLiteral("Name at least one --image SERVICE=IMAGE."));
    }
    bool okMonitor = false;
    bool okDelay = false;
    result.monitorSeconds = parser.value(monitor).toInt(&okMonitor);
    result.scaleDownDelaySeconds = parser.value(delay).toInt(&okDelay);
    result.monitorSet = parser.isSet(monitor);
    result.scaleDownDelaySet = parser.isSet(delay);
    if (!okMonitor || !okDelay || result.monitorSeconds < 0 || result.scaleDownDelaySeconds < 0)
        return failWith(QStringLiteral("--monitor and --scale-down-delay take whole seconds, 0 or more."));
    result.outputFormat = parser.value(output).toLower();
    if (result.outputFormat != QLatin1String("text") && result.outputFormat != QLatin1String("json"))
        return failWith(QStringLiteral("--output takes text or json, not '%1'.").arg(parser.value(output)));
    if (parser.value(analysis) != QLatin1String("default") && parser.value(analysis) != QLatin1String("none"))
        return failWith(QStringLiteral("--analysis takes default or none, not '%1'.").arg(parser.value(analysis)));
    result.promoteAnalysis = parser.value(analysis) == QLatin1String("default");
    if (parser.value(onInconclusive) != QLatin1String("rollback")
        && parser.value(onInconclusive) != QLatin1String("pause"))
        return failWith(
            QStringLiteral("--on-inconclusive takes rollback or pause, not '%1'.").arg(parser.value(onInconclusive)));
    result.pauseOnInconclusive = parser.value(onInconclusive) == QLatin1String("pause");
    result.acknowledgeAlerts = parser.isSet(acknowledge);
    result.prometheusTokenFile = parser.value(tokenFile);
    result.preview = parser.isSet(preview);
    result.promoteYes = parser.isSet(yes);
    result.promoteConfirm = parser.value(confirm);
    result.config = parser.value(config);
    result.kubeconfig = parser.value(kubeconfig);
    result.action = rollback ? CommandLine::Action::Rollback : CommandLine::Action::Promote;
    return result;
}

int runPromoteCommand(const CommandLine &options, std::FILE *out, std::FILE *err)
{
    QString problem;
    const auto target = resolveEnvironment(options, &problem);
    if (!target)
        return fail(err, UsageOrConfiguration, problem);
    const Environment::Environment *environment = &target->environment;
    const bool rollback = options.action == CommandLine::Action::Rollback;
    if (const QString refusal = missingConfirmation(*environment, options,
                                                    rollback ? QStringLiteral("roll back") : QStringLiteral("promote"));
        !refusal.isEmpty())
        return fail(err, UsageOrConfiguration, refusal);
    auto images = requestedImages(options.promoteImages, &problem);
    if (!problem.isEmpty())
        return fail(err, UsageOrConfiguration, problem);
    Kube::KubeClient client(target->connection);
    const QString ns = environment->namespaceName;
    const auto services = listNow(client, Kube::ResourceType::services(), ns, &problem);
    const auto deployments = listNow(client, Kube::ResourceType::deployments(), ns, &problem);
    if (!problem.isEmpty())
        return fail(err, FailedRolledBack,
                    QStringLiteral("Reading %1 failed: %2 Nothing was changed.").arg(ns, problem));

    if (rollback) {
        QStringList problems;
        images = Release::rollbackRequests(services, deployments, options.rollbackServices, &problems);
        if (!problems.isEmpty())
            return fail(err, UsageOrConfiguration, problems.join(QLatin1Char(' ')));
        if (images.isEmpty())
            return fail(err, FailedRolledBack,
                        QStringLiteral("No service of %1 has a standby colour to roll back to; nothing was changed.")
                            .arg(environment->name));
    }
    const QString id
        = QStringLiteral("%1-%2").arg(rollback ? QStringLiteral("r") : QStringLiteral("p"),
                                      QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
    const auto plan = Release::planPromotion({id, environment->name, ns, images}, services, deployments);
    const Printer print(out, options.outputFormat == QLatin1String("json"));
    print.line(QStringLiteral("plan"), Release::describePlan(plan).trimmed());
    if (!plan.isValid())
        return fail(err, FailedRolledBack, QStringLiteral("The plan has problems; nothing was changed."));
    const auto findings = Release::validatePlan(plan, Validation::Validator());
    for (const auto &finding : findings)
        print.line(QStringLiteral("validation"), QStringLiteral("%1: %2").arg(finding.objectName, finding.message));
    if (Validation::countSeverity(findings, Validation::Severity::Error) > 0)
        return fail(err, FailedRolledBack,
                    QStringLiteral("The standby Deployments do not validate; nothing was changed."));

    const Release::PromotionOptions engineOptions = PromotionSupport::engineOptions(*target, options);
    // Every change goes to audit.jsonl and, as Events on the Services, to `kubectl events`.
    Audit::AuditTrail audit(environment->context);
    audit.attach(&client, target->user());
    Release::PromotionEngine engine(&client, plan, engineOptions, &audit);
    QString prometheusProblem;
    const std::unique_ptr<Prometheus::PrometheusClient> prometheus
        = prometheusFor(*target, options, &prometheusProblem);
    if (!prometheusProblem.isEmpty())
        return fail(err, UsageOrConfiguration, prometheusProblem);
    engine.setPrometheus(prometheus.get());
    return runEngine(engine, print, [&engine] { engine.start(); });
}

} // namespace Lucent::Core
