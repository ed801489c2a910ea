// The whole console at once, release build, sandbox on loopback (issue 19):
//   - the console on the staging environment, whose namespace holds 10,000 extra pods;
//   - a 200-replica Deployment created, then rolled to a new image: a storm of watch events;
//   - the Logs tab following a 10-pod Deployment at the sandbox's full rate, with a filter
//     and a highlight;
//   - a metrics chart of 50 x 2,000 points, loaded again every 5 s, in a second window.
// Meanwhile a 1 ms timer measures the GUI thread's stalls. It prints the longest stall, the
// 99th percentile, the console's peak RSS, its RSS with and without the log lines held, and
// the rates achieved. Figures, not assertions; run with `scripts/dev.sh bench -R responsiveness`.
// usage: bench_responsiveness [SECONDS]   (LUCENT_BENCH_EVENTS=1 names what the stalls were made of)

#include "benchreport.h"
#include "sandboxprocess.h"
#include "stallprobe.h"
#include "timedapplication.h"

#include "core/environment/environmentsession.h"
#include "core/kube/resourcecache.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logview.h"
#include "ui/metrics/metricchart.h"
#include "ui/shell/mainwindow.h"

#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTimer>

#include <cmath>
#include <cstdio>
#include <malloc.h>

using Lucent::Tests::SandboxProcess;

namespace {

int fail(const QString &what)
{
    std::fprintf(stderr, "bench_responsiveness: %s\n", qPrintable(what));
    return 1;
}

double statusMegabytes(const char *field)
{
    return Lucent::Tests::procStatusKb(field) / 1024.0;
}

QByteArray deployment(const char *name, int replicas, const char *image)
{
    return QByteArray(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")") + name
        + R"("},"spec":{"replicas":)" + QByteArray::number(replicas) + R"(,"selector":{"matchLabels":{"app":")" + name
        + R"("}},"template":{"metadata":{"labels":{"app":")" + name + R"("}},"spec":{"containers":[{"name":"app",)"
        + R"("image":")" + image + R"(","ports":[{"containerPort":3000}]}]}}}})";
}

Lucent::Core::Prometheus::QueryResult busyAnswer(int round)
{
    Lucent::Core::Prometheus::QueryResult result;
    result.type = Lucent::Core::Prometheus::QueryResult::Type::Matrix;
    for (int s = 0; s < 50; ++s) {
        Lucent::Core::Prometheus::Series series;
        series.labels.insert(QStringLiteral("pod"), QStringLiteral("wallet-%1").arg(s));
        for (int i = 0; i < 2000; ++i)
            series.samples.append(
                {1764064800.0 + (i + round * 20) * 15.0, 10 + s + 5 * std::sin((i + round) / 40.0 + s)});
        result.series.append(series);
    }
    return result;
}

qint64 eventsApplied(Lucent::Core::Environment::EnvironmentSession *session)
{
    qint64 total = 0;
    for (auto *cache : {session->pods(), session->replicaSets(), session->deployments(), session->endpoints()})
        total += cache ? cache->eventsApplied() : 0;
    return total;
}

} // namespace

int main(int argc, char **argv)
{
    Lucent::Tests::TimedApplication app(argc, argv);
    const int seconds = argc > 1 ? QByteArray(argv[1]).toInt() : 20;
    const bool showEvents = qEnvironmentVariableIntValue("LUCENT_BENCH_EVENTS") != 0;
    SandboxProcess sandbox({QStringLiteral("--extra-pods"), QStringLiteral("10000"),
                            QStringLiteral("--extra-pods-namespace"), QStringLiteral("lucent-staging"),
                            QStringLiteral("--speed"), QStringLiteral("20"), QStringLiteral("--log-rate"),
                            QStringLiteral("1000"), QStringLiteral("--seed"), QStringLiteral("1")});
    // The cluster runs on other machines in real use; here it shares the two cores, and its
    // threads (ten log streams at full rate among them) would outnumber the console's.
    sandbox.setNiceness(10);
    if (!sandbox.start())
        return fail(sandbox.error());
    // The Deployment the Logs tab follows: ten pods of a NestJS service.
    const auto chatty = sandbox.kubectl({QStringLiteral("-n"), QStringLiteral("lucent-staging"),
                                         QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")},
                                        60000, deployment("chatty", 10, "lucent/wallet-service:2.1.0"));
    if (chatty.exitCode != 0)
        return fail(QStringLiteral("kubectl apply failed: ") + chatty.errText());

    Lucent::Ui::MainWindow window({sandbox.kubeconfig()}, true, sandbox.projectFile());
    window.resize(1280, 800);
    QSignalSpy first(&window, &Lucent::Ui::MainWindow::firstDataArrived);
    window.setStartEnvironment(QStringLiteral("staging"));
    window.show();
    if (!Lucent::Tests::runEventsUntil([&] { return !first.isEmpty(); }, 180000))
        return fail(QStringLiteral("the console never showed the staging environment"));
    auto *session = window.session();
    if (!session || !session->pods()
        || !Lucent::Tests::runEventsUntil([&] { return session->pods()->size() >= 10000; }, 120000))
        return fail(QStringLiteral("the pods of lucent-staging were not all listed"));
    window.openLogs(QStringLiteral("deployment/chatty"));
    auto *logs = window.findChild<Lucent::Ui::LogView *>();
    if (!logs)
        return fail(QStringLiteral("no Logs tab"));
    logs->findChild<QLineEdit *>(QStringLiteral("logInclude"))
        ->setText(QStringLiteral(R"("status":(4|5)\d\d|wallets)"));
    logs->findChild<QLineEdit *>(QStringLiteral("logHighlight"))->setText(QStringLiteral(R"(latency_ms":8\d)"));
    if (!Lucent::Tests::runEventsUntil([&] { return logs->model()->sources().size() >= 10; }, 60000))
        return fail(QStringLiteral("the Logs tab did not follow ten pods"));

    // The metrics window: a busy answer, again every 5 s.
    Lucent::Ui::MetricChart chart(QStringLiteral("request rate by pod"), QStringLiteral("requests/s"));
    chart.resize(1200, 700);
    chart.show();
    int round = 0;
    const QDateTime from = QDateTime::fromSecsSinceEpoch(1764064800);
    auto reload = [&] {
        ++round;
        chart.setResult(busyAnswer(round), from.addSecs(round * 300), from.addSecs(round * 300 + 30000));
    };
    reload();
    QTimer metrics;
    QObject::connect(&metrics, &QTimer::timeout, reload);

    // Everything at once, measured.
    const qint64 linesBefore = logs->model()->buffer().size();
    const double rssBefore = statusMegabytes("VmRSS:");
    const Lucent::Tests::HeapFigures heapBefore = Lucent::Tests::heapFigures();
    const qint64 eventsBefore = eventsApplied(session);
    Lucent::Tests::resetPeakMemory(); // VmHWM from here
    Lucent::Tests::StallProbe probe;
    app.setEnabled(showEvents);
    probe.start();
    metrics.start(5000);
    std::unique_ptr<QProcess> storm(
        sandbox.startKubectl({QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("apply"),
                              QStringLiteral("-f"), QStringLiteral("-")}));
    if (!storm)
        return fail(QStringLiteral("kubectl apply did not start"));
    storm->write(deployment("storm", 200, "lucent/load-generator:1.0.0"));
    storm->closeWriteChannel();
    std::unique_ptr<QProcess> roll;
    QTimer::singleShot(seconds * 400, [&] { // the rolling update, once the 200 pods are coming up
        roll.reset(sandbox.startKubectl({QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("set"),
                                         QStringLiteral("image"), QStringLiteral("deployment/storm"),
                                         QStringLiteral("app=lucent/load-generator:1.1.0")}));
    });
    QElapsedTimer window_;
    window_.start();
    Lucent::Tests::runEventsUntil([&] { return window_.elapsed() >= seconds * 1000; }, seconds * 1000 + 5000);
    probe.stop();
    metrics.stop();
    app.setEnabled(false);
    const double elapsed = window_.nsecsElapsed() / 1e9;
    const qint64 lines = logs->model()->buffer().size() - linesBefore;
    const qint64 events = eventsApplied(session) - eventsBefore;
    const double peak = statusMegabytes("VmHWM:");
    const double withLines = statusMegabytes("VmRSS:");
    const qint64 held = logs->model()->buffer().size();
    const double logMegabytes = logs->model()->buffer().memoryUsed() / (1024.0 * 1024.0);
    logs->model()->clear();
    malloc_trim(0);
    const double withoutLines = statusMegabytes("VmRSS:");
    const Lucent::Tests::HeapFigures heapAfter = Lucent::Tests::heapFigures();

    std::printf(
        "the console for %.1f s on staging (%d pods watched), a 200-replica Deployment created and rolled, "
        "Logs following %lld pods with a filter and a highlight, a 50 x 2,000-point chart reloaded every 5 s:\n",
        elapsed, session->pods()->size(), static_cast<long long>(logs->model()->sources().size()));
    std::printf("  GUI thread: longest stall %.1f ms (target 16), 99th percentile %.2f ms (target 8), %zu samples\n",
                probe.worstMs(), probe.percentileMs(99), probe.samples());
    std::printf("  log lines taken in: %.0f a second; watch events applied: %.0f a second; chart loads: %d\n",
                lines / elapsed, events / elapsed, round);
    std::printf("  RSS: peak %.0f MB; at the end %.0f MB holding %lld log lines (the log model's share %.0f MB); "
                "%.0f MB without them (target 150 MB)\n",
                peak, withLines, static_cast<long long>(held), logMegabytes, withoutLines);
    std::printf("  (RSS when the measured stretch began, the pods listed and the logs opened: %.0f MB)\n", rssBefore);
    std::printf("  malloc: in use %.0f MB, freed but held %.0f MB at the start; in use %.0f MB, freed but held %.0f MB "
                "without the log lines\n",
                heapBefore.inUseMegabytes, heapBefore.freeHeldMegabytes, heapAfter.inUseMegabytes,
                heapAfter.freeHeldMegabytes);
    if (storm->waitForFinished(1000) && storm->exitCode() != 0)
        std::printf("  the storm's kubectl failed: %s\n", storm->readAllStandardError().constData());
    if (showEvents) {
        std::printf("  longest deliveries on the GUI thread:\n");
        app.print(10);
    }
    Lucent::Tests::printBench("responsiveness",
                              {{QStringLiteral("stallMaxMs"), probe.worstMs()},
                               {QStringLiteral("stallP99Ms"), probe.percentileMs(99)},
                               {QStringLiteral("logLinesPerSecond"), lines / elapsed},
                               {QStringLiteral("watchEventsPerSecond"), events / elapsed},
                               {QStringLiteral("chartLoads"), round},
                               {QStringLiteral("peakRssMegabytes"), peak},
                               {QStringLiteral("rssWithLinesMegabytes"), withLines},
                               {QStringLiteral("linesHeld"), double(held)},
                               {QStringLiteral("rssWithoutLinesMegabytes"), withoutLines},
                               {QStringLiteral("heapInUseWithoutLinesMegabytes"), heapAfter.inUseMegabytes},
                               {QStringLiteral("podsWatched"), session->pods()->size()}});
    return 0;
}
