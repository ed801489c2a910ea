// How long a blue-green promotion takes with `lucent-console promote`, for one service and for
// the six backend services, against lucent-sandbox at --speed 10: from the command's start to
// every Service switched (and checked: its Endpoints hold the new pods only) and to done
// (monitor window and scale-down delay included), with every Service probed through the API
// server's service proxy ten times a second (failed probes expected: 0). Compared with the
// seed script's way by hand with kubectl (create the standby, `rollout status`, patch the
// selector), which checks nothing and has no rollback.

#include "benchreport.h"
#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "servicewatchers.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/release/promotionplan.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");
constexpr int MonitorSeconds = 5;
constexpr int ScaleDownDelaySeconds = 2;

struct Timing {
    double switchedMs = -1;
    double doneMs = -1;
    int exitCode = -1;
    int probes = 0;
    int failedProbes = 0;
};

/// Runs the headless promote for @p images, probing @p services meanwhile.
Timing promote(const SandboxProcess &sandbox, Kube::KubeClient &client, const QStringList &services,
               const QStringList &images, const QString &stateDirectory)
{
    std::vector<std::unique_ptr<Lucent::Tests::ServiceProber>> probers;
    for (const QString &service : services)
        probers.push_back(std::make_unique<Lucent::Tests::ServiceProber>(&client, Namespace, service));
    QStringList arguments{QStringLiteral("promote"),
                          QStringLiteral("--config"),
                          sandbox.projectFile(),
                          QStringLiteral("--kubeconfig"),
                          sandbox.kubeconfig(),
                          QStringLiteral("--env"),
                          QStringLiteral("staging"),
                          QStringLiteral("--yes"),
                          QStringLiteral("--analysis"),
                          QStringLiteral("none"),
                          QStringLiteral("--output"),
                          QStringLiteral("json"),
                          QStringLiteral("--monitor"),
                          QString::number(MonitorSeconds),
                          QStringLiteral("--scale-down-delay"),
                          QString::number(ScaleDownDelaySeconds)};
    for (const QString &image : images)
        arguments += {QStringLiteral("--image"), image};
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), stateDirectory);
    process.setProcessEnvironment(environment);
    Timing timing;
    QElapsedTimer clock;
    QByteArray pending;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [&] {
        pending += process.readAllStandardOutput();
        for (qsizetype end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
            const QString message = QJsonDocument::fromJson(pending.left(end))[QLatin1String("message")].toString();
            pending.remove(0, end + 1);
            if (message == QLatin1String("step: monitor") && timing.switchedMs < 0)
                timing.switchedMs = double(clock.nsecsElapsed()) / 1e6;
        }
    });
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(300000, &loop, &QEventLoop::quit);
    clock.start();
    process.start(QString::fromLocal8Bit(qgetenv("LUCENT_CONSOLE")), arguments);
    loop.exec();
    timing.doneMs = double(clock.nsecsElapsed()) / 1e6;
    timing.exitCode = process.state() == QProcess::NotRunning ? process.exitCode() : -1;
    for (const auto &prober : probers) {
        timing.probes += prober->probes;
        timing.failedProbes += int(prober->failures.size());
    }
    return timing;
}

/// The seed script's way, by hand: for each service in turn, kubectl creates (or updates) the
/// standby Deployment as the console plans it, waits for `rollout status`, patches the
/// selector. The time until the last Service is patched.
double byHandWithKubectl(const SandboxProcess &sandbox, const QList<Release::RequestedImage> &images)
{
    QElapsedTimer clock;
    clock.start();
    const auto plan
        = Release::planPromotion({QStringLiteral("p-kubectl"), QStringLiteral("staging"), Namespace, images},
                                 Lucent::Tests::listed(sandbox, Namespace, "services"),
                                 Lucent::Tests::listed(sandbox, Namespace, "deployments"));
    if (!plan.isValid()) {
        std::printf("  kubectl by hand: no plan: %s\n", qPrintable(plan.problems.join(QLatin1Char(' '))));
        return -1;
    }
    for (const Release::PlannedService &planned : plan.services) {
        QJsonObject standby = planned.standby;
        const auto applied = sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                                             60000, QJsonDocument(standby).toJson());
        const auto waited
            = sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("rollout"), QStringLiteral("status"),
                               QStringLiteral("deploy/") + planned.standbyDeployment, QStringLiteral("--timeout=120s")},
                              130000);
        const auto patched = sandbox.kubectl(
            {QStringLiteral("-n"), Namespace, QStringLiteral("patch"), QStringLiteral("service"), planned.service,
             QStringLiteral("-p"),
             QStringLiteral("{\"spec\":{\"selector\":{\"color\":\"%1\"}}}").arg(planned.standbyColour)});
        if (applied.exitCode != 0 || waited.exitCode != 0 || patched.exitCode != 0) {
            std::printf("  kubectl by hand failed for %s: %s%s%s\n", qPrintable(planned.service),
                        applied.err.constData(), waited.err.constData(), patched.err.constData());
            return -1;
        }
    }
    return double(clock.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsEmpty("LUCENT_CONSOLE")) {
        std::printf("LUCENT_CONSOLE must name the built lucent-console\n");
        return 1;
    }
    SandboxProcess sandbox{{QStringLiteral("--speed"), QStringLiteral("10")}};
    QTemporaryDir state;
    if (!sandbox.start()) {
        std::printf("the sandbox did not start: %s\n", qPrintable(sandbox.error()));
        return 1;
    }
    const auto project = Environment::ProjectConfig::load(sandbox.projectFile());
    QString error;
    const auto connection = Lucent::Tests::connectionFor(
        sandbox.kubeconfig(), project.environment(QStringLiteral("staging"))->context, {}, &error);
    if (!connection) {
        std::printf("no connection: %s\n", qPrintable(error));
        return 1;
    }
    Kube::KubeClient client(*connection);
    const QStringList backend{QStringLiteral("user-service"),      QStringLiteral("wallet-service"),
                              QStringLiteral("play-service"),      QStringLiteral("task-service"),
                              QStringLiteral("portfolio-service"), QStringLiteral("notification-service")};
    for (const QString &service : backend) {
        if (!Lucent::Tests::rolledOut(sandbox, Namespace, service)) {
            std::printf("%s did not roll out\n", qPrintable(service));
            return 1;
        }
    }
    std::printf("blue-green promotion at --speed 10, monitor window %d s, scale-down delay %d s, analysis off\n",
                MonitorSeconds, ScaleDownDelaySeconds);
    QJsonObject bench{{QStringLiteral("name"), QStringLiteral("promotion")}};
    int version = 0;
    for (const QStringList &services : {QStringList{QStringLiteral("wallet-service")}, backend}) {
        QStringList images;
        QList<Release::RequestedImage> requests;
        ++version;
        for (const QString &service : services) {
            images.append(QStringLiteral("%1=lucent/%1:7.%2.0").arg(service).arg(version));
            requests.append({service, QStringLiteral("lucent/%1:7.%2.1").arg(service).arg(version), {}});
        }
        const Timing t = promote(sandbox, client, services, images, state.path());
        std::printf("%d service(s): exit %d; switched after %.0f ms, done after %.0f ms; %d probes, %d failed\n",
                    int(services.size()), t.exitCode, t.switchedMs, t.doneMs, t.probes, t.failedProbes);
        const double kubectl = byHandWithKubectl(sandbox, requests);
        std::printf("  kubectl by hand (apply, rollout status, patch; no health check, no verification, no "
                    "rollback): switched after %.0f ms; the console takes %.2fx that time to switched\n",
                    kubectl, kubectl > 0 ? t.switchedMs / kubectl : 0.0);
        const QString key = services.size() == 1 ? QStringLiteral("one") : QStringLiteral("six");
        bench.insert(key,
                     QJsonObject{{QStringLiteral("switchedMs"), t.switchedMs},
                                 {QStringLiteral("doneMs"), t.doneMs},
                                 {QStringLiteral("exitCode"), t.exitCode},
                                 {QStringLiteral("probes"), t.probes},
                                 {QStringLiteral("failedProbes"), t.failedProbes},
                                 {QStringLiteral("kubectlSwitchedMs"), kubectl},
                                 {QStringLiteral("ratioToKubectl"), kubectl > 0 ? t.switchedMs / kubectl : 0.0}});
        if (t.exitCode != 0 || t.failedProbes != 0)
            return 1;
    }
    Lucent::Tests::printBench("promotion", bench);
    return 0;
}
