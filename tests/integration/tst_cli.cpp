// Runs the installed-shape executable as a user would: exit codes, what it prints, and the
// headless --screenshot path the README's run command relies on.

#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void version();
    void help();
    void badOptionFailsWithASentence();
    void noDisplayExplainsHowToRunHeadless();
    void screenshotWorksWithoutADisplay();
    void screenshotOfABrokenKubeconfigStillRenders();
    void sandboxDashboardScreenshotAt1280x800();
    void sandboxExcludesKubeconfigAndConfig();
    void validateExitCodesAndFormats();
    void validateSurvivesHostileAliases();

private:
    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &args, bool withDisplay = false) const;

    QString m_binary;
    QTemporaryDir m_dir;
};

void TestCli::initTestCase()
{
    m_binary = qEnvironmentVariable("LUCENT_CONSOLE");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), "LUCENT_CONSOLE must name the built lucent-console");
    QVERIFY(m_dir.isValid());
}

TestCli::Run TestCli::run(const QStringList &args, bool withDisplay) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "KUBECONFIG"})
        env.remove(QLatin1String(name));
    if (withDisplay)
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_STATE_HOME"), m_dir.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    // Temporary files (the --sandbox directory) inside the test's own directory.
    QDir().mkpath(m_dir.filePath(QStringLiteral("tmp")));
    env.insert(QStringLiteral("TMPDIR"), m_dir.filePath(QStringLiteral("tmp")));

    QProcess process;
    process.setProcessEnvironment(env);
    process.start(m_binary, args);
    Run result;
    if (!process.waitForFinished(60000)) {
        process.kill();
        result.err = process.waitForFinished(5000) ? QStringLiteral("timed out after 60 s")
                                                   : QStringLiteral("timed out, and did not end on SIGKILL");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = QString::fromLocal8Bit(process.readAllStandardOutput());
    result.err = QString::fromLocal8Bit(process.readAllStandardError());
    return result;
}

void TestCli::version()
{
    const Run r = run({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QStringLiteral("lucent-console " LUCENT_VERSION_STRING "\n"));
}

void TestCli::help()
{
    const Run r = run({QStringLiteral("--help")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith(QStringLiteral("Usage: lucent-console [options]")));
    QVERIFY(r.out.contains(QStringLiteral("--screenshot <file>")));
}

void TestCli::badOptionFailsWithASentence()
{
    const Run r = run({QStringLiteral("--log-level=chatty")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("Unknown log level 'chatty'")), qPrintable(r.err));
}

void TestCli::noDisplayExplainsHowToRunHeadless()
{
    const Run r = run({});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no display found")), qPrintable(r.err));
    QVERIFY(r.err.contains(QStringLiteral("--screenshot")));
    QVERIFY(r.err.contains(QStringLiteral("xvfb-run")));
}

void TestCli::screenshotWorksWithoutADisplay()
{
    const QString png = m_dir.filePath(QStringLiteral("console.png"));
    const Run r
        = run({QStringLiteral("--kubeconfig"), QStringLiteral(LUCENT_TEST_DATA_DIR "/kubeconfig/two-clusters.yaml"),
               QStringLiteral("--screenshot"), png, QStringLiteral("--log-level"), QStringLiteral("trace")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);

    // The log file lands in the XDG state directory and holds no credential of the kubeconfig.
    QFile log(m_dir.filePath(QStringLiteral("state/lucent-console/lucent-console.log")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(log.readAll());
    QVERIFY2(text.contains(QStringLiteral("screenshot saved")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("sk-live-deployer")));
    QVERIFY(!r.err.contains(QStringLiteral("sk-live-deployer")));
}

void TestCli::screenshotOfABrokenKubeconfigStillRenders()
{
    const QString broken = m_dir.filePath(QStringLiteral("broken.yaml"));
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("clusters: {{{\n");
    f.close();
    const QString png = m_dir.filePath(QStringLiteral("broken.png"));
    const Run r = run({QStringLiteral("--kubeconfig"), broken, QStringLiteral("--screenshot"), png});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(!QImage(png).isNull());
    QVERIFY2(r.err.contains(QStringLiteral("malformed")), qPrintable(r.err));
}

void TestCli::sandboxDashboardScreenshotAt1280x800()
{
    // --sandbox starts the build tree's lucent-sandbox, opens on its lucent.yaml and stops it.
    const QString png = m_dir.filePath(QStringLiteral("sandbox.png"));
    const Run r = run({QStringLiteral("--sandbox"), QStringLiteral("--screenshot"), png});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("lucent-sandbox listening on http://127.0.0.1:")), qPrintable(r.err));
    const QImage image(png);
    QCOMPARE(image.size(), QSize(1280, 800));
    QSet<QRgb> colours; // the table's state colours and selection: not a blank window
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
    // The sandbox did not outlive the console.
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("lucent-sandbox.*") + m_dir.path()});
    QVERIFY(pgrep.waitForFinished());
    QVERIFY2(pgrep.readAllStandardOutput().trimmed().isEmpty(), "lucent-sandbox is still running");
}

void TestCli::sandboxExcludesKubeconfigAndConfig()
{
    const Run r = run({QStringLiteral("--sandbox"), QStringLiteral("--config"), QStringLiteral("x.yaml")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--sandbox brings its own")), qPrintable(r.err));
}

void TestCli::validateExitCodesAndFormats()
{
    const QString manifests = QStringLiteral(LUCENT_TEST_DATA_DIR "/../../manifests");
    const QString rules = QStringLiteral(LUCENT_TEST_DATA_DIR "/validation/rules/");
    // Clean manifests: exit 0, no display needed.
    Run r = run({QStringLiteral("validate"), manifests});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("0 errors, 0 warnings in 26 files")), qPrintable(r.out));

    // Errors: exit 1, compiler-style lines.
    r = run({QStringLiteral("validate"), rules + QStringLiteral("secret-data.yaml")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains(QLatin1String("secret-data.yaml:8:15: error: Secret lucent-secrets key \"jwt-secret\"")),
             qPrintable(r.out));

    // Warnings alone do not fail a pipeline; SARIF and JSON are machine-readable.
    r = run({QStringLiteral("validate"), QStringLiteral("--format"), QStringLiteral("json"),
             rules + QStringLiteral("required-labels.yaml")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("warnings")).toInt(), 2);
    r = run({QStringLiteral("validate"), QStringLiteral("--format=sarif"), rules + QStringLiteral("schema-enum.yaml")});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("version")).toString(),
             QStringLiteral("2.1.0"));

    // A path that does not exist is a problem in the report, not a silent pass.
    r = run({QStringLiteral("validate"), m_dir.filePath(QStringLiteral("nowhere.yaml"))});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains(QLatin1String("The file does not exist; it was not checked.")), qPrintable(r.out));

    // The rules, with why each matters.
    r = run({QStringLiteral("validate"), QStringLiteral("--list-rules")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("image-tag-pinned (error)\n    Images name a fixed version")),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("yaml-syntax (error, always on)")));

    // Bad usage and a broken project file: exit 2 with a sentence.
    r = run({QStringLiteral("validate")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains(QLatin1String("Name the manifest files or directories")));
    r = run({QStringLiteral("validate"), QStringLiteral("--format=xml"), manifests});
    QCOMPARE(r.exitCode, 2);
    const QString config = m_dir.filePath(QStringLiteral("lucent.yaml"));
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("environments: []\nvalidation:\n  rules:\n    probes-set: sometimes\n");
    file.close();
    r = run({QStringLiteral("validate"), QStringLiteral("--config"), config, manifests});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QLatin1String("line 4")) && r.err.contains(QLatin1String("sometimes")), qPrintable(r.err));
}

// The two files that crashed (SIGSEGV) and hung `validate`: each now ends with exit 1 and the
// problem as a compiler-style line.
void TestCli::validateSurvivesHostileAliases()
{
    const QString dir = QStringLiteral(LUCENT_TEST_DATA_DIR "/validation/hostile/");
    for (const char *name : {"self-alias.yaml", "billion-laughs.yaml"}) {
        const Run r = run({QStringLiteral("validate"), dir + QLatin1String(name)});
        QVERIFY2(r.exitCode == 1,
                 qPrintable(QStringLiteral("%1: exit %2 %3").arg(QLatin1String(name)).arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.out.contains(QLatin1String(name) + QStringLiteral(":1:1: error: The YAML")), qPrintable(r.out));
    }
    // A device never ends and a folder's files are what one means: /dev/zero used to be read
    // until memory ran out.
    const Run zero = run({QStringLiteral("validate"), QStringLiteral("/dev/zero")});
    QCOMPARE(zero.exitCode, 1);
    QVERIFY2(zero.out.contains(QLatin1String("The file is a device or socket, not a file; it was not checked.")),
             qPrintable(zero.out));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
