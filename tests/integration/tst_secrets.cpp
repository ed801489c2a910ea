// A whole session with every kind of credential, at --log-level trace, and then a search of
// everything the console and its CLI wrote (state, config and cache folders: logs, audit
// trail, promotion journals, recovery copies, screenshots) and printed, for every secret
// value, raw and base64-encoded. The session: the console on four environments, one per way
// of signing in (a token, a client certificate, an exec plugin, basic auth), with a Prometheus
// bearer token; the Logs tab following a Deployment; a promotion from the CLI with the token
// sent to Prometheus; validate on a manifest holding a Secret; and, in this process with its
// log at trace, an apply of that Secret, a scale and a followed log.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/apply/manifestapplier.h"
#include "core/audit/audittrail.h"
#include "core/kube/kubeclient.h"
#include "core/kube/logstream.h"
#include "core/logging/logging.h"
#include "core/release/operationrunner.h"
#include "core/validation/manifestjson.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;

namespace {

const QByteArray BasicPassword = "b4sic-pa55word-never-written";
const QByteArray PrometheusToken = "prom-bearer-7f3a9c1e5d2b8046";
const QByteArray ManifestPassword = "manifest-s3cret-value-91ab";
const QByteArray ManifestApiKey = "manifest-api-key-27cd4e";

QByteArray captured(const QRegularExpression &pattern, const QByteArray &text)
{
    return pattern.match(QString::fromUtf8(text)).captured(1).toUtf8();
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aWholeSessionWritesNoSecret();

private:
    struct Output {
        QString what;
        QByteArray text;
        int exitCode = 0;
    };
    void writeInputs();
    Output console(const QString &what, const QStringList &arguments, int timeoutMs = 120000);
    void inProcessSession();
    QString input(const QString &name) const { return m_root.filePath(QStringLiteral("input/") + name); }

    SandboxProcess m_sandbox{{QStringLiteral("--tls"), QStringLiteral("--prometheus"), QStringLiteral("--speed"),
                              QStringLiteral("20"), QStringLiteral("--log-rate"), QStringLiteral("5")}};
    QTemporaryDir m_root; ///< input/ (what the test wrote) and the console's home and XDG folders
    QByteArray m_adminToken;
    QList<QByteArray> m_secrets;
    QList<Output> m_outputs;
};

void TestSecrets::initTestCase()
{
    QVERIFY(m_root.isValid());
    for (const char *folder : {"input", "home", "state", "config", "cache"})
        QVERIFY(QDir(m_root.path()).mkpath(QLatin1String(folder)));
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    writeInputs();
}

// The kubeconfig (four users on the sandbox's cluster), the project, the exec plugin, the
// Prometheus token file and a manifest with a Secret; and the list of every secret in them.
void TestSecrets::writeInputs()
{
    QFile sandboxConfig(m_sandbox.kubeconfig());
    QVERIFY(sandboxConfig.open(QIODevice::ReadOnly));
    const QByteArray text = sandboxConfig.readAll();
    const QRegularExpression token(QStringLiteral("token: *\"?([A-Za-z0-9._-]{16,})"));
    for (auto it = token.globalMatch(QString::fromUtf8(text)); it.hasNext();)
        m_secrets.append(it.next().captured(1).toUtf8());
    QVERIFY(m_secrets.size() >= 3);
    m_adminToken = m_secrets.constFirst();
    const QByteArray certificate
        = captured(QRegularExpression(QStringLiteral("client-certificate-data: *(\\S+)")), text);
    const QByteArray key = captured(QRegularExpression(QStringLiteral("client-key-data: *(\\S+)")), text);
    QVERIFY(!certificate.isEmpty() && !key.isEmpty());
    m_secrets.append(key);
    // The key's PEM body, line by line as a log might show it.
    for (const QByteArray &line : QByteArray::fromBase64(key).split('\n')) {
        if (line.size() >= 32 && !line.startsWith("-----"))
            m_secrets.append(line);
    }
    m_secrets += {BasicPassword, "lucent-admin:" + BasicPassword, PrometheusToken, ManifestPassword, ManifestApiKey};

    const qsizetype clusters = text.indexOf("clusters:");
    const qsizetype users = text.indexOf("users:");
    QVERIFY(clusters >= 0 && users > clusters);
    QFile plugin(input(QStringLiteral("exec-plugin.sh")));
    QVERIFY(plugin.open(QIODevice::WriteOnly));
    plugin.write("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                 "\"status\":{\"token\":\""
                 + m_adminToken + "\"}}'\n");
    plugin.close();
    QVERIFY(plugin.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QByteArray config = "apiVersion: v1\nkind: Config\ncurrent-context: via-token\n"
        + text.mid(clusters, users - clusters)
        + "users:\n"
          "  - name: token-user\n    user:\n      token: "
        + m_adminToken + "\n  - name: cert-user\n    user:\n      client-certificate-data: " + certificate
        + "\n      client-key-data: " + key
        + "\n  - name: exec-user\n    user:\n      exec:\n        apiVersion: client.authentication.k8s.io/v1\n"
          "        command: "
        + input(QStringLiteral("exec-plugin.sh")).toUtf8()
        + "\n        interactiveMode: Never\n"
          "  - name: basic-user\n    user:\n      username: lucent-admin\n      password: "
        + BasicPassword + "\ncontexts:\n";
    QFile project(m_sandbox.projectFile());
    QVERIFY(project.open(QIODevice::ReadOnly));
    const QByteArray projectText = project.readAll();
    const QByteArray prometheus = captured(QRegularExpression(QStringLiteral("prometheus: *(\\S+)")), projectText);
    const QByteArray alertmanager = captured(QRegularExpression(QStringLiteral("alertmanager: *(\\S+)")), projectText);
    QByteArray environments = "environments:\n";
    for (const char *way : {"token", "cert", "exec", "basic"}) {
        const QByteArray name = QByteArray("via-") + way;
        config += "  - name: " + name + "\n    context:\n      cluster: lucent-sandbox\n      user: " + way
            + "-user\n      namespace: lucent-staging\n";
        environments += "  - name: " + name + "\n    context: " + name
            + "\n    namespace: lucent-staging\n    prometheus: " + prometheus + "\n    alertmanager: " + alertmanager
            + "\n";
    }
    QFile kubeconfig(input(QStringLiteral("kubeconfig")));
    QVERIFY(kubeconfig.open(QIODevice::WriteOnly) && kubeconfig.write(config) == config.size());
    kubeconfig.close();
    QFile lucent(input(QStringLiteral("lucent.yaml")));
    const QByteArray projectFile
        = environments + "promotion:\n  analysis: {initialDelaySeconds: 0, intervalSeconds: 1, count: 2}\n";
    QVERIFY(lucent.open(QIODevice::WriteOnly) && lucent.write(projectFile) == projectFile.size());
    lucent.close();
    QFile tokenFile(input(QStringLiteral("prometheus-token")));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly) && tokenFile.write(PrometheusToken) > 0);
    tokenFile.close();
    QFile secret(input(QStringLiteral("secret.yaml")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("apiVersion: v1\nkind: Secret\nmetadata:\n  name: session-credentials\n  namespace: lucent-staging\n"
                 "  labels: {app: wallet-service}\ntype: Opaque\ndata:\n  password: "
                 + ManifestPassword.toBase64() + "\nstringData:\n  apiKey: " + ManifestApiKey + "\n");
}

TestSecrets::Output TestSecrets::console(const QString &what, const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), m_root.filePath(QStringLiteral("home")));
    for (const char *folder : {"state", "config", "cache"})
        environment.insert(QStringLiteral("XDG_%1_HOME").arg(QString::fromLatin1(folder).toUpper()),
                           m_root.filePath(QLatin1String(folder)));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("LUCENT_PROMETHEUS_TOKEN"), QString::fromUtf8(PrometheusToken));
    environment.remove(QStringLiteral("KUBECONFIG"));
    process.setProcessEnvironment(environment);
    // validate reads files only; everything else talks to the cluster, logging at trace.
    QStringList all = arguments;
    if (arguments.value(0) != QLatin1String("validate"))
        all += {QStringLiteral("--kubeconfig"),       input(QStringLiteral("kubeconfig")), QStringLiteral("--config"),
                input(QStringLiteral("lucent.yaml")), QStringLiteral("--log-level"),       QStringLiteral("trace")};
    process.start(qEnvironmentVariable("LUCENT_CONSOLE"), all);
    const bool finished = process.waitForFinished(timeoutMs);
    Output output{what, process.readAllStandardOutput() + process.readAllStandardError(),
                  finished && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1};
    if (!finished)
        process.kill();
    qInfo("%s: exit %d, %lld bytes of output", qPrintable(what), process.exitCode(), qlonglong(output.text.size()));
    m_outputs.append(output);
    return output;
}

void TestSecrets::inProcessSession()
{
    Logging::Options logging;
    logging.level = spdlog::level::trace;
    logging.console = false;
    logging.directory = m_root.filePath(QStringLiteral("state/in-process"));
    QVERIFY(!Logging::initialize(logging).has_value());
    QString error;
    const auto connection
        = Lucent::Tests::connectionFor(input(QStringLiteral("kubeconfig")), QStringLiteral("via-basic"), {}, &error);
    QVERIFY2(connection, qPrintable(error));
    const auto certified
        = Lucent::Tests::connectionFor(input(QStringLiteral("kubeconfig")), QStringLiteral("via-cert"), {}, &error);
    QVERIFY2(certified, qPrintable(error));
    Kube::KubeClient basic(*connection);
    basic.setRetryPolicy({1, 10, 20, 100});
    // The sandbox takes bearer tokens only: the request must reach it (so that the header
    // went out, and was logged at trace) and come back 401; anything else sent less to leak.
    const Lucent::Tests::Answer refused
        = Lucent::Tests::waitFor(basic.list(Kube::ResourceType::pods(), QStringLiteral("lucent-staging")));
    QVERIFY2(refused.arrived && refused.status == 401, qPrintable(refused.error.sentence()));
    Kube::KubeClient client(*certified);
    qputenv("XDG_STATE_HOME", m_root.filePath(QStringLiteral("state")).toUtf8());
    Audit::AuditTrail audit(QStringLiteral("via-cert"));
    audit.attach(&client, QStringLiteral("lucent-admin"));

    QFile secret(input(QStringLiteral("secret.yaml")));
    QVERIFY(secret.open(QIODevice::ReadOnly));
    const auto objects = Validation::manifestObjects(secret.readAll(), &error);
    QVERIFY2(!objects.isEmpty(), qPrintable(error));
    Apply::ManifestApplier applier(&client, QStringLiteral("lucent-staging"));
    applier.setAuditTrail(&audit);
    QSignalSpy applied(&applier, &Apply::ManifestApplier::finished);
    applier.start(objects, false);
    QVERIFY(applied.wait(20000));
    QCOMPARE(applied.size(), 1);
    const auto outcomes = applied.first().first().value<QList<Apply::ApplyOutcome>>();
    QCOMPARE(outcomes.size(), 1);
    QVERIFY2(outcomes.first().result != Apply::ApplyOutcome::Result::Failed, qPrintable(outcomes.first().message));
    const auto stored = m_sandbox.kubectl(
        Lucent::Tests::args({"get", "secret", "session-credentials", "-n", "lucent-staging", "-o", "json"}));
    QVERIFY2(stored.exitCode == 0, qPrintable(stored.errText()));
    QCOMPARE(
        QByteArray::fromBase64(stored.json()[QLatin1String("data")][QLatin1String("password")].toString().toUtf8()),
        ManifestPassword); // the apply did send the values

    const auto deployment
        = m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "frontend", "-n", "lucent-staging", "-o", "json"}));
    QVERIFY2(deployment.exitCode == 0, qPrintable(deployment.errText()));
    Release::OperationRunner runner(&client, &audit);
    QSignalSpy scaled(&runner, &Release::OperationRunner::finished);
    runner.run(Release::RolloutOperation::scale(Release::OperationTarget::of(deployment.json().object()), 3));
    QVERIFY(scaled.wait(20000));
    const auto result = scaled.first().first().value<Release::OperationResult>();
    QVERIFY2(result.succeeded(), qPrintable(result.sentence)); // a refused scale logs less

    Kube::LogOptions follow;
    follow.follow = true;
    follow.tailLines = 5;
    const auto pods = m_sandbox.kubectl(
        Lucent::Tests::args({"get", "pods", "-n", "lucent-staging", "-l", "app=wallet-service", "-o", "json"}));
    QVERIFY2(pods.exitCode == 0, qPrintable(pods.errText()));
    const QString pod
        = pods.json()[QLatin1String("items")][0][QLatin1String("metadata")][QLatin1String("name")].toString();
    QVERIFY2(pod.startsWith(QLatin1String("wallet-service")), qPrintable(pods.outText().left(2000)));
    Kube::LogStream stream(&client, QStringLiteral("lucent-staging"), pod, follow);
    QSignalSpy lines(&stream, &Kube::LogStream::linesReceived);
    stream.start();
    QVERIFY(lines.wait(20000));
    stream.stop();
    Logging::shutdown();
}

void TestSecrets::aWholeSessionWritesNoSecret()
{
    // The console on each way of signing in; basic auth is refused by the sandbox, but its
    // header was sent and logged at trace, which is the point.
    for (const char *way : {"token", "cert", "exec", "basic"}) {
        const QString environment = QStringLiteral("via-") + QLatin1String(way);
        const Output shown = console(environment,
                                     {QStringLiteral("--env"), environment, QStringLiteral("--screenshot"),
                                      m_root.filePath(QStringLiteral("state/%1.png").arg(environment)),
                                      QStringLiteral("--screenshot-timeout"), QStringLiteral("20")});
        QVERIFY2(shown.exitCode == 0, shown.text.right(2000).constData());
    }
    const Output logs = console(QStringLiteral("logs"),
                                {QStringLiteral("--env"), QStringLiteral("via-cert"), QStringLiteral("--logs"),
                                 QStringLiteral("deployment/wallet-service"), QStringLiteral("--screenshot"),
                                 m_root.filePath(QStringLiteral("state/logs.png"))});
    QVERIFY2(logs.exitCode == 0, logs.text.right(2000).constData());
    const Output promoted = console(
        QStringLiteral("promote"),
        {QStringLiteral("promote"), QStringLiteral("--env"), QStringLiteral("via-exec"), QStringLiteral("--image"),
         QStringLiteral("wallet-service=lucent/wallet-service:2.2.0"), QStringLiteral("--yes"),
         QStringLiteral("--monitor"), QStringLiteral("1"), QStringLiteral("--scale-down-delay"), QStringLiteral("1"),
         QStringLiteral("--analysis"), QStringLiteral("none"), // the preflight still asks Prometheus, with the token
         QStringLiteral("--prometheus-token-file"), input(QStringLiteral("prometheus-token"))});
    QVERIFY2(promoted.exitCode == 0, promoted.text.constData());
    const Output history = console(
        QStringLiteral("history"),
        {QStringLiteral("promotion"), QStringLiteral("history"), QStringLiteral("--env"), QStringLiteral("via-exec")});
    QVERIFY2(history.exitCode == 0 && history.text.contains("wallet-service"), history.text.constData());
    const Output validated
        = console(QStringLiteral("validate"), {QStringLiteral("validate"), input(QStringLiteral("secret.yaml"))});
    QVERIFY2(validated.exitCode == 0 || validated.exitCode == 1, validated.text.constData());
    inProcessSession();
    if (QTest::currentTestFailed())
        return; // the session stopped short: there is less to search, and the failure says why

    // Every file written under the session's home and XDG folders, and every output.
    QList<Output> written = m_outputs;
    qint64 bytes = 0;
    for (const char *folder : {"home", "state", "config", "cache"}) {
        QDirIterator files(m_root.filePath(QLatin1String(folder)), QDir::Files | QDir::Hidden,
                           QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            written.append({file.fileName(), file.readAll()});
            bytes += written.constLast().text.size();
        }
    }
    QStringList kinds;
    for (const Output &file : std::as_const(written))
        kinds.append(QFileInfo(file.what).fileName());
    QVERIFY2(kinds.contains(QStringLiteral("audit.jsonl")), qPrintable(kinds.join(QLatin1Char(' '))));
    QVERIFY2(std::any_of(kinds.cbegin(), kinds.cend(),
                         [](const QString &name) { return name.endsWith(QLatin1String(".log")); }),
             qPrintable(kinds.join(QLatin1Char(' '))));
    QVERIFY2(std::any_of(written.cbegin(), written.cend(),
                         [](const Output &file) { return file.what.contains(QLatin1String("/promotions/")); }),
             qPrintable(kinds.join(QLatin1Char(' '))));
    qInfo("files: %s", qPrintable(kinds.join(QLatin1Char(' '))));
    // The search sees what the session did: the trace logs hold its requests.
    const auto anyHolds = [&written](const QByteArray &text) {
        return std::any_of(written.cbegin(), written.cend(), [&text](const Output &file) {
            return !file.what.startsWith(QLatin1String("via-")) && file.text.contains(text);
        });
    };
    QVERIFY(anyHolds("/api/v1/namespaces/lucent-staging/pods"));
    QStringList found;
    for (const QByteArray &secret : std::as_const(m_secrets)) {
        for (const QByteArray &form : {secret, secret.toBase64(), secret.toBase64(QByteArray::OmitTrailingEquals)}) {
            for (const Output &file : std::as_const(written)) {
                if (file.text.contains(form))
                    found.append(QStringLiteral("%1 holds %2…").arg(file.what, QString::fromUtf8(form.left(6))));
            }
        }
    }
    qInfo("searched %lld files (%lld bytes) and %lld outputs for %lld secrets, raw and base64: %lld found",
          qlonglong(written.size() - m_outputs.size()), bytes, qlonglong(m_outputs.size()), qlonglong(m_secrets.size()),
          qlonglong(found.size()));
    QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
