#include "core/commandline/promotecommand.h"

#include "core/audit/audittrail.h"
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

std::atomic_bool interrupted{false};

void onInterrupt(int)
{
    interrupted = true;
}

/// Prints progress as lines with a time, or as JSON lines for CI logs.
class Printer
{
public:
    Printer(std::FILE *out, bool json)
        : m_out(out)
        , m_json(json)
    {
    }
    void line(const QString &event, const QString &text) const
    {
        const QString time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        const QByteArray bytes = m_json ? QJsonDocument(QJsonObject{{QStringLiteral("time"), time},
                                                                    {QStringLiteral("event"), event},
                                                                    {QStringLiteral("message"), text}})
                                              .toJson(QJsonDocument::Compact)
                                        : (time + QLatin1Char(' ') + text).toUtf8();
        std::fputs(bytes.constData(), m_out);
        std::fputc('\n', m_out);
        std::fflush(m_out);
    }

private:
    std::FILE *m_out;
    bool m_json;
};

int fail(std::FILE *err, int code, const QString &sentence)
{
    std::fputs((sentence + QLatin1Char('\n')).toUtf8().constData(), err);
    return code;
}

/// Lists @p type in @p ns, waiting: the command has nothing else to do meanwhile.
QList<QJsonObject> listNow(Kube::KubeClient &client, const Kube::ResourceType &type, const QString &ns, QString *error)
{
    QEventLoop loop;
    Kube::KubeReply *reply = client.list(type, ns, {});
    QList<QJsonObject> items;
    QObject::connect(reply, &Kube::KubeReply::finished, &loop, [&] {
        if (reply->error().isError())
            *error = reply->error().sentence();
        for (const auto &item : reply->json().value(QLatin1String("items")).toArray())
            items.append(item.toObject());
        loop.quit();
    });
    loop.exec();
    return items;
}

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

struct Target {
    Environment::Environment environment;
    Kube::Kubeconfig kubeconfig;
    Kube::ClusterConnection connection;
};

/// The environment named on the command line and a connection to its cluster.
std::optional<Target> resolveEnvironment(const CommandLine &options, QString *problem)
{
    using Environment::ProjectConfig;
    const QString projectFile = ProjectConfig::locate(
        options.config, QDir::currentPath(), QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
    if (projectFile.isEmpty()) {
        *problem = QStringLiteral("No project file: pass --config lucent.yaml; it names the environments.");
        return std::nullopt;
    }
    const ProjectConfig project = ProjectConfig::load(projectFile);
    if (!project.problems.isEmpty()) {
        *problem = project.problems.constFirst().sentence();
        return std::nullopt;
    }
    const Environment::Environment *environment = project.environment(options.promoteEnvironment);
    if (!environment) {
        *problem = QStringLiteral("%1 names no environment '%2'.").arg(projectFile, options.promoteEnvironment);
        return std::nullopt;
    }
    const Kube::Kubeconfig kubeconfig
        = Kube::Kubeconfig::load(Kube::Kubeconfig::locate(options.kubeconfig, qEnvironmentVariable("KUBECONFIG")),
                                 !options.kubeconfig.isEmpty());
    const auto connection = Kube::ConnectionResolver::resolve(kubeconfig, environment->context, problem);
    if (!connection)
        return std::nullopt;
    return Target{*environment, kubeconfig, *connection};
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
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("The project file (lucent.yaml)."),
                                    QStringLiteral("file"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                        QStringLiteral("The kubeconfig, instead of $KUBECONFIG or ~/.kube/config."),
                                        QStringLiteral("file"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("A service to roll back (repeatable; default: every service with "
                                                    "a standby colour)."),
                                     QStringLiteral("SERVICE"));
    parser.addOptions(
        {help, env, rollback ? service : image, yes, confirm, monitor, delay, output, analysis, config, kubeconfig});

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
                    "usage or configuration; 4 another promotion holds the lock; 5 a permission is missing; "
                    "6 the rollback failed, a human must act."));
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
    if (!okMonitor || !okDelay || result.monitorSeconds < 0 || result.scaleDownDelaySeconds < 0)
        return failWith(QStringLiteral("--monitor and --scale-down-delay take whole seconds, 0 or more."));
    result.outputFormat = parser.value(output).toLower();
    if (result.outputFormat != QLatin1String("text") && result.outputFormat != QLatin1String("json"))
        return failWith(QStringLiteral("--output takes text or json, not '%1'.").arg(parser.value(output)));
    if (parser.value(analysis) != QLatin1String("default") && parser.value(analysis) != QLatin1String("none"))
        return failWith(QStringLiteral("--analysis takes default or none, not '%1'.").arg(parser.value(analysis)));
    result.promoteAnalysis = parser.value(analysis) == QLatin1String("default");
    result.promoteYes = parser.isSet(yes);
    result.promoteConfirm = parser.value(confirm);
    result.config = parser.value(config);
    result.kubeconfig = parser.value(kubeconfig);
    result.action = rollback ? CommandLine::Action::Rollback : CommandLine::Action::Promote;
    return result;
}

CommandLine parsePromotionStatus(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption env(QStringLiteral("env"), QStringLiteral("The environment (from lucent.yaml)."),
                                 QStringLiteral("ENV"));
    const QCommandLineOption output(QStringLiteral("output"), QStringLiteral("text or json."), QStringLiteral("FORMAT"),
                                    QStringLiteral("text"));
    const QCommandLineOption config(QStringLiteral("config"), QStringLiteral("The project file (lucent.yaml)."),
                                    QStringLiteral("file"));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"), QStringLiteral("The kubeconfig."),
                                        QStringLiteral("file"));
    parser.addOptions({help, env, output, config, kubeconfig});
    CommandLine result;
    if (!parser.parse(arguments) || parser.value(env).isEmpty()
        || (parser.value(output) != QLatin1String("text") && parser.value(output) != QLatin1String("json"))) {
        result.action = CommandLine::Action::Fail;
        result.text = (parser.errorText().isEmpty() ? QStringLiteral("Name the environment with --env (and --output "
                                                                     "text or json).")
                                                    : parser.errorText())
            + QStringLiteral("\nRun 'lucent-console promotion status --help' for the options.\n");
        return result;
    }
    if (parser.isSet(help)) {
        result.action = CommandLine::Action::ShowHelp;
        result.text = parser.helpText();
        return result;
    }
    result.promoteEnvironment = parser.value(env);
    result.outputFormat = parser.value(output);
    result.config = parser.value(config);
    result.kubeconfig = parser.value(kubeconfig);
    result.action = CommandLine::Action::PromotionStatus;
    return result;
}

int runPromotionStatusCommand(const CommandLine &options, std::FILE *out, std::FILE *err)
{
    QString problem;
    const auto target = resolveEnvironment(options, &problem);
    if (!target)
        return fail(err, UsageOrConfiguration, problem);
    Kube::KubeClient client(target->connection);
    QEventLoop loop;
    Kube::KubeReply *reply = client.get(Kube::ResourceType::leases(), target->environment.namespaceName,
                                        QString::fromLatin1(Release::PromotionLock::LeaseName));
    QJsonObject lease;
    Kube::ApiError error;
    QObject::connect(reply, &Kube::KubeReply::finished, &loop, [&] {
        error = reply->error();
        lease = reply->json();
        loop.quit();
    });
    loop.exec();
    const QString ns = target->environment.namespaceName;
    if (error.isNotFound()) {
        std::fputs(QStringLiteral("No promotion has run in %1.\n").arg(ns).toUtf8().constData(), out);
        return Promoted;
    }
    if (error.isError())
        return fail(err, FailedRolledBack, error.sentence());
    const Release::LeaseHolder holder = Release::LeaseHolder::of(lease);
    const QJsonObject journal
        = lease.value(QLatin1String("metadata")).toObject().value(QLatin1String("annotations")).toObject();
    const bool running = !holder.identity.isEmpty() && !holder.isExpired(QDateTime::currentDateTimeUtc());
    const QString state = holder.identity.isEmpty() ? QStringLiteral("finished")
        : running                                   ? QStringLiteral("running")
                                                    : QStringLiteral("abandoned");
    if (options.outputFormat == QLatin1String("json")) {
        QJsonObject status{
            {QStringLiteral("namespace"), ns},
            {QStringLiteral("state"), state},
            {QStringLiteral("holder"), holder.identity},
            {QStringLiteral("promotionId"), journal.value(QLatin1String("lucent.com/promotion-id"))},
            {QStringLiteral("step"), journal.value(QLatin1String("lucent.com/promotion-step"))},
            {QStringLiteral("switched"), journal.value(QLatin1String("lucent.com/promotion-switched"))},
            {QStringLiteral("plan"),
             QJsonDocument::fromJson(journal.value(QLatin1String("lucent.com/promotion-plan")).toString().toUtf8())
                 .array()}};
        std::fputs(QByteArray(QJsonDocument(status).toJson(QJsonDocument::Compact) + '\n').constData(), out);
        return Promoted;
    }
    QStringList lines{QStringLiteral("Promotion %1 in %2: %3, last step %4, %5 Service(s) switched.")
                          .arg(journal.value(QLatin1String("lucent.com/promotion-id")).toString(), ns, state,
                               journal.value(QLatin1String("lucent.com/promotion-step")).toString(),
                               journal.value(QLatin1String("lucent.com/promotion-switched")).toString())};
    if (running)
        lines.append(QStringLiteral("Held by %1.").arg(holder.describe()));
    else if (!holder.identity.isEmpty())
        lines.append(QStringLiteral("Held by %1, but no longer renewed: its process was killed or lost. "
                                    "Check the Services' colours; 'lucent-console rollback' restores the standby "
                                    "colour.")
                         .arg(holder.describe()));
    for (const auto &value :
         QJsonDocument::fromJson(journal.value(QLatin1String("lucent.com/promotion-plan")).toString().toUtf8())
             .array()) {
        const QJsonObject service = value.toObject();
        lines.append(QStringLiteral("- %1: %2 -> %3, %4")
                         .arg(service.value(QLatin1String("service")).toString(),
                              service.value(QLatin1String("from")).toString(),
                              service.value(QLatin1String("to")).toString(),
                              service.value(QLatin1String("image")).toString()));
    }
    std::fputs((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8().constData(), out);
    return Promoted;
}

int runPromoteCommand(const CommandLine &options, std::FILE *out, std::FILE *err)
{
    QString problem;
    const auto target = resolveEnvironment(options, &problem);
    if (!target)
        return fail(err, UsageOrConfiguration, problem);
    const Environment::Environment *environment = &target->environment;
    if (environment->isProtected && options.promoteConfirm != environment->name)
        return fail(err, UsageOrConfiguration,
                    QStringLiteral("%1 is protected: type its name with --confirm %1 (--yes is not enough). Nothing "
                                   "was changed.")
                        .arg(environment->name));
    if (!environment->isProtected && !options.promoteYes && options.promoteConfirm != environment->name)
        return fail(err, UsageOrConfiguration,
                    QStringLiteral("Pass --yes (or --confirm %1) to promote in %1. Nothing was changed.")
                        .arg(environment->name));
    auto images = requestedImages(options.promoteImages, &problem);
    if (!problem.isEmpty())
        return fail(err, UsageOrConfiguration, problem);
    const Kube::Kubeconfig &kubeconfig = target->kubeconfig;
    Kube::KubeClient client(target->connection);
    const QString ns = environment->namespaceName;
    const auto services = listNow(client, Kube::ResourceType::services(), ns, &problem);
    const auto deployments = listNow(client, Kube::ResourceType::deployments(), ns, &problem);
    if (!problem.isEmpty())
        return fail(err, FailedRolledBack,
                    QStringLiteral("Reading %1 failed: %2 Nothing was changed.").arg(ns, problem));

    if (options.action == CommandLine::Action::Rollback) {
        QStringList problems;
        images = Release::rollbackRequests(services, deployments, options.rollbackServices, &problems);
        if (!problems.isEmpty())
            return fail(err, UsageOrConfiguration, problems.join(QLatin1Char(' ')));
        if (images.isEmpty())
            return fail(err, FailedRolledBack,
                        QStringLiteral("No service of %1 has a standby colour to roll back to; nothing was changed.")
                            .arg(environment->name));
    }
    const QString id = QStringLiteral("%1-%2").arg(
        options.action == CommandLine::Action::Rollback ? QStringLiteral("r") : QStringLiteral("p"),
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")));
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

    Release::PromotionOptions engineOptions;
    const QString user = kubeconfig.context(environment->context) ? kubeconfig.context(environment->context)->user
                                                                  : qEnvironmentVariable("USER");
    engineOptions.identity = user + QLatin1Char('@') + QSysInfo::machineHostName();
    engineOptions.monitorSeconds = options.monitorSeconds;
    engineOptions.scaleDownDelaySeconds = options.scaleDownDelaySeconds;
    // Every change goes to audit.jsonl and, as Events on the Services, to `kubectl events`.
    Audit::AuditTrail audit(environment->context);
    audit.attach(&client, user);
    engineOptions.analysis = options.promoteAnalysis;
    Release::PromotionEngine engine(&client, plan, engineOptions, &audit);
    std::unique_ptr<Prometheus::PrometheusClient> prometheus;
    if (options.promoteAnalysis && !environment->prometheusUrl.isEmpty()) {
        prometheus = std::make_unique<Prometheus::PrometheusClient>(QUrl(environment->prometheusUrl));
        engine.setPrometheus(prometheus.get());
    }
    QObject::connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&print](Release::PromotionStep step) {
        print.line(QStringLiteral("step"), QStringLiteral("step: %1").arg(Release::promotionStepName(step)));
    });
    QObject::connect(&engine, &Release::PromotionEngine::progress, &engine,
                     [&print](const QString &line) { print.line(QStringLiteral("progress"), line); });
    int exitCode = Inconsistent;
    QEventLoop loop;
    QObject::connect(&engine, &Release::PromotionEngine::finished, &loop,
                     [&](Release::PromotionOutcome outcome, const QString &) {
                         switch (outcome) {
                         case Release::PromotionOutcome::Promoted: exitCode = Promoted; break;
                         case Release::PromotionOutcome::RolledBack: exitCode = FailedRolledBack; break;
                         case Release::PromotionOutcome::LockHeld: exitCode = LockHeld; break;
                         case Release::PromotionOutcome::Forbidden: exitCode = Forbidden; break;
                         case Release::PromotionOutcome::Inconsistent: exitCode = Inconsistent; break;
                         }
                         loop.quit();
                     });
    // Ctrl+C (or a CI job's SIGTERM) aborts and rolls back; a second one is not needed.
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QTimer interrupt;
    QObject::connect(&interrupt, &QTimer::timeout, &engine, [&engine] {
        if (interrupted.exchange(false))
            engine.abort(QStringLiteral("Interrupted."));
    });
    interrupt.start(100);
    engine.start();
    loop.exec();
    return exitCode;
}

} // namespace Lucent::Core
