// Benchmark for live logs, in two parts:
//   1. 1,000,000 NestJS-style JSON lines from 10 pods, as the bytes a log stream delivers
//      (timestamped, in 64 KB chunks), through the console's pipeline: parsed and classified
//      (a regex filter and a highlight) on the background thread, stored by the log model on
//      the GUI thread with a table following it. Lines per second into the model, the GUI
//      thread's longest stall and 99th percentile meanwhile, and the memory the model holds.
//      The bytes are made before the clock starts: the rate is the pipeline's, not the generator's.
//   2. One sandbox pod's log, followed from its whole history for a few seconds, by our
//      pipeline (LogStream -> PodLogSet -> LogModel) and by `kubectl logs -f` into a pipe:
//      lines per second each, and the ratio.
// Figures, not assertions; run with `scripts/dev.sh bench -R log`.

#include "benchreport.h"
#include "kubetesthelpers.h"
#include "sandboxprocess.h"
#include "stallprobe.h"
#include "timedapplication.h"

#include "core/kube/backgroundthread.h"
#include "core/kube/kubeclient.h"
#include "core/kube/logchunkparser.h"
#include "core/logs/podlogset.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QProcess>
#include <QTableView>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

using namespace Lucent::Core;
using Lucent::Core::Logs::LogFilter;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::StallProbe;
using Lucent::Ui::LogModel;

namespace {

int fail(const char *what)
{
    std::fprintf(stderr, "bench_log_ingest: %s\n", what);
    return 1;
}

QByteArray jsonLine(int pod, qint64 i)
{
    static const char *routes[] = {"/wallets/:id/balance", "/users/:id", "/plays", "/tasks/:id", "/portfolio"};
    const int status = i % 50 == 0 ? 500 : i % 17 == 0 ? 404 : 200;
    return QByteArrayLiteral(R"({"level":")") + (status >= 500 ? "error" : "info")
        + R"(","time":"2026-11-25T10:00:00.000Z","pid":1,"hostname":"wallet-service-7c9d-)" + QByteArray::number(pod)
        + R"(","context":"HTTP","msg":"GET )" + routes[i % 5] + ' ' + QByteArray::number(status) + ' '
        + QByteArray::number(i % 90) + R"(ms","route":")" + routes[i % 5] + R"(","status":)"
        + QByteArray::number(status) + R"(,"latency_ms":)" + QByteArray::number(i % 90) + R"(,"requestId":")"
        + QByteArray::number(i * 7919 % 100000000) + "\"}";
}

// CPU seconds process @p pid has used (user and system), from /proc.
double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // Fields after the command (which may hold spaces) start after the last ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    Lucent::Tests::TimedApplication app(argc, argv);
    const bool showEvents = qEnvironmentVariableIntValue("LUCENT_BENCH_EVENTS") != 0;
    app.setEnabled(showEvents);
    const qint64 total = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000;
    const int pods = 10;

    // Part 1: the pipeline under a flood.
    LogModel model;
    for (int pod = 0; pod < pods; ++pod)
        model.addSource(pod, {QStringLiteral("wallet-service-7c9d-%1").arg(pod), QStringLiteral("wallet"), false});
    LogFilter filter;
    filter.include = QStringLiteral(R"("status":(4|5)\d\d|wallets)");
    filter.highlight = QStringLiteral("latency_ms\":8\\d");
    model.setFilter(filter);
    QTableView table;
    table.setModel(&model);
    Lucent::Ui::configureLogTable(&table); // as the Logs tab has it
    table.resize(1200, 700);
    table.show();
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &table, &QTableView::scrollToBottom); // following

    // Each pod's stream as the network delivers it: 64 KB chunks of timestamped lines.
    QList<QList<QByteArray>> chunks(pods);
    {
        QList<QByteArray> open(pods);
        for (qint64 i = 0; i < total; ++i) {
            const int pod = int(i % pods);
            const qint64 nanos = 1'764'064'800'000'000'000LL + i * 1000;
            open[pod] += QDateTime::fromMSecsSinceEpoch(nanos / 1'000'000, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))
                             .toLatin1()
                + QByteArray::number(nanos % 1'000'000).rightJustified(6, '0') + "Z " + jsonLine(pod, i) + '\n';
            if (open[pod].size() >= 64 * 1024) {
                chunks[pod].append(open[pod]);
                open[pod].clear();
            }
        }
        for (int pod = 0; pod < pods; ++pod)
            chunks[pod].append(open[pod]);
    }
    auto classifier = std::make_shared<Logs::LineClassifier>();
    classifier->setFilter(model.filter(), model.filterVersion());
    auto epoch = std::make_shared<std::atomic<quint32>>(0);
    QList<Kube::LogChunkParser *> parsers;
    for (int pod = 0; pod < pods; ++pod) {
        auto *parser = new Kube::LogChunkParser(true, classifier, epoch);
        parser->moveToThread(Kube::backgroundThread());
        // What PodLogSet does with each parsed batch.
        QObject::connect(parser, &Kube::LogChunkParser::parsed, &model,
                         [&model, pod](const QList<Kube::LogLine> &lines) {
                             QList<Logs::IncomingLine> batch;
                             batch.reserve(lines.size());
                             for (const Kube::LogLine &line : lines)
                                 batch.append({pod, line.nanos, line.utf8, Logs::LogLevel(line.level), line.marks, true,
                                               line.marksVersion});
                             model.appendLines(batch);
                         });
        parsers.append(parser);
    }
    StallProbe probe;
    QElapsedTimer timer;
    timer.start();
    probe.start();
    // The chunks come in turns, pod by pod, a few per event-loop pass as sockets would deliver them.
    qsizetype next = 0;
    const qsizetype perPod = chunks[0].size();
    QTimer network;
    network.setInterval(0);
    QObject::connect(&network, &QTimer::timeout, [&] {
        for (int k = 0; k < pods && next < perPod * pods; ++k, ++next) {
            const int pod = int(next % pods);
            const qsizetype index = next / pods;
            if (index < chunks[pod].size())
                QMetaObject::invokeMethod(
                    parsers[pod], [parser = parsers[pod], chunk = chunks[pod][index]] { parser->feed(chunk, 0); });
        }
        if (next >= perPod * pods)
            network.stop();
    });
    network.start();
    while (model.buffer().size() < total || model.isBusy()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (timer.elapsed() > 120000)
            return fail("the model did not take in every line within two minutes");
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    probe.stop();
    const double stall = probe.worstMs();
    const double p99 = probe.percentileMs(99);
    const double rate = double(model.buffer().size()) / seconds;
    std::printf("pipeline ingest: %lld lines (%d pods) in %.2f s = %.0f lines/s with a regex filter and highlight "
                "(target: 300,000): %s\n",
                static_cast<long long>(model.buffer().size()), pods, seconds, rate, rate >= 300000 ? "MET" : "NOT MET");
    std::printf("  %d rows pass the filter\n", model.rowCount());
    std::printf("GUI-thread stalls while ingesting: longest %.1f ms, 99th percentile %.2f ms (%zu samples)\n", stall,
                p99, probe.samples());
    if (showEvents) {
        std::printf("  longest deliveries on the GUI thread:\n");
        app.print(8);
        app.reset();
    }
    const double megabytes = (model.buffer().memoryUsed() + model.rowCount() * 8.0) / (1024.0 * 1024.0);
    std::printf("memory held by the model for %lld lines: %.1f MB (%.0f bytes a line, text %.0f of them)\n",
                static_cast<long long>(model.buffer().size()), megabytes,
                megabytes * 1024 * 1024 / double(model.buffer().size()),
                double(model.buffer().bytesHeld()) / double(model.buffer().size()));
    for (Kube::LogChunkParser *parser : parsers)
        parser->deleteLater();
    chunks.clear();
    model.clear();

    // Part 2: one pod's real log stream, ours and kubectl's.
    SandboxProcess sandbox(
        {QStringLiteral("--log-rate"), QStringLiteral("1000"), QStringLiteral("--speed"), QStringLiteral("100")});
    if (!sandbox.start())
        return fail(qPrintable(sandbox.error()));
    auto connection = Lucent::Tests::connectionFor(sandbox.kubeconfig(), QStringLiteral("staging"));
    if (!connection)
        return fail("cannot read the sandbox's kubeconfig");
    Kube::KubeClient kube(*connection);
    QString pod;
    const bool running = QTest::qWaitFor(
        [&] {
            const auto list
                = Lucent::Tests::waitFor(kube.list(Kube::ResourceType::pods(), QStringLiteral("lucent-staging")));
            for (const QJsonValue &item : list.json().value(QLatin1String("items")).toArray()) {
                const QJsonObject object = item.toObject();
                const QString name
                    = object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
                if (name.startsWith(QLatin1String("wallet-service"))
                    && object.value(QLatin1String("status")).toObject().value(QLatin1String("phase")).toString()
                        == QLatin1String("Running"))
                    pod = name;
            }
            return !pod.isEmpty();
        },
        30000);
    if (!running)
        pod.clear();
    if (pod.isEmpty())
        return fail("no wallet-service pod in the sandbox");
    // The follow below starts with a backlog to drain: wait until the pod's log spans five
    // seconds (its oldest and newest lines' timestamps), about 100,000 lines a second of it.
    auto stamp = [&kube, &pod](const char *option) {
        Kube::KubeRequest request;
        request.path
            = Kube::ResourceType::pods().objectPath(QStringLiteral("lucent-staging"), pod, QStringLiteral("log"));
        request.accept = QByteArrayLiteral("*/*");
        request.query.addQueryItem(QStringLiteral("timestamps"), QStringLiteral("true"));
        const QList<QByteArray> pair = QByteArray(option).split('=');
        request.query.addQueryItem(QString::fromLatin1(pair[0]), QString::fromLatin1(pair[1]));
        const QByteArray body = Lucent::Tests::waitFor(kube.send(request)).body;
        QByteArray first = body.left(body.indexOf(' '));
        if (const qsizetype dot = first.indexOf('.'); dot > 0)
            first = first.left(dot + 4) + 'Z'; // nanoseconds to the milliseconds Qt reads
        return QDateTime::fromString(QString::fromLatin1(first), Qt::ISODateWithMs);
    };
    const bool backlog = QTest::qWaitFor(
        [&] {
            const QDateTime oldest = stamp("limitBytes=4096");
            const QDateTime newest = stamp("tailLines=1");
            return oldest.isValid() && newest.isValid() && oldest.msecsTo(newest) >= 5000;
        },
        60000);
    if (!backlog)
        return fail("the pod's log never held five seconds of history");
    const int windowMs = 5000;

    Logs::LogTarget target;
    target.namespaceName = QStringLiteral("lucent-staging");
    target.pod = pod;
    target.title = QStringLiteral("pod/") + pod;
    auto set = std::make_unique<Logs::PodLogSet>(&kube, target, Kube::LogOptions{});
    QObject::connect(set.get(), &Logs::PodLogSet::linesArrived, &model, &LogModel::appendLines);
    set->setFilter(model.filter(), model.filterVersion()); // as the Logs tab does
    set->start();
    probe.start();
    const double sandboxBefore = cpuSeconds(sandbox.processId());
    QElapsedTimer window;
    window.start();
    while (window.elapsed() < windowMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double oursRate = double(model.buffer().size()) / (windowMs / 1000.0);
    const double sandboxOurs = (cpuSeconds(sandbox.processId()) - sandboxBefore) / (windowMs / 1000.0);
    const double streamStall = probe.worstMs();
    set.reset(); // kubectl gets the machine to itself
    model.clear();

    QProcess kubectl;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), sandbox.kubeconfig());
    kubectl.setProcessEnvironment(env);
    qint64 kubectlLines = 0;
    QObject::connect(&kubectl, &QProcess::readyReadStandardOutput,
                     [&] { kubectlLines += kubectl.readAllStandardOutput().count('\n'); });
    kubectl.start(SandboxProcess::kubectlPath(),
                  {QStringLiteral("--context"), QStringLiteral("staging"), QStringLiteral("-n"),
                   QStringLiteral("lucent-staging"), QStringLiteral("logs"), QStringLiteral("-f"),
                   QStringLiteral("--timestamps"), pod});
    if (!kubectl.waitForStarted())
        return fail("kubectl did not start");
    const double sandboxBeforeKubectl = cpuSeconds(sandbox.processId());
    window.restart();
    while (window.elapsed() < windowMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const double sandboxKubectl = (cpuSeconds(sandbox.processId()) - sandboxBeforeKubectl) / (windowMs / 1000.0);
    kubectl.kill();
    kubectl.waitForFinished();
    const double theirRate = double(kubectlLines) / (windowMs / 1000.0);
    std::printf("following %s from its whole history for %d s:\n", qPrintable(pod), windowMs / 1000);
    std::printf("  console (LogStream -> LogModel, filter active): %.0f lines/s; longest GUI stall %.1f ms\n", oursRate,
                streamStall);
    std::printf("  kubectl logs -f --timestamps into a pipe:       %.0f lines/s\n", theirRate);
    // The server writes the stream on one thread: near a whole core, it is the limit of both.
    std::printf("  the sandbox's CPU meanwhile: %.0f%% of a core serving the console, %.0f%% serving kubectl\n",
                sandboxOurs * 100, sandboxKubectl * 100);
    if (showEvents)
        app.print(8);
    std::printf("  ratio console/kubectl: %.2fx (target: 1.5x)\n", theirRate > 0 ? oursRate / theirRate : 0.0);
    Lucent::Tests::printBench("log_ingest",
                              {{QStringLiteral("pipelineLinesPerSecond"), rate},
                               {QStringLiteral("pipelineStallMaxMs"), stall},
                               {QStringLiteral("pipelineStallP99Ms"), p99},
                               {QStringLiteral("modelMegabytes"), megabytes},
                               {QStringLiteral("followLinesPerSecond"), oursRate},
                               {QStringLiteral("followStallMaxMs"), streamStall},
                               {QStringLiteral("kubectlLinesPerSecond"), theirRate},
                               {QStringLiteral("ratioToKubectl"), theirRate > 0 ? oursRate / theirRate : 0.0},
                               {QStringLiteral("sandboxCoresServingConsole"), sandboxOurs},
                               {QStringLiteral("sandboxCoresServingKubectl"), sandboxKubectl}});
    return 0;
}
