// core/kube without a cluster: Status parsing into ApiError, watch-stream splitting, log
// line timestamps, exec-credential output, and the client's retry, timeout, header and
// stream-memory rules against a scripted local HTTP server. (The resource cache: tst_kubecache.)

#include "core/kube/backgroundthread.h"
#include "core/kube/execcredentialplugin.h"
#include "core/kube/kubeclient.h"
#include "core/kube/logstream.h"
#include "core/kube/podmetrics.h"
#include "core/kube/podstatus.h"
#include "core/kube/resourcecache.h"
#include "core/kube/watchdecoder.h"
#include "core/kube/watchevent.h"
#include "scriptedserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace Lucent::Core::Kube;
using Lucent::Tests::ScriptedServer;

namespace {

// Status bodies as the API server writes them (recorded from lucent-sandbox and Kubernetes).
const QByteArray ForbiddenStatus
    = R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"frontend\" is forbidden: User \"lucent-viewer\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"lucent-staging\"","reason":"Forbidden","details":{"name":"frontend","group":"apps","kind":"deployments"},"code":403})j";
const QByteArray InvalidStatus
    = R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment.apps \"x\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0","reason":"Invalid","details":{"name":"x","group":"apps","kind":"Deployment","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]},"code":422})j";
const QByteArray GoneStatus
    = R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 12 (40)","reason":"Expired","code":410})j";
const QByteArray TooLargeStatus
    = R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too large resource version: 99, current: 40","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1},"code":504})j";
const QByteArray PodList = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]})";

QByteArray watchLine(const char *type, const char *name, int version)
{
    return QByteArray(R"({"type":")") + type + R"(","object":{"kind":"Pod","metadata":{"name":")" + name
        + R"(","namespace":"ns","resourceVersion":")" + QByteArray::number(version) + "\"}}}\n";
}

ListOptions listOptions()
{
    ListOptions options;
    options.labelSelector = QStringLiteral("app=x");
    options.limit = 500;
    return options;
}

} // namespace

class TestKubeApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quantitiesOfMetrics_data();
    void quantitiesOfMetrics();
    void podStatusIsWhatKubectlShows_data();
    void podStatusIsWhatKubectlShows();
    void statusBodiesBecomeTypedErrors();
    void nonStatusBodiesKeepTheHttpReason();
    void transportErrorsSaySomethingUseful_data();
    void transportErrorsSaySomethingUseful();
    void linesSurviveAnySplit_data();
    void linesSurviveAnySplit();
    void largeObjectsAcrossManyReads();
    void streamChunksHoldOnlyTheirBytes();
    void aStreamFarBehindIsDroppedToResume();
    void watchEventsAreValidated();
    void watchDecodingRunsOnTheBackgroundThread();
    void logTimestampsKeepNanoseconds();
    void execCredentialOutput_data();
    void execCredentialOutput();
    void execPluginRunsWithoutAShell();
    void execPluginFailuresAreSentences();
    void readsRetryHonouringRetryAfter();
    void writesAreNeverRetried();
    void timeoutIsTypedAndRetried();
    void headersCarryUserAgentButNoCredentialsOverHttp();
    void proxyUrlCarriesTheRequest();
};

void TestKubeApi::statusBodiesBecomeTypedErrors()
{
    ApiError forbidden = ApiError::fromResponse(403, ForbiddenStatus, QStringLiteral("PATCH /apis/apps/v1/x"));
    QCOMPARE(forbidden.kind, ApiError::Kind::Status);
    QVERIFY(forbidden.isForbidden());
    QCOMPARE(forbidden.reason, QStringLiteral("Forbidden"));
    QVERIFY(forbidden.message.startsWith(QStringLiteral("deployments.apps \"frontend\" is forbidden")));
    QVERIFY(forbidden.sentence().startsWith(QStringLiteral("PATCH /apis/apps/v1/x: the cluster denied the request")));
    QVERIFY(!forbidden.isTransient());

    const ApiError invalid = ApiError::fromResponse(422, InvalidStatus, {});
    QCOMPARE(invalid.causes.size(), 1);
    QCOMPARE(invalid.causes[0].field, QStringLiteral("spec.replicas"));
    QCOMPARE(invalid.causes[0].reason, QStringLiteral("FieldValueInvalid"));
    QVERIFY(invalid.sentence().contains(QStringLiteral("spec.replicas: Invalid value: -1")));

    const ApiError gone = ApiError::fromStatus(QJsonDocument::fromJson(GoneStatus).object(), {});
    QVERIFY(gone.isGone());
    QCOMPARE(gone.httpStatus, 410);

    const ApiError tooLarge = ApiError::fromResponse(504, TooLargeStatus, {});
    QVERIFY(tooLarge.isResourceVersionTooLarge());
    QVERIFY(tooLarge.isTransient());
    QCOMPARE(tooLarge.retryAfterSeconds, 1);
}

void TestKubeApi::nonStatusBodiesKeepTheHttpReason()
{
    const ApiError proxy = ApiError::fromResponse(502, "<html><body>\n  Bad   gateway\n</body></html>", {});
    QCOMPARE(proxy.reason, QStringLiteral("InternalError"));
    QVERIFY(proxy.isTransient());
    QCOMPARE(proxy.message, QStringLiteral("<html><body> Bad gateway </body></html>"));
    const ApiError throttled = ApiError::fromResponse(429, {}, {});
    QCOMPARE(throttled.reason, QStringLiteral("TooManyRequests"));
    QVERIFY(throttled.sentence().contains(QStringLiteral("throttling")));
}

void TestKubeApi::transportErrorsSaySomethingUseful_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("transient");
    QTest::addRow("timeout") << int(ApiError::Kind::Timeout) << QStringLiteral("no answer in time") << true;
    QTest::addRow("tls") << int(ApiError::Kind::Tls) << QStringLiteral("certificate-authority") << false;
    QTest::addRow("dns") << int(ApiError::Kind::HostNotFound) << QStringLiteral("could not be resolved") << false;
    QTest::addRow("refused") << int(ApiError::Kind::ConnectionRefused) << QStringLiteral("refused") << true;
    QTest::addRow("reset") << int(ApiError::Kind::Network) << QStringLiteral("Check the network") << true;
    QTest::addRow("decode") << int(ApiError::Kind::Decode) << QStringLiteral("could not be read") << false;
}

void TestKubeApi::transportErrorsSaySomethingUseful()
{
    QFETCH(int, kind);
    QFETCH(QString, expected);
    QFETCH(bool, transient);
    const ApiError error
        = ApiError::transport(ApiError::Kind(kind), QStringLiteral("detail"), QStringLiteral("GET /x"));
    QVERIFY2(error.sentence().contains(expected), qPrintable(error.sentence()));
    QVERIFY(error.sentence().startsWith(QStringLiteral("GET /x: ")));
    QCOMPARE(error.isTransient(), transient);
    QCOMPARE(error.httpStatus, 0);
}

void TestKubeApi::linesSurviveAnySplit_data()
{
    QTest::addColumn<int>("chunk");
    for (int chunk : {1, 2, 3, 7, 64, 1000, 100000})
        QTest::addRow("%d bytes", chunk) << chunk;
}

void TestKubeApi::linesSurviveAnySplit()
{
    QFETCH(int, chunk);
    const QByteArray stream = watchLine("ADDED", "a", 1) + watchLine("MODIFIED", "a", 2) + "\r\n\n"
        + watchLine("DELETED", "a", 3).replace("\n", "\r\n") + watchLine("ADDED", "b", 4);
    LineSplitter splitter;
    QList<QByteArray> lines;
    for (qsizetype at = 0; at < stream.size(); at += chunk)
        lines += splitter.feed(stream.mid(at, chunk));
    QCOMPARE(lines.size(), 4); // blank lines and CRLF ends are not events
    QCOMPARE(splitter.pendingBytes(), 0);
    QString error;
    QCOMPARE(parseWatchEvent(lines[2], &error)->type, WatchEvent::Type::Deleted);
    QCOMPARE(parseWatchEvent(lines[3], &error)->object[QLatin1String("metadata")][QLatin1String("name")].toString(),
             QStringLiteral("b"));
}

void TestKubeApi::largeObjectsAcrossManyReads()
{
    // An 8 MB object (a ConfigMap near etcd's limit) arriving in 1 KB reads, twice in a row.
    const QByteArray big(8 * 1024 * 1024, 'x');
    const QByteArray line = R"({"type":"ADDED","object":{"metadata":{"name":"big"},"data":{"blob":")" + big + "\"}}}\n";
    LineSplitter splitter;
    QList<QByteArray> lines;
    QElapsedTimer timer;
    timer.start();
    const QByteArray twice = line + line;
    for (qsizetype at = 0; at < twice.size(); at += 1024)
        lines += splitter.feed(twice.mid(at, 1024));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0].size(), line.size() - 1);
    QString error;
    const auto parsed = parseWatchEvent(lines[1], &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->object[QLatin1String("data")][QLatin1String("blob")].toString().size(), big.size());
}

// Found by heaptrack in bench_responsiveness: each chunk of a stream was read with read(1 MB),
// which allocates the megabyte and keeps it as the chunk's capacity. Ten log streams' small
// chunks waiting for the parser held gigabytes of address space and inflated the RSS.
void TestKubeApi::streamChunksHoldOnlyTheirBytes()
{
    ScriptedServer server;
    ScriptedServer::Response watch;
    watch.custom = [](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n");
        socket->write(watchLine("ADDED", "a", 1));
        socket->disconnectFromHost();
    };
    server.script = {watch};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    KubeReply *reply = kube.watch(ResourceType::pods(), QStringLiteral("ns"), {});
    QByteArray received;
    qsizetype largestCapacity = 0;
    connect(reply, &KubeReply::dataReceived, this, [&](const QByteArray &chunk) {
        received += chunk;
        largestCapacity = std::max(largestCapacity, chunk.capacity());
    });
    QSignalSpy finished(reply, &KubeReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(received, watchLine("ADDED", "a", 1));
    QVERIFY2(largestCapacity < 4096, qPrintable(QString::number(largestCapacity)));
}

// QtNetwork reads a socket whatever the reply's read buffer size, so a consumer that stops
// reading (backpressure) does not slow the server: the bytes pile up inside QtNetwork. Past
// the request's limit unread (a log's), the stream is dropped with FellBehind (transient), for
// its owner to resume. Watches have no limit: their owner's resume replays from a version.
void TestKubeApi::aStreamFarBehindIsDroppedToResume()
{
    ScriptedServer server;
    ScriptedServer::Response flood;
    flood.custom = [](QTcpSocket *socket) {
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        const QByteArray line = QByteArray(200, 'x') + '\n';
        socket->write(line.repeated(24 * 1024 * 1024 / line.size())); // and stays open
    };
    server.script = {flood};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    KubeRequest request;
    request.path = QStringLiteral("/api/v1/namespaces/ns/pods/pod/log");
    request.stream = true;
    request.dropWhenBehindBytes = 4 * 1024 * 1024;
    KubeReply *reply = kube.send(request);
    qint64 received = 0;
    connect(reply, &KubeReply::dataReceived, this, [&](const QByteArray &chunk) {
        received += chunk.size();
        reply->setReadingPaused(true); // the consumer is busy from the first chunk on
    });
    QSignalSpy finished(reply, &KubeReply::finished);
    QVERIFY(finished.wait(20000));
    QCOMPARE(reply->error().kind, ApiError::Kind::FellBehind);
    QVERIFY(reply->error().isTransient());
    QVERIFY2(reply->error().sentence().contains(QLatin1String("resumes")), qPrintable(reply->error().sentence()));
    QVERIFY2(received > 0 && received <= 1024 * 1024, qPrintable(QString::number(received)));
}

void TestKubeApi::watchEventsAreValidated()
{
    QString error;
    QVERIFY(!parseWatchEvent("{\"type\":\"ADDED\"", &error));
    QVERIFY(error.contains(QStringLiteral("not JSON")));
    QVERIFY(!parseWatchEvent(R"({"type":"RENAMED","object":{"a":1}})", &error));
    QVERIFY(error.contains(QStringLiteral("RENAMED")));
    QVERIFY(!parseWatchEvent(R"({"type":"ADDED"})", &error));
    const auto status = parseWatchEvent(R"({"type":"ERROR","object":)" + GoneStatus + "}", &error);
    QVERIFY(status);
    QCOMPARE(status->type, WatchEvent::Type::Error);
    QVERIFY(ApiError::fromStatus(status->object, {}).isGone());
}

void TestKubeApi::logTimestampsKeepNanoseconds()
{
    const LogLine a = parseLogLine("2026-11-25T10:00:00.123456789Z {\"msg\":\"a b\"}");
    const LogLine b = parseLogLine("2026-11-25T10:00:00.1234568Z second");
    const LogLine c = parseLogLine("2026-11-25T10:00:01Z third");
    QCOMPARE(a.text, QStringLiteral("{\"msg\":\"a b\"}"));
    QCOMPARE(a.timestamp, QByteArray("2026-11-25T10:00:00.123456789Z"));
    QCOMPARE(a.nanos % 1000000000LL, 123456789LL);
    QCOMPARE(b.nanos - a.nanos, 11LL); // fewer digits: the same scale, not a string compare
    QCOMPARE(c.nanos - a.nanos, 1000000000LL - 123456789LL);
    const LogLine plain = parseLogLine("no timestamp here");
    QCOMPARE(plain.nanos, -1);
    QCOMPARE(plain.text, QStringLiteral("no timestamp here"));
    // Found by fuzz_log_lines: year 26 overflowed the nanoseconds (undefined behaviour). A
    // date outside what 64-bit nanoseconds hold is text that looks like a timestamp.
    for (const QByteArray &outside : {QByteArray("0026-12-01T00:20:40Z x"), QByteArray("2262-04-12T00:00:00Z x"),
                                      QByteArray("9999-12-31T23:59:59.999999999Z x")}) {
        const LogLine line = parseLogLine(outside);
        QCOMPARE(line.nanos, -1);
        QCOMPARE(line.text, QString::fromLatin1(outside));
    }
    QCOMPARE(parseLogLine("2261-12-31T23:59:59.999999999Z last").nanos, 9214646399999999999LL);
}

void TestKubeApi::execCredentialOutput_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QString>("problem"); // empty: accepted
    const QByteArray v1 = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":)";
    QTest::addRow("token") << v1 + R"({"token":"t","expirationTimestamp":"2030-01-01T00:00:00Z"}})"
                           << QStringLiteral("client.authentication.k8s.io/v1") << QString();
    QTest::addRow("certificate") << v1 + R"({"clientCertificateData":"C","clientKeyData":"K"}})"
                                 << QStringLiteral("client.authentication.k8s.io/v1") << QString();
    QTest::addRow("wrong version") << v1 + R"({"token":"t"}})" << QStringLiteral("client.authentication.k8s.io/v1beta1")
                                   << QStringLiteral("asks for");
    QTest::addRow("nothing usable") << v1 + R"({"clientKeyData":"K"}})"
                                    << QStringLiteral("client.authentication.k8s.io/v1") << QStringLiteral("neither");
    QTest::addRow("bad time") << v1 + R"({"token":"t","expirationTimestamp":"soon"}})"
                              << QStringLiteral("client.authentication.k8s.io/v1") << QStringLiteral("RFC 3339");
    QTest::addRow("not json") << QByteArray("Please log in at https://sso") << QString()
                              << QStringLiteral("not a JSON");
}

void TestKubeApi::execCredentialOutput()
{
    QFETCH(QByteArray, output);
    QFETCH(QString, apiVersion);
    QFETCH(QString, problem);
    QString error;
    const auto credential = ExecCredentialPlugin::parse(output, apiVersion, &error);
    QCOMPARE(bool(credential), problem.isEmpty());
    if (!problem.isEmpty())
        QVERIFY2(error.contains(problem), qPrintable(error));
    else if (credential->expiration.isValid())
        QCOMPARE(credential->expiration, QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC));
}

void TestKubeApi::readsRetryHonouringRetryAfter()
{
    ScriptedServer server;
    server.script = {{503, "{}", {}, 0}, {429, "{}", {{"Retry-After", "1"}}, 0}, {200, PodList, {}, 0}};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    kube.setRetryPolicy({4, 10, 20, 5000});
    KubeReply *reply = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    QElapsedTimer timer;
    timer.start();
    int attempts = 0;
    ApiError error;
    bool done = false;
    connect(reply, &KubeReply::finished, this, [&] {
        attempts = reply->attempts();
        error = reply->error();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY2(!error.isError(), qPrintable(error.sentence()));
    QCOMPARE(attempts, 3);
    QVERIFY(timer.elapsed() >= 1000); // Retry-After: 1 was waited for
    QCOMPARE(server.requests.size(), 3);
}

void TestKubeApi::writesAreNeverRetried()
{
    ScriptedServer server;
    server.script = {{503, "{}", {}, 0}, {200, PodList, {}, 0}};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    kube.setRetryPolicy({4, 10, 20, 100});
    // One request at a time: a reply keeps its slot through its retries, so the read queued
    // behind the write goes out only once the write is done for good, retries and all.
    kube.setMaxConcurrentRequests(1);
    QSignalSpy failed(&kube, &KubeClient::requestFailed);
    KubeReply *reply = kube.create(ResourceType::configMaps(), QStringLiteral("ns"), QJsonObject{});
    int status = 0;
    int attempts = 0;
    connect(reply, &KubeReply::finished, this, [&] {
        status = reply->error().httpStatus;
        attempts = reply->attempts();
    });
    KubeReply *marker = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    QCOMPARE(kube.queuedRequests(), 1);
    ApiError markerError;
    bool markerDone = false;
    connect(marker, &KubeReply::finished, this, [&] {
        markerError = marker->error();
        markerDone = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(markerDone, 10000);
    QCOMPARE(status, 503);
    QCOMPARE(attempts, 1);
    // The read took the second answer of the script: no retry of the write came before it,
    // and none can come after, since the write had ended.
    QVERIFY2(!markerError.isError(), qPrintable(markerError.sentence()));
    QCOMPARE(server.requests.size(), 2);
    QCOMPARE(server.requests[0].method, QByteArray("POST"));
    QCOMPARE(server.requests[1].method, QByteArray("GET"));
    QCOMPARE(failed.size(), 1);
}

void TestKubeApi::timeoutIsTypedAndRetried()
{
    ScriptedServer server;
    server.script = {{200, PodList, {}, 3000}, {200, PodList, {}, 0}};
    ClusterConnection connection;
    connection.server = server.url();
    KubeClient kube(connection);
    kube.setRetryPolicy({1, 10, 20, 100});
    KubeRequest request;
    request.path = QStringLiteral("/api/v1/pods");
    request.timeoutMs = 300;
    KubeReply *reply = kube.send(request);
    ApiError error;
    bool done = false;
    connect(reply, &KubeReply::finished, this, [&] {
        error = reply->error();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QCOMPARE(error.kind, ApiError::Kind::Timeout);
    QVERIFY(error.sentence().contains(QStringLiteral("GET /api/v1/pods")));

    kube.setRetryPolicy({2, 10, 20, 100}); // with one retry, the second (quick) answer wins
    server.script = {{200, PodList, {}, 3000}, {200, PodList, {}, 0}};
    reply = kube.send(request);
    done = false;
    connect(reply, &KubeReply::finished, this, [&] {
        error = reply->error();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QVERIFY2(!error.isError(), qPrintable(error.sentence()));
}

void TestKubeApi::headersCarryUserAgentButNoCredentialsOverHttp()
{
    ScriptedServer server;
    server.script = {{200, PodList, {}, 0}};
    ClusterConnection connection;
    connection.server = server.url();
    connection.token = "secret-token";
    KubeClient kube(connection);
    bool done = false;
    KubeReply *reply = kube.list(ResourceType::pods(), QStringLiteral("ns"), listOptions());
    connect(reply, &KubeReply::finished, this, [&] { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QCOMPARE(server.requests.size(), 1);
    const auto &request = server.requests[0];
    QCOMPARE(request.headers.value("user-agent"), QByteArray("lucent-console/" LUCENT_VERSION_STRING));
    QCOMPARE(request.path, QByteArray("/api/v1/namespaces/ns/pods?labelSelector=app%3Dx&limit=500"));
    QVERIFY(!request.headers.contains("authorization")); // a token never travels in clear text
}

static QString script(const QTemporaryDir &dir, const QByteArray &body)
{
    const QString path = dir.filePath(QStringLiteral("plugin"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("#!/bin/sh\n" + body);
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

void TestKubeApi::execPluginRunsWithoutAShell()
{
    QTemporaryDir dir;
    ExecConfig config;
    config.apiVersion = QStringLiteral("client.authentication.k8s.io/v1beta1");
    // Arguments with spaces and shell characters arrive as they are: no shell splits them.
    config.command
        = script(dir,
                 "printf '%s|%s|%s' \"$1\" \"$2\" \"$LUCENT_TEST_ENV\" > \"$(dirname \"$0\")/seen\"\n"
                 "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                 "\"status\":{\"token\":\"tok-1\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}'\n");
    config.args = {QStringLiteral("a b;c"), QStringLiteral("$HOME")};
    config.env = {{QStringLiteral("LUCENT_TEST_ENV"), QStringLiteral("from-kubeconfig")}};
    ExecCredentialPlugin plugin(config, QUrl(QStringLiteral("https://h:6443")));
    QSignalSpy ready(&plugin, &ExecCredentialPlugin::credentialReady);
    plugin.request();
    plugin.request(); // a second ask while it runs shares the run
    QTRY_COMPARE(ready.size(), 1);
    QCOMPARE(plugin.runCount(), 1);
    QCOMPARE(ready[0][0].value<ExecCredential>().token, QByteArray("tok-1"));
    QVERIFY(plugin.cached());
    QFile seen(dir.filePath(QStringLiteral("seen")));
    QVERIFY(seen.open(QIODevice::ReadOnly));
    QCOMPARE(seen.readAll(), QByteArray("a b;c|$HOME|from-kubeconfig"));
    plugin.invalidate();
    QVERIFY(!plugin.cached());
}

void TestKubeApi::execPluginFailuresAreSentences()
{
    QTemporaryDir dir;
    ExecConfig config;
    config.apiVersion = QStringLiteral("client.authentication.k8s.io/v1");
    config.command
        = script(dir, "echo 'login expired; token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' >&2\nexit 3\n");
    ExecCredentialPlugin failing(config, {});
    QSignalSpy failed(&failing, &ExecCredentialPlugin::failed);
    failing.request();
    QTRY_COMPARE(failed.size(), 1);
    const QString sentence = failed[0][0].value<ApiError>().sentence();
    QVERIFY2(sentence.contains(QStringLiteral("exit code 3")) && sentence.contains(QStringLiteral("login expired")),
             qPrintable(sentence));
    QVERIFY2(!sentence.contains(QStringLiteral("eyJhbGciOiJIUzI1NiJ9")), qPrintable(sentence)); // redacted

    config.command = QStringLiteral("/nonexistent/lucent-sso");
    config.installHint = QStringLiteral("Ask the platform team for lucent-sso.");
    ExecCredentialPlugin missing(config, {});
    QSignalSpy missingFailed(&missing, &ExecCredentialPlugin::failed);
    missing.request();
    QTRY_COMPARE(missingFailed.size(), 1);
    QVERIFY(missingFailed[0][0].value<ApiError>().sentence().contains(config.installHint));

    config.command = script(dir, "echo 'not json'\n");
    config.interactiveMode = QStringLiteral("Always");
    ExecCredentialPlugin interactive(config, {});
    QSignalSpy interactiveFailed(&interactive, &ExecCredentialPlugin::failed);
    interactive.request();
    QTRY_COMPARE(interactiveFailed.size(), 1);
    QVERIFY(interactiveFailed[0][0].value<ApiError>().sentence().contains(QStringLiteral("needs a terminal")));
    QCOMPARE(interactive.runCount(), 0);
}

void TestKubeApi::proxyUrlCarriesTheRequest()
{
    // The scripted server plays the kubeconfig's proxy-url: an HTTP proxy gets the absolute URL.
    ScriptedServer proxy;
    proxy.script = {{200, PodList, {}, 0}};
    ClusterConnection connection;
    connection.server = QUrl(QStringLiteral("http://api.lucent.internal:6443"));
    connection.proxyUrl = proxy.url();
    KubeClient kube(connection);
    ApiError error;
    bool done = false;
    KubeReply *reply = kube.list(ResourceType::pods(), QStringLiteral("ns"));
    connect(reply, &KubeReply::finished, this, [&] {
        error = reply->error();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QVERIFY2(!error.isError(), qPrintable(error.sentence()));
    QCOMPARE(proxy.requests.size(), 1);
    QVERIFY2(proxy.requests[0].path.startsWith("http://api.lucent.internal:6443/api/v1/namespaces/ns/pods"),
             proxy.requests[0].path.constData());
}

// The STATUS column's rules as kubectl applies them (pkg/printers' printPod), pod by pod.
void TestKubeApi::podStatusIsWhatKubectlShows_data()
{
    QTest::addColumn<QByteArray>("pod");
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("ready");
    QTest::addColumn<int>("restarts");
    QTest::addColumn<QString>("lastState");
    QTest::addRow("running") << QByteArray("{\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":true,"
                                           "\"restartCount\":0,\"state\":{\"running\":{}}}]}}")
                             << QStringLiteral("Running") << 1 << 0 << QStringLiteral("");
    QTest::addRow("crash loop") << QByteArray(
        "{\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"ready\":false,\"restartCount\":4,\"state\":{"
        "\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},\"lastState\":{\"terminated\":{\"reason\":\"Error\","
        "\"exitCode\":1}}}]}}") << QStringLiteral("CrashLoopBackOff")
                                << 0 << 4 << QStringLiteral("Error (exit code 1)");
    QTest::addRow("image pull") << QByteArray(
        "{\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{"
        "\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}]}}")
                                << QStringLiteral("ImagePullBackOff") << 0 << 0 << QStringLiteral("");
    QTest::addRow("terminating") << QByteArray(
        "{\"metadata\":{\"deletionTimestamp\":\"2026-11-30T10:00:00Z\"},\"status\":{\"phase\":\"Running\","
        "\"containerStatuses\":[{\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}")
                                 << QStringLiteral("Terminating") << 1 << 0 << QStringLiteral("");
    QTest::addRow("node lost") << QByteArray("{\"metadata\":{\"deletionTimestamp\":\"2026-11-30T10:00:00Z\"},"
                                             "\"status\":{\"phase\":\"Running\",\"reason\":\"NodeLost\"}}")
                               << QStringLiteral("Unknown") << 0 << 0 << QStringLiteral("");
    QTest::addRow("completed") << QByteArray(
        "{\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{"
        "\"terminated\":{\"reason\":\"Completed\",\"exitCode\":0}}}]}}")
                               << QStringLiteral("Completed") << 0 << 0 << QStringLiteral("");
    QTest::addRow("exit code") << QByteArray(
        "{\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{"
        "\"terminated\":{\"exitCode\":137}}}]}}")
                               << QStringLiteral("ExitCode:137") << 0 << 0 << QStringLiteral("");
    QTest::addRow("signal") << QByteArray(
        "{\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{"
        "\"terminated\":{\"exitCode\":0,\"signal\":9}}}]}}")
                            << QStringLiteral("Signal:9") << 0 << 0 << QStringLiteral("");
    QTest::addRow("init running") << QByteArray(
        "{\"spec\":{\"initContainers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},\"status\":{\"phase\":\"Pending\","
        "\"initContainerStatuses\":[{\"state\":{\"terminated\":{\"exitCode\":0}}},{\"state\":{\"running\":{}}}]}}")
                                  << QStringLiteral("Init:1/2") << 0 << 0 << QStringLiteral("");
    QTest::addRow("init crash") << QByteArray(
        "{\"spec\":{\"initContainers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":"
        "[{\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}")
                                << QStringLiteral("Init:CrashLoopBackOff") << 0 << 0 << QStringLiteral("");
    QTest::addRow("evicted") << QByteArray("{\"status\":{\"phase\":\"Failed\",\"reason\":\"Evicted\"}}")
                             << QStringLiteral("Evicted") << 0 << 0 << QStringLiteral("");
    QTest::addRow("sidecar running, not ready") << QByteArray(
        "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"}],"
        "\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{\"terminated\":{\"reason\":"
        "\"Completed\",\"exitCode\":0}}},{\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}")
                                                << QStringLiteral("NotReady") << 1 << 0 << QStringLiteral("");
    QTest::addRow("sidecar running, ready") << QByteArray(
        "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
        "\"containerStatuses\":[{\"ready\":false,\"restartCount\":0,\"state\":{\"terminated\":{\"reason\":"
        "\"Completed\",\"exitCode\":0}}},{\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}]}}")
                                            << QStringLiteral("Running") << 1 << 0 << QStringLiteral("");
}

void TestKubeApi::podStatusIsWhatKubectlShows()
{
    QFETCH(QByteArray, pod);
    QFETCH(QString, status);
    QFETCH(int, ready);
    QFETCH(int, restarts);
    QFETCH(QString, lastState);
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(pod, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const auto summary = PodStatus::of(object);
    QCOMPARE(summary.status, status);
    QCOMPARE(summary.readyContainers, ready);
    QCOMPARE(summary.restarts, restarts);
    QCOMPARE(summary.lastState, lastState);
}

void TestKubeApi::quantitiesOfMetrics_data()
{
    QTest::addColumn<QString>("cpu");
    QTest::addColumn<qint64>("millicores");
    QTest::addColumn<QString>("memory");
    QTest::addColumn<qint64>("bytes");
    QTest::addRow("metrics-server's") << "12345678n" << qint64(12) << "51200Ki" << qint64(52428800);
    QTest::addRow("whole and binary") << "2" << qint64(2000) << "64Mi" << qint64(67108864);
    QTest::addRow("millis and decimal") << "250m" << qint64(250) << "1G" << qint64(1000000000);
    QTest::addRow("fraction and exponent") << "1.5" << qint64(1500) << "1e6" << qint64(1000000);
    QTest::addRow("micro and gibi") << "1500u" << qint64(2) << "1Gi" << qint64(1073741824);
    QTest::addRow("not quantities") << "fast" << qint64(-1) << "12Qi" << qint64(-1);
    QTest::addRow("negative") << "-1" << qint64(-1) << "-5Mi" << qint64(-1);
    QTest::addRow("absurd") << "1e400" << qint64(-1) << "1e300" << qint64(-1);
}

void TestKubeApi::quantitiesOfMetrics()
{
    QFETCH(QString, cpu);
    QFETCH(qint64, millicores);
    QFETCH(QString, memory);
    QFETCH(qint64, bytes);
    QCOMPARE(cpuMillicores(cpu), millicores);
    QCOMPARE(memoryBytes(memory), bytes);
}

void TestKubeApi::watchDecodingRunsOnTheBackgroundThread()
{
    auto generation = std::make_shared<std::atomic<int>>(1);
    auto *decoder = new WatchDecoder(generation);
    QThread *const background = backgroundThread();
    decoder->moveToThread(background);
    QList<WatchEvent> events;
    QList<qsizetype> batches;
    QStringList problems;
    int answered = 0;
    bool allOnBackground = true;
    connect(
        decoder, &WatchDecoder::decoded, this,
        [&](const QList<WatchEvent> &batch, const QString &problem, int, bool last) {
            allOnBackground = allOnBackground && QThread::currentThread() == background;
            events += batch;
            batches.append(batch.size());
            if (!problem.isEmpty())
                problems.append(problem);
            answered += last ? 1 : 0;
        },
        Qt::DirectConnection);
    QByteArray stream;
    for (int i = 0; i < 1000; ++i)
        stream += watchLine("MODIFIED", "a", i + 1);
    // Cut in the middle of an event, then a broken line, then an event that must not be read.
    const qsizetype cut = stream.size() / 3 + 11;
    auto feed = [decoder](const QByteArray &chunk, int run) {
        QMetaObject::invokeMethod(decoder, [decoder, chunk, run] { decoder->feed(chunk, run); });
    };
    feed(stream.left(cut), 1);
    feed(stream.mid(cut) + "{not an event\n" + watchLine("ADDED", "b", 2000), 1);
    QTRY_COMPARE(answered, 2);
    QVERIFY(allOnBackground);
    QCOMPARE(events.size(), 1000);
    QCOMPARE(events.last().object[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString(),
             QStringLiteral("1000"));
    QVERIFY(*std::max_element(batches.cbegin(), batches.cend()) <= WatchDecoder::BatchEvents);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().contains(QLatin1String("not JSON")), qPrintable(problems.first()));
    // After a failure nothing is decoded until the next watch restarts it.
    feed(watchLine("ADDED", "c", 2001), 1);
    QTRY_COMPARE(answered, 3);
    QCOMPARE(events.size(), 1000);
    QMetaObject::invokeMethod(decoder, [decoder] { decoder->restart(); });
    feed(watchLine("ADDED", "d", 2002), 1);
    QTRY_COMPARE(answered, 4);
    QCOMPARE(events.size(), 1001);
    // A cache that stopped (its generation moved on) gets an answer and no events.
    generation->store(2);
    feed(watchLine("ADDED", "e", 2003), 1);
    QTRY_COMPARE(answered, 5);
    QCOMPARE(events.size(), 1001);
    decoder->deleteLater();
}

QTEST_GUILESS_MAIN(TestKubeApi)
#include "tst_kubeapi.moc"
