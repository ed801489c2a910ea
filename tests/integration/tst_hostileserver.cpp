// The console's client against servers that misbehave on purpose (a scripted server on
// loopback): an answer of 100 MB, a watch line that never ends, invalid JSON in the middle of
// a watch, bodies that trickle a byte a second, connections reset in the middle of a list.
// Each time the caller gets a typed error whose sentence says what happened, memory stays
// bounded, the cache recovers once the server behaves, and the event loop (the GUI thread in
// the console) keeps turning: a heartbeat timer checks that no turn is held for long.

#include "core/kube/clusterconnection.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/logstream.h"
#include "core/kube/resourcecache.h"
#include "scriptedserver.h"
#include "stallprobe.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core::Kube;
using Lucent::Tests::ScriptedServer;
using Lucent::Tests::StallProbe;

namespace {

const QByteArray PodList = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[]})";

QByteArray podEvent(const char *type, const QByteArray &name, int version)
{
    return R"({"type":")" + QByteArray(type) + R"(","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":")"
        + name + R"(","namespace":"ns","resourceVersion":")" + QByteArray::number(version) + R"("}}})" + "\n";
}

// A freeze, not a benchmark: a turn held for a second would be a window that stops painting.
constexpr qint64 FrozenMs = 1000;

} // namespace

class TestHostileServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aHundredMegabyteAnswerIsRefused_data();
    void aHundredMegabyteAnswerIsRefused();
    void aWatchLineWithoutEndIsDropped();
    void invalidJsonMidWatchRelistsAndRecovers();
    void aTricklingAnswerTimesOut();
    void aTricklingWatchMeetsItsDeadline();
    void aResetMidListIsRetriedThenTyped();
    void aLogLineWithoutEndComesInPieces();

private:
    static ClusterConnection connectionTo(const ScriptedServer &server)
    {
        ClusterConnection connection;
        connection.server = server.url();
        return connection;
    }
};

void TestHostileServer::aHundredMegabyteAnswerIsRefused_data()
{
    QTest::addColumn<bool>("announced");
    QTest::addRow("with Content-Length") << true;
    QTest::addRow("without Content-Length") << false;
}

void TestHostileServer::aHundredMegabyteAnswerIsRefused()
{
    QFETCH(bool, announced);
    constexpr qint64 Size = qint64(100) << 20;
    ScriptedServer server;
    ScriptedServer::Response huge;
    huge.custom = [announced](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket,
                                     announced ? "Content-Length: " + QByteArray::number(Size) + "\r\n" : QByteArray());
        ScriptedServer::writeEndlessly(socket, QByteArray(1 << 20, ' '), Size);
    };
    server.script = {huge};
    KubeClient kube(connectionTo(server));
    StallProbe heartbeat(20);
    heartbeat.start();
    KubeReply *reply = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    QSignalSpy finished(reply, &KubeReply::finished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(reply->error().kind, ApiError::Kind::Decode);
    QVERIFY2(reply->error().sentence().contains(QLatin1String("the answer passed 64 MB")),
             qPrintable(reply->error().sentence()));
    QCOMPARE(server.requests.size(), 1); // not retried: asking again would bring the same
    QVERIFY2(heartbeat.worstMs() < FrozenMs, qPrintable(QString::number(heartbeat.worstMs())));
}

void TestHostileServer::aWatchLineWithoutEndIsDropped()
{
    ScriptedServer server;
    ScriptedServer::Response endless;
    endless.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        socket->write(podEvent("ADDED", "a", 11));
        ScriptedServer::writeEndlessly(socket, QByteArray(1 << 20, 'x'), 0); // no newline, ever
    };
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?limit", {{200, PodList, {}, 0}, {200, PodList, {}, 0}});
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?resourceVersion", {endless});
    KubeClient kube(connectionTo(server));
    ResourceCacheOptions options;
    options.minBackoffMs = 10;
    ResourceCache cache(&kube, ResourceType::pods(), QStringLiteral("ns"), options);
    QSignalSpy errors(&cache, &ResourceCache::errorOccurred);
    StallProbe heartbeat(20);
    heartbeat.start();
    cache.start();
    QVERIFY(errors.wait(30000));
    const ApiError error = errors.first().first().value<ApiError>();
    QVERIFY2(error.sentence().contains(QLatin1String("grew past 16 MB without ending")), qPrintable(error.sentence()));
    QCOMPARE(cache.size(), 1); // the event before the endless line was applied
    QVERIFY2(heartbeat.worstMs() < FrozenMs, qPrintable(QString::number(heartbeat.worstMs())));
}

void TestHostileServer::invalidJsonMidWatchRelistsAndRecovers()
{
    ScriptedServer server;
    ScriptedServer::Response broken;
    broken.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        socket->write(podEvent("ADDED", "a", 11) + "{\"type\":\"MODIFIED\",\"object\":{not json\n"
                      + podEvent("ADDED", "never-applied", 12));
    };
    ScriptedServer::Response healthy;
    healthy.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        socket->write(podEvent("ADDED", "b", 13)); // and stays open, as a watch does
    };
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?limit", {{200, PodList, {}, 0}, {200, PodList, {}, 0}});
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?resourceVersion", {broken, healthy});
    KubeClient kube(connectionTo(server));
    ResourceCacheOptions options;
    options.minBackoffMs = 10;
    ResourceCache cache(&kube, ResourceType::pods(), QStringLiteral("ns"), options);
    QSignalSpy errors(&cache, &ResourceCache::errorOccurred);
    cache.start();
    QVERIFY(errors.wait(10000));
    QVERIFY2(errors.first().first().value<ApiError>().sentence().contains(QLatin1String("not JSON")),
             qPrintable(errors.first().first().value<ApiError>().sentence()));
    // The cache lists again and watches on: b arrives, the event after the broken line never did.
    QTRY_VERIFY_WITH_TIMEOUT(!cache.object(QStringLiteral("ns"), QStringLiteral("b")).isEmpty(), 10000);
    QVERIFY(cache.object(QStringLiteral("ns"), QStringLiteral("never-applied")).isEmpty());
}

void TestHostileServer::aTricklingAnswerTimesOut()
{
    ScriptedServer server;
    ScriptedServer::Response trickle;
    trickle.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket, "Content-Length: " + QByteArray::number(PodList.size()) + "\r\n");
        auto *timer = new QTimer(socket);
        auto *at = new qsizetype(0);
        QObject::connect(timer, &QTimer::timeout, socket, [socket, at] {
            if (*at < PodList.size())
                socket->write(PodList.mid((*at)++, 1)); // a byte a second
        });
        QObject::connect(socket, &QObject::destroyed, [at] { delete at; });
        timer->start(1000);
    };
    server.script = {trickle};
    KubeClient kube(connectionTo(server));
    kube.setRetryPolicy({1, 10, 20, 100}); // one attempt: the timeout itself is the subject
    KubeRequest request;
    request.path = ResourceType::pods().collectionPath(QStringLiteral("ns"));
    request.timeoutMs = 3000;
    StallProbe heartbeat(20);
    heartbeat.start();
    KubeReply *reply = kube.send(request);
    QSignalSpy finished(reply, &KubeReply::finished);
    QVERIFY(finished.wait(15000));
    QCOMPARE(reply->error().kind, ApiError::Kind::Timeout);
    QVERIFY2(reply->error().sentence().contains(QLatin1String("gave no answer in time")),
             qPrintable(reply->error().sentence()));
    QVERIFY2(heartbeat.worstMs() < FrozenMs, qPrintable(QString::number(heartbeat.worstMs())));
}

void TestHostileServer::aTricklingWatchMeetsItsDeadline()
{
    ScriptedServer server;
    ScriptedServer::Response trickle;
    trickle.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        auto *timer = new QTimer(socket);
        QObject::connect(timer, &QTimer::timeout, socket, [socket] { socket->write(" "); });
        timer->start(500); // never silent long enough for the idle limit, never an event
    };
    ScriptedServer::Response healthy;
    healthy.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        socket->write(podEvent("ADDED", "after", 12));
    };
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?limit", {{200, PodList, {}, 0}, {200, PodList, {}, 0}});
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?resourceVersion", {trickle, healthy});
    KubeClient kube(connectionTo(server));
    ResourceCacheOptions options;
    options.watchTimeoutSeconds = 1; // the server is asked to end each watch after 1 s
    options.minBackoffMs = 10;
    ResourceCache cache(&kube, ResourceType::pods(), QStringLiteral("ns"), options);
    QSignalSpy errors(&cache, &ResourceCache::errorOccurred);
    cache.start();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(errors.wait(20000)); // deadline: twice the asked timeout plus 5 s
    QCOMPARE(errors.first().first().value<ApiError>().kind, ApiError::Kind::Timeout);
    QVERIFY2(clock.elapsed() >= 6000, qPrintable(QString::number(clock.elapsed()))); // not before the deadline
    QTRY_VERIFY_WITH_TIMEOUT(!cache.object(QStringLiteral("ns"), QStringLiteral("after")).isEmpty(), 10000);
}

void TestHostileServer::aResetMidListIsRetriedThenTyped()
{
    ScriptedServer server;
    ScriptedServer::Response reset;
    reset.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket, "Content-Length: 100000\r\n");
        socket->write(PodList.left(40));
        socket->flush();
        QTimer::singleShot(50, socket, [socket] { socket->abort(); }); // RST, mid-body
    };
    // QtNetwork itself sometimes sends a GET again after a reset, so the server may see more
    // requests than the client made attempts; what matters is that the cut body is never
    // taken for the answer.
    server.script = {reset, {200, PodList, {}, 0}, {200, PodList, {}, 0}};
    KubeClient kube(connectionTo(server));
    kube.setRetryPolicy({3, 10, 20, 100});
    KubeReply *first = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    QSignalSpy firstDone(first, &KubeReply::finished);
    QVERIFY(firstDone.wait(10000));
    QVERIFY2(!first->error().isError(), qPrintable(first->error().sentence()));
    QVERIFY(server.requests.size() >= 2);
    QCOMPARE(first->json().value(QLatin1String("kind")).toString(), QStringLiteral("PodList"));

    server.script = {reset, reset, reset, reset, reset, reset};
    kube.setRetryPolicy({2, 10, 20, 100});
    KubeReply *second = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    QSignalSpy secondDone(second, &KubeReply::finished);
    QVERIFY(secondDone.wait(10000));
    QCOMPARE(second->error().kind, ApiError::Kind::Network);
    QVERIFY2(second->error().sentence().contains(QLatin1String("the connection closed after 40 of the 100000 bytes")),
             qPrintable(second->error().sentence()));
}

void TestHostileServer::aLogLineWithoutEndComesInPieces()
{
    ScriptedServer server;
    ScriptedServer::Response endless;
    endless.custom = [](QTcpSocket *socket) {
        ScriptedServer::writeHeaders(socket);
        socket->write("2026-12-01T10:00:00.000000001Z first line\n2026-12-01T10:00:01Z ");
        ScriptedServer::writeEndlessly(socket, QByteArray(256 * 1024, 'x'), qint64(5) << 20); // 5 MB, no newline
    };
    server.script = {endless};
    KubeClient kube(connectionTo(server));
    LogOptions options;
    options.follow = true;
    LogStream stream(&kube, QStringLiteral("ns"), QStringLiteral("pod"), options);
    qsizetype longest = 0;
    int lines = 0;
    connect(&stream, &LogStream::linesReceived, this, [&](const QList<LogLine> &received) {
        for (const LogLine &line : received) {
            longest = std::max(longest, line.text.size());
            ++lines;
        }
    });
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(lines >= 5, 20000); // the first line, then megabyte pieces
    QVERIFY2(longest <= MaxLogLineBytes, qPrintable(QString::number(longest)));
    stream.stop();
}

QTEST_GUILESS_MAIN(TestHostileServer)
#include "tst_hostileserver.moc"
