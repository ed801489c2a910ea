// Release operations without a window: each request byte for byte (with its preconditions),
// the access it needs, the denial sentence, what a runner does when the Deployment confirmed
// is gone, replaced or changed, and what the audit trail writes. The API server is scripted.

#include "scriptedserver.h"

#include "core/apply/applyguards.h"
#include "core/audit/auditlog.h"
#include "core/audit/audittrail.h"
#include "core/audit/eventrecorder.h"
#include "core/kube/kubeclient.h"
#include "core/release/operationrunner.h"
#include "core/release/rolloutoperation.h"
#include "core/release/serviceselection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::ScriptedServer;
using Release::OperationResult;
using Release::OperationRunner;
using Release::OperationTarget;
using Release::RolloutOperation;

// Declared before the recorded answers below: moc reads this file too, and stops at raw strings.
class TestOperations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void requestsAreExact_data();
    void requestsAreExact();
    void accessNamesTheDeployment();
    void denialSentenceSaysWhoWhatWhereAndWhatToDo_data();
    void denialSentenceSaysWhoWhatWhereAndWhatToDo();
    void denialSentenceWithoutNameOrUser();
    void targetIsCapturedFromTheObject();
    void runnerSendsTheRequestAfterAnAllowedReview();
    void deniedReviewSendsNothingAndIsAudited();
    void goneDeploymentIsSaidAndNothingElseIsSent();
    void replacedDeploymentIsSaid();
    void changedSpecStopsAnUndo();
    void auditRecordsAreRedacted();
    void eventNamesTheObjectAndTheComponent();
    void applyGuardsRefuseWithASentence_data();
    void applyGuardsRefuseWithASentence();
    void serviceSelectionListsTheSelectedPods();

private:
    OperationResult runAgainst(ScriptedServer &server, const RolloutOperation &operation);

    QTemporaryDir m_dir;
    QString m_auditPath;
};

namespace {

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

OperationTarget walletTarget()
{
    return OperationTarget::of(json(R"({"metadata":{"name":"wallet-service","namespace":"lucent-staging",
        "uid":"7d1f0c2e-0000-4000-8000-000000000001","generation":7},"spec":{"replicas":2}})"));
}

Release::Revision revisionFour()
{
    Release::Revision revision;
    revision.number = 4;
    revision.podTemplate = json(R"({"spec":{"containers":[{"image":"wallet:2.0.9","name":"wallet"}]}})");
    return revision;
}

QByteArray review(bool allowed, const char *reason = "")
{
    return QByteArray(
               R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","status":{"allowed":)")
        + (allowed ? "true" : "false") + R"(,"reason":")" + reason + R"("}})";
}

QByteArray deploymentJson(const char *uid, int generation)
{
    return QByteArray(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"wallet-service",)")
        + R"("namespace":"lucent-staging","uid":")" + uid + R"(","generation":)" + QByteArray::number(generation)
        + "}}";
}

const QByteArray ConflictStatus
    = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Oper"
      "ation cannot be fulfilled on deployments.apps \\\"wallet-service\\\": Precondition failed: UID in pr"
      "econdition: \\\"7d1f0c2e-0000-4000-8000-000000000001\\\", UID in object meta: \\\"99\\\"\",\"reason\""
      ":\"Conflict\",\"details\":{\"name\":\"wallet-service\",\"group\":\"apps\",\"kind\":\"deployments\"},"
      "\"code\":409}";
const QByteArray NotFoundStatus
    = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"depl"
      "oyments.apps \\\"wallet-service\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"wall"
      "et-service\",\"group\":\"apps\",\"kind\":\"deployments\"},\"code\":404}";
const QByteArray TestFailedStatus
    = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the "
      "server rejected our request due to an error in our request\",\"reason\":\"Invalid\",\"code\":422}";

QList<QJsonObject> auditLines(const QString &path)
{
    QFile file(path);
    QList<QJsonObject> lines;
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (!line.isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

void TestOperations::init()
{
    QVERIFY(m_dir.isValid());
    m_auditPath = m_dir.filePath(QStringLiteral("audit-%1.jsonl").arg(QLatin1String(QTest::currentTestFunction())));
}

void TestOperations::requestsAreExact_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    const QByteArray base = "/apis/apps/v1/namespaces/lucent-staging/deployments/wallet-service";
    QTest::addRow("restart") << 0 << base << QByteArray("application/strategic-merge-patch+json")
                             << QByteArray(R"({"metadata":{"uid":"7d1f0c2e-0000-4000-8000-000000000001"},)"
                                           R"("spec":{"template":{"metadata":{"annotations":)"
                                           R"({"kubectl.kubernetes.io/restartedAt":"2026-11-25T10:00:00Z"}}}}})");
    QTest::addRow("scale")
        << 1 << base + "/scale" << QByteArray("application/merge-patch+json")
        << QByteArray(R"({"metadata":{"uid":"7d1f0c2e-0000-4000-8000-000000000001"},"spec":{"replicas":5}})");
    QTest::addRow("pause")
        << 2 << base << QByteArray("application/merge-patch+json")
        << QByteArray(R"({"metadata":{"uid":"7d1f0c2e-0000-4000-8000-000000000001"},"spec":{"paused":true}})");
    QTest::addRow("resume") << 3 << base << QByteArray("application/merge-patch+json")
                            << QByteArray(R"({"metadata":{"uid":"7d1f0c2e-0000-4000-8000-000000000001"},)"
                                          R"("spec":{"paused":false}})");
    QTest::addRow("undo") << 4 << base << QByteArray("application/json-patch+json")
                          << QByteArray(R"([{"op":"test","path":"/metadata/uid","value":"7d1f0c2e-0000-4000-8000-)"
                                        R"(000000000001"},{"op":"test","path":"/metadata/generation","value":7},)"
                                        R"({"op":"replace","path":"/spec/template","value":{"spec":{"containers":)"
                                        R"([{"image":"wallet:2.0.9","name":"wallet"}]}}}])");
}

void TestOperations::requestsAreExact()
{
    QFETCH(int, which);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const OperationTarget target = walletTarget();
    const QDateTime at(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);
    const RolloutOperation operations[]
        = {RolloutOperation::restart(target, at), RolloutOperation::scale(target, 5), RolloutOperation::pause(target),
           RolloutOperation::resume(target), RolloutOperation::undo(target, revisionFour())};
    const Kube::KubeRequest request = operations[which].request();
    QCOMPARE(request.method, QByteArray("PATCH"));
    QCOMPARE(request.path.toUtf8(), path);
    QCOMPARE(request.query.toString(), QStringLiteral("fieldManager=lucent-console"));
    QCOMPARE(request.contentType, contentType);
    QCOMPARE(request.body, body);
}

void TestOperations::accessNamesTheDeployment()
{
    const auto scale = RolloutOperation::scale(walletTarget(), 1).access();
    QCOMPARE(scale.verb, QStringLiteral("patch"));
    QCOMPARE(scale.group, QStringLiteral("apps"));
    QCOMPARE(scale.resource, QStringLiteral("deployments"));
    QCOMPARE(scale.subresource, QStringLiteral("scale"));
    QCOMPARE(scale.namespaceName, QStringLiteral("lucent-staging"));
    QCOMPARE(scale.name, QStringLiteral("wallet-service"));
    const auto undo = RolloutOperation::undo(walletTarget(), revisionFour()).access();
    QCOMPARE(undo.subresource, QString());
    QCOMPARE(undo.name, QStringLiteral("wallet-service"));
    QCOMPARE(RolloutOperation::scale(walletTarget(), 1).summary(), QStringLiteral("scale to 1 replica"));
    QCOMPARE(RolloutOperation::undo(walletTarget(), revisionFour()).summary(), QStringLiteral("undo to revision 4"));
    QCOMPARE(RolloutOperation::restart(walletTarget(), {}).eventReason(), QStringLiteral("LucentRestart"));
}

void TestOperations::denialSentenceSaysWhoWhatWhereAndWhatToDo_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("sentence");
    const QString patch = QStringLiteral(
        "lucent-viewer may not patch deployments wallet-service in lucent-staging (the cluster's access review says "
        "no: "
        "no RBAC policy matched). Ask a cluster administrator for the permission, or use a context whose user has it.");
    QTest::addRow("restart") << 0 << patch;
    QTest::addRow("scale") << 1
                           << QStringLiteral("lucent-viewer may not patch deployments/scale wallet-service in "
                                             "lucent-staging (the cluster's access review says no: no RBAC policy "
                                             "matched). Ask a cluster administrator for the permission, or use a "
                                             "context whose user has it.");
    QTest::addRow("pause") << 2 << patch;
    QTest::addRow("resume") << 3 << patch;
    QTest::addRow("undo") << 4 << patch;
}

void TestOperations::denialSentenceSaysWhoWhatWhereAndWhatToDo()
{
    QFETCH(int, which);
    QFETCH(QString, sentence);
    const OperationTarget target = walletTarget();
    const RolloutOperation operations[]
        = {RolloutOperation::restart(target, {}), RolloutOperation::scale(target, 3), RolloutOperation::pause(target),
           RolloutOperation::resume(target), RolloutOperation::undo(target, revisionFour())};
    const Kube::AccessDecision no{false, false, QStringLiteral("no RBAC policy matched"), {}};
    QCOMPARE(Kube::deniedSentence(QStringLiteral("lucent-viewer"), operations[which].access(), no), sentence);
}

void TestOperations::denialSentenceWithoutNameOrUser()
{
    // The dashboard's review when an environment opens names no Deployment; a context may name no user.
    Kube::AccessQuery any = RolloutOperation::scale(walletTarget(), 3).access();
    any.name.clear();
    QCOMPARE(Kube::deniedSentence({}, any, {false, true, {}, {}}),
             QStringLiteral("This user may not patch deployments/scale in lucent-staging (the cluster's access review "
                            "says no). Ask a cluster administrator for the permission, or use a context whose user "
                            "has it."));
}

void TestOperations::targetIsCapturedFromTheObject()
{
    const OperationTarget target = walletTarget();
    QCOMPARE(target.namespaceName, QStringLiteral("lucent-staging"));
    QCOMPARE(target.name, QStringLiteral("wallet-service"));
    QCOMPARE(target.uid, QStringLiteral("7d1f0c2e-0000-4000-8000-000000000001"));
    QCOMPARE(target.generation, 7);
    QCOMPARE(target.replicas, 2);
    QVERIFY(target.isValid());
    QVERIFY(!OperationTarget::of({}).isValid()); // a Deployment no longer in the cache
}

OperationResult TestOperations::runAgainst(ScriptedServer &server, const RolloutOperation &operation)
{
    Kube::ClusterConnection connection;
    connection.server = server.url();
    Kube::KubeClient client(connection);
    Audit::AuditTrail audit(QStringLiteral("lucent-staging"), Audit::AuditLog(m_auditPath));
    audit.attach(&client, QStringLiteral("lucent-admin"));
    OperationRunner runner(&client, &audit);
    QSignalSpy finished(&runner, &OperationRunner::finished);
    QSignalSpy posted(audit.events(), &Audit::EventRecorder::postFinished);
    runner.run(operation);
    if (!finished.wait(10000))
        return {Audit::Outcome::Failed, QStringLiteral("the runner never finished"), {}, {}};
    const auto result = finished.takeFirst().at(0).value<OperationResult>();
    // A change is reported on its object; wait for that post while the client still exists.
    if (result.succeeded() && !posted.wait(10000))
        return {Audit::Outcome::Failed, QStringLiteral("no Event was posted"), {}, {}};
    return result;
}

void TestOperations::runnerSendsTheRequestAfterAnAllowedReview()
{
    ScriptedServer server;
    server.script = {{201, review(true), {}, 0},
                     {200, deploymentJson("7d1f0c2e-0000-4000-8000-000000000001", 8), {}, 0},
                     {201, "{}", {}, 0}};
    const auto operation = RolloutOperation::scale(walletTarget(), 5);
    const OperationResult result = runAgainst(server, operation);
    QVERIFY2(result.succeeded(), qPrintable(result.sentence));
    QCOMPARE(result.sentence, QStringLiteral("wallet-service: scale to 5 replicas done."));
    QVERIFY(server.requests.size() >= 2);
    QCOMPARE(server.requests[0].path, QByteArray("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"));
    const QJsonObject attributes = QJsonDocument::fromJson(server.requests[0].body)
                                       .object()[QLatin1String("spec")][QLatin1String("resourceAttributes")]
                                       .toObject();
    QCOMPARE(attributes[QLatin1String("name")].toString(), QStringLiteral("wallet-service"));
    QCOMPARE(attributes[QLatin1String("subresource")].toString(), QStringLiteral("scale"));
    QCOMPARE(server.requests[1].method, QByteArray("PATCH"));
    QCOMPARE(server.requests[1].path,
             QByteArray("/apis/apps/v1/namespaces/lucent-staging/deployments/wallet-service/scale"
                        "?fieldManager=lucent-console"));
    QCOMPARE(server.requests[1].body, operation.request().body);
    // The Event about it, posted after the change.
    QCOMPARE(server.requests.size(), 3);
    QCOMPARE(server.requests[2].method, QByteArray("POST"));
    QCOMPARE(server.requests[2].path, QByteArray("/api/v1/namespaces/lucent-staging/events"));
    const QJsonObject event = QJsonDocument::fromJson(server.requests[2].body).object();
    QCOMPARE(event[QLatin1String("reason")].toString(), QStringLiteral("LucentScale"));
    QCOMPARE(event[QLatin1String("message")].toString(),
             QStringLiteral("lucent-admin ran scale with lucent-console: to 5 replicas"));
    const auto lines = auditLines(m_auditPath);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0][QLatin1String("verb")].toString(), QStringLiteral("scale"));
    QCOMPARE(lines[0][QLatin1String("outcome")].toString(), QStringLiteral("succeeded"));
    QCOMPARE(lines[0][QLatin1String("user")].toString(), QStringLiteral("lucent-admin"));
    QCOMPARE(lines[0][QLatin1String("context")].toString(), QStringLiteral("lucent-staging"));
    QCOMPARE(lines[0][QLatin1String("object")].toString(), QStringLiteral("deployment/wallet-service"));
    QCOMPARE(lines[0][QLatin1String("uid")].toString(), QStringLiteral("7d1f0c2e-0000-4000-8000-000000000001"));
    QCOMPARE(lines[0][QLatin1String("detail")].toString(), QStringLiteral("to 5 replicas"));
}

void TestOperations::deniedReviewSendsNothingAndIsAudited()
{
    ScriptedServer server;
    server.script = {{201, review(false, "no RBAC policy matched"), {}, 0}};
    const OperationResult result = runAgainst(server, RolloutOperation::restart(walletTarget(), {}));
    QCOMPARE(result.outcome, Audit::Outcome::Denied);
    QCOMPARE(result.sentence,
             QStringLiteral("lucent-admin may not patch deployments wallet-service in lucent-staging (the cluster's "
                            "access review says no: no RBAC policy matched). Ask a cluster administrator for the "
                            "permission, or use a context whose user has it."));
    QCOMPARE(server.requests.size(), 1); // the review, and no PATCH
    const auto lines = auditLines(m_auditPath);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines[0][QLatin1String("outcome")].toString(), QStringLiteral("denied"));
}

void TestOperations::goneDeploymentIsSaidAndNothingElseIsSent()
{
    ScriptedServer server;
    server.script = {{201, review(true), {}, 0}, {404, NotFoundStatus, {}, 0}};
    const OperationResult result = runAgainst(server, RolloutOperation::pause(walletTarget()));
    QCOMPARE(result.outcome, Audit::Outcome::Failed);
    QCOMPARE(result.sentence, OperationRunner::goneSentence(walletTarget()));
    QCOMPARE(result.sentence,
             QStringLiteral("deployment/wallet-service in lucent-staging no longer exists: it was "
                            "deleted after you were asked. Nothing was changed."));
    QCOMPARE(server.requests.size(), 2);
    QCOMPARE(auditLines(m_auditPath).value(0)[QLatin1String("outcome")].toString(), QStringLiteral("failed"));
}

void TestOperations::replacedDeploymentIsSaid()
{
    ScriptedServer server;
    server.script = {{201, review(true), {}, 0}, {409, ConflictStatus, {}, 0}, {200, deploymentJson("99", 1), {}, 0}};
    const OperationResult result = runAgainst(server, RolloutOperation::scale(walletTarget(), 0));
    QCOMPARE(result.sentence, OperationRunner::replacedSentence(walletTarget()));
    QCOMPARE(server.requests.size(), 3);
    QCOMPARE(server.requests[2].method, QByteArray("GET")); // read once more, to explain
    QCOMPARE(auditLines(m_auditPath).size(), 1);
}

void TestOperations::changedSpecStopsAnUndo()
{
    ScriptedServer server;
    server.script = {{201, review(true), {}, 0},
                     {422, TestFailedStatus, {}, 0},
                     {200, deploymentJson("7d1f0c2e-0000-4000-8000-000000000001", 9), {}, 0}};
    const OperationResult result = runAgainst(server, RolloutOperation::undo(walletTarget(), revisionFour()));
    QCOMPARE(result.sentence,
             QStringLiteral("deployment/wallet-service in lucent-staging changed after you reviewed it (its spec went "
                            "from generation 7 to 9). Nothing was changed: review the difference again."));
}

void TestOperations::auditRecordsAreRedacted()
{
    Audit::AuditRecord record;
    record.verb = QStringLiteral("apply");
    record.message = QStringLiteral("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl refused");
    record.outcome = Audit::Outcome::Failed;
    QVERIFY(Audit::AuditLog(m_auditPath).append(record));
    QFile file(m_auditPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(!text.contains("eyJ"), text.constData());
    QVERIFY(text.contains("<redacted>"));
    QVERIFY(text.endsWith("}\n"));
    QCOMPARE(file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    // An unwritable trail is a sentence, not a crash.
    QString error;
    QVERIFY(!Audit::AuditLog(QStringLiteral("/proc/lucent/audit.jsonl")).append(record, &error));
    QVERIFY(error.startsWith(QStringLiteral("The audit trail /proc/lucent/audit.jsonl cannot be written")));
}

void TestOperations::eventNamesTheObjectAndTheComponent()
{
    const QJsonObject event = Audit::EventRecorder::event(
        {QStringLiteral("apps/v1"), QStringLiteral("Deployment"), QStringLiteral("lucent-staging"),
         QStringLiteral("wallet-service"), QStringLiteral("u-1")},
        QStringLiteral("LucentRestart"), QStringLiteral("restart"), QStringLiteral("lucent-admin ran restart"),
        QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC), QStringLiteral("lucent-console@host"));
    QCOMPARE(QJsonDocument(event).toJson(QJsonDocument::Compact),
             QByteArray(R"({"action":"restart","apiVersion":"v1","count":1,"firstTimestamp":"2026-11-25T10:00:00Z",)"
                        R"("involvedObject":{"apiVersion":"apps/v1","kind":"Deployment","name":"wallet-service",)"
                        R"("namespace":"lucent-staging","uid":"u-1"},"kind":"Event","lastTimestamp":)"
                        R"("2026-11-25T10:00:00Z","message":"lucent-admin ran restart","metadata":{"generateName":)"
                        R"("wallet-service.","namespace":"lucent-staging"},"reason":"LucentRestart",)"
                        R"("reportingComponent":"lucent-console","reportingInstance":"lucent-console@host",)"
                        R"("source":{"component":"lucent-console"},"type":"Normal"})"));
}

void TestOperations::applyGuardsRefuseWithASentence_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("realApply");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<QString>("sentence");
    const QByteArray configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    QTest::addRow("plain") << QStringLiteral("/w/c.yaml") << configMap << true << int(Apply::ApplyPlan::Verdict::Send)
                           << QString();
    QTest::addRow("template") << QStringLiteral("/w/secrets.template.yaml") << configMap << true
                              << int(Apply::ApplyPlan::Verdict::Refused)
                              << QStringLiteral("secrets.template.yaml is a template: its values are blank on purpose. "
                                                "Create the real object from your secret store instead (for example "
                                                "kubectl create secret generic … --from-literal=…).");
    QTest::addRow("template diff") << QStringLiteral("/w/secrets.template.yaml") << configMap << false
                                   << int(Apply::ApplyPlan::Verdict::Send) << QString();
    QTest::addRow("other namespace")
        << QStringLiteral("/w/c.yaml") << QByteArray(configMap + "  namespace: lucent-platform\n") << true
        << int(Apply::ApplyPlan::Verdict::Refused)
        << QStringLiteral("ConfigMap/c (line 1) belongs to namespace lucent-platform, but staging works in "
                          "lucent-staging. Switch to the environment of lucent-platform to apply it, so that its "
                          "confirmation is the one asked.");
    QTest::addRow("kustomization only")
        << QStringLiteral("/w/kustomization.yaml")
        << QByteArray("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n") << true
        << int(Apply::ApplyPlan::Verdict::NothingToSend)
        << QStringLiteral(
               "kustomization.yaml holds no API objects (only a kustomization or comments); nothing to send.");
    QTest::addRow("broken") << QStringLiteral("/w/b.yaml") << QByteArray("a: [\n") << true
                            << int(Apply::ApplyPlan::Verdict::Refused) << QStringLiteral("b.yaml cannot be sent: ");
}

void TestOperations::applyGuardsRefuseWithASentence()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, text);
    QFETCH(bool, realApply);
    QFETCH(int, verdict);
    QFETCH(QString, sentence);
    const auto plan
        = Apply::planApply(file, text, QStringLiteral("staging"), QStringLiteral("lucent-staging"), realApply);
    QCOMPARE(int(plan.verdict), verdict);
    QVERIFY2(plan.sentence.startsWith(sentence), qPrintable(plan.sentence));
    QCOMPARE(plan.sentence.isEmpty(), sentence.isEmpty());
    QCOMPARE(plan.canSend(), !plan.objects.isEmpty());
}

void TestOperations::serviceSelectionListsTheSelectedPods()
{
    const QList<QJsonObject> services{
        json(R"({"metadata":{"name":"wallet-service"},"spec":{"selector":{"app":"wallet-service","color":"green"}}})")};
    const QList<QJsonObject> pods{
        json(R"({"metadata":{"name":"w-blue-1","labels":{"app":"wallet-service","color":"blue"}}})"),
        json(R"({"metadata":{"name":"w-green-2","labels":{"app":"wallet-service","color":"green"}}})"),
        json(R"({"metadata":{"name":"w-green-1","labels":{"app":"wallet-service","color":"green","x":"y"}}})")};
    const auto selection = Release::serviceSelection(QStringLiteral("wallet-service"), services, pods);
    QVERIFY(selection.serviceFound);
    QCOMPARE(selection.selectorText(), QStringLiteral("app=wallet-service,color=green"));
    QCOMPARE(selection.pods, (QStringList{QStringLiteral("w-green-1"), QStringLiteral("w-green-2")}));
    QVERIFY(!Release::serviceSelection(QStringLiteral("nope"), services, pods).serviceFound);
}

QTEST_GUILESS_MAIN(TestOperations)
#include "tst_operations.moc"
