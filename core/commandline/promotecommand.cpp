#include "core/commandline/promotecommand.h"

#include "core/audit/audittrail.h"
#include "core/commandline/promotionoptions.h"
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
    const PromotionOptionSet shared(!rollback);
    shared.addTo(parser);
    const QCommandLineOption image(QStringLiteral("image"),
                                   QStringLiteral("A service and its new image, SERVICE=IMAGE (repeatable; "
                                                  "SERVICE/CONTAINER=IMAGE for pods with several containers)."),
                                   QStringLiteral("SERVICE=IMAGE"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("A service to roll back (repeatable; default: every service with "
                                                    "a standby colour)."),
                                     QStringLiteral("SERVICE"));
    parser.addOption(rollback ? service : image);

    CommandLine result;
    auto failWith = [&](const QString &sentence) {
        result.action = CommandLine::Action::Fail;
        result.text = sentence + QStringLiteral("\nRun 'lucent-console %1 --help' for the options.\n").arg(command);
        return result;
    };
    if (!parser.parse(arguments))
        return failWith(parser.errorText());
    if (parser.isSet(shared.help)) {
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
    if (const QString problem = shared.readInto(parser, result); !problem.isEmpty())
        return failWith(problem);
    if (rollback) {
        result.rollbackServices = parser.values(service);
    } else {
        result.promoteImages = parser.values(image);
        if (result.promoteImages.isEmpty())
            return failWith(QStringLiteral("Name at least one --image SERVICE=IMAGE."));
    }
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
    const QString id = Release::newPromotionId(rollback);
    const auto plan = Release::planPromotion({id, environment->name, ns, images}, services, deployments);
    const Printer print(out, options.outputFormat == QLatin1String("json"));
    print.line(QStringLiteral("plan"), Release::describePlan(plan).trimmed());
    if (!plan.isValid())
        return fail(err, FailedRolledBack, QStringLiteral("The plan has problems; nothing was changed."));
    // What each standby Deployment will be, as a diff against the active one.
    for (const Release::PlannedService &planned : plan.services) {
        for (const QJsonObject &deployment : deployments) {
            if (deployment[QLatin1String("metadata")][QLatin1String("name")].toString() == planned.activeDeployment)
                print.line(QStringLiteral("diff"),
                           QStringLiteral("deployment/%1 -> deployment/%2:\n%3")
                               .arg(planned.activeDeployment, planned.standbyDeployment,
                                    Release::standbyDiff(planned, deployment).trimmed()));
        }
    }
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
