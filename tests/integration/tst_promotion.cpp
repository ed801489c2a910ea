// Blue-green promotion against lucent-sandbox: the promotion lock (a coordination.k8s.io/v1
// Lease), checked with kubectl.

#include "kubetesthelpers.h"
#include "sandboxprocess.h"

#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/release/promotionlock.h"

#include <QSignalSpy>
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
    void oneHolderAtATimeAndTheSecondIsToldWho();
    void anExpiredLockIsTakenOverAndSaidSo();
    void aRenewalThatFindsTheLockTakenSaysLost();

private:
    QJsonObject lease() const;
    std::unique_ptr<PromotionLock> lock(const QString &identity, int durationSeconds = 60) const;

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    std::unique_ptr<Kube::KubeClient> m_client;
};

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

} // namespace

void TestPromotion::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    const auto project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    const auto *staging = project.environment(QStringLiteral("staging"));
    QVERIFY(staging);
    QString error;
    const auto connection = Lucent::Tests::connectionFor(m_sandbox.kubeconfig(), staging->context, {}, &error);
    QVERIFY2(connection, qPrintable(error));
    m_client = std::make_unique<Kube::KubeClient>(*connection);
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
}

QTEST_GUILESS_MAIN(TestPromotion)
#include "tst_promotion.moc"
