#include "core/commandline/promotionsupport.h"

#include "core/bounds/filebounds.h"

#include "core/commandline/promotecommand.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/projectpromotion.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionlock.h"

#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace Lucent::Core::PromotionSupport {

namespace {

std::atomic_bool interrupted{false};

void onInterrupt(int)
{
    interrupted = true;
}

} // namespace

void Printer::line(const QString &event, const QString &text) const
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

int fail(std::FILE *err, int code, const QString &sentence)
{
    std::fputs((sentence + QLatin1Char('\n')).toUtf8().constData(), err);
    return code;
}

QString Target::user() const
{
    const auto context = kubeconfig.context(environment.context);
    return context ? context->user : qEnvironmentVariable("USER");
}

QString Target::identity() const
{
    return promotionTarget().identity();
}

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
    const QStringList kubeconfigFiles
        = Kube::Kubeconfig::locate(options.kubeconfig, qEnvironmentVariable("KUBECONFIG"));
    const Kube::Kubeconfig kubeconfig = Kube::Kubeconfig::load(kubeconfigFiles, !options.kubeconfig.isEmpty());
    const auto connection = Kube::ConnectionResolver::resolve(kubeconfig, environment->context, problem);
    if (!connection)
        return std::nullopt;
    return Target{*environment,   kubeconfig, *connection, project.promotion, QFileInfo(projectFile).absolutePath(),
                  kubeconfigFiles};
}

QString missingConfirmation(const Environment::Environment &environment, const CommandLine &options,
                            const QString &verb)
{
    if (environment.isProtected && options.promoteConfirm != environment.name)
        return QStringLiteral("%1 is protected: type its name with --confirm %1 (--yes is not enough). Nothing "
                              "was changed.")
            .arg(environment.name);
    if (!environment.isProtected && !options.promoteYes && options.promoteConfirm != environment.name)
        return QStringLiteral("Pass --yes (or --confirm %1) to %2 in %1. Nothing was changed.")
            .arg(environment.name, verb);
    return {};
}

Release::PromotionTarget Target::promotionTarget() const
{
    return {environment,     user(),
            kubeconfigFiles, connection.server.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash),
            promotion,       projectDirectory};
}

Release::PromotionOptions engineOptions(const Target &target, const CommandLine &options)
{
    Release::PromotionChoices choices;
    if (options.monitorSet)
        choices.monitorSeconds = options.monitorSeconds;
    if (options.scaleDownDelaySet)
        choices.scaleDownDelaySeconds = options.scaleDownDelaySeconds;
    if (options.preview)
        choices.preview = true; // --preview; without it, the project's
    choices.analysis = options.promoteAnalysis;
    choices.alertsAcknowledged = options.acknowledgeAlerts;
    choices.pauseOnInconclusive = options.pauseOnInconclusive;
    return Release::promotionOptions(target.promotionTarget(), choices);
}

std::unique_ptr<Prometheus::PrometheusClient> prometheusFor(const Target &target, const CommandLine &options,
                                                            QString *problem)
{
    if (!options.promoteAnalysis || target.environment.prometheusUrl.isEmpty())
        return nullptr;
    Prometheus::PrometheusAuth auth;
    if (!options.prometheusTokenFile.isEmpty()) {
        QString error;
        const auto token = FileBounds::read(options.prometheusTokenFile, FileBounds::MaxCredentialBytes, &error);
        if (!token) {
            *problem = QStringLiteral("The Prometheus token file %1 %2. Nothing was changed.")
                           .arg(options.prometheusTokenFile, error);
            return nullptr;
        }
        auth.bearerToken = token->trimmed();
    } else {
        auth.bearerToken = qgetenv("LUCENT_PROMETHEUS_TOKEN").trimmed();
    }
    return std::make_unique<Prometheus::PrometheusClient>(QUrl(target.environment.prometheusUrl), auth);
}

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

QJsonObject leaseNow(Kube::KubeClient &client, const QString &ns, QString *error)
{
    QEventLoop loop;
    Kube::KubeReply *reply
        = client.get(Kube::ResourceType::leases(), ns, QString::fromLatin1(Release::PromotionLock::LeaseName));
    QJsonObject lease;
    QObject::connect(reply, &Kube::KubeReply::finished, &loop, [&] {
        if (reply->error().isError() && !reply->error().isNotFound())
            *error = reply->error().sentence();
        else if (!reply->error().isError())
            lease = reply->json();
        loop.quit();
    });
    loop.exec();
    return lease;
}

int runEngine(Release::PromotionEngine &engine, const Printer &print, const std::function<void()> &start)
{
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
                         case Release::PromotionOutcome::RolledBack:
                         case Release::PromotionOutcome::Refused: exitCode = FailedRolledBack; break;
                         case Release::PromotionOutcome::LockHeld: exitCode = LockHeld; break;
                         case Release::PromotionOutcome::Forbidden: exitCode = Forbidden; break;
                         case Release::PromotionOutcome::Paused: exitCode = Paused; break;
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
    start();
    loop.exec();
    Release::flushPromotionJournalFiles();
    return exitCode;
}

} // namespace Lucent::Core::PromotionSupport
