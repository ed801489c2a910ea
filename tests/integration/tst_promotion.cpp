// Blue-green promotion against lucent-sandbox: the promotion lock (a coordination.k8s.io/v1
// Lease) and the switch of a Service's colour, checked with kubectl, with the Service's
// Endpoints sampled throughout for the invariant (never empty, never two colours).

#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "scriptedserver.h"
#include "servicewatchers.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionlock.h"
#include "core/release/promotionplan.h"
#include "core/release/servicestatus.h"
#include "core/release/serviceswitch.h"

#include <QDirIterator>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Release::LeaseHolder;
using Release::PromotionLock;

class TestPromotion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void oneHolderAtATimeAndTheSecondIsToldWho();
    void anExpiredLockIsTakenOverAndSaidSo();
    void aRenewalThatFindsTheLockTakenSaysLost();
    void switchChangesOnlyTheColourAndKeepsTheInvariant();
    void switchRefusesAServiceChangedSinceThePlan();
    void cleanPromotionSwitchesAndScalesTheOldColourDown();
    void crashingStandbyRollsBackAtReady();
    void aHeldLockRefusesThePromotionUntouched();
    void abortDuringTheMonitorWindowSwitchesBack();
    void aReleaseOfSixServicesSwitchesTogether();
    void headlessPromoteExitCodes();
    void headlessPauseSendsTheTokenAndNeverWritesIt();
    void aViewerIsForbiddenBeforeAnyChange();

private:
    QJsonObject lease() const;
    std::unique_ptr<PromotionLock> lock(const QString &identity, int durationSeconds = 60) const;
    QList<QJsonObject> items(const char *resource) const;
    Release::PromotionPlan plan(const QString &service, const QString &image) const;
    QJsonObject object(const char *resource, const QString &name) const;
    /// Waits until @p deployment's rollout is complete (a fresh sandbox is still starting pods).
    bool rolledOut(const QString &deployment) const;
    /// Runs @p engine to its end; the outcome and sentence, with progress lines logged.
    std::pair<Release::PromotionOutcome, QString> run(Release::PromotionEngine &engine);
    QStringList m_progress; ///< the last run's progress lines

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    /// Staging as the sandbox made it, put back after each function.
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, QStringLiteral("lucent-staging")};
    std::unique_ptr<Kube::KubeClient> m_client;
};

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

} // namespace

void TestPromotion::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
}

// Each function starts on staging as the sandbox made it, alone or after any other: what one
// leaves (a standby, a switched Service, an annotation, the Lease and whoever holds it) is put
// back, and checked.
void TestPromotion::cleanup()
{
    const QString failures = m_staging.restore();
    QVERIFY2(failures.isEmpty(), qPrintable(failures));
}

QJsonObject TestPromotion::lease() const
{
    const auto r = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "get", "lease", "lucent-promotion", "-o", "json"}));
    return r.exitCode == 0 ? r.json().object() : QJsonObject();
}

std::unique_ptr<PromotionLock> TestPromotion::lock(const QString &identity, int durationSeconds) const
{
    return std::make_unique<PromotionLock>(m_client.get(), Namespace, identity, durationSeconds);
}

void TestPromotion::oneHolderAtATimeAndTheSecondIsToldWho()
{
    auto alice = lock(QStringLiteral("alice@ws-1"));
    QSignalSpy aliceAcquired(alice.get(), &PromotionLock::acquired);
    alice->acquire();
    QVERIFY(aliceAcquired.wait(10000));
    QCOMPARE(aliceAcquired.constFirst().constFirst().toString(), QString()); // not a takeover
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("alice@ws-1"));

    auto bob = lock(QStringLiteral("bob@ws-2"));
    QSignalSpy bobRefused(bob.get(), &PromotionLock::refused);
    QSignalSpy bobAcquired(bob.get(), &PromotionLock::acquired);
    bob->acquire();
    QVERIFY(bobRefused.wait(10000));
    QVERIFY(bobAcquired.isEmpty());
    const QString sentence = bobRefused.constFirst().at(1).toString();
    QVERIFY2(sentence.contains(QStringLiteral("alice@ws-1 since")), qPrintable(sentence));
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("alice@ws-1")); // untouched

    // The journal goes into the Lease's annotations and survives the holder's renewals.
    QSignalSpy written(alice.get(), &PromotionLock::annotationsWritten);
    alice->writeAnnotations({{QStringLiteral("lucent.com/promotion-step"), QStringLiteral("deploy")}});
    QVERIFY(written.wait(10000));
    QCOMPARE(
        lease()[QLatin1String("metadata")][QLatin1String("annotations")][QLatin1String("lucent.com/promotion-step")]
            .toString(),
        QStringLiteral("deploy"));

    // Released: the holder goes, the object and its journal stay, and bob may take it.
    QSignalSpy released(alice.get(), &PromotionLock::released);
    alice->release();
    QVERIFY(released.wait(10000));
    QCOMPARE(LeaseHolder::of(lease()).identity, QString());
    bobAcquired.clear();
    bob->acquire();
    QVERIFY(bobAcquired.wait(10000));
    QCOMPARE(bobAcquired.constFirst().constFirst().toString(), QString()); // free, not taken over
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("bob@ws-2"));
    QVERIFY(lease()[QLatin1String("metadata")][QLatin1String("annotations")].toObject().contains(
        QStringLiteral("lucent.com/promotion-step")));
    QSignalSpy bobReleased(bob.get(), &PromotionLock::released);
    bob->release();
    QVERIFY(bobReleased.wait(10000));
}

void TestPromotion::anExpiredLockIsTakenOverAndSaidSo()
{
    {
        // A holder killed mid-promotion: it stops renewing without releasing.
        auto crashed = lock(QStringLiteral("carol@ci-7"), 3);
        QSignalSpy acquired(crashed.get(), &PromotionLock::acquired);
        crashed->acquire();
        QVERIFY(acquired.wait(10000));
    }
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("carol@ci-7"));
    auto dave = lock(QStringLiteral("dave@ws-4"));
    QSignalSpy refused(dave.get(), &PromotionLock::refused);
    dave->acquire();
    QVERIFY(refused.wait(10000)); // still within its duration
    QTRY_VERIFY_WITH_TIMEOUT(LeaseHolder::of(lease()).isExpired(QDateTime::currentDateTimeUtc()), 10000);
    QSignalSpy acquired(dave.get(), &PromotionLock::acquired);
    dave->acquire();
    QVERIFY(acquired.wait(10000));
    const QString note = acquired.constFirst().constFirst().toString();
    QVERIFY2(note.contains(QStringLiteral("Took over")) && note.contains(QStringLiteral("carol@ci-7")),
             qPrintable(note));
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("dave@ws-4"));
    QCOMPARE(lease()[QLatin1String("spec")][QLatin1String("leaseTransitions")].toInt(), 1);
    QSignalSpy released(dave.get(), &PromotionLock::released);
    dave->release();
    QVERIFY(released.wait(10000));
}

void TestPromotion::aRenewalThatFindsTheLockTakenSaysLost()
{
    auto erin = lock(QStringLiteral("erin@ws-5"), 3); // renews every second
    QSignalSpy acquired(erin.get(), &PromotionLock::acquired);
    erin->acquire();
    QVERIFY(acquired.wait(10000));
    // Someone overwrites the Lease behind the console's back.
    const auto r = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "patch", "lease", "lucent-promotion", "--type=merge", "-p",
                             R"({"spec":{"holderIdentity":"mallory@elsewhere"}})"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QSignalSpy lost(erin.get(), &PromotionLock::lost);
    QVERIFY(lost.wait(10000));
    QVERIFY(!erin->isHeld());
    QCOMPARE(LeaseHolder::of(lease()).identity, QStringLiteral("mallory@elsewhere")); // not overwritten back
    // mallory's Lease stays until the cleanup deletes it, as the namespace had none.
}

QList<QJsonObject> TestPromotion::items(const char *resource) const
{
    return Lucent::Tests::listed(m_sandbox, Namespace, resource);
}

using Lucent::Tests::InvariantSampler;
using Lucent::Tests::ServiceProber;

void TestPromotion::switchChangesOnlyTheColourAndKeepsTheInvariant()
{
    // wallet-service's standby (green, 2.2.0) as a plan makes it; the cleanup deletes it.
    QString error;
    const auto standby = Lucent::Tests::deployStandbys(
        m_sandbox, QStringLiteral("staging"), Namespace,
        {{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}, &error);
    QVERIFY2(standby, qPrintable(error));
    QCOMPARE(standby->services.constFirst().standbyDeployment, QStringLiteral("wallet-service-green"));
    const auto service = [this] {
        return m_sandbox
            .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "service", "wallet-service", "-o", "json"}))
            .json()
            .object();
    };
    const QJsonObject before = service();
    InvariantSampler sampler(m_client.get(), Namespace, QStringLiteral("wallet-service"));
    QTRY_VERIFY_WITH_TIMEOUT(sampler.samples >= 3, 10000);

    Release::ServiceSwitch toGreen(m_client.get(), Namespace);
    QSignalSpy finished(&toGreen, &Release::ServiceSwitch::finished);
    toGreen.run(QStringLiteral("wallet-service"), QStringLiteral("blue"), QStringLiteral("green"),
                before[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString());
    QVERIFY(finished.wait(30000));
    qInfo("switched to green at sample %d", sampler.samples);
    QVERIFY2(finished.constFirst().at(0).toBool(), qPrintable(finished.constFirst().at(2).toString()));
    QVERIFY(finished.constFirst().at(1).toBool());
    // Only the colour changed.
    QJsonObject expected = before[QLatin1String("spec")][QLatin1String("selector")].toObject();
    expected.insert(QStringLiteral("color"), QStringLiteral("green"));
    QCOMPARE(service()[QLatin1String("spec")][QLatin1String("selector")].toObject(), expected);
    QCOMPARE(service()[QLatin1String("spec")][QLatin1String("ports")],
             before[QLatin1String("spec")][QLatin1String("ports")]);

    // And back: the old colour kept its replicas, so blue takes the traffic again at once.
    Release::ServiceSwitch toBlue(m_client.get(), Namespace);
    QSignalSpy back(&toBlue, &Release::ServiceSwitch::finished);
    toBlue.run(QStringLiteral("wallet-service"), QStringLiteral("green"), QStringLiteral("blue"),
               toGreen.resourceVersion());
    QVERIFY(back.wait(30000));
    QVERIFY2(back.constFirst().at(0).toBool(), qPrintable(back.constFirst().at(2).toString()));
    const int samples = sampler.samples;
    QTRY_VERIFY_WITH_TIMEOUT(sampler.samples >= samples + 3, 10000);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
    qInfo("%d Endpoints samples, none empty or mixed", sampler.samples);
}

void TestPromotion::switchRefusesAServiceChangedSinceThePlan()
{
    const auto r0 = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "get", "service", "wallet-service", "-o", "json"}));
    const QString planned = r0.json()[QLatin1String("metadata")][QLatin1String("resourceVersion")].toString();
    const QString colour
        = r0.json()[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString();
    // A teammate edits the Service after the plan read it.
    const auto r = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "annotate", "service", "wallet-service", "team/note=edited during the promotion"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    Release::ServiceSwitch change(m_client.get(), Namespace);
    QSignalSpy finished(&change, &Release::ServiceSwitch::finished);
    change.run(QStringLiteral("wallet-service"), colour, Release::otherColour(colour), planned);
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.constFirst().at(0).toBool());
    QVERIFY(!finished.constFirst().at(1).toBool());
    QVERIFY2(finished.constFirst().at(2).toString().contains(QStringLiteral("changed after the plan read it")),
             qPrintable(finished.constFirst().at(2).toString()));
    const auto after = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "get", "service", "wallet-service", "-o", "json"}));
    QCOMPARE(after.json()[QLatin1String("spec")][QLatin1String("selector")][QLatin1String("color")].toString(), colour);
    QCOMPARE(
        after.json()[QLatin1String("metadata")][QLatin1String("annotations")][QLatin1String("team/note")].toString(),
        QStringLiteral("edited during the promotion"));
}

Release::PromotionPlan TestPromotion::plan(const QString &service, const QString &image) const
{
    return Release::planPromotion({QStringLiteral("p-%1").arg(QDateTime::currentMSecsSinceEpoch()),
                                   QStringLiteral("staging"),
                                   Namespace,
                                   {{service, image, {}}}},
                                  items("services"), items("deployments"));
}

bool TestPromotion::rolledOut(const QString &deployment) const
{
    return Lucent::Tests::rolledOut(m_sandbox, Namespace, deployment);
}

QJsonObject TestPromotion::object(const char *resource, const QString &name) const
{
    return Lucent::Tests::fetched(m_sandbox, Namespace, resource, name);
}

std::pair<Release::PromotionOutcome, QString> TestPromotion::run(Release::PromotionEngine &engine)
{
    m_progress.clear();
    return Lucent::Tests::runPromotion(engine, &m_progress);
}

namespace {

Release::PromotionOptions quickOptions(const QString &identity, int monitorSeconds = 2)
{
    return Lucent::Tests::quickPromotionOptions(identity, monitorSeconds);
}

using Lucent::Tests::selectorColour;
using Lucent::Tests::specReplicas;

} // namespace

void TestPromotion::cleanPromotionSwitchesAndScalesTheOldColourDown()
{
    QVERIFY(rolledOut(QStringLiteral("user-service")));
    const auto planned = plan(QStringLiteral("user-service"), QStringLiteral("lucent/user-service:1.6.0"));
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    InvariantSampler sampler(m_client.get(), Namespace, QStringLiteral("user-service"));
    ServiceProber prober(m_client.get(), Namespace, QStringLiteral("user-service"));
    Release::PromotionEngine engine(m_client.get(), planned, quickOptions(QStringLiteral("ci@runner-1")));
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::Promoted, qPrintable(sentence));
    // Each new pod answered its health path, on the container's port named http, before the switch.
    QVERIFY2(m_progress.join(QLatin1Char('\n')).contains(QStringLiteral("answered /health on port 3001, 3 times")),
             qPrintable(m_progress.join(QLatin1Char('\n'))));
    QCOMPARE(selectorColour(object("service", QStringLiteral("user-service"))), service.standbyColour);
    QCOMPARE(specReplicas(object("deployment", service.activeDeployment)), 0); // kept at 0 for a fast rollback
    QCOMPARE(specReplicas(object("deployment", service.standbyDeployment)), service.replicas);
    const QJsonObject annotations
        = object("service", QStringLiteral("user-service"))[QLatin1String("metadata")][QLatin1String("annotations")]
              .toObject();
    QCOMPARE(annotations.value(QLatin1String("lucent.com/active-version")).toString(), QStringLiteral("1.6.0"));
    const QJsonObject lease = object("lease", QStringLiteral("lucent-promotion"));
    QCOMPARE(LeaseHolder::of(lease).identity, QString()); // released
    QCOMPARE(lease[QLatin1String("metadata")][QLatin1String("annotations")][QLatin1String("lucent.com/promotion-step")]
                 .toString(),
             QStringLiteral("done"));
    QTRY_VERIFY_WITH_TIMEOUT(sampler.samples >= 5, 10000);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
    QVERIFY2(prober.failures.isEmpty(), qPrintable(prober.failures.join(QLatin1Char('\n'))));
    QTRY_VERIFY_WITH_TIMEOUT(prober.probes >= 20, 10000); // at least two seconds of what a client saw
    qInfo("%d Endpoints samples, none empty or mixed; %d probes through the service proxy, none failed",
          sampler.samples, prober.probes);
}

void TestPromotion::crashingStandbyRollsBackAtReady()
{
    QVERIFY(rolledOut(QStringLiteral("task-service")));
    const auto planned = plan(QStringLiteral("task-service"), QStringLiteral("lucent/task-service:1.0.8-crash"));
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    InvariantSampler sampler(m_client.get(), Namespace, QStringLiteral("task-service"));
    ServiceProber prober(m_client.get(), Namespace, QStringLiteral("task-service"));
    Release::PromotionEngine engine(m_client.get(), planned, quickOptions(QStringLiteral("ci@runner-1")));
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("did not become ready")), qPrintable(sentence));
    QTRY_VERIFY_WITH_TIMEOUT(prober.probes > 10, 10000);
    QVERIFY2(prober.failures.isEmpty(), qPrintable(prober.failures.join(QLatin1Char('\n'))));
    QCOMPARE(selectorColour(object("service", QStringLiteral("task-service"))), service.activeColour);
    QCOMPARE(specReplicas(object("deployment", service.standbyDeployment)), 0);
    QCOMPARE(specReplicas(object("deployment", service.activeDeployment)), service.replicas); // untouched
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

void TestPromotion::aHeldLockRefusesThePromotionUntouched()
{
    auto other = lock(QStringLiteral("frank@ws-6"));
    QSignalSpy acquired(other.get(), &PromotionLock::acquired);
    other->acquire();
    QVERIFY(acquired.wait(10000));
    // Rolled out, or the engine refuses before it asks for the lock (alone, on a sandbox just
    // started, play-service is still starting its pods).
    QVERIFY(rolledOut(QStringLiteral("play-service")));
    const auto planned = plan(QStringLiteral("play-service"), QStringLiteral("lucent/play-service:1.3.0"));
    QVERIFY(planned.isValid());
    const auto before = items("deployments").size();
    Release::PromotionEngine engine(m_client.get(), planned, quickOptions(QStringLiteral("ci@runner-2")));
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::LockHeld, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("frank@ws-6")), qPrintable(sentence));
    QCOMPARE(items("deployments").size(), before); // no standby was created
    QSignalSpy released(other.get(), &PromotionLock::released);
    other->release();
    QVERIFY(released.wait(10000));
}

void TestPromotion::abortDuringTheMonitorWindowSwitchesBack()
{
    QVERIFY(rolledOut(QStringLiteral("play-service")));
    const auto planned = plan(QStringLiteral("play-service"), QStringLiteral("lucent/play-service:1.3.0"));
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    const auto &service = planned.services.constFirst();
    InvariantSampler sampler(m_client.get(), Namespace, QStringLiteral("play-service"));
    Release::PromotionEngine engine(m_client.get(), planned, quickOptions(QStringLiteral("ci@runner-1"), 60));
    connect(&engine, &Release::PromotionEngine::stepChanged, &engine, [&engine](Release::PromotionStep step) {
        if (step == Release::PromotionStep::Monitoring)
            QTimer::singleShot(500, &engine, [&engine] { engine.abort(QStringLiteral("Aborted by the test.")); });
    });
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::RolledBack, qPrintable(sentence));
    QCOMPARE(selectorColour(object("service", QStringLiteral("play-service"))), service.activeColour);
    QCOMPARE(specReplicas(object("deployment", service.activeDeployment)), service.replicas);
    QCOMPARE(specReplicas(object("deployment", service.standbyDeployment)), 0);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// The seed's release: six backend services promoted together, each Service sampled and
// probed throughout; every one ends on its new colour with the old at 0 replicas.
void TestPromotion::aReleaseOfSixServicesSwitchesTogether()
{
    const QStringList services{QStringLiteral("user-service"),      QStringLiteral("wallet-service"),
                               QStringLiteral("play-service"),      QStringLiteral("task-service"),
                               QStringLiteral("portfolio-service"), QStringLiteral("notification-service")};
    QList<Release::RequestedImage> images;
    for (const QString &service : services) {
        QVERIFY(rolledOut(service));
        images.append({service, QStringLiteral("lucent/%1:9.0.0").arg(service), {}});
    }
    const auto planned
        = Release::planPromotion({QStringLiteral("p-release"), QStringLiteral("staging"), Namespace, images},
                                 items("services"), items("deployments"));
    QVERIFY2(planned.isValid(), qPrintable(planned.problems.join(QLatin1Char('\n'))));
    std::vector<std::unique_ptr<InvariantSampler>> samplers;
    std::vector<std::unique_ptr<ServiceProber>> probers;
    for (const QString &service : services) {
        samplers.push_back(std::make_unique<InvariantSampler>(m_client.get(), Namespace, service));
        probers.push_back(std::make_unique<ServiceProber>(m_client.get(), Namespace, service));
    }
    Release::PromotionEngine engine(m_client.get(), planned, quickOptions(QStringLiteral("ci@runner-4")));
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::Promoted, qPrintable(sentence));
    int probes = 0;
    for (std::size_t i = 0; i < std::size_t(services.size()); ++i) {
        const auto &service = *planned.service(services[int(i)]);
        QCOMPARE(selectorColour(object("service", service.service)), service.standbyColour);
        QCOMPARE(specReplicas(object("deployment", service.activeDeployment)), 0);
        QVERIFY2(samplers[i]->violations.isEmpty(),
                 qPrintable(service.service + QLatin1Char(' ') + samplers[i]->violations.join(QLatin1Char('\n'))));
        QVERIFY2(probers[i]->failures.isEmpty(),
                 qPrintable(service.service + QLatin1Char(' ') + probers[i]->failures.join(QLatin1Char('\n'))));
        probes += probers[i]->probes;
    }
    qInfo("%d probes through the service proxy during the release, none failed", probes);
}

// The CI command: "lucent-console promote" with its exit codes, checked with kubectl.
void TestPromotion::headlessPromoteExitCodes()
{
    const QString binary = qEnvironmentVariable("LUCENT_CONSOLE");
    QVERIFY2(QFileInfo(binary).isExecutable(), "LUCENT_CONSOLE must name the built lucent-console");
    const auto promote = [&](const QStringList &extra) {
        QProcess process;
        process.start(binary,
                      QStringList{QStringLiteral("promote"), QStringLiteral("--config"), m_sandbox.projectFile(),
                                  QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(), QStringLiteral("--monitor"),
                                  QStringLiteral("1"), QStringLiteral("--scale-down-delay"), QStringLiteral("1"),
                                  QStringLiteral("--analysis"), QStringLiteral("none")}
                          + extra);
        const bool done = process.waitForFinished(120000);
        const QString output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        return std::pair{done && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, output};
    };
    // Production is protected: --yes is not enough, and nothing changes.
    auto [code, output] = promote({QStringLiteral("--env"), QStringLiteral("production"), QStringLiteral("--image"),
                                   QStringLiteral("frontend=lucent/frontend:3.4.0"), QStringLiteral("--yes")});
    QCOMPARE(code, 2);
    QVERIFY2(output.contains(QStringLiteral("--confirm production")), qPrintable(output));
    const auto production
        = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-platform", "get", "service", "frontend", "-o", "json"}));
    QCOMPARE(selectorColour(production.json().object()), QStringLiteral("blue"));

    // A clean promotion in staging, as JSON lines (once frontend is rolled out: a promotion never
    // starts on a rollout under way).
    QVERIFY(rolledOut(QStringLiteral("frontend")));
    std::tie(code, output) = promote({QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--image"),
                                      QStringLiteral("frontend=lucent/frontend:3.4.0"), QStringLiteral("--yes"),
                                      QStringLiteral("--output"), QStringLiteral("json")});
    QVERIFY2(code == 0, qPrintable(output));
    const QStringList lines = output.trimmed().split(QLatin1Char('\n'));
    QVERIFY(lines.size() > 5);
    for (const QString &line : lines)
        QVERIFY2(QJsonDocument::fromJson(line.toUtf8()).isObject(), qPrintable(line));
    QCOMPARE(selectorColour(object("service", QStringLiteral("frontend"))), QStringLiteral("green"));
    // The sandbox's project file asks for a preview and the repository's smoke test: run against
    // the preview before the switch and against the Service in the monitor window; the preview
    // is gone at the end.
    QVERIFY2(output.count(QStringLiteral("The smoke test of frontend passed")) == 2, qPrintable(output));
    // The plan's diff of the standby against the active Deployment: the colour and the image change.
    QVERIFY2(output.contains(QStringLiteral("\"event\":\"diff\""))
                 && output.contains(QRegularExpression(QStringLiteral("\\+[ -]*color: green")))
                 && output.contains(QRegularExpression(QStringLiteral("\\+[ -]*image: \\W*lucent/frontend:3\\.4\\.0"))),
             qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("ok frontend-preview/health/ready (preview, green)")), qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("ok frontend/health (monitor, green)")), qPrintable(output));
    QVERIFY(object("service", QStringLiteral("frontend-preview")).isEmpty());
    // Teammates see it in kubectl events, from lucent-console.
    QStringList reasons;
    for (const QJsonObject &event : items("events")) {
        if (event[QLatin1String("involvedObject")][QLatin1String("name")] == QLatin1String("frontend")
            && event[QLatin1String("involvedObject")][QLatin1String("kind")] == QLatin1String("Service"))
            reasons.append(event[QLatin1String("reason")].toString());
    }
    for (const char *reason : {"LucentPromotionStarted", "LucentPromotionSwitched", "LucentPromotionSucceeded"})
        QVERIFY2(reasons.contains(QLatin1String(reason)), qPrintable(reasons.join(QLatin1Char(','))));

    // Rolled back to blue: the old colour comes back to full size with the image it still has.
    std::tie(code, output) = promote({QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--yes")});
    QCOMPARE(code, 2); // promote without an image is a usage error
    {
        QProcess process;
        process.start(binary,
                      {QStringLiteral("rollback"), QStringLiteral("--config"), m_sandbox.projectFile(),
                       QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(), QStringLiteral("--env"),
                       QStringLiteral("staging"), QStringLiteral("--service"), QStringLiteral("frontend"),
                       QStringLiteral("--yes"), QStringLiteral("--monitor"), QStringLiteral("1"),
                       QStringLiteral("--scale-down-delay"), QStringLiteral("1"), QStringLiteral("--analysis"),
                       QStringLiteral("none")});
        QVERIFY(process.waitForFinished(120000));
        const QString rollbackOutput
            = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        QVERIFY2(process.exitCode() == 0, qPrintable(rollbackOutput));
    }
    QCOMPARE(selectorColour(object("service", QStringLiteral("frontend"))), QStringLiteral("blue"));
    const QJsonObject blue = object("deployment", QStringLiteral("frontend"));
    QVERIFY(specReplicas(blue) > 0);
    QVERIFY(blue[QLatin1String("spec")][QLatin1String("template")][QLatin1String("spec")][QLatin1String("containers")]
                [0][QLatin1String("image")]
                    .toString()
                    .endsWith(QLatin1String(":3.2.0")));
    QCOMPARE(specReplicas(object("deployment", QStringLiteral("frontend-green"))), 0);

    // While another promotion holds the lock: exit 4, naming the holder.
    auto other = lock(QStringLiteral("grace@ws-8"));
    QSignalSpy acquired(other.get(), &PromotionLock::acquired);
    other->acquire();
    QVERIFY(acquired.wait(10000));
    std::tie(code, output) = promote({QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--image"),
                                      QStringLiteral("frontend=lucent/frontend:3.5.0"), QStringLiteral("--yes")});
    QCOMPARE(code, 4);
    QVERIFY2(output.contains(QStringLiteral("grace@ws-8")), qPrintable(output));
    // promotion status reads the journal in the Lease: held now by grace, the last promotion's plan.
    {
        QProcess process;
        process.start(binary,
                      {QStringLiteral("promotion"), QStringLiteral("status"), QStringLiteral("--config"),
                       m_sandbox.projectFile(), QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(),
                       QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--output"),
                       QStringLiteral("json")});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject status = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QCOMPARE(status[QLatin1String("state")].toString(), QStringLiteral("running"));
        QCOMPARE(status[QLatin1String("holder")].toString(), QStringLiteral("grace@ws-8"));
        QCOMPARE(status[QLatin1String("step")].toString(), QStringLiteral("done"));
        QCOMPARE(status[QLatin1String("plan")][0][QLatin1String("service")].toString(), QStringLiteral("frontend"));
    }
    QSignalSpy released(other.get(), &PromotionLock::released);
    other->release();
    QVERIFY(released.wait(10000));
}

// Over TLS, so that RBAC applies: the viewer may read but not promote, and is told which
// permission is missing before anything changes (not even the lock).
void TestPromotion::aViewerIsForbiddenBeforeAnyChange()
{
    SandboxProcess tls{{QStringLiteral("--tls"), QStringLiteral("--speed"), QStringLiteral("20")}};
    QVERIFY2(tls.start(), qPrintable(tls.error()));
    const auto project = Environment::ProjectConfig::load(tls.projectFile());
    const auto *staging = project.environment(QStringLiteral("staging"));
    QVERIFY(staging);
    QString error;
    const auto admin = Lucent::Tests::connectionFor(tls.kubeconfig(), staging->context, {}, &error);
    QVERIFY2(admin, qPrintable(error));
    const auto viewer
        = Lucent::Tests::connectionFor(tls.kubeconfig(), staging->context, QStringLiteral("lucent-viewer"), &error);
    QVERIFY2(viewer, qPrintable(error));
    Kube::KubeClient adminClient(*admin);
    Kube::KubeClient viewerClient(*viewer);
    QList<QJsonObject> services, deployments;
    for (auto [resource, list] : {std::pair{"services", &services}, std::pair{"deployments", &deployments}}) {
        const auto r = tls.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", resource, "-o", "json"}));
        for (const auto &item : r.json()[QLatin1String("items")].toArray())
            list->append(item.toObject());
    }
    const auto planned = Release::planPromotion(
        {QStringLiteral("p-viewer"),
         QStringLiteral("staging"),
         Namespace,
         {{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}},
        services, deployments);
    QVERIFY(planned.isValid());
    Release::PromotionEngine engine(&viewerClient, planned, quickOptions(QStringLiteral("lucent-viewer@ws-9")));
    const auto [outcome, sentence] = run(engine);
    QVERIFY2(outcome == Release::PromotionOutcome::Forbidden, qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("lucent-viewer")) && sentence.contains(QStringLiteral("deployments")),
             qPrintable(sentence));
    const auto lease = tls.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "lease", "lucent-promotion"}));
    QVERIFY(lease.exitCode != 0); // not even the lock was taken
    const auto green
        = tls.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "deployment", "wallet-service-green"}));
    QVERIFY(green.exitCode != 0);

    // The same through the headless command, with the viewer's context: exit 5, the permission named.
    QTemporaryDir dir;
    const QString kubeconfig = dir.filePath(QStringLiteral("kubeconfig"));
    QVERIFY(QFile::copy(tls.kubeconfig(), kubeconfig));
    const auto asViewer
        = tls.kubectl({QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("config"),
                       QStringLiteral("set-context"), staging->context, QStringLiteral("--user=lucent-viewer")});
    QVERIFY2(asViewer.exitCode == 0, qPrintable(asViewer.errText()));
    QProcess cli;
    cli.start(qEnvironmentVariable("LUCENT_CONSOLE"),
              {QStringLiteral("promote"), QStringLiteral("--config"), tls.projectFile(), QStringLiteral("--kubeconfig"),
               kubeconfig, QStringLiteral("--env"), QStringLiteral("staging"), QStringLiteral("--image"),
               QStringLiteral("wallet-service=lucent/wallet-service:2.2.0"), QStringLiteral("--yes"),
               QStringLiteral("--analysis"), QStringLiteral("none")});
    QVERIFY(cli.waitForFinished(60000));
    const QString said = QString::fromUtf8(cli.readAllStandardOutput() + cli.readAllStandardError());
    QVERIFY2(cli.exitCode() == 5, qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("lucent-viewer may not create deployments")), qPrintable(said));
    QVERIFY(tls.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "lease", "lucent-promotion"})).exitCode
            != 0);
}

// With the sandbox's real Prometheus: the standby colour's error ratio, p95 latency and
// request rate decide. A healthy image is promoted; an -errors image (about 30 % 5xx) is
// rolled back before any Service is switched.
// The headless command against a Prometheus that needs a bearer token (a scripted one knowing
// no series of the new colour): every request carries the token, the inconclusive analysis
// pauses with exit 3, `promotion abort` decides; the token is in no output and no file written.
void TestPromotion::headlessPauseSendsTheTokenAndNeverWritesIt()
{
    Lucent::Tests::ScriptedServer prometheus;
    prometheus.script = QList<Lucent::Tests::ScriptedServer::Response>(
        80, {200, R"({"status":"success","data":{"resultType":"vector","result":[]}})", {}, 0});
    QTemporaryDir dir;
    const QByteArray token = "s3cret-prometheus-token-9f2e";
    QFile tokenFile(dir.filePath(QStringLiteral("token")));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly) && tokenFile.write(token + '\n') > 0);
    tokenFile.close();
    QFile project(dir.filePath(QStringLiteral("lucent.yaml")));
    QVERIFY(project.open(QIODevice::WriteOnly));
    project.write("environments:\n  - name: staging\n    context: staging\n    namespace: lucent-staging\n"
                  "    prometheus: "
                  + prometheus.url().toString().toUtf8()
                  + "\npromotion:\n  analysis: {initialDelaySeconds: 0, intervalSeconds: 1, count: 2}\n");
    project.close();
    const auto console = [&](const QStringList &arguments) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_STATE_HOME"), dir.filePath(QStringLiteral("state")));
        process.setProcessEnvironment(environment);
        QEventLoop loop; // the scripted Prometheus answers from this event loop meanwhile
        connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        process.start(qEnvironmentVariable("LUCENT_CONSOLE"),
                      arguments
                          + QStringList{QStringLiteral("--config"), project.fileName(), QStringLiteral("--kubeconfig"),
                                        m_sandbox.kubeconfig(), QStringLiteral("--env"), QStringLiteral("staging"),
                                        QStringLiteral("--yes"), QStringLiteral("--monitor"), QStringLiteral("1")});
        loop.exec();
        const QString output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        return std::pair{process.state() == QProcess::NotRunning ? process.exitCode() : -1, output};
    };
    QVERIFY(rolledOut(QStringLiteral("notification-service")));
    const QString serving = selectorColour(object("service", QStringLiteral("notification-service")));
    auto [code, output] = console({QStringLiteral("promote"), QStringLiteral("--image"),
                                   QStringLiteral("notification-service=lucent/notification-service:4.0.0"),
                                   QStringLiteral("--on-inconclusive"), QStringLiteral("pause"),
                                   QStringLiteral("--prometheus-token-file"), tokenFile.fileName()});
    QVERIFY2(code == 3, qPrintable(output));
    QVERIFY2(output.contains(QStringLiteral("promotion resume --env staging")), qPrintable(output));
    QVERIFY(prometheus.requests.size() >= 4); // the firing alerts, then the analysis
    for (const auto &request : std::as_const(prometheus.requests))
        QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer " + token));
    std::tie(code, output) = console({QStringLiteral("promotion"), QStringLiteral("status")});
    QVERIFY2(code == 0 && output.contains(QStringLiteral(": paused,")), qPrintable(output));
    std::tie(code, output) = console(
        {QStringLiteral("promotion"), QStringLiteral("abort"), QStringLiteral("--analysis"), QStringLiteral("none")});
    QVERIFY2(code == 1, qPrintable(output)); // rolled back, as decided
    QCOMPARE(selectorColour(object("service", QStringLiteral("notification-service"))), serving);
    // The token is nowhere: not in the output, the journal, the audit trail, nor the Lease.
    QVERIFY(!output.contains(QString::fromUtf8(token)));
    QDirIterator files(dir.filePath(QStringLiteral("state")), QDir::Files, QDirIterator::Subdirectories);
    int written = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(token) && !content.contains(token.toBase64()), qPrintable(file.fileName()));
        ++written;
    }
    QVERIFY(written >= 2); // the promotion's journal file and audit.jsonl
    QVERIFY(!QJsonDocument(lease()).toJson().contains(token));
}

QTEST_GUILESS_MAIN(TestPromotion)
#include "tst_promotion.moc"
