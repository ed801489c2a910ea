#include "core/logging/logging.h"

#include <QtTest>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

using namespace Lucent::Core;

class TestLogging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void secretsNeverReachTheSinks();
    void componentLoggersAndLevels();
    void qtMessagesAreRoutedAndRedacted();
    void defaultDirectoryFollowsXdgState();
    void unwritableDirectoryIsReported();
    void parseLevel_data();
    void parseLevel();

private:
    QTemporaryDir m_dir;
    std::ostringstream m_captured;
    QString readLogFile() const;
};

void TestLogging::init()
{
    QVERIFY(m_dir.isValid());
    m_captured.str({});
    Logging::Options options;
    options.console = false;
    options.directory = m_dir.path();
    options.level = spdlog::level::debug;
    options.extraSinks.push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(m_captured));
    QVERIFY(!Logging::initialize(options).has_value());
}

void TestLogging::cleanup()
{
    Logging::shutdown();
}

QString TestLogging::readLogFile() const
{
    QFile file(Logging::logFilePath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

void TestLogging::secretsNeverReachTheSinks()
{
    const QStringList secrets{QStringLiteral("sk-live-0123456789abcdef"), QStringLiteral("hunter2hunter2"),
                              QStringLiteral("MIIEvQIBADANBgkqhkiG9w0BAQEF"), QStringLiteral("dXNlcjpwYXNzd29yZA")};
    auto log = Logging::logger("lucent.core.kube");
    log->info("request headers: Authorization: Bearer {}", secrets[0].toStdString());
    log->warn("kubeconfig user entry: {{\"username\":\"ops\",\"password\":\"{}\"}}", secrets[1].toStdString());
    log->error("bad key:\n-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----", secrets[2].toStdString());
    log->debug("proxy-authorization: Basic {}", secrets[3].toStdString());
    log->flush();

    const QString file = readLogFile();
    const QString captured = QString::fromStdString(m_captured.str());
    QVERIFY2(file.contains(QStringLiteral("request headers")), qPrintable(file));
    QCOMPARE(file.count(QStringLiteral("<redacted>")), 4);
    QCOMPARE(captured.count(QStringLiteral("<redacted>")), 4);
    for (const QString &secret : secrets) {
        QVERIFY2(!file.contains(secret), qPrintable(secret));
        QVERIFY2(!captured.contains(secret), qPrintable(secret));
    }
}

void TestLogging::componentLoggersAndLevels()
{
    auto kube = Logging::logger("lucent.core.kube");
    auto prom = Logging::logger("lucent.core.prometheus");
    QVERIFY(kube != prom);
    QCOMPARE(Logging::logger("lucent.core.kube"), kube);
    kube->info("watch resumed");
    prom->trace("below the level");
    prom->info("query answered");
    kube->flush();
    const QString captured = QString::fromStdString(m_captured.str());
    QVERIFY(captured.contains(QStringLiteral("[lucent.core.kube] watch resumed")));
    QVERIFY(captured.contains(QStringLiteral("[lucent.core.prometheus] query answered")));
    QVERIFY(!captured.contains(QStringLiteral("below the level")));
}

void TestLogging::qtMessagesAreRoutedAndRedacted()
{
    qWarning("token: %s", "qt-secret-987654");
    Logging::logger("lucent.qt.default")->flush();
    const QString captured = QString::fromStdString(m_captured.str());
    QVERIFY2(captured.contains(QStringLiteral("warning [lucent.qt.default] token: <redacted>")), qPrintable(captured));
    QVERIFY(!captured.contains(QStringLiteral("qt-secret-987654")));
}

void TestLogging::defaultDirectoryFollowsXdgState()
{
    qputenv("XDG_STATE_HOME", m_dir.path().toUtf8());
    QCOMPARE(Logging::stateDirectory(), m_dir.path() + QStringLiteral("/lucent-console"));
    qputenv("XDG_STATE_HOME", "relative/is/ignored");
    QCOMPARE(Logging::stateDirectory(), QDir::homePath() + QStringLiteral("/.local/state/lucent-console"));
}

void TestLogging::unwritableDirectoryIsReported()
{
    Logging::shutdown();
    QFile blocker(m_dir.filePath(QStringLiteral("not-a-dir")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    Logging::Options options;
    options.console = false;
    options.directory = blocker.fileName() + QStringLiteral("/logs");
    const auto problem = Logging::initialize(options);
    QVERIFY(problem.has_value());
    QVERIFY2(problem->contains(QStringLiteral("Cannot create the log directory")), qPrintable(*problem));
    QVERIFY(Logging::logFilePath().isEmpty());
    Logging::logger("lucent.app")->info("still works without a file"); // must not throw
}

void TestLogging::parseLevel_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("level");
    QTest::addRow("debug") << QStringLiteral("debug") << int(spdlog::level::debug);
    QTest::addRow("WARN") << QStringLiteral("WARN") << int(spdlog::level::warn);
    QTest::addRow("warning") << QStringLiteral("warning") << int(spdlog::level::warn);
    QTest::addRow("error") << QStringLiteral(" error ") << int(spdlog::level::err);
    QTest::addRow("off") << QStringLiteral("off") << int(spdlog::level::off);
    QTest::addRow("bogus") << QStringLiteral("loud") << -1;
}

void TestLogging::parseLevel()
{
    QFETCH(QString, name);
    QFETCH(int, level);
    const auto parsed = Logging::parseLevel(name);
    QCOMPARE(parsed.has_value() ? int(*parsed) : -1, level);
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
