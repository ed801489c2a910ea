// The audit trail against lucent-sandbox (with its real Prometheus and Alertmanager): restart,
// scale, undo, an apply and a silence each leave a line in $XDG_STATE_HOME/lucent-console/
// audit.jsonl, the cluster changes leave an Event that the real `kubectl events` lists, and no
// credential reaches either.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/alerting/silenceoperations.h"
#include "core/apply/manifestapplier.h"
#include "core/audit/auditlog.h"
#include "core/audit/audittrail.h"
#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/prometheus/alertmanager.h"
#include "core/release/operationrunner.h"
#include "core/validation/manifestjson.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;

class TestAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyChangeIsInTheFileAndInKubectlEvents();

private:
    bool run(const Release::RolloutOperation &operation);
    QJsonObject deployment(const QString &name) const;
    QList<QJsonObject> auditLines() const;

    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
    Environment::ProjectConfig m_project;
    std::unique_ptr<Kube::KubeClient> m_client;
    std::unique_ptr<Audit::AuditTrail> m_audit;
    QStringList m_tokens;
};

void TestAudit::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    QVERIFY(m_project.problems.isEmpty());
    const auto *staging = m_project.environment(QStringLiteral("staging"));
    QVERIFY(staging);
    QString error;
    const auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), staging->context, {}, &error);
    QVERIFY2(connection, qPrintable(error));
    m_client = std::make_unique<Kube::KubeClient>(*connection);
    // The default trail, under the test's own XDG_STATE_HOME (lucent_add_test points it there).
    QFile::remove(Audit::AuditLog::defaultPath());
    m_audit = std::make_unique<Audit::AuditTrail>(staging->context);
    m_audit->attach(m_client.get(), QStringLiteral("lucent-admin"));
    QFile kubeconfig(m_sandbox.kubeconfig());
    QVERIFY(kubeconfig.open(QIODevice::ReadOnly));
    const QRegularExpression token(QStringLiteral("token: *\"?([A-Za-z0-9._-]{16,})"));
    for (auto it = token.globalMatch(QString::fromUtf8(kubeconfig.readAll())); it.hasNext();)
        m_tokens.append(it.next().captured(1));
    QVERIFY(!m_tokens.isEmpty());
}

QJsonObject TestAudit::deployment(const QString &name) const
{
    return m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "-o", "json", "-n", "lucent-staging"}) << name)
        .json()
        .object();
}

QList<QJsonObject> TestAudit::auditLines() const
{
    QFile file(Audit::AuditLog::defaultPath());
    QList<QJsonObject> lines;
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (!line.isEmpty())
                lines.append(QJsonDocument::fromJson(line).object());
        }
    }
    return lines;
}

bool TestAudit::run(const Release::RolloutOperation &operation)
{
    Release::OperationRunner runner(m_client.get(), m_audit.get());
    QSignalSpy finished(&runner, &Release::OperationRunner::finished);
    QSignalSpy posted(m_audit->events(), &Audit::EventRecorder::postFinished);
    runner.run(operation);
    if (!finished.wait(20000) || !posted.wait(20000))
        return false;
    const auto result = finished.at(0).at(0).value<Release::OperationResult>();
    if (!result.succeeded() || !posted.at(0).at(1).toString().isEmpty())
        qWarning("%s / %s", qPrintable(result.sentence), qPrintable(posted.at(0).at(1).toString()));
    return result.succeeded() && posted.at(0).at(1).toString().isEmpty();
}

void TestAudit::everyChangeIsInTheFileAndInKubectlEvents()
{
    using Release::OperationTarget;
    using Release::RolloutOperation;
    QVERIFY(run(RolloutOperation::restart(OperationTarget::of(deployment(QStringLiteral("wallet-service"))),
                                          QDateTime::currentDateTimeUtc())));
    QVERIFY(run(RolloutOperation::scale(OperationTarget::of(deployment(QStringLiteral("frontend"))), 3)));
    QCOMPARE(deployment(QStringLiteral("frontend"))[QLatin1String("spec")][QLatin1String("replicas")].toInt(), 3);

    // Undo needs history: a new image makes revision 2, the undo goes back to revision 1.
    auto r = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "set", "image", "deploy/task-service", "task-service=lucent/task-service:1.0.8"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QList<Release::Revision> history;
    QTRY_VERIFY_WITH_TIMEOUT(
        (history = Release::RolloutActions::history(
             deployment(QStringLiteral("task-service")),
             [this] {
                 QList<QJsonObject> sets;
                 const auto list
                     = m_sandbox.kubectl(Lucent::Tests::args({"get", "rs", "-o", "json", "-n", "lucent-staging"}))
                           .json();
                 for (const auto &item : list[QLatin1String("items")].toArray())
                     sets.append(item.toObject());
                 return sets;
             }()))
                .size()
            >= 2,
        20000);
    QVERIFY(run(RolloutOperation::undo(OperationTarget::of(deployment(QStringLiteral("task-service"))), history[1])));
    QVERIFY(deployment(QStringLiteral("task-service"))[QLatin1String("spec")][QLatin1String("template")]
                .toObject()
                .value(QLatin1String("spec"))
                .toObject()
                .value(QLatin1String("containers"))
                .toArray()
                .at(0)[QLatin1String("image")]
                .toString()
            != QStringLiteral("lucent/task-service:1.0.8"));

    // An apply of a new ConfigMap.
    QString error;
    const auto objects = Validation::manifestObjects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: audit-probe\ndata:\n  colour: green\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    Apply::ManifestApplier applier(m_client.get(), QStringLiteral("lucent-staging"));
    applier.setAuditTrail(m_audit.get());
    QSignalSpy applied(&applier, &Apply::ManifestApplier::finished);
    QSignalSpy posted(m_audit->events(), &Audit::EventRecorder::postFinished);
    applier.start(objects, false);
    QVERIFY(applied.wait(20000));
    QVERIFY(posted.wait(20000));
    QCOMPARE(posted.at(0).at(1).toString(), QString());

    // A silence, created and expired, in the sandbox's real Alertmanager.
    const auto *staging = m_project.environment(QStringLiteral("staging"));
    if (staging->alertmanagerUrl.isEmpty())
        QFAIL("the sandbox wrote no Alertmanager URL: is prometheus-alertmanager installed (scripts/setup-deps.sh)?");
    Prometheus::AlertmanagerClient alertmanager{QUrl(staging->alertmanagerUrl)};
    Alerting::SilenceOperations silences(&alertmanager, m_audit.get(), QStringLiteral("lucent-staging"),
                                         staging->alertScope());
    QSignalSpy changed(&silences, &Alerting::SilenceOperations::changed);
    Prometheus::Silence silence;
    silence.matchers = {{QStringLiteral("namespace"), QStringLiteral("lucent-staging"), false, true},
                        {QStringLiteral("alertname"), QStringLiteral("HighErrorRate"), false, true}};
    silence.startsAt = QDateTime::currentDateTimeUtc();
    silence.endsAt = silence.startsAt.addSecs(3600);
    silence.createdBy = QStringLiteral("release-engineer");
    silence.comment = QStringLiteral("audit test");
    silences.create(silence);
    QVERIFY(changed.wait(20000));
    QVERIFY2(changed.at(0).at(0).toBool(), qPrintable(changed.at(0).at(1).toString()));
    silences.expire(changed.at(0).at(2).value<Prometheus::Silence>());
    QVERIFY(changed.wait(20000));
    QVERIFY2(changed.at(1).at(0).toBool(), qPrintable(changed.at(1).at(1).toString()));

    // The file: one line per change, in order, with who, where and what.
    const QList<QJsonObject> lines = auditLines();
    QStringList verbs;
    for (const QJsonObject &line : lines) {
        verbs.append(line[QLatin1String("verb")].toString());
        QCOMPARE(line[QLatin1String("outcome")].toString(), QStringLiteral("succeeded"));
        QCOMPARE(line[QLatin1String("namespace")].toString(), QStringLiteral("lucent-staging"));
        QVERIFY(!line[QLatin1String("time")].toString().isEmpty());
        QVERIFY(!line[QLatin1String("user")].toString().isEmpty());
        QVERIFY(!line[QLatin1String("context")].toString().isEmpty());
    }
    QCOMPARE(
        verbs,
        (QStringList{QStringLiteral("restart"), QStringLiteral("scale"), QStringLiteral("undo"),
                     QStringLiteral("apply"), QStringLiteral("create-silence"), QStringLiteral("expire-silence")}));
    QCOMPARE(lines[1][QLatin1String("object")].toString(), QStringLiteral("deployment/frontend"));
    QCOMPARE(lines[3][QLatin1String("object")].toString(), QStringLiteral("ConfigMap/audit-probe"));
    QCOMPARE(lines[4][QLatin1String("user")].toString(), QStringLiteral("release-engineer"));

    // kubectl events: each cluster change on its object, reported by lucent-console.
    r = m_sandbox.kubectl(Lucent::Tests::args({"events", "-n", "lucent-staging", "-o", "json"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QHash<QString, QString> reasons; // reason -> object
    for (const auto &item : r.json()[QLatin1String("items")].toArray()) {
        const QJsonObject event = item.toObject();
        if (event[QLatin1String("reportingComponent")].toString() != QLatin1String("lucent-console"))
            continue;
        const QJsonObject involved = event[QLatin1String("involvedObject")].toObject();
        reasons.insert(event[QLatin1String("reason")].toString(),
                       involved[QLatin1String("kind")].toString() + QLatin1Char('/')
                           + involved[QLatin1String("name")].toString());
        QVERIFY(event[QLatin1String("message")].toString().contains(QStringLiteral("lucent-admin")));
    }
    QCOMPARE(reasons.value(QStringLiteral("LucentRestart")), QStringLiteral("Deployment/wallet-service"));
    QCOMPARE(reasons.value(QStringLiteral("LucentScale")), QStringLiteral("Deployment/frontend"));
    QCOMPARE(reasons.value(QStringLiteral("LucentUndo")), QStringLiteral("Deployment/task-service"));
    QCOMPARE(reasons.value(QStringLiteral("LucentApply")), QStringLiteral("ConfigMap/audit-probe"));
    const auto table = m_sandbox.kubectl(Lucent::Tests::args({"events", "-n", "lucent-staging"}));
    QVERIFY2(table.outText().contains(QStringLiteral("LucentScale")), qPrintable(table.outText()));

    // No credential in either.
    QFile trail(Audit::AuditLog::defaultPath());
    QVERIFY(trail.open(QIODevice::ReadOnly));
    const QByteArray text = trail.readAll();
    for (const QString &token : std::as_const(m_tokens)) {
        QVERIFY(!text.contains(token.toUtf8()));
        QVERIFY(!r.out.contains(token.toUtf8()));
        QVERIFY(!table.out.contains(token.toUtf8()));
    }
}

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
