// Git and the promotion never fight (issue 32): the Services in manifests/ name no colour, the
// colour is the promotion's own field (field manager lucent-promotion), and a Service git left
// without one is adopted at its first promotion. After a promotion, applying the repository's
// manifests in each of the three ways teams do (kubectl's client-side apply, its server-side
// apply, the console's Apply) must leave the new colour serving: an Endpoints sampler sees no
// empty or mixed sample, and the served version does not change.

#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "servicewatchers.h"

#include "core/apply/applyguards.h"
#include "core/apply/manifestapplier.h"
#include "core/kube/kubeclient.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionplan.h"
#include "core/validation/manifestjson.h"

#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::InvariantSampler;
using Lucent::Tests::SandboxProcess;

namespace {

const QString Namespace = QStringLiteral("lucent-staging");
const QString Service = QStringLiteral("wallet-service");
const QString Overlay = QStringLiteral(LUCENT_SOURCE_DIR "/manifests/staging");

} // namespace

class TestPromotionGit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void aServiceGitLeftWithoutAColourIsAdoptedAtItsFirstPromotion();
    void applyingTheManifestsAfterAPromotionKeepsItServing_data();
    void applyingTheManifestsAfterAPromotionKeepsItServing();
    void aClusterAppliedWithTheOldManifestsIsMigratedByItsNextPromotion();

private:
    /// Promotes wallet-service on @p sandbox to @p version; empty when it was promoted.
    static QString promote(const SandboxProcess &sandbox, Kube::KubeClient *client, const QString &version,
                           Release::PromotionPlan *planned);
    /// What differs from "@p service selects @p colour and its ready endpoints are all pods of that
    /// colour running @p version": empty when nothing does.
    static QString servingOtherThan(const SandboxProcess &sandbox, const QString &colour, const QString &version);
    /// Runs kubectl with @p arguments while the event loop (and so the sampler) goes on.
    static Lucent::Tests::CommandResult kubectlMeanwhile(const SandboxProcess &sandbox, const QStringList &arguments);
    /// The console's Apply (server-side, never forced) of the staging overlay as kustomize renders it.
    static QList<Apply::ApplyOutcome> consoleApply(const SandboxProcess &sandbox, Kube::KubeClient *client,
                                                   QString *error);

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, Namespace};
    std::unique_ptr<Kube::KubeClient> m_client;
};

void TestPromotionGit::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    QString error;
    m_client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(m_client, qPrintable(error));
    QVERIFY2(m_staging.take(&error), qPrintable(error));
}

void TestPromotionGit::cleanup()
{
    const QString failures = m_staging.restore();
    QVERIFY2(failures.isEmpty(), qPrintable(failures));
}

QString TestPromotionGit::promote(const SandboxProcess &sandbox, Kube::KubeClient *client, const QString &version,
                                  Release::PromotionPlan *planned)
{
    if (!Lucent::Tests::rolledOut(sandbox, Namespace, Service))
        return QStringLiteral("deployment/%1 did not roll out").arg(Service);
    *planned = Release::planPromotion({QStringLiteral("p-git-%1").arg(version),
                                       QStringLiteral("staging"),
                                       Namespace,
                                       {{Service, QStringLiteral("lucent/%1:%2").arg(Service, version), {}}}},
                                      Lucent::Tests::listed(sandbox, Namespace, "services"),
                                      Lucent::Tests::listed(sandbox, Namespace, "deployments"));
    if (!planned->isValid())
        return planned->problems.join(QLatin1Char(' '));
    Release::PromotionEngine engine(client, *planned,
                                    Lucent::Tests::quickPromotionOptions(QStringLiteral("alice@ws-12")));
    const auto [outcome, sentence] = Lucent::Tests::runPromotion(engine);
    return outcome == Release::PromotionOutcome::Promoted ? QString() : sentence;
}

QString TestPromotionGit::servingOtherThan(const SandboxProcess &sandbox, const QString &colour, const QString &version)
{
    QStringList wrong;
    const QString selected
        = Lucent::Tests::selectorColour(Lucent::Tests::fetched(sandbox, Namespace, "service", Service));
    if (selected != colour)
        wrong.append(QStringLiteral("service/%1 selects '%2', not %3").arg(Service, selected, colour));
    QHash<QString, QJsonObject> pods;
    for (const QJsonObject &pod : Lucent::Tests::listed(sandbox, Namespace, "pods"))
        pods.insert(pod[QLatin1String("metadata")][QLatin1String("name")].toString(), pod);
    int ready = 0;
    const QJsonObject endpoints = Lucent::Tests::fetched(sandbox, Namespace, "endpoints", Service);
    for (const auto &subset : endpoints[QLatin1String("subsets")].toArray()) {
        for (const auto &address : subset[QLatin1String("addresses")].toArray()) {
            ++ready;
            const QJsonObject pod = pods.value(address[QLatin1String("targetRef")][QLatin1String("name")].toString());
            const QString podColour
                = pod[QLatin1String("metadata")][QLatin1String("labels")][QLatin1String("color")].toString();
            const QString image
                = pod[QLatin1String("spec")][QLatin1String("containers")][0][QLatin1String("image")].toString();
            if (podColour != colour || !image.endsWith(QLatin1Char(':') + version))
                wrong.append(
                    QStringLiteral("an endpoint is pod %1 (%2, %3)")
                        .arg(pod[QLatin1String("metadata")][QLatin1String("name")].toString(), podColour, image));
        }
    }
    if (ready == 0)
        wrong.append(QStringLiteral("service/%1 has no ready endpoint").arg(Service));
    return wrong.join(QStringLiteral("; "));
}

Lucent::Tests::CommandResult TestPromotionGit::kubectlMeanwhile(const SandboxProcess &sandbox,
                                                                const QStringList &arguments)
{
    std::unique_ptr<QProcess> process(sandbox.startKubectl(arguments));
    Lucent::Tests::CommandResult result;
    result.exitCode = -1;
    if (!process)
        return result;
    QSignalSpy finished(process.get(), &QProcess::finished);
    if (process->state() == QProcess::NotRunning || finished.wait(60000)) {
        result.exitCode = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
        result.out = process->readAllStandardOutput();
        result.err = process->readAllStandardError();
    }
    return result;
}

QList<Apply::ApplyOutcome> TestPromotionGit::consoleApply(const SandboxProcess &sandbox, Kube::KubeClient *client,
                                                          QString *error)
{
    const auto rendered = sandbox.kubectl({QStringLiteral("kustomize"), Overlay});
    if (rendered.exitCode != 0) {
        *error = rendered.errText();
        return {};
    }
    const auto objects = Validation::manifestObjects(rendered.out, error);
    Apply::ManifestApplier applier(client, Namespace);
    QSignalSpy finished(&applier, &Apply::ManifestApplier::finished);
    applier.start(objects, false, false);
    if (!finished.wait(60000)) {
        *error = QStringLiteral("the console's Apply did not finish in 60 s");
        return {};
    }
    return finished.constFirst().constFirst().value<QList<Apply::ApplyOutcome>>();
}

// A cluster as `kubectl apply -k` of git leaves it: wallet-service's selector names no colour. The
// first promotion adopts it (selects blue, by the promotion's field manager) before the green pods
// exist, so the Endpoints never mix; then it promotes as usual, and git applied again afterwards
// leaves green serving.
void TestPromotionGit::aServiceGitLeftWithoutAColourIsAdoptedAtItsFirstPromotion()
{
    SandboxProcess fresh{{QStringLiteral("--speed"), QStringLiteral("20"), QStringLiteral("--unadopted")}};
    QVERIFY2(fresh.start(), qPrintable(fresh.error()));
    QCOMPARE(Lucent::Tests::selectorColour(Lucent::Tests::fetched(fresh, Namespace, "service", Service)), QString());
    QString error;
    const auto client = Lucent::Tests::environmentClient(fresh, QStringLiteral("staging"), &error);
    QVERIFY2(client, qPrintable(error));
    InvariantSampler sampler(client.get(), Namespace, Service);

    Release::PromotionPlan planned;
    const QString failure = promote(fresh, client.get(), QStringLiteral("7.7.0"), &planned);
    QVERIFY(!planned.services.isEmpty());
    QVERIFY(planned.services.constFirst().adopts);
    QVERIFY2(Release::describePlan(planned).contains(
                 QStringLiteral("service/wallet-service is adopted into blue-green first: its selector gains "
                                "color=blue")),
             qPrintable(Release::describePlan(planned)));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QString wrong = servingOtherThan(fresh, QStringLiteral("green"), QStringLiteral("7.7.0"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    // The selector is the promotion's field now, not kubectl's.
    QStringList owners;
    const auto read
        = fresh.kubectl({QStringLiteral("-n"), Namespace, QStringLiteral("get"), QStringLiteral("service"), Service,
                         QStringLiteral("--show-managed-fields"), QStringLiteral("-o"), QStringLiteral("json")});
    QVERIFY2(read.exitCode == 0, qPrintable(read.errText()));
    for (const auto &entry : read.json()[QLatin1String("metadata")][QLatin1String("managedFields")].toArray()) {
        if (entry[QLatin1String("fieldsV1")][QLatin1String("f:spec")].toObject().contains(QLatin1String("f:selector")))
            owners.append(entry[QLatin1String("manager")].toString());
    }
    QCOMPARE(owners, QStringList{QStringLiteral("lucent-promotion")});

    const auto applied = kubectlMeanwhile(fresh, {QStringLiteral("apply"), QStringLiteral("-k"), Overlay});
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.errText()));
    QVERIFY(Lucent::Tests::rolledOut(fresh, Namespace, Service)); // blue back at git's 3 replicas
    wrong = servingOtherThan(fresh, QStringLiteral("green"), QStringLiteral("7.7.0"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QVERIFY(sampler.samples > 0);
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

void TestPromotionGit::applyingTheManifestsAfterAPromotionKeepsItServing_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("kubectl apply -k") << QStringLiteral("client-side");
    QTest::newRow("kubectl apply --server-side -k") << QStringLiteral("server-side");
    QTest::newRow("the console's Apply") << QStringLiteral("console");
}

// The scenario of issue 32: after a promotion to green, `kubectl apply -k manifests/staging`
// switched the selector back to blue and scaled blue up from 0, with no ready endpoint meanwhile.
void TestPromotionGit::applyingTheManifestsAfterAPromotionKeepsItServing()
{
    QFETCH(QString, how);
    const QString version = QStringLiteral("7.8.%1").arg(
        QStringList{QStringLiteral("client-side"), QStringLiteral("server-side"), QStringLiteral("console")}.indexOf(
            how));
    Release::PromotionPlan planned;
    const QString failure = promote(m_sandbox, m_client.get(), version, &planned);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const QString green = planned.services.constFirst().standbyColour;
    InvariantSampler sampler(m_client.get(), Namespace, Service);

    if (how == QLatin1String("client-side")) {
        const auto applied = kubectlMeanwhile(m_sandbox, {QStringLiteral("apply"), QStringLiteral("-k"), Overlay});
        QVERIFY2(applied.exitCode == 0, qPrintable(applied.errText()));
        // Git still has blue at 3 replicas: it comes back, but as the standby.
        QVERIFY(Lucent::Tests::rolledOut(m_sandbox, Namespace, Service));
    } else if (how == QLatin1String("server-side")) {
        const auto applied = kubectlMeanwhile(
            m_sandbox, {QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("-k"), Overlay});
        // The selector is the promotion's: a server-side apply of git's meets a conflict naming it.
        QCOMPARE(applied.exitCode, 1);
        QVERIFY2(
            applied.errText().contains(QStringLiteral("conflict with \"lucent-promotion\" using v1: .spec.selector")),
            qPrintable(applied.errText()));
    } else {
        QString error;
        const auto outcomes = consoleApply(m_sandbox, m_client.get(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto service = std::find_if(outcomes.cbegin(), outcomes.cend(), [](const Apply::ApplyOutcome &outcome) {
            return outcome.object == QLatin1String("Service/") + Service;
        });
        QVERIFY(service != outcomes.cend());
        // git's selector names no colour: the applier keeps the one the promotion selects.
        QCOMPARE(service->result, Apply::ApplyOutcome::Result::Unchanged);
        QVERIFY2(service->message.contains(QStringLiteral("keeps color=%1").arg(green)), qPrintable(service->message));
        // Blue's replicas are the promotion's since its scale-down: a take-over would be refused.
        QVERIFY2(
            Apply::promotionFieldsRefusal(outcomes).contains(
                QStringLiteral("Deployment/%1 .spec.replicas").arg(planned.services.constFirst().activeDeployment)),
            qPrintable(Apply::promotionFieldsRefusal(outcomes)));
    }
    // A few more samples after the apply, while what it changed settles.
    const int after = sampler.samples;
    QTRY_VERIFY_WITH_TIMEOUT(sampler.samples >= after + 5, 20000);
    const QString wrong = servingOtherThan(m_sandbox, green, version);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

// Found by review: a cluster last applied (client-side) with the old manifests has color in
// kubectl's last-applied record. Applying the new manifests, which name no colour, would then
// delete it (the three-way merge deletes what was applied last time and is applied no more), and
// the Service would select both colours. Every write of the colour drops it from that record, so
// the next promotion migrates the Service.
void TestPromotionGit::aClusterAppliedWithTheOldManifestsIsMigratedByItsNextPromotion()
{
    const QByteArray old = "apiVersion: v1\nkind: Service\nmetadata:\n  name: wallet-service\n"
                           "  namespace: lucent-staging\n  labels:\n    app: wallet-service\n"
                           "    app.kubernetes.io/part-of: lucent\nspec:\n  type: ClusterIP\n  selector:\n"
                           "    app: wallet-service\n    color: blue\n  ports:\n  - name: http\n    port: 3002\n"
                           "    targetPort: 3002\n";
    const auto applied
        = m_sandbox.kubectl({QStringLiteral("apply"), QStringLiteral("-f"), QStringLiteral("-")}, 60000, old);
    QVERIFY2(applied.exitCode == 0, qPrintable(applied.errText()));
    const auto lastApplied = [this] {
        return Lucent::Tests::fetched(m_sandbox, Namespace, "service",
                                      Service)[QLatin1String("metadata")][QLatin1String("annotations")]
                                              [QLatin1String("kubectl.kubernetes.io/last-applied-configuration")]
                                                  .toString();
    };
    QVERIFY2(lastApplied().contains(QStringLiteral("\"color\":\"blue\"")), qPrintable(lastApplied()));

    Release::PromotionPlan planned;
    const QString failure = promote(m_sandbox, m_client.get(), QStringLiteral("7.9.0"), &planned);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(!lastApplied().isEmpty() && !lastApplied().contains(QStringLiteral("color")), qPrintable(lastApplied()));

    InvariantSampler sampler(m_client.get(), Namespace, Service);
    const auto reapplied = kubectlMeanwhile(m_sandbox, {QStringLiteral("apply"), QStringLiteral("-k"), Overlay});
    QVERIFY2(reapplied.exitCode == 0, qPrintable(reapplied.errText()));
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, Namespace, Service)); // git's blue back, as the standby
    const int after = sampler.samples;
    QTRY_VERIFY_WITH_TIMEOUT(sampler.samples >= after + 5, 20000);
    const QString wrong
        = servingOtherThan(m_sandbox, planned.services.constFirst().standbyColour, QStringLiteral("7.9.0"));
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QVERIFY2(sampler.violations.isEmpty(), qPrintable(sampler.violations.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestPromotionGit)
#include "tst_promotiongit.moc"
