#include "core/commandline/promotioncommand.h"

#include "core/audit/audittrail.h"
#include "core/commandline/promotecommand.h"
#include "core/commandline/promotionoptions.h"
#include "core/commandline/promotionsupport.h"
#include "core/kube/kubeclient.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/projectpromotion.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionlock.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <memory>

namespace Lucent::Core {

namespace {

using namespace PromotionSupport;
using Release::PromotionJournal;

const QStringList Subcommands{QStringLiteral("status"), QStringLiteral("resume"), QStringLiteral("abort"),
                              QStringLiteral("history")};

/// running, paused, interrupted, none; or finished: the last promotion ended.
QString stateOf(const QJsonObject &lease, const PromotionJournal &journal)
{
    const Release::PromotionActivity activity = Release::promotionActivity(lease, QDateTime::currentDateTimeUtc());
    if (activity.state == Release::PromotionActivity::State::None && !journal.isEmpty())
        return QStringLiteral("finished");
    return Release::PromotionActivity::stateName(activity.state);
}

QStringList describeServices(const PromotionJournal &journal)
{
    QStringList lines;
    for (const Release::JournalService &service : journal.services)
        lines.append(QStringLiteral("- %1: %2 -> %3, %4 (%5 replicas)")
                         .arg(service.service, service.from, service.to, service.image)
                         .arg(service.replicas));
    return lines;
}

int status(const Target &target, const CommandLine &options, std::FILE *out, std::FILE *err)
{
    Kube::KubeClient client(target.connection);
    const QString ns = target.environment.namespaceName;
    QString problem;
    const QJsonObject lease = leaseNow(client, ns, &problem);
    if (!problem.isEmpty())
        return fail(err, FailedRolledBack,
                    QStringLiteral("The promotion lock of %1 could not be read: %2").arg(ns, problem));
    const PromotionJournal journal = PromotionJournal::fromLease(lease);
    const Release::LeaseHolder holder = Release::LeaseHolder::of(lease);
    const QString state = stateOf(lease, journal);
    if (options.outputFormat == QLatin1String("json")) {
        QJsonObject status = journal.toJson();
        status.insert(QStringLiteral("namespace"), ns);
        status.insert(QStringLiteral("state"), state);
        status.insert(QStringLiteral("holder"), holder.identity);
        status.insert(QStringLiteral("plan"), status.value(QLatin1String("services")));
        std::fputs(QByteArray(QJsonDocument(status).toJson(QJsonDocument::Compact) + '\n').constData(), out);
        return Promoted;
    }
    if (journal.isEmpty()) {
        std::fputs(QStringLiteral("No promotion has run in %1.\n").arg(ns).toUtf8().constData(), out);
        return Promoted;
    }
    QStringList lines{QStringLiteral("Promotion %1 in %2: %3, last step %4, %5 of %6 Service(s) switched.")
                          .arg(journal.promotionId, ns, state, journal.step)
                          .arg(journal.switched)
                          .arg(journal.services.size())};
    // What resume or abort drives towards: the reconciler's goal, as journalled.
    lines.append(QStringLiteral("Intent: %1.").arg(journal.intent.describe()));
    if (!journal.outcome.isEmpty())
        lines.append(QStringLiteral("Outcome: %1. %2").arg(journal.outcome, journal.message).trimmed());
    if (state == QLatin1String("running"))
        lines.append(QStringLiteral("Held by %1.").arg(holder.describe()));
    else if (state == QLatin1String("paused"))
        lines.append(QStringLiteral("Paused for a decision: %1 'lucent-console promotion resume --env %2' switches; "
                                    "'lucent-console promotion abort --env %2' rolls back.")
                         .arg(journal.paused, target.environment.name));
    else if (state == QLatin1String("interrupted"))
        lines.append(
            QStringLiteral("Its process is gone (last holder: %1). Complete it with 'lucent-console promotion "
                           "resume --env %2' or roll it back with 'lucent-console promotion abort --env %2'.")
                .arg(holder.identity.isEmpty() ? QStringLiteral("none") : holder.describe(), target.environment.name));
    lines += describeServices(journal);
    std::fputs((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8().constData(), out);
    return Promoted;
}

int history(const Target &target, const CommandLine &options, std::FILE *out)
{
    const auto journals = Release::readPromotionHistory(Release::promotionJournalDirectory(), target.environment.name);
    QStringList lines;
    for (const PromotionJournal &journal : journals) {
        if (options.outputFormat == QLatin1String("json")) {
            lines.append(QString::fromUtf8(QJsonDocument(journal.toJson()).toJson(QJsonDocument::Compact)));
            continue;
        }
        QStringList services;
        for (const Release::JournalService &service : journal.services)
            services.append(
                QStringLiteral("%1 %2->%3 %4").arg(service.service, service.from, service.to, service.image));
        lines.append(QStringLiteral("%1  %2  %3  %4")
                         .arg(journal.updated, journal.promotionId,
                              journal.outcome.isEmpty() ? QStringLiteral("(at %1)").arg(journal.step) : journal.outcome,
                              services.join(QStringLiteral(", "))));
        // What a failed colour said, indented under its promotion; --output json has it whole.
        const QString evidence = journal.evidenceSummary();
        if (!evidence.isEmpty())
            lines.append(QStringLiteral("    ") + evidence.split(QLatin1Char('\n')).join(QStringLiteral("\n    ")));
    }
    if (lines.isEmpty() && options.outputFormat != QLatin1String("json"))
        lines.append(QStringLiteral("This machine has run no promotion in %1 (journals in %2); 'promotion status' "
                                    "reads the cluster's.")
                         .arg(target.environment.name, Release::promotionJournalDirectory()));
    for (const QString &line : std::as_const(lines))
        std::fputs((line + QLatin1Char('\n')).toUtf8().constData(), out);
    return Promoted;
}

/// resume or abort: the journal's promotion planned again from the live objects, then run.
int recover(const Target &target, const CommandLine &options, std::FILE *out, std::FILE *err)
{
    const bool resuming = options.promotionCommand == QLatin1String("resume");
    if (const QString refusal = missingConfirmation(target.environment, options,
                                                    resuming ? QStringLiteral("resume") : QStringLiteral("abort"));
        !refusal.isEmpty())
        return fail(err, UsageOrConfiguration, refusal);
    Kube::KubeClient client(target.connection);
    const QString ns = target.environment.namespaceName;
    QString problem;
    const QJsonObject lease = leaseNow(client, ns, &problem);
    const auto services = listNow(client, Kube::ResourceType::services(), ns, &problem);
    const auto deployments = listNow(client, Kube::ResourceType::deployments(), ns, &problem);
    if (!problem.isEmpty())
        return fail(err, FailedRolledBack,
                    QStringLiteral("Reading %1 failed: %2 Nothing was changed.").arg(ns, problem));
    const PromotionJournal journal = PromotionJournal::fromLease(lease);
    const Printer print(out, options.outputFormat == QLatin1String("json"));
    if (journal.isEmpty() || journal.isFinished()) {
        print.line(QStringLiteral("done"),
                   journal.isEmpty()
                       ? QStringLiteral("No promotion has run in %1; there is nothing to %2.")
                             .arg(ns, options.promotionCommand)
                       : QStringLiteral("Promotion %1 has ended (%2); there is nothing to %3.")
                             .arg(journal.promotionId, journal.outcome.isEmpty() ? journal.step : journal.outcome,
                                  options.promotionCommand));
        return Promoted;
    }
    const Release::RecoveryPlan recovery = Release::planRecovery(journal, ns, services, deployments);
    const Release::PromotionPlan &plan = recovery.plan;
    print.line(QStringLiteral("plan"),
               QStringLiteral("%1 of %2\n%3")
                   .arg(resuming ? QStringLiteral("Resuming") : QStringLiteral("Rolling back"), journal.describe(),
                        Release::describePlan(plan).trimmed()));
    if (!recovery.problem.isEmpty())
        return fail(err, Inconsistent, recovery.problem);
    // As it was started (with or without analysis and previews), unless this command says otherwise.
    Release::PromotionOptions engineOptions = PromotionSupport::engineOptions(target, options);
    Release::applyJournalledOptions(engineOptions, journal.options,
                                    {options.analysisSet, options.monitorSet, options.scaleDownDelaySet});
    CommandLine asJournalled = options;
    asJournalled.promoteAnalysis = engineOptions.analysis;
    Audit::AuditTrail audit(target.environment.context);
    audit.attach(&client, target.user());
    Release::PromotionEngine engine(&client, plan, engineOptions, &audit);
    QString prometheusProblem;
    const std::unique_ptr<Prometheus::PrometheusClient> prometheus
        = prometheusFor(target, asJournalled, &prometheusProblem);
    if (!prometheusProblem.isEmpty())
        return fail(err, UsageOrConfiguration, prometheusProblem);
    engine.setPrometheus(prometheus.get());
    return runEngine(engine, print, [&] { Release::beginRecovery(engine, journal, resuming, target.identity()); });
}

} // namespace

CommandLine parsePromotion(const QStringList &arguments)
{
    const QString subcommand = arguments.value(1);
    QCommandLineParser parser;
    const PromotionOptionSet shared(false);
    shared.addTo(parser);
    CommandLine result;
    auto failWith = [&](const QString &sentence) {
        result.action = CommandLine::Action::Fail;
        result.text = sentence + QStringLiteral("\nRun 'lucent-console promotion --help' for the options.\n");
        return result;
    };
    const bool known = Subcommands.contains(subcommand);
    if (!parser.parse(QStringList{arguments.constFirst()} + arguments.mid(known ? 2 : 1)))
        return failWith(parser.errorText());
    if (parser.isSet(shared.help)) {
        result.action = CommandLine::Action::ShowHelp;
        result.text = parser.helpText();
        result.text.replace(
            0, result.text.indexOf(QLatin1Char('\n')),
            QStringLiteral("Usage: lucent-console promotion status|resume|abort|history --env ENV [options]\n"
                           "status: who holds the promotion lock and what the journal says (running, interrupted, "
                           "finished).\nresume: completes an interrupted promotion from the cluster's journal.\n"
                           "abort: rolls an interrupted promotion back.\nhistory: this machine's promotions in the "
                           "environment.\nExit codes as for promote: 0, 1, 2, 3, 4, 5, 6."));
        return result;
    }
    if (!known)
        return failWith(QStringLiteral("Say what to do: promotion status, resume, abort or history."));
    if (!parser.positionalArguments().isEmpty())
        return failWith(QStringLiteral("Unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()));
    if (const QString problem = shared.readInto(parser, result); !problem.isEmpty())
        return failWith(problem);
    result.promotionCommand = subcommand;
    result.action = CommandLine::Action::Promotion;
    return result;
}

int runPromotionCommand(const CommandLine &options, std::FILE *out, std::FILE *err)
{
    QString problem;
    const auto target = resolveEnvironment(options, &problem);
    if (!target)
        return fail(err, UsageOrConfiguration, problem);
    if (options.promotionCommand == QLatin1String("status"))
        return status(*target, options, out, err);
    if (options.promotionCommand == QLatin1String("history"))
        return history(*target, options, out);
    return recover(*target, options, out, err);
}

} // namespace Lucent::Core
