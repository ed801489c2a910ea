// Benchmark for core/kube's watch-backed cache, against lucent-sandbox holding 10,000 extra
// pods and, in the same run, against the real kubectl:
//   1. list and decode every pod into a ResourceCache, next to `kubectl get pods -A -o json`;
//   2. the memory the decoded cache holds (resident, and the peak while decoding);
//   3. watch events applied per second (split, decoded and applied to the cache).
// It prints figures and ratios; the goals of issue 4 are printed next to them, not asserted
// as timings. Run it with `scripts/dev.sh bench`.
// usage: bench_kube_cache [PODS]   (LUCENT_SANDBOX names the sandbox binary)

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/kube/resourcecache.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>

#include <algorithm>
#include <cstdio>

using namespace Lucent::Core::Kube;
using Lucent::Tests::SandboxProcess;

namespace {

qint64 procStatusKb(const char *field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// VmHWM can be reset (Linux 4.0+), so each phase's peak is its own.
void resetPeak()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

int fail(const char *what)
{
    std::fprintf(stderr, "bench_kube_cache: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int extraPods = argc > 1 ? QByteArray(argv[1]).toInt() : 10000;
    SandboxProcess sandbox(
        {QStringLiteral("--extra-pods"), QString::number(extraPods), QStringLiteral("--seed"), QStringLiteral("1")});
    if (!sandbox.start())
        return fail(qPrintable(sandbox.error()));
    auto connection = Lucent::Tests::connectionFor(sandbox.kubeconfig(), QStringLiteral("staging"));
    if (!connection)
        return fail("cannot read the sandbox's kubeconfig");
    KubeClient kube(*connection);

    // Wait until the extra pods exist, so every run lists the same amount.
    int podCount = 0;
    const bool allThere = QTest::qWaitFor(
        [&] {
            const auto answer = Lucent::Tests::waitFor(kube.list(ResourceType::pods(), QStringLiteral("lucent-load")));
            podCount = int(answer.json().value(QLatin1String("items")).toArray().size());
            return podCount >= extraPods;
        },
        120000);
    if (!allThere)
        return fail(qPrintable(QStringLiteral("only %1 of %2 extra pods appeared").arg(podCount).arg(extraPods)));
    std::printf("sandbox: %s, %d extra pods\n", qPrintable(sandbox.url()), podCount);

    // 1 + 2. List and decode into the cache, three times; memory from the first run, while
    // its cache is alive (later runs reuse memory the allocator kept).
    QList<double> ours;
    qint64 cacheKb = 0;
    qint64 peakKb = 0;
    int cached = 0;
    for (int run = 0; run < 3; ++run) {
        const qint64 before = procStatusKb("VmRSS:");
        resetPeak();
        auto cache = std::make_unique<ResourceCache>(&kube, ResourceType::pods(), QString());
        QElapsedTimer timer;
        timer.start();
        cache->start();
        if (!QTest::qWaitFor([&] { return cache->isSynced(); }, 120000))
            return fail("the cache did not sync");
        ours.append(timer.nsecsElapsed() / 1e9);
        cache->stop();
        if (run == 0) {
            cached = cache->size();
            cacheKb = procStatusKb("VmRSS:") - before;
            peakKb = procStatusKb("VmHWM:") - before;
        }
    }

    QList<double> theirs;
    for (int run = 0; run < 3; ++run) {
        QProcess kubectl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KUBECONFIG"), sandbox.kubeconfig());
        env.insert(QStringLiteral("HOME"), sandbox.directory());
        kubectl.setProcessEnvironment(env);
        kubectl.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer timer;
        timer.start();
        kubectl.start(SandboxProcess::kubectlPath(),
                      {QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-A"), QStringLiteral("-o"),
                       QStringLiteral("json")});
        if (!kubectl.waitForFinished(120000) || kubectl.exitCode() != 0)
            return fail("kubectl get pods -A -o json failed");
        theirs.append(timer.nsecsElapsed() / 1e9);
    }
    const double ratio = median(theirs) / median(ours);
    std::printf("list+decode %d pods into the cache: %.3f s (median of 3)\n", cached, median(ours));
    std::printf("kubectl get pods -A -o json > /dev/null: %.3f s (median of 3)\n", median(theirs));
    std::printf("ratio kubectl/cache: %.2fx faster (goal: at least 3x) %s\n", ratio, ratio >= 3 ? "MET" : "NOT MET");
    std::printf("decoded cache resident: %.1f MB, peak while decoding: %.1f MB (goal: under 150 MB) %s\n",
                cacheKb / 1024.0, peakKb / 1024.0, cacheKb / 1024.0 < 150 ? "MET" : "NOT MET");

    // 3. Watch events: real pod objects from the sandbox, as MODIFIED events in one stream.
    ResourceCache cache(&kube, ResourceType::pods(), QString());
    cache.start();
    if (!QTest::qWaitFor([&] { return cache.isSynced(); }, 120000))
        return fail("the cache did not sync");
    cache.stop();
    const QList<QJsonObject> objects = cache.objects();
    QByteArray stream;
    const int events = 200000;
    qint64 version = 1000000;
    for (int i = 0; i < events; ++i) {
        QJsonObject object = objects[i % objects.size()];
        QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
        metadata.insert(QStringLiteral("resourceVersion"), QString::number(++version));
        object.insert(QStringLiteral("metadata"), metadata);
        stream += R"({"type":"MODIFIED","object":)" + QJsonDocument(object).toJson(QJsonDocument::Compact) + "}\n";
    }
    LineSplitter splitter;
    QElapsedTimer timer;
    timer.start();
    qint64 applied = 0;
    for (qsizetype at = 0; at < stream.size(); at += 64 * 1024) {
        for (const QByteArray &line : splitter.feed(stream.mid(at, 64 * 1024))) {
            QString error;
            if (auto event = parseWatchEvent(line, &error)) {
                cache.applyEvent(*event);
                ++applied;
            }
        }
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    std::printf("watch events applied: %lld in %.3f s = %.0f events/s, %.0f bytes each (goal: at least 50,000/s) %s\n",
                applied, seconds, applied / seconds, double(stream.size()) / events,
                applied / seconds >= 50000 ? "MET" : "NOT MET");
    return applied == events ? 0 : fail("some events did not apply");
}
