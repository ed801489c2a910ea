// Benchmark for core/kube's watch-backed cache, against lucent-sandbox holding 10,000 extra
// pods and, in the same run, against the real kubectl and curl:
//   1. list and decode every pod into a ResourceCache, next to `kubectl get pods -A -o json`
//      and to fetching the same pages (500 a page, as both clients ask) with curl, the floor;
//   2. the memory the decoded cache holds (resident, and the peak while decoding);
//   3. watch events (real pod objects, 1.8 KB each) streamed over a socket into a watching
//      cache: decoded on the background thread, applied on the GUI thread in slices. Events
//      per second end to end, the GUI thread's share (applying only), and its longest stall.
// It prints figures and ratios against the targets of issue 19, not asserted as timings.
// Run it with `scripts/dev.sh bench`.
// usage: bench_kube_cache [PODS]   (LUCENT_SANDBOX names the sandbox binary)

#include "benchreport.h"
#include "kubetesthelpers.h"
#include "sandboxprocess.h"
#include "stallprobe.h"
#include "timedapplication.h"

#include "core/kube/resourcecache.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>

#include <algorithm>
#include <cstdio>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Lucent::Core::Kube;
using Lucent::Tests::SandboxProcess;

namespace {

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

// Fetches every page of pods (500 each) with curl, one process a page as a script would;
// returns the seconds it took, or -1.
double curlPages(const QString &server)
{
    const QRegularExpression continueToken(QStringLiteral(R"re("continue":"([^"]*)")re"));
    QString token;
    QElapsedTimer timer;
    timer.start();
    do {
        QString url = server + QStringLiteral("/api/v1/pods?limit=500");
        if (!token.isEmpty())
            url += QStringLiteral("&continue=") + QString::fromLatin1(QUrl::toPercentEncoding(token));
        QProcess curl;
        curl.start(QStringLiteral("curl"), {QStringLiteral("-sf"), url});
        if (!curl.waitForFinished(60000) || curl.exitCode() != 0)
            return -1;
        const QByteArray page = curl.readAllStandardOutput();
        token = continueToken.match(QString::fromUtf8(page.left(4096))).captured(1);
    } while (!token.isEmpty());
    return timer.nsecsElapsed() / 1e9;
}

// Serves two HTTP requests on a loopback socket from its own thread: an empty pod list, then
// a watch answering with @p stream. The server is not the GUI thread's work.
class StreamServer
{
public:
    explicit StreamServer(QByteArray stream)
        : m_stream(std::move(stream))
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::listen(m_listener, 4);
        socklen_t length = sizeof address;
        ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~StreamServer()
    {
        ::shutdown(m_listener, SHUT_RDWR);
        ::close(m_listener);
        m_thread.join();
    }
    int port() const { return m_port; }

private:
    void serve()
    {
        const QByteArray list = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]})";
        for (int request = 0; request < 2; ++request) {
            const int client = ::accept(m_listener, nullptr, nullptr);
            if (client < 0)
                return;
            QByteArray head;
            char buffer[4096];
            while (!head.contains("\r\n\r\n")) {
                const ssize_t got = ::read(client, buffer, sizeof buffer);
                if (got <= 0)
                    break;
                head.append(buffer, got);
            }
            const QByteArray &body = request == 0 ? list : m_stream;
            const QByteArray answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                                      "Content-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n";
            writeAll(client, answer);
            writeAll(client, body);
            ::close(client);
        }
    }
    static void writeAll(int socket, const QByteArray &data)
    {
        for (qsizetype at = 0; at < data.size();) {
            const ssize_t wrote = ::write(socket, data.constData() + at, size_t(data.size() - at));
            if (wrote <= 0)
                return;
            at += wrote;
        }
    }

    QByteArray m_stream;
    int m_listener = -1;
    int m_port = 0;
    std::thread m_thread;
};

} // namespace

int main(int argc, char **argv)
{
    Lucent::Tests::TimedCoreApplication app(argc, argv);
    const bool showEvents = qEnvironmentVariableIntValue("LUCENT_BENCH_EVENTS") != 0;
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
        const qint64 before = Lucent::Tests::procStatusKb("VmRSS:");
        Lucent::Tests::resetPeakMemory();
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
            cacheKb = Lucent::Tests::procStatusKb("VmRSS:") - before;
            peakKb = Lucent::Tests::procStatusKb("VmHWM:") - before;
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
    QList<double> curls;
    for (int run = 0; run < 3; ++run) {
        const double seconds = curlPages(sandbox.url());
        if (seconds < 0)
            return fail("curl could not fetch the pages");
        curls.append(seconds);
    }
    const double ratio = median(theirs) / median(ours);
    const double overFloor = median(ours) / median(curls);
    std::printf("list+decode %d pods into the cache: %.3f s (median of 3; runs %.3f %.3f %.3f)\n", cached, median(ours),
                ours[0], ours[1], ours[2]);
    std::printf("kubectl get pods -A -o json > /dev/null: %.3f s (median of 3)\n", median(theirs));
    std::printf("curl fetching the same pages (500 a page), no decoding: %.3f s (median of 3)\n", median(curls));
    std::printf("ratio kubectl/cache: %.2fx faster (target: 10x) %s\n", ratio, ratio >= 10 ? "MET" : "NOT MET");
    std::printf("ratio cache/curl: %.2fx the fetch alone (target: within 2x) %s\n", overFloor,
                overFloor <= 2 ? "MET" : "NOT MET");
    std::printf("decoded cache resident: %.1f MB, peak while decoding: %.1f MB (target: under 150 MB) %s\n",
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
    // End to end: over a socket, decoded on the background thread, applied in slices.
    StreamServer server(stream);
    ClusterConnection local;
    local.server = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    KubeClient streamClient(local);
    ResourceCache watching(&streamClient, ResourceType::pods(), QString());
    Lucent::Tests::StallProbe probe;
    QElapsedTimer timer;
    timer.start();
    probe.start();
    app.setEnabled(showEvents);
    watching.start();
    if (!Lucent::Tests::runEventsUntil([&] { return watching.eventsApplied() >= events; }, 300000))
        return fail("the watching cache did not apply every event");
    const double endToEnd = events / (timer.nsecsElapsed() / 1e9);
    probe.stop();
    watching.stop();
    app.setEnabled(false);
    if (showEvents) {
        std::printf("  longest deliveries on the GUI thread while watching:\n");
        app.print(8);
    }

    // The GUI thread's part alone: applying decoded events to the cache (and its signals).
    QList<WatchEvent> decoded;
    decoded.reserve(events);
    for (const QByteArray &line : LineSplitter().feed(stream)) {
        QString error;
        if (auto event = parseWatchEvent(line, &error))
            decoded.append(std::move(*event));
    }
    timer.restart();
    for (const WatchEvent &event : std::as_const(decoded))
        cache.applyEvent(event);
    const double applyRate = decoded.size() / (timer.nsecsElapsed() / 1e9);
    std::printf("watch events end to end (socket, background decoding, sliced applying): %.0f events/s, %.0f bytes "
                "each (target: 250,000/s) %s\n",
                endToEnd, double(stream.size()) / events, endToEnd >= 250000 ? "MET" : "NOT MET");
    std::printf("  the GUI thread's part, applying decoded events: %.0f events/s\n", applyRate);
    std::printf("  GUI-thread stalls meanwhile: longest %.1f ms, 99th percentile %.2f ms\n", probe.worstMs(),
                probe.percentileMs(99));
    Lucent::Tests::printBench("kube_cache",
                              {{QStringLiteral("pods"), cached},
                               {QStringLiteral("listSeconds"), median(ours)},
                               {QStringLiteral("kubectlSeconds"), median(theirs)},
                               {QStringLiteral("curlSeconds"), median(curls)},
                               {QStringLiteral("ratioToKubectl"), ratio},
                               {QStringLiteral("ratioToCurl"), overFloor},
                               {QStringLiteral("cacheMegabytes"), cacheKb / 1024.0},
                               {QStringLiteral("peakMegabytes"), peakKb / 1024.0},
                               {QStringLiteral("watchEventsPerSecond"), endToEnd},
                               {QStringLiteral("applyEventsPerSecond"), applyRate},
                               {QStringLiteral("watchStallMaxMs"), probe.worstMs()},
                               {QStringLiteral("watchStallP99Ms"), probe.percentileMs(99)}});
    return 0;
}
