// The checks before a promotion takes its lock, against scripted servers: each verdict (passed,
// forbidden, refused) and its sentence, and that a refusal stops before the next check.

#include "scriptedserver.h"

#include "core/kube/clusterconnection.h"
#include "core/kube/kubeclient.h"
#include "core/prometheus/prometheusclient.h"
#include "core/release/promotionpreflight.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::ScriptedServer;
using Release::PromotionPreflight;

namespace {

const QByteArray ReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const QByteArray ActivePath = "/apis/apps/v1/namespaces/lucent-staging/deployments/wallet-service";
constexpr int Reviews = 9; // one per verb the promotion uses

QByteArray review(bool allowed)
{
    return QByteArray(R"({"kind":"SelfSubjectAccessReview","status":{"allowed":)") + (allowed ? "true" : "false")
        + R"(,"reason":"scripted"}})";
}

/// wallet-service's active Deployment: Complete, or in the middle of a rollout.
QByteArray activeDeployment(bool complete)
{
    const QByteArray updated = complete ? "3" : "1";
    const QByteArray reason = complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated";
    return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"wallet-service","namespace":)"
           R"("lucent-staging","generation":4},"spec":{"replicas":3},"status":{"observedGeneration":4,)"
           R"("replicas":3,"updatedReplicas":)"
        + updated
        + R"(,"readyReplicas":3,"availableReplicas":3,"conditions":[{"type":"Available",)"
          R"("status":"True"},{"type":"Progressing","status":"True","reason":")"
        + reason + R"("}]}})";
}

QByteArray alerts(const QList<QByteArray> &names)
{
    QByteArray result;
    for (const QByteArray &name : names) {
        if (!result.isEmpty())
            result += ',';
        result += R"({"metric":{"__name__":"ALERTS","alertname":")" + name
            + R"(","alertstate":"firing","namespace":"lucent-staging","app":"wallet-service"},"value":[1700000000,"1"]})";
    }
    return R"({"status":"success","data":{"resultType":"vector","result":[)" + result + "]}}";
}

Release::PromotionPlan walletPlan()
{
    Release::PromotionPlan plan;
    plan.request = {QStringLiteral("p-1"), QStringLiteral("staging"), QStringLiteral("lucent-staging"), {}};
    Release::PlannedService wallet;
    wallet.service = QStringLiteral("wallet-service");
    wallet.activeColour = QStringLiteral("blue");
    wallet.standbyColour = QStringLiteral("green");
    wallet.activeDeployment = QStringLiteral("wallet-service");
    wallet.standbyDeployment = QStringLiteral("wallet-service-green");
    plan.services.append(wallet);
    return plan;
}

} // namespace

class TestPromotionPreflight : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void passesWithoutAnalysisAndSaysSo();
    void aDeniedVerbIsForbiddenAndNamed();
    void anActiveRolloutUnderWayRefuses();
    void firingAlertsRefuseUnlessAcknowledged();
    void anUnansweringPrometheusRefuses();
    void analysisWithoutPrometheusRefuses();
    void firingAlertsQueryEscapesServiceNames();
    void everyCheckIsReportedWhenAllAreAsked();

private:
    struct Result {
        PromotionPreflight::Verdict verdict = PromotionPreflight::Verdict::Passed;
        QString sentence;
        QStringList progress;
        QStringList acknowledged;
        QStringList checks; ///< "Access passed", "Alerts failed", ...
    };
    /// Runs the preflight against @p kube (and @p prometheus when given) with @p checks.
    static Result run(ScriptedServer &kube, ScriptedServer *prometheus, const PromotionPreflight::Checks &checks);
    static void allowEverything(ScriptedServer &kube, bool complete = true);
};

TestPromotionPreflight::Result TestPromotionPreflight::run(ScriptedServer &kube, ScriptedServer *prometheus,
                                                           const PromotionPreflight::Checks &checks)
{
    Kube::ClusterConnection connection;
    connection.server = kube.url();
    Kube::KubeClient client(connection);
    std::unique_ptr<Prometheus::PrometheusClient> prometheusClient;
    if (prometheus)
        prometheusClient = std::make_unique<Prometheus::PrometheusClient>(prometheus->url());
    PromotionPreflight preflight(&client, prometheusClient.get(), walletPlan(), checks);
    Result result;
    connect(&preflight, &PromotionPreflight::progress, &preflight,
            [&result](const QString &line) { result.progress.append(line); });
    connect(&preflight, &PromotionPreflight::acknowledged, &preflight,
            [&result](const QString &alerts) { result.acknowledged.append(alerts); });
    connect(&preflight, &PromotionPreflight::checked, &preflight,
            [&result](PromotionPreflight::Check check, bool passed, const QString &) {
                result.checks.append(QStringLiteral("%1 %2").arg(
                    QLatin1String(QMetaEnum::fromType<PromotionPreflight::Check>().valueToKey(int(check))),
                    passed ? QStringLiteral("passed") : QStringLiteral("failed")));
            });
    QSignalSpy finished(&preflight, &PromotionPreflight::finished);
    preflight.run();
    if (!finished.wait(10000)) {
        result.verdict = PromotionPreflight::Verdict::Refused;
        result.sentence = QStringLiteral("(the preflight did not finish)");
        return result;
    }
    result.verdict = finished.constFirst().at(0).value<PromotionPreflight::Verdict>();
    result.sentence = finished.constFirst().at(1).toString();
    return result;
}

void TestPromotionPreflight::allowEverything(ScriptedServer &kube, bool complete)
{
    kube.scriptByPath[ReviewPath] = QList<ScriptedServer::Response>(Reviews, {201, review(true), {}, 0});
    kube.scriptByPath[ActivePath] = {{200, activeDeployment(complete), {}, 0}};
}

void TestPromotionPreflight::passesWithoutAnalysisAndSaysSo()
{
    ScriptedServer kube;
    allowEverything(kube);
    const Result result = run(kube, nullptr, {QStringLiteral("ci"), true, false, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Passed);
    QVERIFY2(result.progress.join(QLatin1Char(' ')).contains(QStringLiteral("Analysis switched off")),
             qPrintable(result.progress.join(QLatin1Char('\n'))));
    QCOMPARE(kube.requests.size(), Reviews + 1);
}

void TestPromotionPreflight::aDeniedVerbIsForbiddenAndNamed()
{
    ScriptedServer kube;
    allowEverything(kube);
    kube.scriptByPath[ReviewPath][3] = {201, review(false), {}, 0};
    const Result result = run(kube, nullptr, {QStringLiteral("ci"), true, false, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Forbidden);
    QVERIFY2(result.sentence.startsWith(QStringLiteral("Nothing was changed.")), qPrintable(result.sentence));
    // The fourth review to arrive was denied: the sentence names its verb and resource.
    const QJsonObject denied = QJsonDocument::fromJson(kube.requests[3].body)
                                   .object()[QLatin1String("spec")][QLatin1String("resourceAttributes")]
                                   .toObject();
    const QString named
        = QStringLiteral("ci may not %1 %2")
              .arg(denied[QLatin1String("verb")].toString(), denied[QLatin1String("resource")].toString());
    QVERIFY2(result.sentence.contains(named), qPrintable(result.sentence + QStringLiteral(" / ") + named));
    QCOMPARE(kube.requests.size(), Reviews); // nothing read after the denial
}

void TestPromotionPreflight::anActiveRolloutUnderWayRefuses()
{
    ScriptedServer kube;
    allowEverything(kube, false);
    Result result = run(kube, nullptr, {QStringLiteral("ci"), true, false, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Refused);
    QVERIFY2(result.sentence.contains(QStringLiteral("deployment/wallet-service, the active colour of wallet-service, "
                                                     "is not Complete")),
             qPrintable(result.sentence));
    // Resuming skips it: the old colour may already be at 0 then.
    ScriptedServer resumed;
    allowEverything(resumed, false);
    result = run(resumed, nullptr, {QStringLiteral("ci"), false, false, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Passed);
}

void TestPromotionPreflight::firingAlertsRefuseUnlessAcknowledged()
{
    for (const bool acknowledged : {false, true}) {
        ScriptedServer kube;
        allowEverything(kube);
        ScriptedServer prometheus;
        prometheus.script = {{200, alerts({"HighErrorRate", "HighResponseTime"}), {}, 0}};
        const Result result = run(kube, &prometheus, {QStringLiteral("ci"), true, true, acknowledged});
        if (acknowledged) {
            QCOMPARE(result.verdict, PromotionPreflight::Verdict::Passed);
            QCOMPARE(
                result.acknowledged,
                QStringList{QStringLiteral("HighErrorRate on wallet-service, HighResponseTime on wallet-service")});
        } else {
            QCOMPARE(result.verdict, PromotionPreflight::Verdict::Refused);
            QVERIFY2(result.sentence.contains(QStringLiteral("HighErrorRate on wallet-service"))
                         && result.sentence.contains(QStringLiteral("--acknowledge-alerts")),
                     qPrintable(result.sentence));
        }
        QVERIFY(QUrl::fromPercentEncoding(prometheus.requests.constFirst().path + prometheus.requests.constFirst().body)
                    .contains(QStringLiteral("alertstate=\"firing\"")));
    }
    // None firing: passes and says Prometheus answers.
    ScriptedServer kube;
    allowEverything(kube);
    ScriptedServer prometheus;
    prometheus.script = {{200, alerts({}), {}, 0}};
    const Result result = run(kube, &prometheus, {QStringLiteral("ci"), true, true, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Passed);
    QVERIFY(result.progress.join(QLatin1Char(' ')).contains(QStringLiteral("no alert of these services is firing")));
}

void TestPromotionPreflight::anUnansweringPrometheusRefuses()
{
    ScriptedServer kube;
    allowEverything(kube);
    ScriptedServer prometheus;
    prometheus.script = {{503, "upstream unavailable", {}, 0}};
    const Result result = run(kube, &prometheus, {QStringLiteral("ci"), true, true, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Refused);
    QVERIFY2(result.sentence.contains(QStringLiteral("Prometheus did not answer"))
                 && result.sentence.contains(QStringLiteral("--analysis none")),
             qPrintable(result.sentence));
}

void TestPromotionPreflight::analysisWithoutPrometheusRefuses()
{
    ScriptedServer kube;
    allowEverything(kube);
    const Result result = run(kube, nullptr, {QStringLiteral("ci"), true, true, false});
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Refused);
    QVERIFY2(result.sentence.contains(QStringLiteral("staging names none")), qPrintable(result.sentence));
}

void TestPromotionPreflight::firingAlertsQueryEscapesServiceNames()
{
    QCOMPARE(Release::firingAlertsQuery(QStringLiteral("lucent-staging"),
                                        {QStringLiteral("wallet-service"), QStringLiteral("api.gateway")}),
             QStringLiteral("ALERTS{alertstate=\"firing\",namespace=\"lucent-staging\",app=~\"wallet\\\\-service|"
                            "api\\\\.gateway\"}"));
}

QTEST_GUILESS_MAIN(TestPromotionPreflight)
// The wizard's plan page asks for every check: a denied verb and an active rollout under way
// are both reported, each firing alert too, and the verdict is the first failure's.
void TestPromotionPreflight::everyCheckIsReportedWhenAllAreAsked()
{
    ScriptedServer kube;
    allowEverything(kube, false);
    kube.scriptByPath[ReviewPath][0] = {201, review(false), {}, 0};
    ScriptedServer prometheus;
    prometheus.script = {{200, alerts({"HighErrorRate"}), {}, 0}};
    PromotionPreflight::Checks checks{QStringLiteral("ci"), true, true, false};
    checks.all = true;
    const Result result = run(kube, &prometheus, checks);
    QCOMPARE(result.verdict, PromotionPreflight::Verdict::Forbidden);
    QCOMPARE(result.checks,
             (QStringList{QStringLiteral("Access failed"), QStringLiteral("ActiveRollouts failed"),
                          QStringLiteral("Prometheus passed"), QStringLiteral("Alerts failed")}));
    QVERIFY2(result.sentence.contains(QStringLiteral("ci may not")), qPrintable(result.sentence));
    // Without it, the first failure ends the preflight: nothing more is asked.
    ScriptedServer stops;
    allowEverything(stops, false);
    stops.scriptByPath[ReviewPath][0] = {201, review(false), {}, 0};
    QCOMPARE(run(stops, nullptr, {QStringLiteral("ci"), true, true, false}).checks,
             QStringList{QStringLiteral("Access failed")});
}

#include "tst_promotionpreflight.moc"
