#include "core/commandline/commandline.h"

#include <QtTest>

using Lucent::Core::CommandLine;

class TestCommandLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void options();
    void helpAndVersion();
    void errors_data();
    void errors();
};

static CommandLine parse(QStringList args)
{
    args.prepend(QStringLiteral("lucent-console"));
    return CommandLine::parse(args);
}

void TestCommandLine::defaults()
{
    const CommandLine c = parse({});
    QCOMPARE(c.action, CommandLine::Action::Run);
    QVERIFY(c.kubeconfig.isEmpty());
    QVERIFY(c.screenshot.isEmpty());
    QCOMPARE(c.logLevel, spdlog::level::info);
    QCOMPARE(c.theme, CommandLine::Theme::System);
    QCOMPARE(c.screenshotTimeoutSeconds, 30);
}

void TestCommandLine::options()
{
    const CommandLine c
        = parse({QStringLiteral("--kubeconfig"), QStringLiteral("/tmp/k.yaml"),
                 QStringLiteral("--screenshot=/tmp/s.png"), QStringLiteral("--log-level"), QStringLiteral("debug"),
                 QStringLiteral("--theme"), QStringLiteral("dark"), QStringLiteral("--screenshot-timeout"),
                 QStringLiteral("5"), QStringLiteral("--size"), QStringLiteral("1024x700")});
    QCOMPARE(c.action, CommandLine::Action::Run);
    QCOMPARE(c.windowSize, QSize(1024, 700));
    QVERIFY(!parse({}).windowSize.isValid());
    QCOMPARE(c.kubeconfig, QStringLiteral("/tmp/k.yaml"));
    QCOMPARE(c.screenshot, QStringLiteral("/tmp/s.png"));
    QCOMPARE(c.logLevel, spdlog::level::debug);
    QCOMPARE(c.theme, CommandLine::Theme::Dark);
    QCOMPARE(c.screenshotTimeoutSeconds, 5);
    QCOMPARE(c.view, QStringLiteral("rollouts"));

    const CommandLine logs = parse({QStringLiteral("--logs"), QStringLiteral("deployment/wallet-service")});
    QCOMPARE(logs.logs, QStringLiteral("deployment/wallet-service"));
    QCOMPARE(logs.view, QStringLiteral("logs")); // --logs opens its tab
    QCOMPARE(parse({QStringLiteral("--view=LOGS")}).view, QStringLiteral("logs"));

    const CommandLine promote = parse({QStringLiteral("--env"), QStringLiteral("production"),
                                       QStringLiteral("--promote"), QStringLiteral("wallet-service, user-service")});
    QCOMPARE(promote.environment, QStringLiteral("production"));
    QVERIFY(promote.openPromotion);
    QCOMPARE(promote.promoteServices, (QStringList{QStringLiteral("wallet-service"), QStringLiteral("user-service")}));
    const CommandLine none = parse({QStringLiteral("--promote=")});
    QVERIFY(none.openPromotion);
    QVERIFY(none.promoteServices.isEmpty());
    QVERIFY(!parse({}).openPromotion);
}

void TestCommandLine::helpAndVersion()
{
    const CommandLine help = parse({QStringLiteral("--help")});
    QCOMPARE(help.action, CommandLine::Action::ShowHelp);
    QVERIFY(help.text.startsWith(QStringLiteral("Usage: lucent-console [options]")));
    for (const char *option : {"--kubeconfig", "--screenshot", "--log-level", "--theme", "--version"})
        QVERIFY2(help.text.contains(QLatin1String(option)), option);

    const CommandLine version = parse({QStringLiteral("-v")});
    QCOMPARE(version.action, CommandLine::Action::ShowVersion);
    QCOMPARE(version.text, QStringLiteral("lucent-console " LUCENT_VERSION_STRING "\n"));
}

void TestCommandLine::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown option") << QStringList{QStringLiteral("--frobnicate")}
                                    << QStringLiteral("Unknown option 'frobnicate'");
    QTest::addRow("missing value") << QStringList{QStringLiteral("--kubeconfig")}
                                   << QStringLiteral("Missing value after '--kubeconfig'");
    QTest::addRow("bad level") << QStringList{QStringLiteral("--log-level=loud")}
                               << QStringLiteral("Unknown log level 'loud'");
    QTest::addRow("bad size") << QStringList{QStringLiteral("--size=big")}
                              << QStringLiteral("--size takes WIDTHxHEIGHT");
    QTest::addRow("tiny size") << QStringList{QStringLiteral("--size=10x10")} << QStringLiteral("at least 320x240");
    QTest::addRow("promote without env") << QStringList{QStringLiteral("promote"), QStringLiteral("--yes")}
                                         << QStringLiteral("Name the environment with --env");
    QTest::addRow("promote without image") << QStringList{QStringLiteral("promote"), QStringLiteral("--env=staging")}
                                           << QStringLiteral("Name at least one --image");
    QTest::addRow("promote bad output") << QStringList{QStringLiteral("promote"), QStringLiteral("--env=staging"),
                                                       QStringLiteral("--image=a=b:1"), QStringLiteral("--output=xml")}
                                        << QStringLiteral("--output takes text or json");
    QTest::addRow("promote bad analysis")
        << QStringList{QStringLiteral("promote"), QStringLiteral("--env=staging"), QStringLiteral("--image=a=b:1"),
                       QStringLiteral("--analysis=maybe")}
        << QStringLiteral("--analysis takes default or none");
    QTest::addRow("bad theme") << QStringList{QStringLiteral("--theme=pink")} << QStringLiteral("Unknown theme 'pink'");
    QTest::addRow("bad timeout") << QStringList{QStringLiteral("--screenshot-timeout=-3")}
                                 << QStringLiteral("positive number of seconds");
    QTest::addRow("bad view") << QStringList{QStringLiteral(
        "--view=pods")} << QStringLiteral("--view takes rollouts, alerts, metrics, logs, manifests or kubeconfig");
    QTest::addRow("positional") << QStringList{QStringLiteral("staging")}
                                << QStringLiteral("Unexpected argument 'staging'");
}

void TestCommandLine::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CommandLine c = parse(args);
    QCOMPARE(c.action, CommandLine::Action::Fail);
    QVERIFY2(c.text.contains(message), qPrintable(c.text));
    QVERIFY(c.text.contains(QStringLiteral("--help")));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
