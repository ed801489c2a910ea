// The promotion's promise under attack: rounds of promotions and rollbacks of 1-3 services, with
// images that work, crash, stay unready or answer errors, each disturbed at a random moment (a
// SIGKILL then a recovery that may itself be interrupted or killed, a SIGINT, a console stopped
// until a second one takes its lock over, a pod made unready or deleted, a Service edited by
// hand, the sandbox restarted). An Endpoints sampler watches every Service throughout: never
// empty, never two colours. After each round every Service selects one colour whose pods are all
// ready at full size, the other colour is at 0, no preview is left and the journal has ended.
//
// LUCENT_CHAOS_ROUNDS (4), LUCENT_CHAOS_SEED (1): round i draws everything from seed + i, and
// LUCENT_CHAOS_WORKER / LUCENT_CHAOS_WORKERS share the rounds between processes (scripts/dev.sh
// chaos runs two, each with its own sandbox). A failed round is printed with its seed; the run
// goes on (the namespace put back) and fails at the end.

#include "chaosplan.h"
#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "servicewatchers.h"

#include "core/kube/jsonat.h"
#include "core/kube/kubeclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::ChaosRound;
using Lucent::Tests::Disruption;
using Lucent::Tests::Recovery;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");
const QStringList Pool{QStringLiteral("wallet-service"), QStringLiteral("user-service"),
                       QStringLiteral("task-service")};
constexpr int LeaseSeconds = 3;
constexpr int CommandTimeoutMs = 120000;

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok ? value : fallback;
}

/// The last progress message of a console's JSON lines.
QString lastMessage(const QString &output)
{
    const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString message
            = QJsonDocument::fromJson(it->toUtf8()).object().value(QLatin1String("message")).toString();
        if (!message.isEmpty())
            return message;
    }
    return output.right(300);
}

/// One run of the console, signalled while it runs.
class Console
{
public:
    Console(const QString &stateDirectory, const QStringList &arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_STATE_HOME"), stateDirectory);
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(qEnvironmentVariable("LUCENT_CONSOLE"), arguments);
        m_started = m_process.waitForStarted(10000);
    }
    ~Console()
    {
        if (m_process.state() != QProcess::NotRunning) {
            signal(SIGCONT);
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }
    bool started() const { return m_started; }
    bool running() const { return m_process.state() == QProcess::Running; }
    void signal(int number)
    {
        if (running())
            ::kill(pid_t(m_process.processId()), number);
    }
    /// Waits at most @p ms for it to end (events processed): false while it still runs.
    bool waitEnded(int ms)
    {
        return QTest::qWaitFor([this] { return !running(); }, ms);
    }
    /// Its exit code; -1 when a signal ended it or it has not ended.
    int exitCode() const
    {
        return m_process.state() == QProcess::NotRunning && m_process.exitStatus() == QProcess::NormalExit
            ? m_process.exitCode()
            : -1;
    }
    QString output()
    {
        m_output += QString::fromUtf8(m_process.readAll());
        return m_output;
    }

private:
    QProcess m_process;
    QString m_output;
    bool m_started = false;
};

} // namespace

class TestPromotionChaos : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rounds();
    void cleanupTestCase();

private:
    /// Runs @p round; empty when the promise held, else what broke.
    QString run(const ChaosRound &round);
    QStringList commonArguments() const;
    QStringList commandFor(const ChaosRound &round) const;
    /// Makes sure each service of a rollback round has an old colour to go back to.
    QString prepareRollback(const ChaosRound &round);
    /// Acts out @p round's disruption on @p console; whether it now needs a recovery. What went
    /// wrong on the way goes to @p broken.
    bool disrupt(const ChaosRound &round, Console &console, bool *stalled, QStringList *broken);
    /// Finishes an interrupted promotion as @p round says; empty, or what went wrong.
    QString recover(const ChaosRound &round);
    /// What is wrong with the pool's services now (empty: each is settled on one colour).
    QString inconsistency() const;
    QString journalState() const;
    bool leaseExpired() const;
    void startSamplers();
    /// Folds the samplers' counts and violations into the round's.
    void stopSamplers();
    QString randomPod(const ChaosRound &round, quint64 pick) const;

    Lucent::Tests::SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("40")}};
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, Namespace};
    std::unique_ptr<Kube::KubeClient> m_client;
    std::unique_ptr<QTemporaryDir> m_state;
    QString m_project;
    QHash<QString, int> m_fullSize;
    std::vector<std::unique_ptr<Lucent::Tests::InvariantSampler>> m_samplers;
    int m_samples = 0;
    QStringList m_violations; ///< this round's
    QHash<QString, int> m_tally;
};

void TestPromotionChaos::initTestCase()
{
    QVERIFY(QFileInfo(qEnvironmentVariable("LUCENT_CONSOLE")).isExecutable());
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
    for (const QString &service : Pool) {
        QVERIFY2(Lucent::Tests::rolledOut(m_sandbox, Namespace, service), qPrintable(service));
        m_fullSize.insert(
            service, Lucent::Tests::specReplicas(Lucent::Tests::fetched(m_sandbox, Namespace, "deployments", service)));
        QVERIFY(m_fullSize[service] > 0);
    }
    // The sandbox's project, with a lease short enough that a stalled console loses it in
    // seconds (the smoke test stays: it runs next to this file).
    QFile sandboxProject(m_sandbox.projectFile());
    QVERIFY(sandboxProject.open(QIODevice::ReadOnly));
    QByteArray project = sandboxProject.readAll();
    QVERIFY(project.contains("promotion:\n"));
    project.replace(QByteArray("promotion:\n"),
                    QByteArray("promotion:\n  leaseSeconds: ").append(QByteArray::number(LeaseSeconds)).append('\n'));
    m_project = QFileInfo(m_sandbox.projectFile()).dir().filePath(QStringLiteral("chaos.yaml"));
    QFile chaosProject(m_project);
    QVERIFY(chaosProject.open(QIODevice::WriteOnly) && chaosProject.write(project) == project.size());
}

QStringList TestPromotionChaos::commonArguments() const
{
    return {QStringLiteral("--config"),
            m_project,
            QStringLiteral("--kubeconfig"),
            m_sandbox.kubeconfig(),
            QStringLiteral("--env"),
            QStringLiteral("staging"),
            QStringLiteral("--yes"),
            QStringLiteral("--output"),
            QStringLiteral("json"),
            QStringLiteral("--analysis"),
            QStringLiteral("none"),
            QStringLiteral("--monitor"),
            QStringLiteral("1"),
            QStringLiteral("--scale-down-delay"),
            QStringLiteral("1")};
}

QStringList TestPromotionChaos::commandFor(const ChaosRound &round) const
{
    QStringList arguments{round.rollback ? QStringLiteral("rollback") : QStringLiteral("promote")};
    arguments += commonArguments();
    for (int i = 0; i < round.services.size(); ++i) {
        if (round.rollback)
            arguments += {QStringLiteral("--service"), round.services[i]};
        else
            arguments += {QStringLiteral("--image"), round.images[i]};
    }
    return arguments;
}

void TestPromotionChaos::rounds()
{
    const int rounds = envInt("LUCENT_CHAOS_ROUNDS", 4);
    const quint64 seed = quint64(envInt("LUCENT_CHAOS_SEED", 1));
    const int worker = envInt("LUCENT_CHAOS_WORKER", 0);
    const int workers = qMax(1, envInt("LUCENT_CHAOS_WORKERS", 1));
    QStringList failures;
    int ran = 0;
    int inconsistent = 0;
    QElapsedTimer clock;
    clock.start();
    for (int i = worker; i < rounds; i += workers) {
        const ChaosRound round = ChaosRound::draw(seed + quint64(i), Pool);
        qInfo("round %d, %s", i, qPrintable(round.describe()));
        m_state = std::make_unique<QTemporaryDir>();
        QVERIFY(m_state->isValid());
        const QString broken = run(round);
        ++ran;
        if (broken.isEmpty())
            continue;
        failures.append(QStringLiteral("round %1 (%2): %3").arg(i).arg(round.describe(), broken));
        qWarning("BROKEN round %d, repeat with: scripts/dev.sh chaos 1 %llu\n%s", i, round.seed, qPrintable(broken));
        if (!inconsistency().isEmpty())
            ++inconsistent;
        const QString restored = m_staging.restore(); // the next round starts where the first did
        QVERIFY2(restored.isEmpty(), qPrintable(restored));
    }
    QStringList tally;
    for (auto it = m_tally.cbegin(); it != m_tally.cend(); ++it)
        tally.append(QStringLiteral("\"%1\":%2").arg(it.key()).arg(it.value()));
    std::printf("CHAOS {\"worker\":%d,\"rounds\":%d,\"seconds\":%.1f,\"samples\":%d,\"failures\":%d,"
                "\"inconsistent\":%d,%s}\n",
                worker, ran, double(clock.elapsed()) / 1000, m_samples, int(failures.size()), inconsistent,
                qPrintable(tally.join(QLatin1Char(','))));
    std::fflush(stdout);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
}

QString TestPromotionChaos::run(const ChaosRound &round)
{
    if (QString settled
        = QTest::qWaitFor([this] { return inconsistency().isEmpty(); }, 60000) ? QString() : inconsistency();
        !settled.isEmpty())
        return QStringLiteral("the round did not start settled: ") + settled;
    if (round.rollback) {
        if (const QString problem = prepareRollback(round); !problem.isEmpty())
            return problem;
    }
    m_violations.clear();
    startSamplers();
    QStringList broken;
    bool stalled = false;
    bool needsRecovery = false;
    int firstExit = -1;
    QString firstOutput;
    {
        Console console(m_state->path(), commandFor(round));
        if (!console.started())
            return QStringLiteral("the console did not start");
        needsRecovery = disrupt(round, console, &stalled, &broken);
        if (stalled) {
            if (const QString problem = recover(round); !problem.isEmpty())
                broken.append(problem);
            console.signal(SIGCONT);
        }
        if (!console.waitEnded(CommandTimeoutMs))
            broken.append(QStringLiteral("the console still ran after %1 s").arg(CommandTimeoutMs / 1000));
        firstExit = console.exitCode();
        firstOutput = console.output();
    }
    ++m_tally[QStringLiteral("exit-%1").arg(firstExit < 0 ? QStringLiteral("signal") : QString::number(firstExit))];
    if (firstExit == 6) // for a human: what it said, to tell a needed stop from a needless one
        qInfo("exit 6: %s", qPrintable(lastMessage(firstOutput)));
    // A stalled console whose lock was taken over must stop (6); 0 or 1 when it had ended
    // before it was stopped. Whether it wrote after the takeover, the checks below judge.
    if (stalled && firstExit != 6 && firstExit != 0 && firstExit != 1)
        broken.append(QStringLiteral("the stalled console ended with %1:\n%2").arg(firstExit).arg(firstOutput));
    if (!stalled) {
        if (firstExit == -1 && !needsRecovery)
            broken.append(QStringLiteral("the console died:\n") + firstOutput);
        else if (firstExit > 1 && firstExit != 6)
            broken.append(QStringLiteral("the console ended with %1:\n%2").arg(firstExit).arg(firstOutput));
        if (needsRecovery) {
            if (const QString problem = recover(round); !problem.isEmpty())
                broken.append(problem);
        }
    }
    if (const QString state = journalState(); state != QLatin1String("finished") && state != QLatin1String("none"))
        broken.append(QStringLiteral("the journal has not ended: ") + state);
    if (!QTest::qWaitFor([this] { return inconsistency().isEmpty(); }, 60000))
        broken.append(QStringLiteral("left inconsistent: ") + inconsistency());
    stopSamplers();
    broken += m_violations;
    if (!broken.isEmpty() && !firstOutput.isEmpty())
        broken.append(QStringLiteral("the first console said:\n") + firstOutput.right(4000));
    return broken.join(QLatin1Char('\n'));
}

QString TestPromotionChaos::prepareRollback(const ChaosRound &round)
{
    QStringList images;
    const QList<QJsonObject> deployments = Lucent::Tests::listed(m_sandbox, Namespace, "deployments", nullptr);
    for (const QString &service : round.services) {
        int colours = 0;
        for (const QJsonObject &deployment : deployments)
            colours += Kube::jsonAt(deployment, {"metadata", "labels", "app"}).toString() == service;
        if (colours < 2)
            images += {QStringLiteral("--image"), QStringLiteral("%1=lucent/%1:6.%2.0").arg(service).arg(round.seed)};
    }
    if (images.isEmpty())
        return {};
    Console console(m_state->path(), QStringList{QStringLiteral("promote")} + commonArguments() + images);
    if (!console.waitEnded(CommandTimeoutMs) || console.exitCode() != 0)
        return QStringLiteral("the promotion before the rollback failed (%1):\n%2")
            .arg(console.exitCode())
            .arg(console.output());
    return {};
}

bool TestPromotionChaos::disrupt(const ChaosRound &round, Console &console, bool *stalled, QStringList *broken)
{
    static const char *const names[]
        = {"none", "kill", "interrupt", "stall", "pod-unready", "pod-deleted", "service-edited", "sandbox-restarted"};
    ++m_tally[QLatin1String(names[int(round.disruption)])];
    if (console.waitEnded(round.atMs) || round.disruption == Disruption::None)
        return false;
    QRandomGenerator random(round.seed ^ 0x5eed);
    switch (round.disruption) {
    case Disruption::None: return false;
    case Disruption::Kill:
        console.signal(SIGKILL);
        console.waitEnded(10000);
        return true;
    case Disruption::Interrupt:
        console.signal(SIGINT);
        // Before its handler is installed (the first milliseconds), Ctrl+C ends it as a kill does.
        return console.waitEnded(CommandTimeoutMs) && console.exitCode() == -1;
    case Disruption::Stall:
        console.signal(SIGSTOP);
        *stalled = true;
        // Until its Lease has expired, as read: then a second console may take over.
        if (!QTest::qWaitFor([this] { return leaseExpired(); }, (LeaseSeconds + 10) * 1000))
            broken->append(QStringLiteral("the stopped console's Lease did not expire"));
        return true;
    case Disruption::PodUnready: {
        const QString pod = randomPod(round, random.generate64());
        if (pod.isEmpty())
            return false;
        m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "annotate", "--overwrite"})
                          << pod << QStringLiteral("lucent-sandbox/fault=unready"));
        console.waitEnded(round.faultMs);
        // The pod may be gone meanwhile (scaled down): nothing to heal then.
        m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "annotate"})
                          << pod << QStringLiteral("lucent-sandbox/fault-"));
        return false;
    }
    case Disruption::PodDeleted: {
        const QString pod = randomPod(round, random.generate64());
        if (!pod.isEmpty())
            m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "delete", "--wait=false"}) << pod);
        return false;
    }
    case Disruption::ServiceEdited:
        m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "annotate", "--overwrite", "service"})
                          << round.services.value(int(random.bounded(int(round.services.size()))))
                          << QStringLiteral("chaos.lucent.com/edited=%1").arg(round.seed));
        return false;
    case Disruption::SandboxRestarted: {
        // A fresh cluster is empty of pods for a moment: that dark moment is the restart's, not
        // the promotion's, so the samplers stop for it and start again once it has settled.
        stopSamplers();
        if (!m_sandbox.restart())
            broken->append(QStringLiteral("the sandbox did not restart: ") + m_sandbox.error());
        else if (!QTest::qWaitFor([this] { return inconsistency().isEmpty(); }, 60000))
            broken->append(QStringLiteral("the restarted sandbox did not settle: ") + inconsistency());
        startSamplers();
        return false;
    }
    }
    return false;
}

QString TestPromotionChaos::recover(const ChaosRound &round)
{
    const bool resume = round.recovery != Recovery::Abort;
    Console console(
        m_state->path(),
        QStringList{QStringLiteral("promotion"), resume ? QStringLiteral("resume") : QStringLiteral("abort")}
            + commonArguments());
    if (round.recovery == Recovery::ResumeInterrupted || round.recovery == Recovery::ResumeKilled) {
        if (!console.waitEnded(round.recoveryAtMs))
            console.signal(round.recovery == Recovery::ResumeKilled ? SIGKILL : SIGINT);
    }
    if (!console.waitEnded(CommandTimeoutMs))
        return QStringLiteral("the recovery still ran after %1 s").arg(CommandTimeoutMs / 1000);
    const int exit = console.exitCode();
    // Killed, or interrupted before its handler was installed: an abort finishes it.
    const bool killed = exit == -1 && round.recovery != Recovery::Resume && round.recovery != Recovery::Abort;
    ++m_tally[QStringLiteral("recovery-exit-%1").arg(exit < 0 ? QStringLiteral("signal") : QString::number(exit))];
    if (killed) {
        Console abort(m_state->path(),
                      QStringList{QStringLiteral("promotion"), QStringLiteral("abort")} + commonArguments());
        if (!abort.waitEnded(CommandTimeoutMs))
            return QStringLiteral("the abort after a killed resume still ran");
        if (abort.exitCode() < 0 || (abort.exitCode() > 1 && abort.exitCode() != 6))
            return QStringLiteral("the abort after a killed resume ended with %1:\n%2")
                .arg(abort.exitCode())
                .arg(abort.output());
        return {};
    }
    if (exit == 6)
        qInfo("recovery exit 6: %s", qPrintable(lastMessage(console.output())));
    if (exit < 0 || (exit > 1 && exit != 6))
        return QStringLiteral("the recovery ended with %1:\n%2").arg(exit).arg(console.output());
    return {};
}

QString TestPromotionChaos::inconsistency() const
{
    QString error;
    const QList<QJsonObject> services = Lucent::Tests::listed(m_sandbox, Namespace, "services", &error);
    const QList<QJsonObject> deployments = Lucent::Tests::listed(m_sandbox, Namespace, "deployments", &error);
    if (!error.isEmpty())
        return error;
    QStringList problems;
    for (const QString &service : Pool) {
        QString colour;
        for (const QJsonObject &object : services) {
            const QString name = Kube::jsonAt(object, {"metadata", "name"}).toString();
            if (name == service)
                colour = Lucent::Tests::selectorColour(object);
            else if (name == service + QStringLiteral("-preview"))
                problems.append(name + QStringLiteral(" is left"));
        }
        if (colour.isEmpty()) {
            problems.append(service + QStringLiteral(" selects no colour"));
            continue;
        }
        int serving = 0;
        for (const QJsonObject &deployment : deployments) {
            if (Kube::jsonAt(deployment, {"metadata", "labels", "app"}).toString() != service)
                continue;
            const QString name = Kube::jsonAt(deployment, {"metadata", "name"}).toString();
            const int replicas = Lucent::Tests::specReplicas(deployment);
            if (Kube::jsonAt(deployment, {"metadata", "labels", "color"}).toString() != colour) {
                if (replicas != 0)
                    problems.append(QStringLiteral("%1 (not selected) has %2 replicas").arg(name).arg(replicas));
                continue;
            }
            ++serving;
            const int ready = Kube::jsonAt(deployment, {"status", "readyReplicas"}).toInt();
            const int updated = Kube::jsonAt(deployment, {"status", "updatedReplicas"}).toInt();
            if (replicas != m_fullSize[service] || ready != replicas || updated != replicas)
                problems.append(QStringLiteral("%1 (serving %2) has %3 replicas, %4 ready, %5 updated, of %6")
                                    .arg(name, colour)
                                    .arg(replicas)
                                    .arg(ready)
                                    .arg(updated)
                                    .arg(m_fullSize[service]));
        }
        if (serving != 1)
            problems.append(QStringLiteral("%1 has %2 Deployments of colour %3").arg(service).arg(serving).arg(colour));
    }
    return problems.join(QStringLiteral("; "));
}

QString TestPromotionChaos::journalState() const
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_STATE_HOME"), m_state->path());
    process.setProcessEnvironment(environment);
    process.start(qEnvironmentVariable("LUCENT_CONSOLE"),
                  QStringList{QStringLiteral("promotion"), QStringLiteral("status")} + commonArguments().mid(0, 6)
                      + QStringList{QStringLiteral("--output"), QStringLiteral("json")});
    if (!process.waitForFinished(30000))
        return QStringLiteral("(status did not answer)");
    const QJsonObject status = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    return status.value(QLatin1String("state")).toString(QStringLiteral("(no state)"));
}

bool TestPromotionChaos::leaseExpired() const
{
    const QJsonObject lease = Lucent::Tests::fetched(m_sandbox, Namespace, "lease", QStringLiteral("lucent-promotion"));
    const QString renewed = Kube::jsonAt(lease, {"spec", "renewTime"}).toString();
    const int duration = Kube::jsonAt(lease, {"spec", "leaseDurationSeconds"}).toInt();
    if (lease.isEmpty() || renewed.isEmpty() || Kube::jsonAt(lease, {"spec", "holderIdentity"}).toString().isEmpty())
        return true; // none, or released: nothing to wait for
    const QDateTime last = QDateTime::fromString(renewed, Qt::ISODateWithMs);
    return last.isValid() && last.addSecs(duration) < QDateTime::currentDateTimeUtc();
}

QString TestPromotionChaos::randomPod(const ChaosRound &round, quint64 pick) const
{
    QStringList pods;
    for (const QJsonObject &pod : Lucent::Tests::listed(m_sandbox, Namespace, "pods", nullptr)) {
        if (round.services.contains(Kube::jsonAt(pod, {"metadata", "labels", "app"}).toString()))
            pods.append(QStringLiteral("pod/") + Kube::jsonAt(pod, {"metadata", "name"}).toString());
    }
    pods.sort();
    return pods.isEmpty() ? QString() : pods[int(pick % quint64(pods.size()))];
}

void TestPromotionChaos::startSamplers()
{
    for (const QString &service : Pool)
        m_samplers.push_back(std::make_unique<Lucent::Tests::InvariantSampler>(m_client.get(), Namespace, service));
}

void TestPromotionChaos::stopSamplers()
{
    for (const auto &sampler : m_samplers) {
        m_samples += sampler->samples;
        m_violations += sampler->violations;
    }
    m_samplers.clear();
}

void TestPromotionChaos::cleanupTestCase()
{
    m_samplers.clear();
    if (m_client)
        QVERIFY2(m_staging.restore().isEmpty(), "staging could not be put back");
}

QTEST_GUILESS_MAIN(TestPromotionChaos)
#include "tst_promotionchaos.moc"
