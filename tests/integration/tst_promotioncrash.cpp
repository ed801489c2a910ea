// Crash safety of a blue-green promotion: the headless command killed with SIGKILL at each step
// boundary, in the middle of a switch and of a rollback, and at arbitrary moments; then
// `promotion resume` or `promotion abort` from the cluster's journal. Every run must end
// consistent (each Service on one colour at full size and ready, the other colour at 0, the
// journal finished), while the Services' Endpoints are sampled every 200 ms (never empty,
// never two colours) and the Services are probed through the API server's service proxy.

#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "servicewatchers.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/release/failureevidence.h"
#include "core/release/promotionlock.h"
#include "core/release/servicestatus.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::InvariantSampler;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::ServiceProber;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

/// What a killed command had printed, and how it ended.
struct Killed {
    bool killed = false;
    int exitCode = -1;
    QString output;
};

QString colourOf(const QJsonObject &object, const char *where)
{
    if (QLatin1String(where) == QLatin1String("selector"))
        return object[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString();
    return object[QLatin1String("metadata")][QLatin1String("labels")][QLatin1String("color")].toString();
}

} // namespace

class TestPromotionCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void killedThenRecovered_data();
    void killedThenRecovered();
    void anInterruptedResumeAfterTheSwitchBringsTheOldColourBackFirst();
    void aResumeRunsWithTheOptionsItWasStartedWith();
    void aCrashingColourLeavesItsLogsAndEventsInTheRecord();
    void aStoppedConsoleWhoseLockWasTakenOverEndsWithExit6();
    void historyListsThisMachinesPromotions();
    void cleanupTestCase();

private:
    QStringList commonArguments() const;
    /// Runs `lucent-console promote` and sends SIGKILL once a progress line matches @p killAt
    /// (after SIGINT once one matches @p interruptAt), or after @p killAfterMs.
    Killed promoteAndKill(const QStringList &images, const QRegularExpression &killAt,
                          const QRegularExpression &interruptAt, int killAfterMs, int monitorSeconds);
    /// Runs the console with @p arguments, signalled as promoteAndKill() says.
    Killed runAndSignal(const QStringList &arguments, const QRegularExpression &killAt,
                        const QRegularExpression &interruptAt, int killAfterMs);
    Lucent::Tests::CommandResult console(const QStringList &arguments, int timeoutMs = 180000) const;
    QJsonObject status() const;
    QList<QJsonObject> items(const char *resource) const;
    /// The Deployment of @p service in @p colour, found by its labels.
    QJsonObject deploymentOf(const QString &service, const QString &colour) const;
    QString liveColour(const QString &service) const;
    /// Whether the colour @p service serves has all its replicas updated and ready.
    bool isSettled(const QString &service) const;

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    /// Staging as the sandbox made it, put back after each function.
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, QStringLiteral("lucent-staging")};
    /// XDG_STATE_HOME of the commands, their local journals: a new one for each function.
    std::unique_ptr<QTemporaryDir> m_state;
    std::unique_ptr<Kube::KubeClient> m_client;
    int m_run = 0;
    int m_killPoints = 0;
    int m_samples = 0;
    int m_probes = 0;
};

void TestPromotionCrash::initTestCase()
{
    QVERIFY(QFileInfo(qEnvironmentVariable("LUCENT_CONSOLE")).isExecutable());
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
}

void TestPromotionCrash::init()
{
    m_state = std::make_unique<QTemporaryDir>();
    QVERIFY(m_state->isValid());
}

// What a function (each row of one) leaves is put back: the Services on the colour the sandbox
// made, no standby, no Lease. So every row starts where it would alone; before, a row started
// from whatever the row before it left.
void TestPromotionCrash::cleanup()
{
    const QString failures = m_staging.restore();
    QVERIFY2(failures.isEmpty(), qPrintable(failures));
}

QStringList TestPromotionCrash::commonArguments() const
{
    return {QStringLiteral("--config"),   m_sandbox.projectFile(),    QStringLiteral("--kubeconfig"),
            m_sandbox.kubeconfig(),       QStringLiteral("--env"),    QStringLiteral("staging"),
            QStringLiteral("--yes"),      QStringLiteral("--output"), QStringLiteral("json"),
            QStringLiteral("--analysis"), QStringLiteral("none"),     QStringLiteral("--scale-down-delay"),
            QStringLiteral("1")};
}

Lucent::Tests::CommandResult TestPromotionCrash::console(const QStringList &arguments, int timeoutMs) const
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state->path());
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("LUCENT_CONSOLE"), arguments);
    Lucent::Tests::CommandResult result;
    if (process.waitForFinished(timeoutMs) && process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Killed TestPromotionCrash::promoteAndKill(const QStringList &images, const QRegularExpression &killAt,
                                          const QRegularExpression &interruptAt, int killAfterMs, int monitorSeconds)
{
    QStringList arguments{QStringLiteral("promote")};
    arguments += commonArguments();
    arguments += {QStringLiteral("--monitor"), QString::number(monitorSeconds)};
    for (const QString &image : images)
        arguments += {QStringLiteral("--image"), image};
    return runAndSignal(arguments, killAt, interruptAt, killAfterMs);
}

Killed TestPromotionCrash::runAndSignal(const QStringList &arguments, const QRegularExpression &killAt,
                                        const QRegularExpression &interruptAt, int killAfterMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state->path());
    process.setProcessEnvironment(environment);
    Killed result;
    QByteArray pending;
    bool interrupted = false;
    connect(&process, &QProcess::readyReadStandardOutput, &process, [&] {
        pending += process.readAllStandardOutput();
        qsizetype end = 0;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(end);
            pending.remove(0, end + 1);
            result.output += QString::fromUtf8(line) + QLatin1Char('\n');
            const QString message = QJsonDocument::fromJson(line)[QLatin1String("message")].toString();
            if (!interrupted && interruptAt.isValid() && !interruptAt.pattern().isEmpty()
                && interruptAt.match(message).hasMatch()) {
                interrupted = true;
                ::kill(pid_t(process.processId()), SIGINT);
            } else if (!result.killed && !killAt.pattern().isEmpty() && (interruptAt.pattern().isEmpty() || interrupted)
                       && killAt.match(message).hasMatch()) {
                result.killed = true;
                ::kill(pid_t(process.processId()), SIGKILL);
            }
        }
    });
    QTimer killer;
    killer.setSingleShot(true);
    connect(&killer, &QTimer::timeout, &process, [&] {
        if (process.state() == QProcess::Running) {
            result.killed = true;
            ::kill(pid_t(process.processId()), SIGKILL);
        }
    });
    QEventLoop loop;
    connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(180000, &loop, &QEventLoop::quit);
    process.start(qEnvironmentVariable("LUCENT_CONSOLE"), arguments);
    if (killAfterMs >= 0)
        killer.start(killAfterMs);
    loop.exec();
    // Reaped here, so that the next command sees the process gone, not a zombie.
    if (process.state() != QProcess::NotRunning)
        return result;
    result.output += QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

QJsonObject TestPromotionCrash::status() const
{
    QStringList arguments{QStringLiteral("promotion"), QStringLiteral("status")};
    arguments += commonArguments().mid(0, 6);
    arguments += {QStringLiteral("--output"), QStringLiteral("json")};
    return QJsonDocument::fromJson(console(arguments, 30000).out).object();
}

QList<QJsonObject> TestPromotionCrash::items(const char *resource) const
{
    const auto r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", resource, "-o", "json"}));
    QList<QJsonObject> list;
    for (const auto &item : r.json()[QLatin1String("items")].toArray())
        list.append(item.toObject());
    return list;
}

QJsonObject TestPromotionCrash::deploymentOf(const QString &service, const QString &colour) const
{
    for (const QJsonObject &deployment : items("deployments")) {
        const QJsonObject labels = deployment[QLatin1String("metadata")][QLatin1String("labels")].toObject();
        if (labels[QLatin1String("app")].toString() == service && labels[QLatin1String("color")].toString() == colour)
            return deployment;
    }
    return {};
}

QString TestPromotionCrash::liveColour(const QString &service) const
{
    const auto r
        = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "service", "-o", "json"}) << service);
    return colourOf(r.json().object(), "selector");
}

bool TestPromotionCrash::isSettled(const QString &service) const
{
    const QJsonObject active = deploymentOf(service, liveColour(service));
    const int desired = active[QLatin1String("spec")][QLatin1String("replicas")].toInt();
    return desired > 0 && active[QLatin1String("status")][QLatin1String("readyReplicas")].toInt() == desired
        && active[QLatin1String("status")][QLatin1String("updatedReplicas")].toInt() == desired;
}

void TestPromotionCrash::killedThenRecovered_data()
{
    QTest::addColumn<QStringList>("services");
    QTest::addColumn<QString>("killAt"); ///< a progress line; empty: after killAfterMs
    QTest::addColumn<QString>("interruptAt"); ///< SIGINT first (a rollback to interrupt)
    QTest::addColumn<int>("killAfterMs");
    QTest::addColumn<QString>("recovery"); ///< resume or abort

    const QStringList one{QStringLiteral("wallet-service")};
    const QStringList two{QStringLiteral("wallet-service"), QStringLiteral("user-service")};
    const QString none;
    // Each step boundary, in both directions of recovery.
    for (const char *step : {"lock", "deploy", "ready", "health", "switch", "monitor", "scale-down", "done"}) {
        for (const char *recovery : {"resume", "abort"}) {
            const QString killAt = QStringLiteral("^step: %1$").arg(QLatin1String(step));
            QTest::addRow("at %s, then %s", step, recovery)
                << (QLatin1String(step) == QLatin1String("switch") ? two : one) << killAt << none << -1
                << QString::fromLatin1(recovery);
        }
    }
    // In the middle of the switch of a release: one Service switched, the other not.
    const QString firstSwitched = QStringLiteral("^service/wallet-service switched from");
    QTest::newRow("mid-switch, then resume") << two << firstSwitched << none << -1 << QStringLiteral("resume");
    QTest::newRow("mid-switch, then abort") << two << firstSwitched << none << -1 << QStringLiteral("abort");
    // In the middle of a rollback (Ctrl+C in the monitor window): as it starts, and after the
    // first Service went back.
    const QString monitoring = QStringLiteral("^step: monitor$");
    QTest::newRow("rollback starting, then resume")
        << two << QStringLiteral("^step: rollback$") << monitoring << -1 << QStringLiteral("resume");
    QTest::newRow("mid-switch-back, then abort")
        << two << QStringLiteral("^service/user-service switched from") << monitoring << -1 << QStringLiteral("abort");
    // After the rollback is journalled and before its first write: before the switch (the new
    // colour's evidence being kept) and after it (the old colour about to come back).
    QTest::newRow("rollback journalled before the switch, then resume")
        << one << QStringLiteral("^Keeping the") << QStringLiteral("^step: health$") << -1 << QStringLiteral("resume");
    QTest::newRow("rollback journalled after the switch, then abort")
        << two << QStringLiteral("^\\d+ of \\d+ Services select the new colour now") << monitoring << -1
        << QStringLiteral("abort");
    // At arbitrary moments.
    for (int ms : {600, 900, 1300, 1700, 2200, 2800}) {
        const char *recovery = ms % 200 ? "abort" : "resume";
        QTest::addRow("after %d ms, then %s", ms, recovery)
            << two << none << none << ms << QString::fromLatin1(recovery);
    }
}

void TestPromotionCrash::killedThenRecovered()
{
    QFETCH(QStringList, services);
    QFETCH(QString, killAt);
    QFETCH(QString, interruptAt);
    QFETCH(int, killAfterMs);
    QFETCH(QString, recovery);
    ++m_run;
    QHash<QString, QString> from;
    QHash<QString, int> replicas;
    QStringList images;
    for (const QString &service : services) {
        QTRY_VERIFY2_WITH_TIMEOUT(isSettled(service), qPrintable(service + QStringLiteral(" did not settle")), 90000);
        from.insert(service, liveColour(service));
        replicas.insert(service,
                        deploymentOf(service, from[service])[QLatin1String("spec")][QLatin1String("replicas")].toInt());
        images.append(QStringLiteral("%1=lucent/%1:9.%2.0").arg(service).arg(m_run));
    }
    std::vector<std::unique_ptr<InvariantSampler>> samplers;
    std::vector<std::unique_ptr<ServiceProber>> probers;
    for (const QString &service : services) {
        samplers.push_back(std::make_unique<InvariantSampler>(m_client.get(), Namespace, service));
        probers.push_back(std::make_unique<ServiceProber>(m_client.get(), Namespace, service));
    }

    const Killed killed = promoteAndKill(images, QRegularExpression(killAt), QRegularExpression(interruptAt),
                                         killAfterMs, interruptAt.isEmpty() ? 1 : 60);
    QVERIFY2(killed.killed, qPrintable(QStringLiteral("never killed:\n") + killed.output));
    ++m_killPoints;
    // The journal says what was left; an interrupted run names its step.
    const QJsonObject journal = status();
    const QString state = journal[QLatin1String("state")].toString();
    QVERIFY2(state == QLatin1String("interrupted") || state == QLatin1String("finished")
                 || state == QLatin1String("none"),
             QJsonDocument(journal).toJson().constData());
    const bool ours = journal[QLatin1String("promotionId")].toString().isEmpty()
        ? false
        : killed.output.contains(journal[QLatin1String("promotionId")].toString());
    const bool wasRollingBack = journal[QLatin1String("step")].toString() == QLatin1String("rollback");
    // The journalled intent is what a recovery drives towards: a rollback's decision is its goal.
    if (ours && state == QLatin1String("interrupted"))
        QVERIFY2((journal[QLatin1String("intent")][QLatin1String("goal")].toString() == QLatin1String("roll-back"))
                     == wasRollingBack,
                 QJsonDocument(journal).toJson().constData());
    // Killed after the rollback's first progress lines and before its first write: its decision
    // must already be in the cluster's journal (it is written and answered before anything else).
    if (killAt.startsWith(QLatin1String("^Keeping")) || killAt.contains(QLatin1String("Services select the new")))
        QVERIFY2(wasRollingBack, QJsonDocument(journal).toJson().constData());
    qInfo("killed at step %s (%s, %d switched)", qPrintable(journal[QLatin1String("step")].toString()),
          qPrintable(state), journal[QLatin1String("switched")].toInt());

    QStringList arguments{QStringLiteral("promotion"), recovery};
    arguments += commonArguments();
    arguments += {QStringLiteral("--monitor"), QStringLiteral("1")};
    const auto recovered = console(arguments);
    const QString output = recovered.outText() + recovered.errText();
    // Resumed: promoted (or the interrupted rollback completed); aborted: rolled back; nothing
    // to do when the journal had already ended.
    const bool toNew
        = ours && state == QLatin1String("interrupted") && recovery == QLatin1String("resume") && !wasRollingBack;
    const bool finishedBefore = state != QLatin1String("interrupted");
    const int expectedExit = finishedBefore || toNew ? 0 : 1;
    QVERIFY2(
        recovered.exitCode == expectedExit,
        qPrintable(QStringLiteral("exit %1, expected %2\n%3").arg(recovered.exitCode).arg(expectedExit).arg(output)));

    qInfo("%s: exit %d", qPrintable(recovery), recovered.exitCode);
    const QJsonObject after = status();
    QVERIFY2(after[QLatin1String("state")].toString() == QLatin1String("finished")
                 || (state == QLatin1String("none") && after[QLatin1String("state")].toString() == state),
             QJsonDocument(after).toJson().constData());
    const bool promotedBefore
        = finishedBefore && ours && journal[QLatin1String("step")].toString() == QLatin1String("done");
    for (int i = 0; i < services.size(); ++i) {
        const QString &service = services[i];
        const QString colour = liveColour(service);
        const QString expected = toNew || promotedBefore ? Release::otherColour(from[service]) : from[service];
        QVERIFY2(colour == expected,
                 qPrintable(QStringLiteral("%1 serves %2, expected %3\n%4").arg(service, colour, expected, output)));
        // What was said matches what is, whatever the journal said before: the expectation above
        // is derived from it, so a journal that lied (rolled back, the Service on the new colour)
        // would move the expectation with it; these do not.
        const QString reported = after[QLatin1String("outcome")].toString();
        if (reported == QLatin1String("rolled-back") || (recovered.exitCode == 1 && !finishedBefore))
            QVERIFY2(colour == from[service],
                     qPrintable(QStringLiteral("%1 reported rolled back, serves %2\n%3").arg(service, colour, output)));
        if (reported == QLatin1String("promoted"))
            QVERIFY2(colour == Release::otherColour(from[service]),
                     qPrintable(QStringLiteral("%1 reported promoted, serves %2\n%3").arg(service, colour, output)));
        const QJsonObject serving = deploymentOf(service, colour);
        QCOMPARE(serving[QLatin1String("spec")][QLatin1String("replicas")].toInt(), replicas[service]);
        QCOMPARE(serving[QLatin1String("status")][QLatin1String("readyReplicas")].toInt(), replicas[service]);
        const QJsonObject other = deploymentOf(service, Release::otherColour(colour));
        QVERIFY2(other.isEmpty() || other[QLatin1String("spec")][QLatin1String("replicas")].toInt() == 0,
                 qPrintable(service + QStringLiteral(": the other colour still runs\n") + output));
        const auto preview = m_sandbox.kubectl(
            Lucent::Tests::args({"-n", "lucent-staging", "get", "service", "--ignore-not-found", "-o", "name"})
            << service + QStringLiteral("-preview"));
        QVERIFY2(preview.outText().trimmed().isEmpty(), qPrintable(service + QStringLiteral(": its preview is left")));
        QVERIFY2(samplers[std::size_t(i)]->violations.isEmpty(),
                 qPrintable(samplers[std::size_t(i)]->violations.join(QLatin1Char('\n'))));
        QVERIFY2(probers[std::size_t(i)]->failures.isEmpty(),
                 qPrintable(probers[std::size_t(i)]->failures.join(QLatin1Char('\n'))));
        m_samples += samplers[std::size_t(i)]->samples;
        m_probes += probers[std::size_t(i)]->probes;
    }
}

// Issue 31's first path, as an operator met it: killed after the switch, one pod of the new
// colour made unready, then a resume interrupted (Ctrl+C) while it waits for the new colour. The
// rollback must read that the Service selects the new colour, bring the old one back and switch
// to it before it scales anything down. Before, it went by the step it was at, scaled the serving
// colour to 0 and said "No Service was switched": the Service stayed dark.
void TestPromotionCrash::anInterruptedResumeAfterTheSwitchBringsTheOldColourBackFirst()
{
    const QString service = QStringLiteral("user-service");
    QTRY_VERIFY2_WITH_TIMEOUT(isSettled(service), "user-service did not settle", 90000);
    const QString from = liveColour(service);
    const QString to = Release::otherColour(from);
    const int replicas = deploymentOf(service, from)[QLatin1String("spec")][QLatin1String("replicas")].toInt();
    InvariantSampler sampler(m_client.get(), Namespace, service);

    const Killed killed = promoteAndKill({QStringLiteral("user-service=lucent/user-service:9.60.0")},
                                         QRegularExpression(QStringLiteral("^step: monitor$")), {}, -1, 60);
    QVERIFY2(killed.killed, qPrintable(QStringLiteral("never killed:\n") + killed.output));
    QCOMPARE(liveColour(service), to);
    const auto pods = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "pods", "-o", "name", "-l"})
                                        << QStringLiteral("app=%1,color=%2").arg(service, to));
    const QString pod = pods.outText().section(QLatin1Char('\n'), 0, 0);
    QVERIFY2(!pod.isEmpty(), qPrintable(pods.errText()));
    const auto annotated = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "annotate"})
                                             << pod << QStringLiteral("lucent-sandbox/fault=unready"));
    QVERIFY2(annotated.exitCode == 0, qPrintable(annotated.errText()));
    QTRY_VERIFY_WITH_TIMEOUT(
        deploymentOf(service, to)[QLatin1String("status")][QLatin1String("readyReplicas")].toInt() < replicas, 30000);

    QStringList arguments{QStringLiteral("promotion"), QStringLiteral("resume")};
    arguments += commonArguments();
    arguments += {QStringLiteral("--monitor"), QStringLiteral("60")};
    const Killed resumed = runAndSignal(arguments, {}, QRegularExpression(QStringLiteral("^step: ready$")), -1);
    qInfo("%s", qPrintable(resumed.output));
    QVERIFY2(resumed.exitCode == 1, qPrintable(resumed.output)); // rolled back
    QVERIFY2(resumed.output.contains(QStringLiteral("Every Service serves its old colour, and the new colour is "
                                                    "scaled to 0.")),
             qPrintable(resumed.output));
    QCOMPARE(liveColour(service), from);
    const QJsonObject serving = deploymentOf(service, from);
    QCOMPARE(serving[QLatin1String("spec")][QLatin1String("replicas")].toInt(), replicas);
    QCOMPARE(serving[QLatin1String("status")][QLatin1String("readyReplicas")].toInt(), replicas);
    QCOMPARE(deploymentOf(service, to)[QLatin1String("spec")][QLatin1String("replicas")].toInt(), 0);
    const QJsonObject after = status();
    QCOMPARE(after[QLatin1String("state")].toString(), QStringLiteral("finished"));
    QCOMPARE(after[QLatin1String("outcome")].toString(), QStringLiteral("rolled-back"));
    QVERIFY(sampler.samples > 0);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// Started with --analysis none, a promotion is resumed without it: the journal says how it was
// started (the staging of this sandbox has no Prometheus, so a resume with analysis would be
// refused; before, the options had to be given again).
void TestPromotionCrash::aResumeRunsWithTheOptionsItWasStartedWith()
{
    QTRY_VERIFY2_WITH_TIMEOUT(isSettled(QStringLiteral("wallet-service")), "wallet-service did not settle", 90000);
    const QString from = liveColour(QStringLiteral("wallet-service"));
    const Killed killed = promoteAndKill({QStringLiteral("wallet-service=lucent/wallet-service:9.70.0")},
                                         QRegularExpression(QStringLiteral("^step: ready$")), {}, -1, 1);
    QVERIFY2(killed.killed, qPrintable(QStringLiteral("never killed:\n") + killed.output));
    const QJsonObject journalled = status()[QLatin1String("options")].toObject();
    QVERIFY2(journalled[QLatin1String("analysis")] == QJsonValue(false),
             QJsonDocument(journalled).toJson().constData());
    QStringList arguments{QStringLiteral("promotion"), QStringLiteral("resume")};
    arguments += commonArguments();
    arguments.removeAt(arguments.indexOf(QStringLiteral("--analysis")) + 1);
    arguments.removeOne(QStringLiteral("--analysis"));
    const auto resumed = console(arguments);
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.outText() + resumed.errText()));
    QCOMPARE(liveColour(QStringLiteral("wallet-service")), Release::otherColour(from));
    QCOMPARE(status()[QLatin1String("outcome")].toString(), QStringLiteral("promoted"));
}

// A colour that crashes is rolled back and scaled to 0, and its pods' logs go with them: the
// record keeps their last lines (the previous container's too, after a restart) and the events,
// for `promotion history` (whole in JSON) and the cluster's journal (a summary).
void TestPromotionCrash::aCrashingColourLeavesItsLogsAndEventsInTheRecord()
{
    QTRY_VERIFY2_WITH_TIMEOUT(isSettled(QStringLiteral("wallet-service")), "wallet-service did not settle", 90000);
    const QString from = liveColour(QStringLiteral("wallet-service"));
    QStringList arguments{QStringLiteral("promote")};
    arguments += commonArguments();
    arguments += {QStringLiteral("--image"), QStringLiteral("wallet-service=lucent/wallet-service:9.80.0-crash")};
    const auto promoted = console(arguments);
    QVERIFY2(promoted.exitCode == 1, qPrintable(promoted.outText() + promoted.errText())); // rolled back
    QCOMPARE(liveColour(QStringLiteral("wallet-service")), from);
    QCOMPARE(deploymentOf(QStringLiteral("wallet-service"),
                          Release::otherColour(from))[QLatin1String("spec")][QLatin1String("replicas")]
                 .toInt(),
             0);

    QStringList history{QStringLiteral("promotion"), QStringLiteral("history")};
    history += commonArguments().mid(0, 6);
    const auto json = console(history + QStringList{QStringLiteral("--output"), QStringLiteral("json")}, 30000);
    QCOMPARE(json.exitCode, 0);
    const QJsonObject record = QJsonDocument::fromJson(json.out.split('\n').constFirst()).object();
    QCOMPARE(record[QLatin1String("outcome")].toString(), QStringLiteral("rolled-back"));
    const auto evidence = Release::FailureEvidence::fromJson(record[QLatin1String("evidence")].toObject());
    QCOMPARE(evidence.colour, Release::otherColour(from));
    int previous = 0;
    for (const Release::ContainerLog &log : evidence.logs) {
        QVERIFY2(!log.lines.isEmpty(), qPrintable(log.pod + QLatin1Char(' ') + log.problem));
        QVERIFY(log.lines.size() <= Release::FailureEvidence::LinesPerContainer);
        previous += log.previous ? 1 : 0;
        // The sandbox's -crash container ends on a fatal line: the reason someone looks for.
        if (log.previous)
            QVERIFY2(log.lines.constLast().contains(QLatin1String("fatal")), qPrintable(log.lines.constLast()));
    }
    QVERIFY2(previous > 0, qPrintable(evidence.summary())); // it restarted before it was given up
    QVERIFY2(std::any_of(evidence.events.cbegin(), evidence.events.cend(),
                         [](const Release::EvidenceEvent &e) {
                             return e.reason == QLatin1String("BackOff") && e.type == QLatin1String("Warning");
                         }),
             qPrintable(evidence.text().left(3000)));
    QVERIFY2(record[QLatin1String("evidenceSummary")].toString().startsWith(QLatin1String("Kept before the")),
             qPrintable(record[QLatin1String("evidenceSummary")].toString()));

    const auto text = console(history, 30000);
    QVERIFY2(text.outText().contains(QLatin1String("Warning: pod/wallet-service")), qPrintable(text.outText()));
    // The cluster's journal carries the summary, for another machine's `promotion status`.
    QVERIFY2(status()[QLatin1String("evidenceSummary")].toString().contains(QLatin1String("BackOff")),
             QJsonDocument(status()).toJson().constData());
}

// A console stopped (SIGSTOP: a suspended laptop, a frozen VM) in the monitor window until its
// Lease expires; a second holder takes the lock over; then it goes on. It must make no further
// write (not the scale-down of the old colour, not its journal over the new holder's Lease) and
// end with exit 6 and a sentence for a human.
void TestPromotionCrash::aStoppedConsoleWhoseLockWasTakenOverEndsWithExit6()
{
    const QString service = QStringLiteral("wallet-service");
    QTRY_VERIFY2_WITH_TIMEOUT(isSettled(service), "wallet-service did not settle", 90000);
    const QString from = liveColour(service);
    const int replicas = deploymentOf(service, from)[QLatin1String("spec")][QLatin1String("replicas")].toInt();
    // The sandbox's project with a Lease of 3 s, so that it expires within the test.
    QFile original(m_sandbox.projectFile());
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray project
        = original.readAll().replace(QByteArray("promotion:\n"), QByteArray("promotion:\n  leaseSeconds: 3\n"));
    const QString shortLease = QFileInfo(m_sandbox.projectFile()).dir().filePath(QStringLiteral("short-lease.yaml"));
    QFile file(shortLease);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(project) == project.size());
    file.close();
    InvariantSampler sampler(m_client.get(), Namespace, service);

    QStringList arguments{QStringLiteral("promote")};
    arguments += commonArguments();
    arguments[arguments.indexOf(QStringLiteral("--config")) + 1] = shortLease;
    arguments += {QStringLiteral("--monitor"), QStringLiteral("60"), QStringLiteral("--image"),
                  QStringLiteral("wallet-service=lucent/wallet-service:9.90.0")};
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state->path());
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(qEnvironmentVariable("LUCENT_CONSOLE"), arguments);
    QByteArray output;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     output += process.readAll();
                     return output.contains("\"step: monitor\"") || process.state() == QProcess::NotRunning;
                 },
                 120000),
             output.constData());
    QVERIFY2(process.state() == QProcess::Running, output.constData());
    ::kill(pid_t(process.processId()), SIGSTOP);
    const auto leaseNow = [this] {
        const auto r = m_sandbox.kubectl(
            Lucent::Tests::args({"-n", "lucent-staging", "get", "lease", "lucent-promotion", "-o", "json"}));
        return r.json().object();
    };
    QVERIFY2(
        QTest::qWaitFor([&] { return Release::LeaseHolder::of(leaseNow()).isExpired(QDateTime::currentDateTimeUtc()); },
                        15000),
        "the stopped console's Lease did not expire");
    const QJsonObject bobs = Release::heldLease(leaseNow(), QStringLiteral("lucent-promotion"), Namespace,
                                                QStringLiteral("bob@ws-7"), 60, QDateTime::currentDateTimeUtc());
    const auto replaced
        = m_sandbox.kubectl(Lucent::Tests::args({"replace", "-f", "-"}), 60000, QJsonDocument(bobs).toJson());
    QVERIFY2(replaced.exitCode == 0, qPrintable(replaced.errText()));
    const QString bobsVersion = leaseNow()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();

    ::kill(pid_t(process.processId()), SIGCONT);
    QVERIFY2(process.waitForFinished(60000), "the console went on after the takeover");
    output += process.readAll();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 6, output.constData());
    QVERIFY2(output.contains("someone else") || output.contains("bob@ws-7"), output.constData());
    // Nothing written after the takeover: the new colour serves, the old one keeps its replicas
    // (the scale-down is bob's now), bob's Lease is as he wrote it.
    QCOMPARE(liveColour(service), Release::otherColour(from));
    QCOMPARE(deploymentOf(service, from)[QLatin1String("spec")][QLatin1String("replicas")].toInt(), replicas);
    QCOMPARE(leaseNow()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString(), bobsVersion);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// The journals this machine's promotions left, newest first: two of its own, killed once their
// standby is deployed and aborted (the quickest runs sure to have journalled: the journal of the
// deploy step is written before the standby is made; the function's own state directory holds
// no other).
void TestPromotionCrash::historyListsThisMachinesPromotions()
{
    QStringList promotions; // newest first
    for (const QString &version : {QStringLiteral("8.1.0"), QStringLiteral("8.2.0")}) {
        QTRY_VERIFY2_WITH_TIMEOUT(isSettled(QStringLiteral("wallet-service")), "wallet-service did not settle", 90000);
        const Killed killed
            = promoteAndKill({QStringLiteral("wallet-service=lucent/wallet-service:") + version},
                             QRegularExpression(QStringLiteral("^step: ready$")), QRegularExpression(), -1, 1);
        QVERIFY2(killed.killed, qPrintable(QStringLiteral("never killed:\n") + killed.output));
        const QString id = status()[QLatin1String("promotionId")].toString();
        QVERIFY2(!id.isEmpty() && killed.output.contains(id), qPrintable(id + QLatin1Char('\n') + killed.output));
        QStringList arguments{QStringLiteral("promotion"), QStringLiteral("abort")};
        arguments += commonArguments();
        const auto aborted = console(arguments);
        QVERIFY2(aborted.exitCode == 1, qPrintable(aborted.outText() + aborted.errText())); // rolled back
        promotions.prepend(id);
    }
    QStringList arguments{QStringLiteral("promotion"), QStringLiteral("history")};
    arguments += commonArguments().mid(0, 6);
    arguments += {QStringLiteral("--output"), QStringLiteral("json")};
    const auto r = console(arguments, 30000);
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(lines.size() == promotions.size(), qPrintable(r.outText()));
    QString previous;
    for (int i = 0; i < lines.size(); ++i) {
        const QJsonObject journal = QJsonDocument::fromJson(lines[i].toUtf8()).object();
        QCOMPARE(journal[QLatin1String("promotionId")].toString(), promotions[i]);
        QCOMPARE(journal[QLatin1String("environment")].toString(), QStringLiteral("staging"));
        QCOMPARE(journal[QLatin1String("outcome")].toString(), QStringLiteral("rolled-back"));
        const QString updated = journal[QLatin1String("updated")].toString();
        QVERIFY(previous.isEmpty() || updated <= previous); // newest first
        previous = updated;
    }
}

void TestPromotionCrash::cleanupTestCase()
{
    qInfo("%d kill points, %d Endpoints samples and %d service proxy probes, none empty, mixed or failed", m_killPoints,
          m_samples, m_probes);
}

QTEST_GUILESS_MAIN(TestPromotionCrash)
#include "tst_promotioncrash.moc"
