// core/apply against lucent-sandbox and a scripted server: server-side apply's ownership
// (a conflict names the other manager and field; force takes it over) and the client-side path
// for a server that has no server-side apply.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"
#include "scriptedserver.h"

#include "core/apply/manifestapplier.h"
#include "core/kube/kubeclient.h"

#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::ScriptedServer;

class TestApply : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aConflictNamesTheOwnerAndForceTakesItOver();
    void aServerWithoutServerSideApplyGetsTheClientSidePath();
    void aForcedApplyNeverTakesWhatAPromotionWrote();

private:
    QList<Apply::ApplyOutcome> applyText(Kube::KubeClient *client, const QByteArray &text, bool force);

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    std::unique_ptr<Kube::KubeClient> m_client;
};

void TestApply::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    const auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), QStringLiteral("staging"));
    QVERIFY(connection);
    m_client = std::make_unique<Kube::KubeClient>(*connection);
}

QList<Apply::ApplyOutcome> TestApply::applyText(Kube::KubeClient *client, const QByteArray &text, bool force)
{
    QString error;
    const auto objects = Validation::manifestObjects(text, &error);
    if (!error.isEmpty())
        qWarning("%s", qPrintable(error));
    Apply::ManifestApplier applier(client, QStringLiteral("lucent-staging"));
    QSignalSpy finished(&applier, &Apply::ManifestApplier::finished);
    applier.start(objects, false, force);
    if (!finished.wait(20000))
        return {};
    return finished.at(0).at(0).value<QList<Apply::ApplyOutcome>>();
}

void TestApply::aConflictNamesTheOwnerAndForceTakesItOver()
{
    // lucent-config was applied with kubectl (client-side) when the platform started.
    const QByteArray config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lucent-config\n"
                              "data:\n  LOG_LEVEL: trace\n";
    auto outcomes = applyText(m_client.get(), config, false);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes[0].result, Apply::ApplyOutcome::Result::Conflict);
    QCOMPARE(outcomes[0].conflicts.size(), 1);
    QCOMPARE(outcomes[0].conflicts[0].manager, QStringLiteral("kubectl-client-side-apply"));
    QCOMPARE(outcomes[0].conflicts[0].field, QStringLiteral(".data.LOG_LEVEL"));
    QVERIFY2(outcomes[0].message.contains(QLatin1String("Apply failed with 1 conflict")),
             qPrintable(outcomes[0].message));
    const auto jsonpath = Lucent::Tests::args(
        {"-n", "lucent-staging", "get", "cm", "lucent-config", "-o", "jsonpath={.data.LOG_LEVEL}"});
    const QString before = m_sandbox.kubectl(jsonpath).outText();
    QVERIFY(before != QLatin1String("trace"));

    outcomes = applyText(m_client.get(), config, true);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes[0].result, Apply::ApplyOutcome::Result::Configured);
    QCOMPARE(m_sandbox.kubectl(jsonpath).outText(), QStringLiteral("trace"));
    const QString owners = m_sandbox
                               .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "cm", "lucent-config",
                                                             "--show-managed-fields", "-o", "json"}))
                               .outText();
    QVERIFY2(owners.contains(QLatin1String("\"manager\": \"lucent-console\"")), qPrintable(owners));
    // Applied again unchanged: the console owns the field now, nothing conflicts.
    outcomes = applyText(m_client.get(), config, false);
    QCOMPARE(outcomes[0].result, Apply::ApplyOutcome::Result::Unchanged);
}

void TestApply::aServerWithoutServerSideApplyGetsTheClientSidePath()
{
    using Response = ScriptedServer::Response;
    ScriptedServer server;
    const QByteArray notFound
        = R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not found"})";
    server.script = {
        Response{
            200,
            R"({"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap"}]})",
            {},
            0},
        Response{404, notFound, {}, 0},
        Response{
            415,
            R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"UnsupportedMediaType","code":415,"message":"the body of the request was in an unknown format"})",
            {},
            0},
        Response{404, notFound, {}, 0},
        Response{
            201,
            R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"old-server","namespace":"lucent-staging","resourceVersion":"7"},"data":{"k":"v"}})",
            {},
            0},
    };
    Kube::ClusterConnection connection;
    connection.server = server.url();
    Kube::KubeClient client(connection);
    const auto outcomes
        = applyText(&client, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old-server\ndata:\n  k: v\n", false);
    QCOMPARE(outcomes.size(), 1);
    QCOMPARE(outcomes[0].result, Apply::ApplyOutcome::Result::Created);
    QCOMPARE(server.requests.size(), 5);
    QCOMPARE(server.requests[2].method, QByteArray("PATCH"));
    QCOMPARE(server.requests[2].headers.value("content-type"), QByteArray("application/apply-patch+yaml"));
    QCOMPARE(server.requests[4].method, QByteArray("POST"));
    QVERIFY(server.requests[4].path.startsWith("/api/v1/namespaces/lucent-staging/configmaps?"));
    QCOMPARE(server.requests[4].headers.value("content-type"), QByteArray("application/json"));
}

// Found by review: the take-over is confirmed on a dry run, and a promotion may write its fields
// between that and the forced apply. The forced apply judges them on its own read, just before
// the write: a field lucent-promotion owns with another value is refused, the rest of the file is
// applied (here its Service, whose colour the applier keeps).
void TestApply::aForcedApplyNeverTakesWhatAPromotionWrote()
{
    const QString scaled
        = Lucent::Tests::scaleAs(m_sandbox, QStringLiteral("task-service"), 1, QStringLiteral("lucent-promotion"));
    QVERIFY2(scaled.isEmpty(), qPrintable(scaled));
    const auto restore = qScopeGuard([this] {
        Lucent::Tests::scaleAs(m_sandbox, QStringLiteral("task-service"), 2, // git's
                               QStringLiteral("kubectl-client-side-apply"));
    });
    QFile file(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/base/task-service.yaml"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto outcomes = applyText(m_client.get(), file.readAll(), true);
    QCOMPARE(outcomes.size(), 2);
    QCOMPARE(outcomes[0].object, QStringLiteral("Deployment/task-service"));
    QCOMPARE(outcomes[0].result, Apply::ApplyOutcome::Result::Failed);
    QVERIFY2(outcomes[0].message.startsWith(
                 QStringLiteral("Not taken over: Deployment/task-service .spec.replicas is a promotion's")),
             qPrintable(outcomes[0].message));
    QCOMPARE(outcomes[1].object, QStringLiteral("Service/task-service"));
    QVERIFY2(outcomes[1].result == Apply::ApplyOutcome::Result::Unchanged, qPrintable(outcomes[1].message));
    const auto replicas = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "get", "deploy", "task-service", "-o", "jsonpath={.spec.replicas}"}));
    QCOMPARE(replicas.outText(), QStringLiteral("1"));
    const auto colour = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "get", "svc", "task-service", "-o", "jsonpath={.spec.selector.color}"}));
    QCOMPARE(colour.outText(), QStringLiteral("blue"));
}

QTEST_GUILESS_MAIN(TestApply)
#include "tst_apply.moc"
