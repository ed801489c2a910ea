#include "core/kube/kubeconfig.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/kubeconfigsummary.h"

#include <QtTest>

#include <unistd.h>

using namespace Lucent::Core::Kube;

class TestKubeconfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesClustersUsersContexts();
    void mergesWithKubectlPrecedence();
    void malformedYamlNamesFileAndLine();
    void badEntryKeepsTheRest();
    void missingAndUnreadableFiles();
    void locateFollowsKubectl();
    void summaryNeverShowsSecrets();
    void loaderAnswersAsynchronouslyAndDropsStaleLoads();

private:
    static QString fixture() { return QStringLiteral(LUCENT_TEST_DATA_DIR "/kubeconfig/two-clusters.yaml"); }
    QTemporaryDir m_dir;
    QString write(const QString &name, const QByteArray &content);
};

QString TestKubeconfig::write(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return path;
}

void TestKubeconfig::parsesClustersUsersContexts()
{
    const Kubeconfig config = Kubeconfig::load({fixture()});
    QVERIFY2(config.problems.isEmpty(), qPrintable(config.problems.value(0).sentence()));
    QCOMPARE(config.currentContext, QStringLiteral("staging"));
    QCOMPARE(config.contexts.size(), 3);
    QCOMPARE(config.clusters.size(), 2);
    QCOMPARE(config.users.size(), 3);

    const auto *staging = config.context(QStringLiteral("staging"));
    QVERIFY(staging);
    QCOMPARE(staging->namespaceName, QStringLiteral("lucent-staging"));
    QCOMPARE(staging->sourceFile, fixture());
    const auto *prod = config.cluster(QStringLiteral("lucent-prod"));
    QVERIFY(prod && prod->insecureSkipTlsVerify && !prod->hasCertificateAuthority);
    QVERIFY(config.cluster(QStringLiteral("lucent-staging"))->hasCertificateAuthority);
    QCOMPARE(config.user(QStringLiteral("admin"))->methods, QList<AuthMethod>{AuthMethod::ClientCertificate});
    QCOMPARE(config.user(QStringLiteral("sso"))->execCommand, QStringLiteral("lucent-sso"));
}

void TestKubeconfig::mergesWithKubectlPrecedence()
{
    const QString first = write(QStringLiteral("a.yaml"), R"(
clusters:
- name: shared
  cluster: {server: "https://first:6443"}
contexts:
- name: one
  context: {cluster: shared, user: u}
)");
    const QString second = write(QStringLiteral("b.yaml"), R"(
current-context: two
clusters:
- name: shared
  cluster: {server: "https://second:6443"}
contexts:
- name: two
  context: {cluster: shared, user: u}
)");
    const Kubeconfig config = Kubeconfig::load({first, second});
    QCOMPARE(config.files, (QStringList{first, second}));
    QCOMPARE(config.cluster(QStringLiteral("shared"))->server, QStringLiteral("https://first:6443"));
    QCOMPARE(config.contexts.size(), 2);
    QCOMPARE(config.currentContext, QStringLiteral("two")); // first file that sets it
}

void TestKubeconfig::malformedYamlNamesFileAndLine()
{
    const QString path
        = write(QStringLiteral("broken.yaml"), "clusters:\n- name: a\n  cluster: {server: x\ncontexts: [\n");
    const Kubeconfig config = Kubeconfig::load({path});
    QCOMPARE(config.problems.size(), 1);
    const QString sentence = config.problems.first().sentence();
    QVERIFY2(sentence.startsWith(QStringLiteral("In %1, line ").arg(path)), qPrintable(sentence));
    QVERIFY2(config.problems.first().line >= 3, qPrintable(sentence));
    QVERIFY(sentence.contains(QStringLiteral("malformed")));
}

void TestKubeconfig::badEntryKeepsTheRest()
{
    const Kubeconfig config = Kubeconfig::parse(R"(
contexts:
- name: good
  context: {cluster: c, user: u}
- context: {cluster: c}
- name: nomap
  context: [1, 2]
- name: good2
  context: {cluster: c}
)",
                                                QStringLiteral("mem.yaml"));
    QCOMPARE(config.contexts.size(), 2);
    QCOMPARE(config.problems.size(), 2);
    QCOMPARE(config.problems.at(0).line, 5);
    QVERIFY(config.problems.at(0).message.contains(QStringLiteral("has no name")));
    QCOMPARE(config.problems.at(1).line, 6);
    QVERIFY(config.problems.at(1).message.contains(QStringLiteral("'nomap'")));
}

void TestKubeconfig::missingAndUnreadableFiles()
{
    const QString missing = m_dir.filePath(QStringLiteral("nope.yaml"));
    QVERIFY(Kubeconfig::load({missing}, false).problems.isEmpty()); // $KUBECONFIG entries may be absent
    const Kubeconfig explicitMissing = Kubeconfig::load({missing}, true);
    QCOMPARE(explicitMissing.problems.size(), 1);
    QVERIFY(explicitMissing.problems.first().sentence().contains(QStringLiteral("does not exist")));

    if (geteuid() != 0) { // root reads anything; the permission check only means something for users
        const QString locked = write(QStringLiteral("locked.yaml"), "contexts: []\n");
        QFile::setPermissions(locked, QFileDevice::WriteOwner);
        const Kubeconfig unreadable = Kubeconfig::load({locked});
        QCOMPARE(unreadable.problems.size(), 1);
        QVERIFY(unreadable.problems.first().sentence().contains(QStringLiteral("cannot be read")));
    }

    const QString dangling = write(QStringLiteral("dangling.yaml"), "current-context: gone\ncontexts: []\n");
    const Kubeconfig d = Kubeconfig::load({dangling});
    QCOMPARE(d.problems.size(), 1);
    QVERIFY(d.problems.first().message.contains(QStringLiteral("current-context 'gone'")));
}

void TestKubeconfig::locateFollowsKubectl()
{
    QCOMPARE(Kubeconfig::locate(QStringLiteral("/x/explicit"), QStringLiteral("/a:/b")),
             QStringList{QStringLiteral("/x/explicit")});
    QCOMPARE(Kubeconfig::locate({}, QStringLiteral("/a::/b:/a")),
             (QStringList{QStringLiteral("/a"), QStringLiteral("/b")}));
    QCOMPARE(Kubeconfig::locate({}, {}), QStringList{QDir::homePath() + QStringLiteral("/.kube/config")});
}

void TestKubeconfig::summaryNeverShowsSecrets()
{
    const Kubeconfig config = Kubeconfig::load({fixture()});
    QFile raw(fixture());
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QString rawText = QString::fromUtf8(raw.readAll());
    QVERIFY(rawText.contains(QStringLiteral("sk-live-deployer-0123456789abcdef")));

    for (const auto &context : config.contexts) {
        const QString yaml = contextSummaryYaml(config, context.name);
        QVERIFY(yaml.contains(QStringLiteral("name: ") + context.name));
        QVERIFY(!yaml.contains(QStringLiteral("sk-live-deployer")));
        QVERIFY(!yaml.contains(QStringLiteral("LS0tLS1CRUdJTiBQUklWQVRF")));
    }
    const QString staging = contextSummaryYaml(config, QStringLiteral("staging"));
    QVERIFY2(staging.contains(QStringLiteral("- bearer token")), qPrintable(staging));
    QVERIFY(staging.contains(QStringLiteral("current: true")));
    QVERIFY(contextSummaryYaml(config, QStringLiteral("missing")).isEmpty());
}

void TestKubeconfig::loaderAnswersAsynchronouslyAndDropsStaleLoads()
{
    KubeconfigLoader loader;
    QSignalSpy spy(&loader, &KubeconfigLoader::loaded);
    loader.load({m_dir.filePath(QStringLiteral("first-does-not-exist.yaml"))}, true);
    loader.load({fixture()}, true);
    QCOMPARE(spy.count(), 0); // never answered synchronously
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 5000);
    QTest::qWait(100);
    QCOMPARE(spy.count(), 1); // the first, stale load was dropped
    const auto config = spy.first().first().value<Kubeconfig>();
    QCOMPARE(config.contexts.size(), 3);
    QVERIFY(config.problems.isEmpty());
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
