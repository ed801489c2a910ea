// The promotion engine acts on what it reads now, not on what it remembers: the cluster is
// changed behind its back while it waits (pods that stop being ready at the Promote gate, a lock
// taken over by a second console), and every Service's Endpoints are sampled throughout (never
// empty, never two colours).

#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "servicewatchers.h"

#include "core/kube/kubeclient.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionlock.h"
#include "core/release/promotionplan.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QtTest>

#include <memory>
#include <vector>

using namespace Lucent::Core;
using Lucent::Tests::InvariantSampler;
using Lucent::Tests::SandboxProcess;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

} // namespace

class TestPromotionSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void thePromoteGateRefusesPodsThatStoppedBeingReady();
    void aLockTakenOverAtTheGateStopsEveryWrite();
    void aLockTakenOverInTheMonitorWindowStopsTheRollback();
    void aLockTakenOverBetweenTwoSwitchesStopsTheRest();
    void aLockTakenOverBeforeThePreviewsCreatesNone();
    void aLockTakenOverAsTheDeployIsJournalledDeploysNothing();
    void aServiceNamedLikeAPreviewIsNeverTakenOverOrDeleted();
    void aServerTooSlowToWriteOnStopsTheRunWithASentence();

private:
    /// Writes the promotion Lease as bob's console takes it over; its resourceVersion after.
    QString takeOverAsBob() const;
    /// The promotion Lease now.
    QJsonObject lease() const;
    /// What the first console wrote after bob took over: the Service's colour, the standby's
    /// size or bob's Lease changed. Empty when nothing.
    QString writtenSinceTheTakeover(const Release::PlannedService &service, const QString &selected,
                                    const QString &bobsVersion) const;
    /// The plan of @p services to version @p version, read now; each active colour rolled out first.
    std::optional<Release::PromotionPlan> plan(const QStringList &services, const QString &version) const;
    /// Sets the sandbox's readiness fault on every pod of @p service's @p colour (or clears it).
    QString makeUnready(const QString &service, const QString &colour, bool unready) const;
    int readyReplicas(const QString &deployment) const;
    QString selects(const QString &service) const;

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    /// Staging as the sandbox made it, put back after each function.
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, Namespace};
    std::unique_ptr<Kube::KubeClient> m_client;
};

void TestPromotionSafety::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
}

void TestPromotionSafety::cleanup()
{
    const QString failures = m_staging.restore();
    QVERIFY2(failures.isEmpty(), qPrintable(failures));
}

std::optional<Release::PromotionPlan> TestPromotionSafety::plan(const QStringList &services,
                                                                const QString &version) const
{
    Release::PromotionRequest request{
        QStringLiteral("p-%1").arg(QDateTime::currentMSecsSinceEpoch()), QStringLiteral("staging"), Namespace, {}};
    for (const QString &service : services)
        request.images.append({service, QStringLiteral("lucent/%1:%2").arg(service, version), {}});
    QString error;
    const auto services_ = Lucent::Tests::listed(m_sandbox, Namespace, "services", &error);
    const auto deployments = Lucent::Tests::listed(m_sandbox, Namespace, "deployments", &error);
    if (!error.isEmpty())
        return std::nullopt;
    Release::PromotionPlan planned = Release::planPromotion(request, services_, deployments);
    for (const Release::PlannedService &service : std::as_const(planned.services)) {
        if (!Lucent::Tests::rolledOut(m_sandbox, Namespace, service.activeDeployment))
            return std::nullopt;
    }
    return planned;
}

QString TestPromotionSafety::makeUnready(const QString &service, const QString &colour, bool unready) const
{
    const auto pods = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("pods"),
                                         QStringLiteral("-l"), QStringLiteral("app=%1,color=%2").arg(service, colour),
                                         QStringLiteral("-o"), QStringLiteral("name")});
    const QStringList names = pods.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (pods.exitCode != 0 || names.isEmpty())
        return QStringLiteral("no pods of %1 %2: %3").arg(service, colour, pods.errText());
    QStringList arguments{QStringLiteral("-n"), Namespace, QStringLiteral("annotate"), QStringLiteral("--overwrite")};
    arguments += names;
    arguments.append(unready ? QStringLiteral("lucent-sandbox/fault=unready")
                             : QStringLiteral("lucent-sandbox/fault-"));
    const auto annotated = m_sandbox.kubectl(arguments);
    return annotated.exitCode == 0 ? QString() : annotated.errText();
}

int TestPromotionSafety::readyReplicas(const QString &deployment) const
{
    return Lucent::Tests::fetched(m_sandbox, Namespace, "deployment",
                                  deployment)[QLatin1String("status")][QLatin1String("readyReplicas")]
        .toInt();
}

QString TestPromotionSafety::selects(const QString &service) const
{
    return Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", service));
}

// Issue 31's second path: at "Verified: waiting for Promote" every pod of the new colour stops
// being ready. Promote must refuse with a sentence and switch nothing; once the pods are ready
// again, the same gate goes on and promotes.
void TestPromotionSafety::thePromoteGateRefusesPodsThatStoppedBeingReady()
{
    const QStringList services{QStringLiteral("user-service"), QStringLiteral("wallet-service")};
    const auto planned = plan(services, QStringLiteral("7.1.0"));
    QVERIFY(planned && planned->isValid());
    std::vector<std::unique_ptr<InvariantSampler>> samplers;
    for (const QString &service : services)
        samplers.push_back(std::make_unique<InvariantSampler>(m_client.get(), Namespace, service));
    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.confirmBeforeSwitch = true;
    Release::PromotionEngine engine(m_client.get(), *planned, options);
    QSignalSpy awaiting(&engine, &Release::PromotionEngine::switchAwaitingConfirmation);
    QSignalSpy refused(&engine, &Release::PromotionEngine::switchRefused);
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    engine.start();
    QVERIFY2(awaiting.wait(120000), "the gate was never reached");

    for (const Release::PlannedService &service : planned->services) {
        const QString problem = makeUnready(service.service, service.standbyColour, true);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    for (const Release::PlannedService &service : planned->services)
        QTRY_COMPARE_WITH_TIMEOUT(readyReplicas(service.standbyDeployment), 0, 30000);
    engine.confirmSwitch();
    QVERIFY2(refused.wait(30000), "Promote was not refused");
    const QString sentence = refused.constFirst().constFirst().toString();
    QVERIFY2(sentence.contains(QStringLiteral("Refused to switch service/user-service to"))
                 && sentence.contains(QStringLiteral("has 0 of "))
                 && sentence.contains(QStringLiteral("replicas ready now")),
             qPrintable(sentence));
    QVERIFY2(finished.isEmpty(), "a refused Promote ended the promotion");
    for (const Release::PlannedService &service : planned->services)
        QCOMPARE(selects(service.service), service.activeColour);

    // Ready again: Promote goes on from the same gate.
    for (const Release::PlannedService &service : planned->services) {
        const QString problem = makeUnready(service.service, service.standbyColour, false);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
    for (const Release::PlannedService &service : planned->services)
        QVERIFY(Lucent::Tests::rolledOut(m_sandbox, Namespace, service.standbyDeployment));
    engine.confirmSwitch();
    QVERIFY2(finished.wait(120000), "the promotion did not end");
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                 == Release::PromotionOutcome::Promoted,
             qPrintable(finished.constFirst().at(1).toString()));
    for (const Release::PlannedService &service : planned->services)
        QCOMPARE(selects(service.service), service.standbyColour);
    for (const auto &sampler : samplers) {
        QVERIFY(sampler->samples > 0);
        QVERIFY2(sampler->violations.isEmpty(), qPrintable(sampler->violations.join(QLatin1Char('\n'))));
    }
}

QJsonObject TestPromotionSafety::lease() const
{
    return Lucent::Tests::fetched(m_sandbox, Namespace, "lease", QStringLiteral("lucent-promotion"));
}

QString TestPromotionSafety::takeOverAsBob() const
{
    // kubectl replace keeps the resourceVersion read as its precondition, as a takeover does.
    const QJsonObject bobs
        = Release::heldLease(lease(), QStringLiteral("lucent-promotion"), Namespace, QStringLiteral("bob@ws-7"), 60,
                             QDateTime::currentDateTimeUtc(), QStringLiteral("ws-7/99/123456789abc"));
    const auto replaced = m_sandbox.kubectl({QStringLiteral("replace"), QStringLiteral("-f"), QStringLiteral("-")},
                                            60000, QJsonDocument(bobs).toJson());
    if (replaced.exitCode != 0)
        return {};
    return lease()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();
}

QString TestPromotionSafety::writtenSinceTheTakeover(const Release::PlannedService &service, const QString &selected,
                                                     const QString &bobsVersion) const
{
    QStringList written;
    if (const QString colour = selects(service.service); colour != selected)
        written.append(QStringLiteral("service/%1 selects %2, not %3").arg(service.service, colour, selected));
    const int replicas = Lucent::Tests::specReplicas(
        Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment));
    if (replicas != service.replicas)
        written.append(QStringLiteral("deployment/%1 has %2 replicas, not %3")
                           .arg(service.standbyDeployment)
                           .arg(replicas)
                           .arg(service.replicas));
    const QJsonObject now = lease();
    if (Release::LeaseHolder::of(now).identity != QLatin1String("bob@ws-7")
        || now[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString() != bobsVersion)
        written.append(
            QStringLiteral("bob's Lease was written over: %1").arg(Release::LeaseHolder::of(now).describe()));
    return written.join(QStringLiteral("; "));
}

// A second console takes the lock over while the first waits at the gate. The first must make no
// further write: not the switch, not a rollback's scale, not its journal over the new holder's Lease.
void TestPromotionSafety::aLockTakenOverAtTheGateStopsEveryWrite()
{
    const auto planned = plan({QStringLiteral("wallet-service")}, QStringLiteral("7.2.0"));
    QVERIFY(planned && planned->isValid());
    const Release::PlannedService &service = planned->services.constFirst();
    InvariantSampler sampler(m_client.get(), Namespace, service.service);
    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.confirmBeforeSwitch = true;
    Release::PromotionEngine engine(m_client.get(), *planned, options);
    QSignalSpy awaiting(&engine, &Release::PromotionEngine::switchAwaitingConfirmation);
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    engine.start();
    QVERIFY2(awaiting.wait(120000), "the gate was never reached");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, Namespace, service.standbyDeployment));

    const QString bobsVersion = takeOverAsBob();
    QVERIFY(!bobsVersion.isEmpty());

    engine.confirmSwitch();
    QVERIFY2(finished.wait(30000), "the promotion did not stop");
    const auto outcome = finished.constFirst().constFirst().value<Release::PromotionOutcome>();
    const QString sentence = finished.constFirst().at(1).toString();
    QVERIFY2(outcome == Release::PromotionOutcome::Inconsistent && sentence.contains(QStringLiteral("bob@ws-7")),
             qPrintable(sentence));
    // Nothing written after the takeover: the Service, the standby's size, bob's Lease.
    const QString written = writtenSinceTheTakeover(service, service.activeColour, bobsVersion);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// The lock is taken over while the new colour serves, then one of its pods stops being ready: the
// monitor wants to roll back, but this process no longer owns the promotion. It must not switch
// the Service back nor scale anything: the journal's write finds the Lease changed and stops it
// before any other write. (Before, the rollback's writes went on until a renewal noticed.)
void TestPromotionSafety::aLockTakenOverInTheMonitorWindowStopsTheRollback()
{
    const auto planned = plan({QStringLiteral("wallet-service")}, QStringLiteral("7.3.0"));
    QVERIFY(planned && planned->isValid());
    const Release::PlannedService &service = planned->services.constFirst();
    InvariantSampler sampler(m_client.get(), Namespace, service.service);
    Release::PromotionEngine engine(m_client.get(), *planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 60));
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(engine.step() == Release::PromotionStep::Monitoring || !finished.isEmpty(), 120000);
    QVERIFY2(finished.isEmpty(), qPrintable(finished.value(0).value(1).toString()));
    const QString bobsVersion = takeOverAsBob();
    QVERIFY(!bobsVersion.isEmpty());
    const auto pods = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("pods"),
                                         QStringLiteral("-l"),
                                         QStringLiteral("app=%1,color=%2").arg(service.service, service.standbyColour),
                                         QStringLiteral("-o"), QStringLiteral("name")});
    const QString pod = pods.outText().section(QLatin1Char('\n'), 0, 0);
    QVERIFY2(!pod.isEmpty(), qPrintable(pods.errText()));
    const auto annotated = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("annotate"), pod,
                                              QStringLiteral("lucent-sandbox/fault=unready")});
    QVERIFY2(annotated.exitCode == 0, qPrintable(annotated.errText()));

    QVERIFY2(finished.wait(60000), "the promotion did not stop");
    const QString sentence = finished.constFirst().at(1).toString();
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                 == Release::PromotionOutcome::Inconsistent,
             qPrintable(sentence));
    // The Service stays on the new colour: bob's to decide now.
    const QString written = writtenSinceTheTakeover(service, service.standbyColour, bobsVersion);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// A release of two services: the lock is taken over the moment the first Service has switched,
// while the switch of the release is under way. The second Service must not switch, and nothing
// is rolled back from here either: each Service stays on one ready colour, bob's to decide.
void TestPromotionSafety::aLockTakenOverBetweenTwoSwitchesStopsTheRest()
{
    const auto planned
        = plan({QStringLiteral("wallet-service"), QStringLiteral("user-service")}, QStringLiteral("7.4.0"));
    QVERIFY(planned && planned->isValid());
    const Release::PlannedService &first = planned->services[0];
    const Release::PlannedService &second = planned->services[1];
    InvariantSampler firstSampler(m_client.get(), Namespace, first.service);
    InvariantSampler secondSampler(m_client.get(), Namespace, second.service);
    Release::PromotionEngine engine(m_client.get(), *planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 60));
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    QString bobsVersion;
    connect(&engine, &Release::PromotionEngine::progress, this, [&](const QString &sentence) {
        if (bobsVersion.isEmpty() && sentence.startsWith(QStringLiteral("service/%1 switched").arg(first.service)))
            bobsVersion = takeOverAsBob(); // before the engine's next turn: between the two switches
    });
    engine.start();
    QVERIFY2(finished.wait(120000), "the promotion did not stop");
    QVERIFY2(!bobsVersion.isEmpty(), qPrintable(finished.constFirst().at(1).toString()));
    const QString sentence = finished.constFirst().at(1).toString();
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                 == Release::PromotionOutcome::Inconsistent,
             qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("bob@ws-7")) || sentence.contains(QStringLiteral("someone else")),
             qPrintable(sentence));
    // The first stays switched (nothing rolled back behind bob's back), the second never was.
    QString written = writtenSinceTheTakeover(first, first.standbyColour, bobsVersion);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    written = writtenSinceTheTakeover(second, second.activeColour, bobsVersion);
    QVERIFY2(written.isEmpty(), qPrintable(written));
    QCOMPARE(readyReplicas(first.activeDeployment), first.replicas); // the old colour was not scaled down
    QVERIFY2(firstSampler.violations.isEmpty(), qPrintable(firstSampler.violations.join(QLatin1Char('\n'))));
    QVERIFY2(secondSampler.violations.isEmpty(), qPrintable(secondSampler.violations.join(QLatin1Char('\n'))));
}

// Found by the chaos run: a console stopped before it made its previews, taken over, then let go
// on, created them behind the new holder, and nobody removed them. The lock is taken over as the
// health check passes: no preview may appear, and none of bob's objects may be touched.
void TestPromotionSafety::aLockTakenOverBeforeThePreviewsCreatesNone()
{
    const auto planned = plan({QStringLiteral("wallet-service")}, QStringLiteral("7.5.0"));
    QVERIFY(planned && planned->isValid());
    const Release::PlannedService &service = planned->services.constFirst();
    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.preview = true;
    Release::PromotionEngine engine(m_client.get(), *planned, options);
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    QString bobsVersion;
    // After the health step is journalled, as the check passes: the moment the previews are next.
    connect(&engine, &Release::PromotionEngine::progress, this, [&](const QString &sentence) {
        if (sentence.contains(QStringLiteral("answered /health")) && bobsVersion.isEmpty())
            bobsVersion = takeOverAsBob();
    });
    engine.start();
    QVERIFY2(finished.wait(120000), "the promotion did not stop");
    QVERIFY(!bobsVersion.isEmpty());
    const QString sentence = finished.constFirst().at(1).toString();
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                 == Release::PromotionOutcome::Inconsistent,
             qPrintable(sentence));
    const auto previews
        = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("services"),
                             QStringLiteral("--ignore-not-found"), QStringLiteral("-o"), QStringLiteral("name"),
                             QStringLiteral("wallet-service-preview")});
    QVERIFY2(previews.exitCode == 0 && previews.outText().trimmed().isEmpty(),
             qPrintable(previews.outText() + previews.errText()));
    const QString written = writtenSinceTheTakeover(service, service.activeColour, bobsVersion);
    QVERIFY2(written.isEmpty(), qPrintable(written));
}

// Found by the chaos run (round 81, seed 20261288): a console stopped the moment the Lease had
// answered its deploy step's journal, taken over while stopped, then let go on, deployed the
// standby behind the new holder. Here the takeover lands in that very window, after the journal
// write is answered and before the first Deployment write: the standby must stay as it was (or
// absent), and bob's Lease untouched. Before the deploy was fenced, the standby was deployed.
void TestPromotionSafety::aLockTakenOverAsTheDeployIsJournalledDeploysNothing()
{
    const auto planned = plan({QStringLiteral("wallet-service")}, QStringLiteral("7.6.0"));
    QVERIFY(planned && planned->isValid());
    const Release::PlannedService &service = planned->services.constFirst();
    const QJsonValue standbyBefore
        = Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment)[QLatin1String("spec")];
    Release::PromotionEngine engine(m_client.get(), *planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1));
    auto *lock = engine.findChild<Release::PromotionLock *>();
    QVERIFY(lock);
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    QString bobsVersion;
    // Emitted as the Lease's answer arrives, before the engine's own callback runs.
    connect(lock, &Release::PromotionLock::annotationsWritten, this, [&] {
        if (engine.step() == Release::PromotionStep::Deploying && bobsVersion.isEmpty())
            bobsVersion = takeOverAsBob();
    });
    engine.start();
    QVERIFY2(finished.wait(60000), "the promotion did not stop");
    QVERIFY2(!bobsVersion.isEmpty(), qPrintable(finished.constFirst().at(1).toString()));
    const QString sentence = finished.constFirst().at(1).toString();
    // Nothing of this run reached the cluster, so it says it stopped before any change.
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                     == Release::PromotionOutcome::RolledBack
                 && sentence.startsWith(QStringLiteral("Stopped before any change: Refused to deploy"))
                 && sentence.contains(QStringLiteral("bob@ws-7")),
             qPrintable(sentence));
    const QJsonValue standbyAfter
        = Lucent::Tests::fetched(m_sandbox, Namespace, "deployment", service.standbyDeployment)[QLatin1String("spec")];
    QVERIFY2(
        standbyAfter == standbyBefore,
        qPrintable(QStringLiteral("deployment/%1 was written: %2")
                       .arg(service.standbyDeployment,
                            QString::fromUtf8(QJsonDocument(standbyAfter.toObject()).toJson(QJsonDocument::Compact)))));
    QCOMPARE(selects(service.service), service.activeColour);
    const QJsonObject now = lease();
    QVERIFY2(now[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString() == bobsVersion,
             qPrintable(Release::LeaseHolder::of(now).describe()));
}

// A team's own Service that happens to be called <service>-preview: a promotion with previews must
// neither point it at its standby nor delete it at the end. Before, a 409 on create took it over
// and the end of the promotion deleted it.
void TestPromotionSafety::aServiceNamedLikeAPreviewIsNeverTakenOverOrDeleted()
{
    const QByteArray theirs = R"({"apiVersion":"v1","kind":"Service",
        "metadata":{"name":"wallet-service-preview","namespace":"lucent-staging","labels":{"team":"payments"}},
        "spec":{"selector":{"app":"wallet-service","color":"blue"},"ports":[{"name":"http","port":80,"targetPort":3000}]}})";
    const auto created
        = m_sandbox.kubectl({QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, theirs);
    QVERIFY2(created.exitCode == 0, qPrintable(created.errText()));
    const QString uid = Lucent::Tests::fetched(
                            m_sandbox, Namespace, "service",
                            QStringLiteral("wallet-service-preview"))[QLatin1String("metadata")][QLatin1String("uid")]
                            .toString();
    QVERIFY(!uid.isEmpty());
    const auto planned = plan({QStringLiteral("wallet-service")}, QStringLiteral("7.4.0"));
    QVERIFY(planned && planned->isValid());
    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.preview = true;
    Release::PromotionEngine engine(m_client.get(), *planned, options);
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack
                 && sentence.contains(QStringLiteral("is not a preview this console made")),
             qPrintable(sentence));
    const QJsonObject after
        = Lucent::Tests::fetched(m_sandbox, Namespace, "service", QStringLiteral("wallet-service-preview"));
    QCOMPARE(after[QLatin1String("metadata")][QLatin1String("uid")].toString(), uid); // not deleted
    QCOMPARE(Lucent::Tests::selectorColour(after), QStringLiteral("blue")); // not pointed at the standby
    QVERIFY(!after[QLatin1String("metadata")][QLatin1String("labels")].toObject().contains(
        QLatin1String("lucent.com/preview")));
    QCOMPARE(selects(QStringLiteral("wallet-service")), planned->services.constFirst().activeColour);
}

// A server that answers every read later than a third of the Lease (the holder's renewal period)
// never gives a read young enough to write on: the run must not read again forever, nor write on
// a stale read. After the ready timeout it stops with a sentence, and nothing was written.
void TestPromotionSafety::aServerTooSlowToWriteOnStopsTheRunWithASentence()
{
    SandboxProcess slow{
        {QStringLiteral("--speed"), QStringLiteral("20"), QStringLiteral("--latency"), QStringLiteral("1100")}};
    QVERIFY2(slow.start(), qPrintable(slow.error()));
    QVERIFY(Lucent::Tests::rolledOut(slow, Namespace, QStringLiteral("task-service")));
    QString error;
    const auto client = Lucent::Tests::environmentClient(slow, QStringLiteral("staging"), &error);
    QVERIFY2(client, qPrintable(error));
    const Release::PromotionPlan planned = Release::planPromotion(
        {QStringLiteral("p-slow"),
         QStringLiteral("staging"),
         Namespace,
         {{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:8.1.0"), {}}}},
        Lucent::Tests::listed(slow, Namespace, "services"), Lucent::Tests::listed(slow, Namespace, "deployments"));
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char(' '))));
    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.leaseSeconds = 3; // reads of 1.1 s or more are older than a third of it
    options.readyTimeoutSeconds = 3;
    Release::PromotionEngine engine(client.get(), planned, options);
    QStringList progress;
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine, &progress);
    // Its first read decides: nothing was written, so it ends as a run that changed nothing.
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.startsWith(QStringLiteral("Stopped before any change: Refused to go on")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("every read was too slow to write on")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("longer than a third of the lock's 3 s")), qPrintable(sentence));
    // Nothing was written: no standby made, the Service on its colour.
    const auto standby = slow.kubectl(
        {QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("deployments"), QStringLiteral("-l"),
         QStringLiteral("app=task-service,color=%1").arg(planned.services[0].standbyColour), QStringLiteral("-o"),
         QStringLiteral("name")});
    QVERIFY2(standby.exitCode == 0 && standby.outText().trimmed().isEmpty(),
             qPrintable(standby.outText() + standby.errText()));
    QCOMPARE(Lucent::Tests::selectorColour(
                 Lucent::Tests::fetched(slow, Namespace, "service", QStringLiteral("task-service"))),
             planned.services[0].activeColour);
}

QTEST_GUILESS_MAIN(TestPromotionSafety)
#include "tst_promotionsafety.moc"
