#include "core/kube/clusterconnection.h"
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
    void anAliasInsideItsOwnAnchorIsAProblem();
    void badEntryKeepsTheRest();
    void missingAndUnreadableFiles();
    void locateFollowsKubectl();
    void summaryNeverShowsSecrets();
    void loaderAnswersAsynchronouslyAndDropsStaleLoads();
    void credentialsResolveRelativeToTheFile_data();
    void credentialsResolveRelativeToTheFile();
    void inlineDataAndBrokenBase64();
    void execPluginSettings();
    void unusableContextsSaySo_data();
    void unusableContextsSaySo();

private:
    static QString fixture() { return QStringLiteral(LUCENT_TEST_DATA_DIR "/kubeconfig/two-clusters.yaml"); }
    QTemporaryDir m_dir;
    QString write(const QString &name, const QByteArray &content);
    bool makeKeyAndCertificate(const QString &algorithm, const QString &stem);
};

// Test keys are made here, with the openssl tool, rather than committed to the repository.
bool TestKubeconfig::makeKeyAndCertificate(const QString &algorithm, const QString &stem)
{
    const QString key = m_dir.filePath(stem + QStringLiteral(".key"));
    const QString crt = m_dir.filePath(stem + QStringLiteral(".crt"));
    QStringList genArgs = algorithm == QLatin1String("ec")
        ? QStringList{QStringLiteral("ecparam"),
                      QStringLiteral("-name"),
                      QStringLiteral("prime256v1"),
                      QStringLiteral("-genkey"),
                      QStringLiteral("-noout"),
                      QStringLiteral("-out"),
                      key}
        : QStringList{QStringLiteral("genrsa"), QStringLiteral("-out"), key, QStringLiteral("2048")};
    if (QProcess::execute(QStringLiteral("openssl"), genArgs) != 0)
        return false;
    return QProcess::execute(QStringLiteral("openssl"),
                             {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-new"),
                              QStringLiteral("-key"), key, QStringLiteral("-subj"), QStringLiteral("/CN=lucent-test"),
                              QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"), crt})
        == 0;
}

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

// A kubeconfig whose alias refers to the node that contains it: a problem with a sentence,
// never a crash (the walk of a cyclic node graph would not end).
void TestKubeconfig::anAliasInsideItsOwnAnchorIsAProblem()
{
    const QString path = write(QStringLiteral("cycle.yaml"), "clusters: &c\n- name: a\n  cluster: *c\n");
    const Kubeconfig config = Kubeconfig::load({path});
    QCOMPARE(config.problems.size(), 1);
    QVERIFY2(config.problems.first().sentence().contains(QStringLiteral("refers to a node that contains it")),
             qPrintable(config.problems.first().sentence()));
    QVERIFY(config.clusters.isEmpty());
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

    // KUBECONFIG pointing at a device or a folder is a problem with that entry, at once.
    for (const auto &[path, expected] : {std::pair{QStringLiteral("/dev/zero"), QStringLiteral("is a device")},
                                         std::pair{m_dir.path(), QStringLiteral("is a folder")}}) {
        const Kubeconfig odd = Kubeconfig::load({path});
        QCOMPARE(odd.problems.size(), 1);
        QVERIFY2(odd.problems.first().sentence().contains(expected), qPrintable(odd.problems.first().sentence()));
    }
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
    // The first, stale load must never be answered. Once every load has run, a stale answer
    // would already be posted to this thread, ahead of a third load's: when the third's
    // answer comes, one from the first would have come before it.
    QVERIFY(QThreadPool::globalInstance()->waitForDone(5000));
    const QString marker = write(QStringLiteral("marker.yaml"), R"(
clusters: [{name: m, cluster: {server: "https://10.0.0.9:6443"}}]
users: [{name: m, user: {token: t}}]
contexts: [{name: marker, context: {cluster: m, user: m}}]
)");
    QVERIFY(!marker.isEmpty());
    loader.load({marker}, true);
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 5000);
    const auto config = spy.at(0).first().value<Kubeconfig>();
    QCOMPARE(config.contexts.size(), 3);
    QVERIFY(config.problems.isEmpty());
    const auto third = spy.at(1).first().value<Kubeconfig>(); // not the first load's missing file
    QCOMPARE(third.contexts.size(), 1);
    QCOMPARE(third.contexts.first().name, QStringLiteral("marker"));
    QVERIFY(third.problems.isEmpty());
}

void TestKubeconfig::credentialsResolveRelativeToTheFile_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<int>("expected");
    QTest::addRow("rsa") << QStringLiteral("rsa") << int(QSsl::Rsa);
    QTest::addRow("ec") << QStringLiteral("ec") << int(QSsl::Ec);
}

void TestKubeconfig::credentialsResolveRelativeToTheFile()
{
    QFETCH(QString, algorithm);
    QFETCH(int, expected);
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("conf/certs")));
    QVERIFY(makeKeyAndCertificate(algorithm, QStringLiteral("conf/certs/client-") + algorithm));
    QVERIFY(makeKeyAndCertificate(QStringLiteral("rsa"), QStringLiteral("conf/ca")));
    write(QStringLiteral("conf/token"), "  s3cr3t-token\n");
    const QString path = write(QStringLiteral("conf/config"),
                               QStringLiteral(R"(
clusters:
- name: c
  cluster: {server: "https://10.0.0.1:6443", certificate-authority: ca.crt, tls-server-name: api.lucent.internal,
            proxy-url: "http://proxy.lucent.internal:3128"}
users:
- name: cert
  user: {client-certificate: certs/client-%1.crt, client-key: certs/client-%1.key}
- name: tok
  user: {tokenFile: token}
contexts:
- name: by-cert
  context: {cluster: c, user: cert, namespace: lucent-staging}
- name: by-token
  context: {cluster: c, user: tok}
)")
                                   .arg(algorithm)
                                   .toUtf8());
    const Kubeconfig config = Kubeconfig::load({path});
    QVERIFY2(config.problems.isEmpty(), qPrintable(config.problems.value(0).sentence()));
    QCOMPARE(config.user(QStringLiteral("cert"))->credentials.clientKeyFile,
             m_dir.filePath(QStringLiteral("conf/certs/client-") + algorithm + QStringLiteral(".key")));

    QString error;
    auto byCert = ConnectionResolver::resolve(config, QStringLiteral("by-cert"), &error);
    QVERIFY2(byCert, qPrintable(error));
    QCOMPARE(int(byCert->clientKey.algorithm()), expected);
    QVERIFY(byCert->hasClientCertificate());
    QCOMPARE(byCert->certificateAuthorities.size(), 1);
    QCOMPARE(byCert->tlsServerName, QStringLiteral("api.lucent.internal"));
    QCOMPARE(byCert->proxyUrl.port(), 3128);
    QCOMPARE(byCert->defaultNamespace, QStringLiteral("lucent-staging"));

    auto byToken = ConnectionResolver::resolve(config, QStringLiteral("by-token"), &error);
    QVERIFY2(byToken, qPrintable(error));
    QCOMPARE(byToken->token, QByteArray("s3cr3t-token"));
    QCOMPARE(byToken->defaultNamespace, QStringLiteral("default"));
    QVERIFY(!byToken->hasClientCertificate());
}

void TestKubeconfig::inlineDataAndBrokenBase64()
{
    const QByteArray pem = "-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n";
    const Kubeconfig good = Kubeconfig::parse("clusters:\n- name: c\n  cluster:\n    server: https://h\n"
                                              "    certificate-authority-data: "
                                                  + pem.toBase64()
                                                  + "\nusers:\n- name: u\n  user:\n    token: abc\n"
                                                    "    username: ann\n    password: pw\n",
                                              QStringLiteral("inline.yaml"));
    QVERIFY(good.problems.isEmpty());
    QCOMPARE(good.clusters.value(0).certificateAuthorityData, pem);
    QCOMPARE(good.users.value(0).credentials.token, QByteArray("abc"));
    QCOMPARE(good.users.value(0).credentials.password, QByteArray("pw"));
    QCOMPARE(good.users.value(0).methods, (QList<AuthMethod>{AuthMethod::Token, AuthMethod::BasicAuth}));

    const Kubeconfig bad = Kubeconfig::parse("users:\n- name: u\n  user:\n    client-key-data: '%%%not base64'\n",
                                             QStringLiteral("bad.yaml"));
    QCOMPARE(bad.problems.size(), 1);
    QCOMPARE(bad.problems[0].line, 4);
    QVERIFY2(bad.problems[0].sentence().contains(QStringLiteral("client-key-data of 'u' is not valid base64")),
             qPrintable(bad.problems[0].sentence()));
    QCOMPARE(bad.users.size(), 1); // the entry stays, without the broken field
}

void TestKubeconfig::execPluginSettings()
{
    const Kubeconfig config = Kubeconfig::parse(R"(
users:
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: lucent-sso
      args: [token, --cluster, staging]
      env: [{name: SSO_REGION, value: eu}]
      installHint: Install lucent-sso from the internal portal.
      interactiveMode: Never
      provideClusterInfo: true
- name: old
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}
)",
                                                QStringLiteral("exec.yaml"));
    const ExecConfig &exec = config.user(QStringLiteral("sso"))->credentials.exec;
    QVERIFY(config.user(QStringLiteral("sso"))->credentials.hasExec);
    QCOMPARE(exec.args, (QStringList{QStringLiteral("token"), QStringLiteral("--cluster"), QStringLiteral("staging")}));
    QCOMPARE(exec.env.value(0).first, QStringLiteral("SSO_REGION"));
    QCOMPARE(exec.env.value(0).second, QStringLiteral("eu"));
    QCOMPARE(exec.installHint, QStringLiteral("Install lucent-sso from the internal portal."));
    QCOMPARE(exec.interactiveMode, QStringLiteral("Never"));
    QVERIFY(exec.provideClusterInfo);
    QCOMPARE(config.problems.size(), 1);
    QVERIFY(config.problems[0].sentence().contains(QStringLiteral("v1alpha1")));
}

void TestKubeconfig::unusableContextsSaySo_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");
    const QByteArray base = "clusters:\n- name: c\n  cluster: {server: 'https://h:6443'}\n";
    QTest::addRow("no such context") << base << QStringLiteral("is not in the kubeconfig");
    QTest::addRow("cluster undefined") << QByteArray("contexts:\n- name: x\n  context: {cluster: nowhere}\n")
                                       << QStringLiteral("names the cluster 'nowhere'");
    QTest::addRow("user undefined") << base + "contexts:\n- name: x\n  context: {cluster: c, user: ghost}\n"
                                    << QStringLiteral("names the user 'ghost'");
    QTest::addRow("missing certificate file") << base
            + "users:\n- name: u\n  user: {client-certificate: /nonexistent/c.crt, client-key: /nonexistent/c.key}\n"
              "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                                              << QStringLiteral("/nonexistent/c.crt");
    QTest::addRow("key without certificate") << base + "users:\n- name: u\n  user: {client-key-data: "
            + QByteArray("key").toBase64() + "}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                                             << QStringLiteral("without a key, or a key without a certificate");
    QTest::addRow("socks proxy") << QByteArray("clusters:\n- name: c\n  cluster: {server: 'https://h', proxy-url: "
                                               "'socks5://p:1080'}\ncontexts:\n- name: x\n  context: {cluster: c}\n")
                                 << QStringLiteral("only http:// proxies");
    QTest::addRow("not a url") << QByteArray("clusters:\n- name: c\n  cluster: {server: 'h:6443'}\ncontexts:\n- "
                                             "name: x\n  context: {cluster: c}\n")
                               << QStringLiteral("is not an http(s) URL");
    // A path to a device or a folder: /dev/zero never ends, and reading it hung the resolver.
    QTest::addRow("certificate authority is /dev/zero")
        << QByteArray("clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority: /dev/zero}\n"
                      "contexts:\n- name: x\n  context: {cluster: c}\n")
        << QStringLiteral("/dev/zero, named in cfg.yaml, is a device or socket, not a file");
    QTest::addRow("token file is a folder") << base
            + "users:\n- name: u\n  user: {tokenFile: /tmp}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                                            << QStringLiteral("is a folder, not a file");
}

void TestKubeconfig::unusableContextsSaySo()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const Kubeconfig config = Kubeconfig::parse(yaml, QStringLiteral("cfg.yaml"));
    QString error;
    QVERIFY(!ConnectionResolver::resolve(config, QStringLiteral("x"), &error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
