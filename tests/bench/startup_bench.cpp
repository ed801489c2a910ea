// Benchmark for start-up, release build, against a running sandbox (with Prometheus when it is
// installed, as `scripts/dev.sh run` starts it): from exec of lucent-console to its first
// painted window, and to its first painted dashboard holding live data (the environments
// answered), ten runs, median and spread. The console marks both moments on the monotonic
// clock (LUCENT_STARTUP_TRACE, ui/shell/startuptrace) and quits; the time to its exit is
// printed too. Figures, not assertions; run with `scripts/dev.sh bench -R startup`.

#include "benchreport.h"
#include "sandboxprocess.h"

#include <QCoreApplication>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>

using Lucent::Tests::SandboxProcess;

namespace {

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

struct Run {
    double windowMs = -1;
    double dashboardMs = -1;
    double exitMs = -1;
};

Run startOnce(const SandboxProcess &sandbox, const QString &console)
{
    QTemporaryDir home; // no state from an earlier run: every start is a first start
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("LUCENT_STARTUP_TRACE"), QStringLiteral("exit"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    Run run;
    const qint64 started = monotonicNs();
    process.start(
        console,
        {QStringLiteral("--kubeconfig"), sandbox.kubeconfig(), QStringLiteral("--config"), sandbox.projectFile()});
    if (!process.waitForFinished(60000))
        return run;
    run.exitMs = (monotonicNs() - started) / 1e6;
    for (const QByteArray &line : process.readAllStandardError().split('\n')) {
        const QList<QByteArray> words = line.trimmed().split(' ');
        if (words.size() != 3 || words[0] != "lucent-startup")
            continue;
        const double ms = (words[2].toLongLong() - started) / 1e6;
        if (words[1] == "first-window")
            run.windowMs = ms;
        else if (words[1] == "live-dashboard")
            run.dashboardMs = ms;
    }
    return run;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? -1 : values[values.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString console = qEnvironmentVariable("LUCENT_CONSOLE");
    const int runs = argc > 1 ? QByteArray(argv[1]).toInt() : 10;
    QStringList arguments;
    if (!QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty())
        arguments.append(QStringLiteral("--prometheus"));
    SandboxProcess sandbox(arguments);
    if (!sandbox.start()) {
        std::fprintf(stderr, "bench_startup: %s\n", qPrintable(sandbox.error()));
        return 1;
    }
    startOnce(sandbox, console); // the files in the page cache, as on a machine in use
    QList<double> windows;
    QList<double> dashboards;
    QList<double> exits;
    for (int i = 0; i < runs; ++i) {
        const Run run = startOnce(sandbox, console);
        if (run.windowMs < 0 || run.dashboardMs < 0) {
            std::fprintf(stderr, "bench_startup: run %d did not report both moments\n", i + 1);
            return 1;
        }
        windows.append(run.windowMs);
        dashboards.append(run.dashboardMs);
        exits.append(run.exitMs);
    }
    auto spread = [](QList<double> values) {
        std::sort(values.begin(), values.end());
        return QStringLiteral("%1-%2").arg(values.first(), 0, 'f', 0).arg(values.last(), 0, 'f', 0);
    };
    std::printf("start-up against a running sandbox%s, %d runs:\n", arguments.isEmpty() ? "" : " with Prometheus",
                runs);
    std::printf("  exec to first painted window:               median %.0f ms (%s) (target: 150 ms) %s\n",
                median(windows), qPrintable(spread(windows)), median(windows) <= 150 ? "MET" : "NOT MET");
    std::printf("  exec to first painted dashboard, live data:  median %.0f ms (%s) (target: 250 ms) %s\n",
                median(dashboards), qPrintable(spread(dashboards)), median(dashboards) <= 250 ? "MET" : "NOT MET");
    std::printf("  exec to exit after it:                       median %.0f ms (%s)\n", median(exits),
                qPrintable(spread(exits)));
    Lucent::Tests::printBench(
        "startup",
        {{QStringLiteral("firstWindowMs"), median(windows)},
         {QStringLiteral("firstWindowMinMs"), *std::min_element(windows.cbegin(), windows.cend())},
         {QStringLiteral("firstWindowMaxMs"), *std::max_element(windows.cbegin(), windows.cend())},
         {QStringLiteral("liveDashboardMs"), median(dashboards)},
         {QStringLiteral("liveDashboardMinMs"), *std::min_element(dashboards.cbegin(), dashboards.cend())},
         {QStringLiteral("liveDashboardMaxMs"), *std::max_element(dashboards.cbegin(), dashboards.cend())},
         {QStringLiteral("exitMs"), median(exits)},
         {QStringLiteral("runs"), runs}});
    return 0;
}
