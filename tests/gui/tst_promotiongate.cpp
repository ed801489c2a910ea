// The wizard's Promote gate follows the new colour live: "Everything is verified" and an enabled
// Promote only while every pod of it is ready. Pods that stop being ready while the gate waits
// take both away, say what is not ready, and a Promote that raced them is refused by the engine
// with nothing switched; once the pods are ready again, the same gate promotes.

#include "kubetesthelpers.h"
#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "screenshot.h"
#include "servicewatchers.h"

#include "core/environment/projectconfig.h"
#include "core/release/promotionengine.h"
#include "ui/promotion/promotionrunview.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::shoot;

namespace {
const QString Namespace = QStringLiteral("lucent-staging");
const QString Service = QStringLiteral("user-service");
} // namespace

class TestPromotionGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void theGateFollowsTheNewColoursReadiness();

private:
    bool setFault(const QString &colour, bool unready) const;

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, Namespace};
    std::unique_ptr<Kube::KubeClient> m_client;
};

void TestPromotionGate::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
}

void TestPromotionGate::cleanup()
{
    const QString failures = m_staging.restore();
    QVERIFY2(failures.isEmpty(), qPrintable(failures));
}

bool TestPromotionGate::setFault(const QString &colour, bool unready) const
{
    const auto r = m_sandbox.kubectl(
        {QStringLiteral("-n"), Namespace, QStringLiteral("annotate"), QStringLiteral("--overwrite"),
         QStringLiteral("pods"), QStringLiteral("-l"), QStringLiteral("app=%1,color=%2").arg(Service, colour),
         unready ? QStringLiteral("lucent-sandbox/fault=unready") : QStringLiteral("lucent-sandbox/fault-")});
    return r.exitCode == 0;
}

void TestPromotionGate::theGateFollowsTheNewColoursReadiness()
{
    QString error;
    const auto services = Lucent::Tests::listed(m_sandbox, Namespace, "services", &error);
    const auto deployments = Lucent::Tests::listed(m_sandbox, Namespace, "deployments", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Release::PromotionPlan plan
        = Release::planPromotion({QStringLiteral("p-gate"),
                                  QStringLiteral("staging"),
                                  Namespace,
                                  {{Service, QStringLiteral("lucent/user-service:7.5.0"), {}}}},
                                 services, deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char(' '))));
    const Release::PlannedService &planned = plan.services.constFirst();
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, Namespace, planned.activeDeployment));
    Lucent::Tests::InvariantSampler sampler(m_client.get(), Namespace, Service);

    Release::PromotionOptions options = Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12"), 1);
    options.confirmBeforeSwitch = true;
    Release::PromotionEngine engine(m_client.get(), plan, options);
    Environment::Environment staging;
    staging.name = QStringLiteral("staging");
    staging.namespaceName = Namespace;
    Lucent::Ui::PromotionRunView view(staging);
    view.resize(1024, 700);
    view.attach(&engine, m_client.get(), nullptr, options);
    view.show();
    auto *summary = view.findChild<QLabel *>(QStringLiteral("switchSummary"));
    auto *promote = view.findChild<QPushButton *>(QStringLiteral("promoteButton"));
    QVERIFY(summary && promote);
    QSignalSpy refused(&engine, &Release::PromotionEngine::switchRefused);
    QSignalSpy finished(&engine, &Release::PromotionEngine::finished);
    engine.start();
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible() && promote->isEnabled(), 120000);
    QVERIFY2(summary->text().contains(QStringLiteral("Everything is verified")), qPrintable(summary->text()));

    // One pod of the three stops being ready while the gate waits: not verified any more.
    const auto pods = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("pods"),
                                         QStringLiteral("-l"),
                                         QStringLiteral("app=%1,color=%2").arg(Service, planned.standbyColour),
                                         QStringLiteral("-o"), QStringLiteral("name")});
    const QStringList names = pods.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(names.size() == 3, qPrintable(pods.outText() + pods.errText()));
    const auto one = m_sandbox.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("annotate"), names.constFirst(),
                                        QStringLiteral("lucent-sandbox/fault=unready")});
    QVERIFY2(one.exitCode == 0, qPrintable(one.errText()));
    QTRY_VERIFY_WITH_TIMEOUT(!promote->isEnabled(), 30000);
    QVERIFY2(!summary->text().contains(QStringLiteral("Everything is verified"))
                 && summary->text().contains(QStringLiteral("Not ready now:")),
             qPrintable(summary->text()));
    // Then every pod of the new colour.
    QVERIFY(setFault(planned.standbyColour, true));
    QTRY_VERIFY_WITH_TIMEOUT(!promote->isEnabled(), 30000);
    QVERIFY2(!summary->text().contains(QStringLiteral("Everything is verified"))
                 && summary->text().contains(QStringLiteral("Not ready now:")),
             qPrintable(summary->text()));
    // A Promote that raced the watch (or a script) is refused by the engine: nothing switches.
    engine.confirmSwitch();
    QVERIFY2(refused.wait(30000), "Promote over unready pods was not refused");
    QVERIFY2(
        refused.constFirst().constFirst().toString().contains(QStringLiteral("Refused to switch service/user-service")),
        qPrintable(refused.constFirst().constFirst().toString()));
    auto *step = view.findChild<QLabel *>(QStringLiteral("stepLabel"));
    QTRY_VERIFY(step->text().contains(QStringLiteral("Promote was refused")));
    QVERIFY(promote->isVisible() && !promote->isEnabled());
    QVERIFY(shoot(&view, "gate-not-ready"));
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, Namespace, "service", Service)),
             planned.activeColour);

    // Ready again: the gate says so and Promote goes on.
    QVERIFY(setFault(planned.standbyColour, false));
    QTRY_VERIFY_WITH_TIMEOUT(promote->isEnabled(), 30000);
    QVERIFY2(summary->text().contains(QStringLiteral("Everything is verified")), qPrintable(summary->text()));
    QVERIFY(shoot(&view, "gate-verified"));
    QTest::mouseClick(promote, Qt::LeftButton);
    QVERIFY2(finished.wait(120000), "the promotion did not end");
    QVERIFY2(finished.constFirst().constFirst().value<Release::PromotionOutcome>()
                 == Release::PromotionOutcome::Promoted,
             qPrintable(finished.constFirst().at(1).toString()));
    QVERIFY(sampler.samples > 0);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

QTEST_MAIN(TestPromotionGate)
#include "tst_promotiongate.moc"
