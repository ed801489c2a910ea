// The project file, rollout states, revision history and the access the rollout actions need
// (their requests are in tst_operations).

#include "core/environment/projectconfig.h"
#include "core/release/projectpromotion.h"
#include "core/release/rolloutactions.h"
#include "core/release/rolloutsummary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Lucent::Core;

namespace {

QJsonObject json(const QByteArray &text)
{
    return QJsonDocument::fromJson(text).object();
}

// A Deployment with the fields the summary reads.
QJsonObject deployment(int desired, int current, int updated, int ready, int available, const char *progressing,
                       bool paused = false, int generation = 2, int observed = 2)
{
    QJsonObject d = json(R"({"metadata":{"name":"user-service","creationTimestamp":"2026-11-25T10:00:00Z",
        "annotations":{"deployment.kubernetes.io/revision":"4"}},
        "spec":{"template":{"metadata":{"labels":{"app":"user-service","color":"blue"}},
        "spec":{"containers":[{"name":"user-service","image":"registry.lucent.internal:5000/lucent/user-service:1.5.0"},
                              {"name":"proxy","image":"envoy@sha256:0123456789abcdef0123"}]}}}})");
    QJsonObject meta = d[QLatin1String("metadata")].toObject();
    meta.insert(QStringLiteral("generation"), generation);
    d.insert(QStringLiteral("metadata"), meta);
    QJsonObject spec = d[QLatin1String("spec")].toObject();
    spec.insert(QStringLiteral("replicas"), desired);
    spec.insert(QStringLiteral("paused"), paused);
    d.insert(QStringLiteral("spec"), spec);
    d.insert(
        QStringLiteral("status"),
        QJsonObject{{QStringLiteral("observedGeneration"), observed},
                    {QStringLiteral("replicas"), current},
                    {QStringLiteral("updatedReplicas"), updated},
                    {QStringLiteral("readyReplicas"), ready},
                    {QStringLiteral("availableReplicas"), available},
                    {QStringLiteral("conditions"),
                     QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("Progressing")},
                                            {QStringLiteral("reason"), QString::fromLatin1(progressing)},
                                            {QStringLiteral("message"), QStringLiteral("from the controller")}}}}});
    return d;
}

} // namespace

class TestRelease : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void projectFileParses();
    void projectFileProblemsHaveLines_data();
    void projectFileProblemsHaveLines();
    void promotionSectionIsRead();
    void bothFrontEndsGetTheSameOptions();
    void alertScopeIsTheNamespaceUnlessLabelsAreGiven();
    void projectFileIsLocated();
    void withoutProjectFileEveryContextIsAnEnvironment();
    void rolloutStates_data();
    void rolloutStates();
    void summaryReadsVersionsAndColour();
    void historyIsNewestFirstWithoutTemplateHash();
    void accessQueriesNameTheSubresource();
    void templateDiffShowsOnlyTheChange();
};

void TestRelease::projectFileParses()
{
    const auto config = Environment::ProjectConfig::parse(R"(
environments:
  - name: staging
    context: lucent-staging
    namespace: lucent-staging
    prometheus: http://127.0.0.1:9090
    alertmanager: https://alertmanager.lucent.internal/
    services: [api-gateway, user-service]
  - name: production
    context: lucent-prod
    namespace: lucent-platform
    protected: true
)",
                                                          QStringLiteral("lucent.yaml"));
    QVERIFY2(config.problems.isEmpty(), qPrintable(config.problems.value(0).sentence()));
    QCOMPARE(config.environments.size(), 2);
    const auto *staging = config.environment(QStringLiteral("staging"));
    QCOMPARE(staging->services, (QStringList{QStringLiteral("api-gateway"), QStringLiteral("user-service")}));
    QCOMPARE(staging->prometheusUrl, QStringLiteral("http://127.0.0.1:9090"));
    QCOMPARE(staging->alertmanagerUrl, QStringLiteral("https://alertmanager.lucent.internal/"));
    QVERIFY(!staging->isProtected);
    QVERIFY(config.environment(QStringLiteral("production"))->isProtected);
}

void TestRelease::projectFileProblemsHaveLines_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("expected");
    QTest::addRow("not yaml") << QByteArray("environments: [\n  - {name: a\n") << 2 << QStringLiteral("malformed");
    QTest::addRow("no list") << QByteArray("envs: []\n") << 1 << QStringLiteral("'environments:' list");
    QTest::addRow("unknown key") << QByteArray("environments:\n  - name: a\n    context: c\n    protect: true\n") << 4
                                 << QStringLiteral("unknown key 'protect'");
    // Found by fuzz_project_config: a list as a key threw out of the parser and ended the process.
    QTest::addRow("list as a key") << QByteArray("environments:\n  - name: a\n    context: c\n    ? [x, y]\n    : z\n")
                                   << 4 << QStringLiteral("unknown key ''");
    QTest::addRow("bad flag") << QByteArray("environments:\n  - name: a\n    context: c\n    protected: maybe\n") << 4
                              << QStringLiteral("true or false");
    QTest::addRow("no context") << QByteArray("environments:\n  - name: a\n") << 2
                                << QStringLiteral("names no kube context");
    QTest::addRow("bad name") << QByteArray("environments:\n  - name: Prod!\n    context: c\n") << 2
                              << QStringLiteral("lower-case letters");
    QTest::addRow("prometheus not a URL")
        << QByteArray("environments:\n  - name: a\n    context: c\n    prometheus: localhost:9090\n") << 4
        << QStringLiteral("'prometheus' must be an http:// or https:// URL");
    QTest::addRow("alertmanager not http")
        << QByteArray("environments:\n  - name: a\n    context: c\n    alertmanager: ftp://am\n") << 4
        << QStringLiteral("'alertmanager' must be an http:// or https:// URL");
    QTest::addRow("twice") << QByteArray("environments:\n  - {name: a, context: c}\n  - {name: a, context: d}\n") << 3
                           << QStringLiteral("defined twice");
    QTest::addRow("alertLabels not a map")
        << QByteArray("environments:\n  - name: a\n    context: c\n    alertLabels: lucent-staging\n") << 4
        << QStringLiteral("'alertLabels' must be a map of Prometheus label names");
    QTest::addRow("alertLabels bad name")
        << QByteArray("environments:\n  - name: a\n    context: c\n    alertLabels:\n      9ns: x\n") << 5
        << QStringLiteral("'9ns' is not a Prometheus label name");
    QTest::addRow("alertLabels value a list")
        << QByteArray("environments:\n  - name: a\n    context: c\n    alertLabels:\n      cluster: [a, b]\n") << 5
        << QStringLiteral("alert label 'cluster' must be a single value");
    // The promotion: section.
    const QByteArray env = "environments:\n  - {name: a, context: c}\n";
    QTest::addRow("promotion not a map") << env + "promotion: yes\n"
                                         << 3 << QStringLiteral("'promotion' must be a map");
    QTest::addRow("promotion unknown key") << env + "promotion:\n  previw: true\n"
                                           << 4 << QStringLiteral("unknown 'promotion' key 'previw'");
    QTest::addRow("preview not a flag") << env + "promotion:\n  preview: sometimes\n"
                                        << 4 << QStringLiteral("'preview' must be true or false");
    QTest::addRow("monitor negative") << env + "promotion:\n  monitorSeconds: -5\n"
                                      << 4 << QStringLiteral("'monitorSeconds' must be a whole number, 0 or more");
    QTest::addRow("smoke test a string") << env + "promotion:\n  smokeTest: ./smoke.sh --quick\n"
                                         << 4 << QStringLiteral("runs without a shell");
    QTest::addRow("analysis count 0") << env + "promotion:\n  analysis:\n    count: 0\n"
                                      << 5 << QStringLiteral("'count' must be a whole number, 1 or more");
    const QByteArray metric = env + "promotion:\n  analysis:\n    metrics:\n      - name: errors\n        query: up\n";
    QTest::addRow("metric without bound") << metric << 6 << QStringLiteral("needs exactly one of below or above");
    QTest::addRow("metric with both bounds") << metric + "        below: 1\n        above: 0\n"
                                             << 6 << QStringLiteral("needs exactly one of below or above");
    QTest::addRow("threshold not a number") << metric + "        below: low\n"
                                            << 8 << QStringLiteral("'below' must be a number");
    QTest::addRow("metric unknown key") << metric + "        below: 1\n        limit: 2\n"
                                        << 9 << QStringLiteral("unknown analysis metric key 'limit'");
    QTest::addRow("metric without query") << env
            + "promotion:\n  analysis:\n    metrics:\n      - name: e\n"
              "        below: 1\n" << 6 << QStringLiteral("needs a name and a query");
}

void TestRelease::promotionSectionIsRead()
{
    const QByteArray yaml = "environments:\n  - {name: a, context: c}\n"
                            "promotion:\n"
                            "  preview: true\n"
                            "  monitorSeconds: 120\n"
                            "  scaleDownDelaySeconds: 0\n"
                            "  smokeTest: [./smoke-test.sh, --quick]\n"
                            "  smokeTestTimeoutSeconds: 30\n"
                            "  analysis:\n"
                            "    initialDelaySeconds: 20\n"
                            "    intervalSeconds: 5\n"
                            "    count: 4\n"
                            "    metrics:\n"
                            "      - name: errors\n"
                            "        query: 'sum(rate(http_requests_total{ {{selector}},status=~\"5..\"}[1m]))'\n"
                            "        below: 0.5\n"
                            "        failureLimit: 1\n"
                            "      - {name: traffic, query: 'sum(rate(x[1m]))', above: 2, inconclusiveLimit: 0}\n";
    const auto config = Environment::ProjectConfig::parse(yaml, QStringLiteral("lucent.yaml"));
    QVERIFY2(config.problems.isEmpty(), qPrintable(config.problems.value(0).sentence()));
    const auto &p = config.promotion;
    QVERIFY(p.preview);
    QCOMPARE(p.monitorSeconds, 120);
    QCOMPARE(p.scaleDownDelaySeconds, 0);
    QCOMPARE(p.smokeTest, (QStringList{QStringLiteral("./smoke-test.sh"), QStringLiteral("--quick")}));
    QCOMPARE(p.smokeTestTimeoutSeconds, 30);
    QCOMPARE(p.analysisInitialDelaySeconds, 20);
    QCOMPARE(p.analysisIntervalSeconds, 5);
    QCOMPARE(p.analysisCount, 4);
    QCOMPARE(p.metrics.size(), 2);
    QCOMPARE(p.metrics[0].name, QStringLiteral("errors"));
    QVERIFY(p.metrics[0].query.contains(QStringLiteral("{{selector}}")));
    QVERIFY(!p.metrics[0].above);
    QCOMPARE(p.metrics[0].threshold, 0.5);
    QCOMPARE(p.metrics[0].failureLimit, 1);
    QVERIFY(p.metrics[1].above);
    QCOMPARE(p.metrics[1].threshold, 2.0);
    QCOMPARE(p.metrics[1].inconclusiveLimit, 0);
    // Without the section: the defaults.
    const auto plain = Environment::ProjectConfig::parse("environments:\n  - {name: a, context: c}\n", {});
    QVERIFY(!plain.promotion.preview);
    QVERIFY(!plain.promotion.monitorSeconds);
    QVERIFY(plain.promotion.metrics.isEmpty());
}

void TestRelease::alertScopeIsTheNamespaceUnlessLabelsAreGiven()
{
    const auto config
        = Environment::ProjectConfig::parse("environments:\n"
                                            "  - {name: staging, context: c, namespace: lucent-staging}\n"
                                            "  - name: production\n    context: c\n    namespace: lucent-platform\n"
                                            "    alertLabels: {namespace: lucent-platform, cluster: eu-1}\n",
                                            QStringLiteral("lucent.yaml"));
    QVERIFY2(config.problems.isEmpty(), qPrintable(config.problems.value(0).sentence()));
    using Scope = QMap<QString, QString>;
    QCOMPARE(config.environment(QStringLiteral("staging"))->alertScope(),
             (Scope{{QStringLiteral("namespace"), QStringLiteral("lucent-staging")}}));
    QCOMPARE(config.environment(QStringLiteral("production"))->alertScope(),
             (Scope{{QStringLiteral("cluster"), QStringLiteral("eu-1")},
                    {QStringLiteral("namespace"), QStringLiteral("lucent-platform")}}));
}

void TestRelease::projectFileProblemsHaveLines()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(QString, expected);
    const auto config = Environment::ProjectConfig::parse(yaml, QStringLiteral("lucent.yaml"));
    QVERIFY(!config.problems.isEmpty());
    QVERIFY2(config.problems[0].sentence().contains(expected), qPrintable(config.problems[0].sentence()));
    QCOMPARE(config.problems[0].line, line);
    QVERIFY(config.problems[0].sentence().startsWith(QStringLiteral("In lucent.yaml")));
}

void TestRelease::projectFileIsLocated()
{
    QTemporaryDir cwd;
    QTemporaryDir configDir;
    using Environment::ProjectConfig;
    QCOMPARE(ProjectConfig::locate(QStringLiteral("/x/given.yaml"), cwd.path(), configDir.path()),
             QStringLiteral("/x/given.yaml"));
    QCOMPARE(ProjectConfig::locate({}, cwd.path(), configDir.path()), QString());
    QFile inConfig(configDir.filePath(QStringLiteral("lucent.yaml")));
    QVERIFY(inConfig.open(QIODevice::WriteOnly));
    inConfig.close();
    QCOMPARE(ProjectConfig::locate({}, cwd.path(), configDir.path()), inConfig.fileName());
    QFile inCwd(cwd.filePath(QStringLiteral("lucent.yaml")));
    QVERIFY(inCwd.open(QIODevice::WriteOnly));
    inCwd.close();
    QCOMPARE(ProjectConfig::locate({}, cwd.path(), configDir.path()), inCwd.fileName());
    const auto missing = ProjectConfig::load(cwd.filePath(QStringLiteral("nope.yaml")));
    QVERIFY2(missing.problems.value(0).sentence().contains(QStringLiteral("the project file does not exist")),
             qPrintable(missing.problems.value(0).sentence()));
}

void TestRelease::withoutProjectFileEveryContextIsAnEnvironment()
{
    const auto kubeconfig = Kube::Kubeconfig::parse(
        "contexts:\n- {name: a, context: {cluster: c, namespace: team-a}}\n- {name: b, context: {cluster: c}}\n",
        QStringLiteral("k"));
    const auto config = Environment::ProjectConfig::fromKubeconfig(kubeconfig);
    QCOMPARE(config.environments.size(), 2);
    QCOMPARE(config.environments[0].namespaceName, QStringLiteral("team-a"));
    QCOMPARE(config.environments[1].namespaceName, QStringLiteral("default"));
    QVERIFY(!config.environments[1].isProtected);
}

void TestRelease::rolloutStates_data()
{
    QTest::addColumn<QJsonObject>("deployment");
    QTest::addColumn<int>("state");
    using Release::RolloutState;
    QTest::addRow("complete") << deployment(3, 3, 3, 3, 3, "NewReplicaSetAvailable") << int(RolloutState::Complete);
    QTest::addRow("new spec not observed")
        << deployment(3, 3, 3, 3, 3, "NewReplicaSetAvailable", false, 3, 2) << int(RolloutState::Progressing);
    QTest::addRow("updating") << deployment(3, 4, 1, 3, 3, "ReplicaSetUpdated") << int(RolloutState::Progressing);
    QTest::addRow("old pods terminating")
        << deployment(3, 4, 3, 3, 3, "ReplicaSetUpdated") << int(RolloutState::Progressing);
    QTest::addRow("waiting for availability")
        << deployment(3, 3, 3, 2, 2, "ReplicaSetUpdated") << int(RolloutState::Progressing);
    QTest::addRow("lost pods after completing")
        << deployment(3, 3, 3, 2, 2, "NewReplicaSetAvailable") << int(RolloutState::Degraded);
    QTest::addRow("deadline") << deployment(3, 4, 1, 3, 3, "ProgressDeadlineExceeded") << int(RolloutState::Failed);
    QTest::addRow("paused") << deployment(3, 4, 1, 3, 3, "DeploymentPaused", true) << int(RolloutState::Paused);
}

void TestRelease::rolloutStates()
{
    QFETCH(QJsonObject, deployment);
    QFETCH(int, state);
    const auto summary = Release::summarizeDeployment(deployment);
    QCOMPARE(int(summary.state), state);
    QVERIFY(!summary.reason.isEmpty());
}

void TestRelease::summaryReadsVersionsAndColour()
{
    const auto summary = Release::summarizeDeployment(deployment(3, 3, 3, 3, 2, "NewReplicaSetAvailable"));
    QCOMPARE(summary.versions, (QStringList{QStringLiteral("1.5.0"), QStringLiteral("sha256:0123456789ab")}));
    QCOMPARE(summary.colour, QStringLiteral("blue"));
    QCOMPARE(summary.revision, QStringLiteral("4"));
    QCOMPARE(summary.available, 2);
    QCOMPARE(Release::imageVersion(QStringLiteral("localhost:5000/redis")), QStringLiteral("latest"));
    QCOMPARE(Release::rolloutStateName(Release::RolloutState::Failed), QStringLiteral("Failed"));
}

void TestRelease::historyIsNewestFirstWithoutTemplateHash()
{
    const QJsonObject owner = json(R"({"metadata":{"name":"user-service","uid":"u-1"}})");
    auto rs = [](const char *name, const char *revision, const char *image, const char *uid) {
        return json(QByteArray(
            QByteArray(R"({"metadata":{"name":")") + name + R"(","annotations":{"deployment.kubernetes.io/revision":")"
            + revision + R"(","kubernetes.io/change-cause":"set image"},"ownerReferences":[{"uid":")" + uid
            + R"("}]},"spec":{"template":{"metadata":{"labels":{"app":"u","pod-template-hash":"abc"}},)"
            + R"("spec":{"containers":[{"name":"u","image":")" + image + R"("}]}}}})"));
    };
    const auto history = Release::RolloutActions::history(
        owner, {rs("u-a", "1", "u:1", "u-1"), rs("u-c", "3", "u:3", "u-1"), rs("x", "2", "x:2", "other")});
    QCOMPARE(history.size(), 2); // another Deployment's ReplicaSet is not history
    QCOMPARE(history[0].number, 3);
    QCOMPARE(history[1].images, QStringList{QStringLiteral("u:1")});
    QCOMPARE(history[1].changeCause, QStringLiteral("set image"));
    QVERIFY(!history[0].podTemplate[QLatin1String("metadata")][QLatin1String("labels")].toObject().contains(
        QStringLiteral("pod-template-hash")));
}

void TestRelease::accessQueriesNameTheSubresource()
{
    using Release::RolloutActions;
    const auto scale = RolloutActions::accessQuery(Release::RolloutAction::Scale, QStringLiteral("ns"));
    QCOMPARE(scale.verb, QStringLiteral("patch"));
    QCOMPARE(scale.subresource, QStringLiteral("scale"));
    QCOMPARE(RolloutActions::accessQuery(Release::RolloutAction::Undo, QStringLiteral("ns")).resource,
             QStringLiteral("deployments"));
}

void TestRelease::templateDiffShowsOnlyTheChange()
{
    const QString diff
        = Release::RolloutActions::templateDiff(json(R"({"spec":{"containers":[{"image":"u:2","name":"u"}]}})"),
                                                json(R"({"spec":{"containers":[{"image":"u:1","name":"u"}]}})"));
    QCOMPARE(diff, QStringLiteral("- \"image\": \"u:2\",\n+ \"image\": \"u:1\","));
    QVERIFY(Release::RolloutActions::templateDiff(json("{}"), json("{}")).isEmpty());
}

// The command line and the wizard go through promotionOptions(): the project's settings first,
// then what the person chose, and one identity for the lock, whichever front end asks.
void TestRelease::bothFrontEndsGetTheSameOptions()
{
    Release::PromotionTarget target;
    target.environment.name = QStringLiteral("staging");
    target.environment.context = QStringLiteral("staging-ctx");
    target.user = QStringLiteral("alice");
    target.kubeconfigFiles = {QStringLiteral("/home/alice/.kube/config")};
    target.apiServer = QStringLiteral("https://10.0.0.1:6443");
    target.settings.preview = true;
    target.settings.monitorSeconds = 120;
    target.settings.leaseSeconds = 15;
    target.projectDirectory = QStringLiteral("/srv/project");

    const Release::PromotionOptions fromProject = Release::promotionOptions(target, {});
    QCOMPARE(fromProject.monitorSeconds, 120);
    QCOMPARE(fromProject.scaleDownDelaySeconds, Release::PromotionOptions().scaleDownDelaySeconds);
    QVERIFY(fromProject.preview);
    QCOMPARE(fromProject.leaseSeconds, 15);
    QCOMPARE(fromProject.identity, QStringLiteral("alice@") + QSysInfo::machineHostName());
    QCOMPARE(fromProject.kubeconfigPath, QStringLiteral("/home/alice/.kube/config"));
    QCOMPARE(fromProject.kubeContext, QStringLiteral("staging-ctx"));
    QCOMPARE(fromProject.smokeTestDirectory, QStringLiteral("/srv/project"));

    Release::PromotionChoices chosen;
    chosen.monitorSeconds = 5;
    chosen.preview = false; // the wizard's box unticked wins over the project
    chosen.analysis = false;
    chosen.confirmBeforeSwitch = true;
    const Release::PromotionOptions fromPerson = Release::promotionOptions(target, chosen);
    QCOMPARE(fromPerson.monitorSeconds, 5);
    QVERIFY(!fromPerson.preview);
    QVERIFY(!fromPerson.analysis);
    QVERIFY(fromPerson.confirmBeforeSwitch);
    QCOMPARE(fromPerson.identity, fromProject.identity);
    QVERIFY(Release::newPromotionId(true).startsWith(QStringLiteral("r-")));
    QVERIFY(Release::newPromotionId(false).startsWith(QStringLiteral("p-")));
}

QTEST_GUILESS_MAIN(TestRelease)
#include "tst_release.moc"
