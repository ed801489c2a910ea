// core/kube's ResourceCache without a cluster: applying watch events and their signals, where
// the watch starts after a paged list, and list pages read ahead (the next page asked for from
// the continue token at the start of the body while the page decodes), against a scripted
// local HTTP server.

#include "core/kube/kubeclient.h"
#include "core/kube/listpage.h"
#include "core/kube/resourcecache.h"
#include "core/kube/watchevent.h"
#include "scriptedserver.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtTest>

using namespace Lucent::Core::Kube;
using Lucent::Tests::ScriptedServer;

namespace {

QByteArray watchLine(const char *type, const char *name, int version)
{
    return QByteArray(R"({"type":")") + type + R"(","object":{"kind":"Pod","metadata":{"name":")" + name
        + R"(","namespace":"ns","resourceVersion":")" + QByteArray::number(version) + "\"}}}\n";
}

} // namespace

class TestKubeCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cacheAppliesEventsAndSignals();
    void cacheWatchesFromTheFirstPagesVersion();
    void continueTokensAreReadAhead_data();
    void continueTokensAreReadAhead();
    void cacheAsksForTheNextPageFromTheTokenReadAhead();
};

void TestKubeCache::cacheAppliesEventsAndSignals()
{
    ResourceCache cache(nullptr, ResourceType::pods(), QStringLiteral("ns"));
    QSignalSpy added(&cache, &ResourceCache::added);
    QSignalSpy updated(&cache, &ResourceCache::updated);
    QSignalSpy removed(&cache, &ResourceCache::removed);
    QString error;
    for (const QByteArray &line :
         {watchLine("ADDED", "a", 1), watchLine("ADDED", "b", 2), watchLine("MODIFIED", "a", 3),
          watchLine("BOOKMARK", "", 9), watchLine("DELETED", "b", 10), watchLine("DELETED", "zz", 11)})
        cache.applyEvent(*parseWatchEvent(line.trimmed(), &error));
    QCOMPARE(added.size(), 2);
    QCOMPARE(updated.size(), 1);
    QCOMPARE(updated[0][0].toJsonObject()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString(),
             QStringLiteral("1"));
    QCOMPARE(removed.size(), 1); // deleting what is not there is not news
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.resourceVersion(), QStringLiteral("11"));
    QCOMPARE(cache.keyOf(cache.objects().constFirst()), QStringLiteral("ns/a"));
}

// Found by the fault soak: a server whose list pages are not one snapshot (the sandbox's: each
// page at the version it was read) deleted a pod already listed on page 1 before page 2 was
// read; the cache watched from page 2's version and kept the pod for ever. It now watches from
// the first page's version, which replays the deletion (a real API server gives every page the
// first page's version, so nothing changes there).
void TestKubeCache::cacheWatchesFromTheFirstPagesVersion()
{
    const auto pod = [](const char *name, int version) -> QByteArray {
        return R"({"metadata":{"name":")" + QByteArray(name) + R"(","namespace":"ns","resourceVersion":")"
            + QByteArray::number(version) + R"("}})";
    };
    ScriptedServer server;
    ScriptedServer::Response watch;
    watch.custom = [pod](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n");
        socket->write(R"({"type":"DELETED","object":)" + pod("a", 105) + "}\n"); // and stays open
    };
    server.script = {{200,
                      R"({"metadata":{"resourceVersion":"100","continue":"next"},"items":[)" + pod("a", 90) + ","
                          + pod("b", 91) + "]}",
                      {},
                      0},
                     {200, R"({"metadata":{"resourceVersion":"110"},"items":[)" + pod("c", 108) + "]}", {}, 0},
                     watch};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    ResourceCacheOptions options;
    options.pageSize = 2;
    ResourceCache cache(&kube, ResourceType::pods(), QStringLiteral("ns"), options);
    cache.start();
    QTRY_COMPARE_WITH_TIMEOUT(server.requests.size(), 3, 10000);
    QVERIFY2(server.requests.at(2).path.contains("watch=true"), server.requests.at(2).path.constData());
    QVERIFY2(server.requests.at(2).path.contains("resourceVersion=100&"), server.requests.at(2).path.constData());
    QTRY_VERIFY_WITH_TIMEOUT(cache.object(QStringLiteral("ns"), QStringLiteral("a")).isEmpty(), 10000);
    QCOMPARE(cache.size(), 2); // b and c
    cache.stop();
}

void TestKubeCache::continueTokensAreReadAhead_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("api server") << QByteArray(
        R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==","remainingItemCount":3},"items":[{"metadata":{"name":"a"}}]})")
                                << QStringLiteral("eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==");
    QTest::newRow("last page") << QByteArray(R"({"metadata":{"resourceVersion":"9"},"items":[]})") << QString();
    QTest::newRow("spaces") << QByteArray("{\"metadata\": {\"continue\" :\n \"t1\"}, \"items\": []}")
                            << QStringLiteral("t1");
    // Escaped or out of place: the decoder decides, nothing is read ahead.
    QTest::newRow("escaped") << QByteArray(R"({"metadata":{"continue":"a\u003db"},"items":[]})") << QString();
    QTest::newRow("only in an item") << QByteArray(
        R"({"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"continue":"x"}}]})")
                                     << QString();
    QTest::newRow("no items yet") << QByteArray(R"({"metadata":{"continue":"t1"})") << QString();
    QTest::newRow("not json") << QByteArray("<html>502 Bad Gateway</html>") << QString();
    QTest::newRow("unterminated") << QByteArray(R"({"metadata":{"continue":"t1)") << QString();
}

// The next page is asked for as soon as a page has arrived, from its token read off the
// start of the body, plain or gzip-compressed; anything unusual is left to the decoder.
void TestKubeCache::continueTokensAreReadAhead()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(peekContinueToken(body, false), expected);
    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-c")});
    gzip.write(body);
    gzip.closeWriteChannel();
    QVERIFY(gzip.waitForFinished(10000));
    QCOMPARE(gzip.exitCode(), 0);
    const QByteArray compressed = gzip.readAllStandardOutput();
    QCOMPARE(peekContinueToken(compressed, true), expected);
    if (!expected.isEmpty())
        QCOMPARE(decodeListPage(compressed, true, QStringLiteral("GET")).continueToken, expected);
}

// A list whose first page's metadata holds "continue" twice: reading ahead finds the first,
// the decoder keeps the second. The cache asks for "ahead" before the page is decoded, then
// catches the disagreement and lists again rather than mixing pages of two lists. (Whether
// the request for "ahead" reaches the server before it is cancelled is a race; the error
// proves it was read ahead, and no request may ever follow the decoded token.)
void TestKubeCache::cacheAsksForTheNextPageFromTheTokenReadAhead()
{
    const QByteArray pod = R"({"metadata":{"name":"a","namespace":"ns","resourceVersion":"5"}})";
    ScriptedServer server;
    ScriptedServer::Response hold;
    hold.custom = [](QTcpSocket *) {}; // never answers
    server.script
        = {{200,
            R"({"metadata":{"resourceVersion":"5","continue":"ahead","continue":"real"},"items":[)" + pod + "]}",
            {},
            0},
           {200, R"({"metadata":{"resourceVersion":"6"},"items":[)" + pod + "]}", {}, 0}};
    server.scriptByPath.insert("/api/v1/namespaces/ns/pods?limit=1&continue=", {hold, hold});
    server.whenScriptEnds = hold; // the watch
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    ResourceCacheOptions options;
    options.pageSize = 1;
    options.minBackoffMs = 10;
    ResourceCache cache(&kube, ResourceType::pods(), QStringLiteral("ns"), options);
    QSignalSpy errors(&cache, &ResourceCache::errorOccurred);
    cache.start();
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 10000);
    QVERIFY2(errors.at(0).at(0).value<ApiError>().message.contains(QLatin1String("read ahead")),
             qPrintable(errors.at(0).at(0).value<ApiError>().message));
    QTRY_VERIFY_WITH_TIMEOUT(cache.isSynced(), 10000); // listed again from the start
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.listCount(), 2);
    for (const auto &request : std::as_const(server.requests)) {
        QVERIFY2(!request.path.contains("continue=real"), request.path.constData());
        QVERIFY2(!request.path.contains("continue=") || request.path.contains("continue=ahead"),
                 request.path.constData());
    }
    cache.stop();
}

QTEST_GUILESS_MAIN(TestKubeCache)
#include "tst_kubecache.moc"
