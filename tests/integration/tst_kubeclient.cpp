// core/kube against lucent-sandbox over HTTPS: token and client-certificate users, every
// request kind, RBAC denials as Forbidden errors carrying the server's message, logs, proxy,
// access reviews and a watch-backed cache.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"
#include "scriptedserver.h"

#include "core/kube/logstream.h"
#include "core/kube/podmetrics.h"
#include "core/kube/podstatus.h"
#include "core/kube/resourcecache.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core::Kube;
using Lucent::Tests::Answer;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::waitFor;

class TestKubeClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsWithTokenOverTls();
    void clientCertificateUser();
    void createGetUpdatePatchDelete();
    void staleUpdateIsConflict();
    void scaleAndStatusSubresources();
    void viewerIsForbiddenWithServerMessage();
    void wrongTokenIsUnauthorized();
    void accessReviewAnswersPerUser();
    void logsWithTailAndTimestamps();
    void logFollowDeliversNewLines();
    void proxyReachesPodAndServiceHealth();
    void unknownCertificateAuthorityIsTlsError();
    void tlsServerNameIsVerified();
    void logsSinceSecondsAndSinceTime();
    void refusedConnectionIsTypedAfterRetries();
    void cacheFollowsChangesMadeWithKubectl();
    void concurrencyLimitQueuesRequests();
    void execPluginTokenIsRefreshedOn401();
    void execPluginExpiryAndMissingCommand();
    void podStatusAgreesWithKubectlGetPods();
    void aCertificateThatChangesMidSessionIsRefused();
    void podMetricsFollowTheClusterAndTheirAbsenceIsQuiet();

private:
    std::unique_ptr<KubeClient> client(const QString &user = {}) const;
    SandboxProcess m_sandbox{{QStringLiteral("--tls"), QStringLiteral("--speed"), QStringLiteral("20"),
                              QStringLiteral("--log-rate"), QStringLiteral("20")}};
};

static ListOptions selector(const char *labels)
{
    ListOptions options;
    options.labelSelector = QString::fromLatin1(labels);
    return options;
}

static LogOptions logOptions(bool follow, int tailLines)
{
    LogOptions options;
    options.follow = follow;
    options.tailLines = tailLines;
    return options;
}

// The simulator starts pods shortly after the sandbox comes up: wait for one that runs.
static QString runningPod(KubeClient *kube, const char *app)
{
    QString name;
    const bool running = QTest::qWaitFor(
        [&] {
            const Answer pods = waitFor(kube->list(ResourceType::pods(), QStringLiteral("lucent-staging"),
                                                   selector(QByteArray(QByteArrayLiteral("app=") + app).constData())));
            const QJsonArray items = pods.json().value(QLatin1String("items")).toArray();
            for (const QJsonValue &item : items) {
                if (item[QLatin1String("status")][QLatin1String("phase")].toString() == QLatin1String("Running"))
                    name = item[QLatin1String("metadata")][QLatin1String("name")].toString();
            }
            return !name.isEmpty();
        },
        30000);
    return running ? name : QString(); // callers check: an empty name fails their test
}

std::unique_ptr<KubeClient> TestKubeClient::client(const QString &user) const
{
    QString error;
    auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"), user, &error);
    if (!connection)
        qFatal("no connection: %s", qPrintable(error));
    return std::make_unique<KubeClient>(*connection);
}

void TestKubeClient::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QVERIFY(m_sandbox.url().startsWith(QStringLiteral("https://")));
}

void TestKubeClient::listsWithTokenOverTls()
{
    auto kube = client();
    QVERIFY(!kube->connection().token.isEmpty());
    QCOMPARE(kube->connection().defaultNamespace, QStringLiteral("lucent-staging"));
    const Answer answer = waitFor(kube->list(ResourceType::deployments(), QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));
    QCOMPARE(answer.status, 200);
    QStringList names;
    const QJsonArray items = answer.json().value(QLatin1String("items")).toArray();
    for (const QJsonValue &item : items)
        names.append(item[QLatin1String("metadata")][QLatin1String("name")].toString());
    QVERIFY2(names.contains(QStringLiteral("api-gateway")) && names.contains(QStringLiteral("wallet-service")),
             qPrintable(names.join(u',')));
}

void TestKubeClient::clientCertificateUser()
{
    auto kube = client(QStringLiteral("lucent-admin-cert"));
    QVERIFY(kube->connection().token.isEmpty());
    QVERIFY(kube->connection().hasClientCertificate());
    QCOMPARE(kube->connection().clientKey.algorithm(), QSsl::Ec);
    const Answer answer = waitFor(
        kube->get(ResourceType::deployments(), QStringLiteral("lucent-platform"), QStringLiteral("frontend")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));
    QCOMPARE(answer.json()[QLatin1String("metadata")][QLatin1String("name")].toString(), QStringLiteral("frontend"));
}

void TestKubeClient::createGetUpdatePatchDelete()
{
    auto kube = client();
    const QString ns = QStringLiteral("lucent-staging");
    const ResourceType cm = ResourceType::configMaps();
    QJsonObject object{
        {QStringLiteral("apiVersion"), QStringLiteral("v1")},
        {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("client-test")}}},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("a"), QStringLiteral("1")}}}};
    Answer answer = waitFor(kube->create(cm, ns, object));
    QVERIFY2(answer.status == 201, qPrintable(answer.error.sentence()));

    answer = waitFor(kube->create(cm, ns, object));
    QCOMPARE(answer.error.httpStatus, 409);
    QCOMPARE(answer.error.reason, QStringLiteral("AlreadyExists"));

    answer = waitFor(kube->get(cm, ns, QStringLiteral("client-test")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QJsonObject stored = answer.json();
    QJsonObject data = stored[QLatin1String("data")].toObject();
    data.insert(QStringLiteral("b"), QStringLiteral("2"));
    stored.insert(QStringLiteral("data"), data);
    answer = waitFor(kube->update(cm, ns, QStringLiteral("client-test"), stored));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));

    answer = waitFor(kube->patch(cm, ns, QStringLiteral("client-test"), PatchType::Merge, R"({"data":{"c":"3"}})"));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    answer = waitFor(
        kube->patch(cm, ns, QStringLiteral("client-test"), PatchType::Json, R"([{"op":"remove","path":"/data/a"}])"));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    answer = waitFor(kube->patch(cm, ns, QStringLiteral("client-test"), PatchType::Strategic,
                                 R"({"metadata":{"labels":{"tier":"test"}}})"));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    const QJsonObject patched = answer.json();
    QCOMPARE(patched[QLatin1String("data")].toObject(),
             (QJsonObject{{QStringLiteral("b"), QStringLiteral("2")}, {QStringLiteral("c"), QStringLiteral("3")}}));
    QCOMPARE(patched[QLatin1String("metadata")][QLatin1String("labels")][QLatin1String("tier")].toString(),
             QStringLiteral("test"));

    answer = waitFor(kube->patch(cm, ns, QStringLiteral("client-test"), PatchType::Json, R"({"not":"a json patch"})"));
    QVERIFY(answer.error.isError());
    QVERIFY(answer.error.httpStatus >= 400 && answer.error.httpStatus < 500);

    answer = waitFor(kube->remove(cm, ns, QStringLiteral("client-test"), QStringLiteral("Background")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    answer = waitFor(kube->get(cm, ns, QStringLiteral("client-test")));
    QVERIFY(answer.error.isNotFound());
    QVERIFY2(answer.error.sentence().contains(QStringLiteral("\"client-test\" not found")),
             qPrintable(answer.error.sentence()));
}

void TestKubeClient::staleUpdateIsConflict()
{
    auto kube = client();
    const QString ns = QStringLiteral("lucent-staging");
    Answer answer = waitFor(kube->get(ResourceType::services(), ns, QStringLiteral("frontend")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QJsonObject service = answer.json();
    QJsonObject metadata = service[QLatin1String("metadata")].toObject();
    metadata.insert(QStringLiteral("resourceVersion"), QStringLiteral("1"));
    service.insert(QStringLiteral("metadata"), metadata);
    answer = waitFor(kube->update(ResourceType::services(), ns, QStringLiteral("frontend"), service));
    QVERIFY(answer.error.isConflict());
    QCOMPARE(answer.error.reason, QStringLiteral("Conflict"));
    QCOMPARE(answer.error.kind, ApiError::Kind::Status);
}

void TestKubeClient::scaleAndStatusSubresources()
{
    auto kube = client();
    const QString ns = QStringLiteral("lucent-staging");
    Answer answer = waitFor(kube->scale(ResourceType::deployments(), ns, QStringLiteral("task-service"), 3));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QCOMPARE(answer.json()[QLatin1String("kind")].toString(), QStringLiteral("Scale"));
    QCOMPARE(answer.json()[QLatin1String("spec")][QLatin1String("replicas")].toInt(), 3);
    // The status subresource answers with the Deployment; its status is the controller's, which
    // on a sandbox just started may not have written it yet.
    const bool hasStatus = QTest::qWaitFor(
        [&] {
            answer = waitFor(
                kube->get(ResourceType::deployments(), ns, QStringLiteral("task-service"), QStringLiteral("status")));
            return answer.status != 200 || answer.json()[QLatin1String("status")].isObject();
        },
        20000);
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QCOMPARE(answer.json()[QLatin1String("kind")].toString(), QStringLiteral("Deployment"));
    QVERIFY2(hasStatus, QJsonDocument(answer.json()).toJson().constData());
}

void TestKubeClient::viewerIsForbiddenWithServerMessage()
{
    auto viewer = client(QStringLiteral("lucent-viewer"));
    Answer answer = waitFor(viewer->list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));

    answer = waitFor(
        viewer->scale(ResourceType::deployments(), QStringLiteral("lucent-staging"), QStringLiteral("frontend"), 2));
    QVERIFY(answer.error.isForbidden());
    QCOMPARE(answer.error.reason, QStringLiteral("Forbidden"));
    QVERIFY2(answer.error.message.contains(QStringLiteral("User \"lucent-viewer\" cannot patch resource")),
             qPrintable(answer.error.message));
    QVERIFY(answer.error.sentence().contains(answer.error.message));
    QVERIFY(answer.error.sentence().contains(QStringLiteral("Ask a cluster administrator")));
    QCOMPARE(answer.error.operation,
             QStringLiteral("PATCH /apis/apps/v1/namespaces/lucent-staging/deployments/frontend/scale"));

    auto deployer = client(QStringLiteral("lucent-deployer"));
    answer = waitFor(
        deployer->scale(ResourceType::deployments(), QStringLiteral("lucent-platform"), QStringLiteral("frontend"), 2));
    QVERIFY(answer.error.isForbidden());
    QVERIFY2(answer.error.message.contains(QStringLiteral("in the namespace \"lucent-platform\"")),
             qPrintable(answer.error.message));
}

void TestKubeClient::wrongTokenIsUnauthorized()
{
    auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"));
    QVERIFY(connection);
    connection->token = "not-a-real-token";
    KubeClient kube(*connection);
    const Answer answer = waitFor(kube.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY(answer.error.isUnauthorized());
    QCOMPARE(answer.error.reason, QStringLiteral("Unauthorized"));
    QVERIFY(!answer.error.sentence().contains(QStringLiteral("not-a-real-token")));
}

void TestKubeClient::accessReviewAnswersPerUser()
{
    const AccessQuery query{QStringLiteral("patch"),          QStringLiteral("apps"),
                            QStringLiteral("deployments"),    {},
                            QStringLiteral("lucent-staging"), {}};
    for (const auto &[user, expected] : {std::pair{"lucent-viewer", false}, std::pair{"lucent-deployer", true}}) {
        auto kube = client(QString::fromLatin1(user));
        const Answer answer = waitFor(kube->accessReview(query));
        QVERIFY2(answer.status == 201, qPrintable(answer.error.sentence()));
        const auto decision = KubeClient::accessDecision(answer.json());
        QVERIFY(decision);
        QCOMPARE(decision->allowed, expected);
    }
}

void TestKubeClient::logsWithTailAndTimestamps()
{
    auto kube = client();
    const QString pod = runningPod(kube.get(), "api-gateway");
    QVERIFY2(!pod.isEmpty(), "no api-gateway pod reached Running");
    QVERIFY(!pod.isEmpty());
    LogStream stream(kube.get(), QStringLiteral("lucent-staging"), pod, logOptions(false, 5));
    QList<LogLine> lines;
    connect(&stream, &LogStream::linesReceived, this, [&lines](const QList<LogLine> &more) { lines += more; });
    QSignalSpy ended(&stream, &LogStream::ended);
    stream.start();
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, 20000);
    QCOMPARE(lines.size(), 5);
    for (int i = 0; i < lines.size(); ++i) {
        QVERIFY(lines[i].nanos > 0);
        QVERIFY(lines[i].timestamp.endsWith('Z'));
        QVERIFY(!lines[i].text.startsWith(QString::fromLatin1(lines[i].timestamp)));
        if (i > 0)
            QVERIFY(lines[i].nanos >= lines[i - 1].nanos);
    }
}

void TestKubeClient::logFollowDeliversNewLines()
{
    auto kube = client();
    const QString pod = runningPod(kube.get(), "user-service");
    QVERIFY2(!pod.isEmpty(), "no user-service pod reached Running");
    LogStream stream(kube.get(), QStringLiteral("lucent-staging"), pod, logOptions(true, 0));
    QList<LogLine> lines;
    connect(&stream, &LogStream::linesReceived, this, [&lines](const QList<LogLine> &more) { lines += more; });
    stream.start();
    QTRY_VERIFY_WITH_TIMEOUT(lines.size() >= 5, 20000); // tailLines 0: only lines written after the start
    QVERIFY(stream.isRunning());
    stream.stop();
}

void TestKubeClient::proxyReachesPodAndServiceHealth()
{
    auto kube = client();
    Answer answer = waitFor(kube->proxyGet(ResourceType::services(), QStringLiteral("lucent-staging"),
                                           QStringLiteral("api-gateway"), {}, QStringLiteral("/health")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    const QString pod = runningPod(kube.get(), "wallet-service");
    QVERIFY2(!pod.isEmpty(), "no wallet-service pod reached Running");
    answer = waitFor(kube->proxyGet(ResourceType::pods(), QStringLiteral("lucent-staging"), pod, QStringLiteral("3002"),
                                    QStringLiteral("health")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QVERIFY(!answer.body.isEmpty());
}

void TestKubeClient::unknownCertificateAuthorityIsTlsError()
{
    auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"));
    QVERIFY(connection);
    connection->certificateAuthorities.clear(); // the system's trust store does not know the sandbox's CA
    KubeClient kube(*connection);
    Answer answer = waitFor(kube.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QCOMPARE(answer.error.kind, ApiError::Kind::Tls);
    QVERIFY2(answer.error.sentence().contains(QStringLiteral("certificate-authority")),
             qPrintable(answer.error.sentence()));
    QCOMPARE(answer.status, 0);

    connection->insecureSkipTlsVerify = true; // only because the "kubeconfig" says so
    KubeClient insecure(*connection);
    answer = waitFor(insecure.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));
}

void TestKubeClient::tlsServerNameIsVerified()
{
    auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"));
    QVERIFY(connection);
    connection->tlsServerName = QStringLiteral("localhost"); // on the sandbox's certificate
    KubeClient named(*connection);
    Answer answer = waitFor(named.get(ResourceType::namespaces(), {}, QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));

    connection->tlsServerName = QStringLiteral("api.elsewhere.example"); // not on it
    KubeClient wrong(*connection);
    answer = waitFor(wrong.get(ResourceType::namespaces(), {}, QStringLiteral("lucent-staging")));
    QCOMPARE(answer.error.kind, ApiError::Kind::Tls);
    QVERIFY2(answer.error.message.contains(QStringLiteral("host name")), qPrintable(answer.error.message));
}

void TestKubeClient::logsSinceSecondsAndSinceTime()
{
    auto kube = client();
    const QString pod = runningPod(kube.get(), "task-service");
    QVERIFY2(!pod.isEmpty(), "no task-service pod reached Running");
    auto fetch = [&](const LogOptions &options) {
        LogStream stream(kube.get(), QStringLiteral("lucent-staging"), pod, options);
        QList<LogLine> lines;
        connect(&stream, &LogStream::linesReceived, this, [&lines](const QList<LogLine> &more) { lines += more; });
        bool ended = false;
        connect(&stream, &LogStream::ended, this, [&ended] { ended = true; });
        stream.start();
        if (!QTest::qWaitFor([&] { return ended; }, 20000))
            lines.clear(); // an unfinished fetch is no answer; the checks below then fail
        return lines;
    };
    // The checks need a few seconds of log: wait until the pod has written them.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QList<LogLine> lines = fetch({});
            return lines.size() > 1 && lines.constLast().nanos - lines.constFirst().nanos >= 3000000000LL;
        }(),
        30000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000000LL;
    LogOptions recent;
    recent.sinceSeconds = 1;
    const QList<LogLine> lastSecond = fetch(recent);
    QVERIFY(!lastSecond.isEmpty());
    QVERIFY(lastSecond.constFirst().nanos >= now - 1500000000LL); // nothing older than ~1 s
    LogOptions all;
    const QList<LogLine> everything = fetch(all);
    QVERIFY(everything.size() > lastSecond.size());

    LogOptions since;
    since.sinceTime = QDateTime::fromMSecsSinceEpoch(everything.constLast().nanos / 1000000LL - 2000, Qt::UTC);
    const QList<LogLine> fromTime = fetch(since);
    QVERIFY(!fromTime.isEmpty());
    QVERIFY(fromTime.size() < everything.size());
    QVERIFY(fromTime.constFirst().nanos >= (since.sinceTime.toSecsSinceEpoch()) * 1000000000LL);
}

void TestKubeClient::refusedConnectionIsTypedAfterRetries()
{
    ClusterConnection connection;
    connection.server = QUrl(QStringLiteral("http://127.0.0.1:9")); // discard port: nothing listens
    KubeClient kube(connection);
    kube.setRetryPolicy({3, 20, 40, 100});
    QSignalSpy failed(&kube, &KubeClient::requestFailed);
    KubeReply *reply = kube.list(ResourceType::pods(), {});
    int attempts = 0;
    connect(reply, &KubeReply::finished, this, [&attempts, reply] { attempts = reply->attempts(); });
    const Answer answer = waitFor(reply);
    QCOMPARE(answer.error.kind, ApiError::Kind::ConnectionRefused);
    QCOMPARE(attempts, 3);
    QCOMPARE(failed.size(), 1);
    QVERIFY(answer.error.sentence().contains(QStringLiteral("refused the connection")));

    KubeReply *write = kube.create(ResourceType::configMaps(), QStringLiteral("x"), QJsonObject{});
    connect(write, &KubeReply::finished, this, [&attempts, write] { attempts = write->attempts(); });
    QCOMPARE(waitFor(write).error.kind, ApiError::Kind::ConnectionRefused);
    QCOMPARE(attempts, 1); // writes are never retried
}

void TestKubeClient::cacheFollowsChangesMadeWithKubectl()
{
    auto kube = client();
    ResourceCache cache(kube.get(), ResourceType::deployments(), QStringLiteral("lucent-staging"));
    QSignalSpy synced(&cache, &ResourceCache::synced);
    cache.start();
    QTRY_COMPARE_WITH_TIMEOUT(synced.size(), 1, 20000);
    QCOMPARE(cache.state(), ResourceCache::State::Watching);
    QVERIFY(cache.size() >= 8);
    QVERIFY(!cache.resourceVersion().isEmpty());

    QSignalSpy updated(&cache, &ResourceCache::updated);
    const auto r = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "annotate", "deploy/frontend", "lucent.test/touched=yes"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_VERIFY_WITH_TIMEOUT(cache.object(QStringLiteral("lucent-staging"), QStringLiteral("frontend"))[QLatin1String(
                                 "metadata")][QLatin1String("annotations")][QLatin1String("lucent.test/touched")]
                                     .toString()
                                 == QStringLiteral("yes"),
                             10000);
    QVERIFY(!updated.isEmpty());
    cache.stop();
    QCOMPARE(cache.state(), ResourceCache::State::Stopped);
}

void TestKubeClient::concurrencyLimitQueuesRequests()
{
    auto kube = client();
    kube->setMaxConcurrentRequests(2);
    QList<KubeReply *> replies;
    for (int i = 0; i < 6; ++i)
        replies.append(kube->get(ResourceType::namespaces(), {}, QStringLiteral("lucent-staging")));
    QCOMPARE(kube->activeRequests(), 2);
    QCOMPARE(kube->queuedRequests(), 4);
    int peak = 0;
    int done = 0;
    QStringList failures;
    for (KubeReply *reply : replies) {
        connect(reply, &KubeReply::finished, this, [&, reply] {
            peak = std::max(peak, kube->activeRequests());
            ++done;
            if (reply->error().isError())
                failures.append(reply->error().sentence());
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done, 6, 20000);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY(peak <= 2);
    QTRY_COMPARE(kube->activeRequests(), 0);
}

// A stand-in for an SSO helper: a shell script, run by the client without a shell of its own.
static QString writePlugin(const QString &dir, const QByteArray &goodToken, const QByteArray &expiry)
{
    const QString path = dir + QStringLiteral("/fake-sso");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write("#!/bin/sh\n"
               "count=$(cat \"$1/runs\" 2>/dev/null || echo 0); count=$((count + 1)); echo $count > \"$1/runs\"\n"
               "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$1/exec-info\"\n"
               "printf '%s' \"$SSO_REGION $2\" > \"$1/env-and-args\"\n"
               "token="
               + goodToken
               + "; [ $count -eq 1 ] && token=expired-token\n"
                 "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",'\n"
                 "printf '\"status\":{\"token\":\"%s\""
               + expiry + "}}' \"$token\"\n");
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

static QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

// The staging connection with its token replaced by the fake plugin, which hands out the
// admin token (after a first, rejected one) with @p expiry in its status.
static std::optional<ClusterConnection> execConnection(const QString &kubeconfig, const QString &dir,
                                                       const QByteArray &expiry)
{
    auto connection = Lucent::Tests::connectionFor(kubeconfig, QStringLiteral("staging"));
    if (!connection)
        return std::nullopt;
    const QByteArray adminToken = connection->token;
    connection->token.clear();
    connection->hasExec = true;
    connection->exec.apiVersion = QStringLiteral("client.authentication.k8s.io/v1");
    connection->exec.command = writePlugin(dir, adminToken, expiry);
    connection->exec.args = {dir};
    return connection;
}

void TestKubeClient::execPluginTokenIsRefreshedOn401()
{
    QTemporaryDir dir;
    auto connection = execConnection(m_sandbox.kubeconfig(), dir.path(), {});
    QVERIFY(connection);
    connection->exec.args.append(QStringLiteral("--cluster=staging"));
    connection->exec.env = {{QStringLiteral("SSO_REGION"), QStringLiteral("eu")}};
    connection->exec.interactiveMode = QStringLiteral("Never");
    KubeClient kube(*connection);

    // The first run hands out a token the server rejects; the 401 makes the client run the
    // plugin again and repeat the request with the fresh token.
    Answer answer = waitFor(kube.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));
    QCOMPARE(readText(dir.filePath(QStringLiteral("runs"))), QStringLiteral("2"));
    QCOMPARE(readText(dir.filePath(QStringLiteral("env-and-args"))), QStringLiteral("eu --cluster=staging"));
    const QJsonObject info
        = QJsonDocument::fromJson(readText(dir.filePath(QStringLiteral("exec-info"))).toUtf8()).object();
    QCOMPARE(info[QLatin1String("kind")].toString(), QStringLiteral("ExecCredential"));
    QCOMPARE(info[QLatin1String("spec")][QLatin1String("interactive")].toBool(true), false);

    // Without an expiry the credential is reused until the server rejects it.
    answer = waitFor(kube.get(ResourceType::namespaces(), {}, QStringLiteral("lucent-staging")));
    QVERIFY2(!answer.error.isError(), qPrintable(answer.error.sentence()));
    QCOMPARE(readText(dir.filePath(QStringLiteral("runs"))), QStringLiteral("2"));
}

void TestKubeClient::execPluginExpiryAndMissingCommand()
{
    QTemporaryDir dir;
    // Already expired when it arrives: every request needs a new run.
    auto connection = execConnection(m_sandbox.kubeconfig(), dir.path(),
                                     QByteArrayLiteral(",\"expirationTimestamp\":\"2001-01-01T00:00:00Z\""));
    QVERIFY(connection);
    {
        KubeClient kube(*connection);
        for (int i = 0; i < 3; ++i) {
            // Each request runs the plugin again, and is served with what it hands out.
            const Answer answer = waitFor(kube.get(ResourceType::namespaces(), {}, QStringLiteral("lucent-staging")));
            QVERIFY2(answer.status == 200,
                     qPrintable(QStringLiteral("request %1: %2").arg(i).arg(answer.error.sentence())));
        }
        // One run each, and one more for the first, whose first token the server refused.
        QCOMPARE(readText(dir.filePath(QStringLiteral("runs"))), QStringLiteral("4"));
    }

    connection->exec.command = QStringLiteral("lucent-sso-not-installed");
    connection->exec.installHint = QStringLiteral("Install lucent-sso with: apt install lucent-sso");
    KubeClient missing(*connection);
    const Answer answer = waitFor(missing.list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QCOMPARE(answer.error.kind, ApiError::Kind::Credentials);
    QVERIFY2(answer.error.sentence().contains(QStringLiteral("lucent-sso-not-installed")),
             qPrintable(answer.error.sentence()));
    QVERIFY(answer.error.sentence().contains(QStringLiteral("apt install lucent-sso")));
}

// The Pods tab's STATUS against kubectl get pods on the same pods, while a rollout crash-loops.
void TestKubeClient::podStatusAgreesWithKubectlGetPods()
{
    const QStringList where{QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("-l"),
                            QStringLiteral("app=notification-service")};
    auto r
        = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "set", "image", "deploy/notification-service",
                                                 "notification-service=lucent/notification-service:1.1.5-crash"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QHash<QString, QString> kubectl; // pod -> STATUS
    QHash<QString, QString> ours;
    // The two reads are not one snapshot: wait until they agree, with a crash loop among them.
    const bool agreed = QTest::qWaitFor(
        [&] {
            kubectl.clear();
            ours.clear();
            const auto table = m_sandbox.kubectl(
                QStringList{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("--no-headers")} + where);
            for (const QString &line : table.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
                const QStringList fields = line.simplified().split(QLatin1Char(' '));
                if (fields.size() >= 3)
                    kubectl.insert(fields[0], fields[2]);
            }
            const auto list = m_sandbox.kubectl(
                QStringList{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-o"), QStringLiteral("json")}
                + where);
            for (const auto &item : list.json()[QLatin1String("items")].toArray())
                ours.insert(item[QLatin1String("metadata")][QLatin1String("name")].toString(),
                            PodStatus::of(item.toObject()).status);
            return !kubectl.isEmpty() && kubectl == ours
                && std::any_of(ours.cbegin(), ours.cend(),
                               [](const QString &status) { return status == QLatin1String("CrashLoopBackOff"); });
        },
        90000);
    QVERIFY2(agreed,
             qPrintable(QStringLiteral("kubectl: %1 / ours: %2")
                            .arg(QStringList(kubectl.values()).join(QLatin1Char(',')),
                                 QStringList(ours.values()).join(QLatin1Char(',')))));
}

// Last: it restarts the sandbox. The restarted server has a certificate of a new CA (each
// --tls start makes one); a client that trusts the CA its kubeconfig named when it connected
// refuses it, mid-session, and says so.
void TestKubeClient::aCertificateThatChangesMidSessionIsRefused()
{
    auto kube = client();
    Answer answer = waitFor(kube->list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
    QVERIFY2(m_sandbox.restart(), qPrintable(m_sandbox.error()));
    answer = waitFor(kube->list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QCOMPARE(answer.error.kind, ApiError::Kind::Tls);
    QVERIFY2(answer.error.sentence().contains(QLatin1String("the secure connection to the cluster failed")),
             qPrintable(answer.error.sentence()));
    QCOMPARE(answer.status, 0); // nothing was sent over the refused connection
    // A client from the kubeconfig the new server wrote (its CA) is served.
    answer = waitFor(client()->list(ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(answer.status == 200, qPrintable(answer.error.sentence()));
}

// metrics.k8s.io: every running pod has figures that parse; a cluster without the API (no
// metrics-server) leaves them empty with a reason, and nothing fails.
void TestKubeClient::podMetricsFollowTheClusterAndTheirAbsenceIsQuiet()
{
    const auto wait = m_sandbox.kubectl(Lucent::Tests::args(
        {"wait", "deploy/wallet-service", "-n", "lucent-staging", "--for=condition=Available", "--timeout=60s"}));
    QVERIFY2(wait.exitCode == 0, qPrintable(wait.errText()));
    auto kube = client();
    PodMetrics metrics(kube.get(), QStringLiteral("lucent-staging"));
    QSignalSpy updated(&metrics, &PodMetrics::updated);
    metrics.start();
    QVERIFY(updated.wait(20000));
    QVERIFY2(metrics.isAvailable(), qPrintable(metrics.unavailableReason()));
    const Answer pods
        = waitFor(kube->list(ResourceType::pods(), QStringLiteral("lucent-staging"), selector("app=wallet-service")));
    QVERIFY2(pods.status == 200, qPrintable(pods.error.sentence()));
    const QJsonArray items = pods.json().value(QLatin1String("items")).toArray();
    QVERIFY(!items.isEmpty());
    int measured = 0;
    for (const QJsonValue &pod : items) {
        const QString name = pod[QLatin1String("metadata")][QLatin1String("name")].toString();
        if (pod[QLatin1String("status")][QLatin1String("phase")].toString() != QLatin1String("Running"))
            continue;
        const PodUsage *usage = metrics.usage(name);
        QVERIFY2(usage, qPrintable(name));
        QVERIFY(usage->cpuMillicores > 0 && usage->memoryBytes > 16 * 1024 * 1024);
        QCOMPARE(metrics.history(name).size(), 1);
        ++measured;
    }
    QVERIFY(measured > 0);

    Lucent::Tests::ScriptedServer none; // a cluster without metrics-server: 404 for the group
    ClusterConnection connection;
    connection.server = none.url();
    KubeClient bare(connection);
    PodMetrics absent(&bare, QStringLiteral("lucent-staging"));
    QSignalSpy said(&absent, &PodMetrics::updated);
    absent.start();
    QVERIFY(said.wait(20000));
    QVERIFY(!absent.isAvailable());
    QVERIFY2(absent.unavailableReason().contains(QLatin1String("metrics-server is not installed")),
             qPrintable(absent.unavailableReason()));
    QVERIFY(!absent.usage(QStringLiteral("anything")));
    QCOMPARE(none.requests.size(), 1);
    QCOMPARE(none.requests[0].path, QByteArray("/apis/metrics.k8s.io/v1beta1/namespaces/lucent-staging/pods"));
}

QTEST_GUILESS_MAIN(TestKubeClient)
#include "tst_kubeclient.moc"
