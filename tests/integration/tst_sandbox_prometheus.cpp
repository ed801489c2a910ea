// lucent-sandbox --prometheus with Debian's real Prometheus: discovery of the pods, their
// scrapes through the pod proxy, the platform's alert rules (checked by promtool, firing on
// an -errors rollout and clearing after the rollback), range queries and error texts, all
// through core/prometheus' client; and the real Alertmanager beside it, silencing that alert.

#include "sandboxprocess.h"

#include "core/environment/projectconfig.h"
#include "core/prometheus/alertmanager.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QtTest>

using namespace Lucent::Core::Prometheus;
using Lucent::Tests::SandboxProcess;

class TestSandboxPrometheus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rulesPassPromtool();
    void everyPodTargetIsUp();
    void rangeQueriesHaveTheExpectedPoints();
    void malformedQueryReturnsPrometheusErrorText();
    void errorsRolloutFiresAndRollbackClears();

private:
    struct Answer {
        QByteArray body;
        int status = 0;
        PrometheusError error;
    };
    Answer wait(PrometheusReply *reply);
    void silenceTheFiringAlertInAlertmanager();
    QList<Alert> alerts();

    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
    std::unique_ptr<PrometheusClient> m_client;
    QUrl m_alertmanager;
};

TestSandboxPrometheus::Answer TestSandboxPrometheus::wait(PrometheusReply *reply)
{
    // Shared with the slot, so that an answer arriving after a timeout writes into memory
    // that still exists rather than into this returned stack frame.
    auto answer = std::make_shared<Answer>();
    auto done = std::make_shared<bool>(false);
    connect(reply, &PrometheusReply::finished, this, [reply, answer, done] {
        answer->body = reply->body();
        answer->status = reply->httpStatus();
        answer->error = reply->error();
        *done = true;
    });
    if (!QTest::qWaitFor([done] { return *done; }, 20000)) {
        Answer late; // every caller's check then fails with this sentence
        late.error.kind = PrometheusError::Kind::Transport;
        late.error.message = QStringLiteral("no answer within 20 s");
        return late;
    }
    return *answer;
}

QList<Alert> TestSandboxPrometheus::alerts()
{
    const Answer answer = wait(m_client->alerts());
    PrometheusError error;
    return PrometheusResponse::alerts(answer.body, answer.status, &error).value_or(QList<Alert>());
}

void TestSandboxPrometheus::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty())
        QFAIL("prometheus is not installed; scripts/setup-deps.sh installs Debian's package");
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    const auto project = Lucent::Core::Environment::ProjectConfig::load(m_sandbox.projectFile());
    QVERIFY(project.environment(QStringLiteral("staging")));
    const QString url = project.environment(QStringLiteral("staging"))->prometheusUrl;
    QVERIFY2(url.startsWith(QStringLiteral("http://127.0.0.1:")), qPrintable(url));
    QCOMPARE(project.environment(QStringLiteral("production"))->prometheusUrl, url);
    m_client = std::make_unique<PrometheusClient>(QUrl(url));
    m_alertmanager = QUrl(project.environment(QStringLiteral("staging"))->alertmanagerUrl);
    QVERIFY2(m_alertmanager.toString().startsWith(QStringLiteral("http://127.0.0.1:")),
             "the sandbox's lucent.yaml names no Alertmanager; is prometheus-alertmanager installed?");
}

void TestSandboxPrometheus::rulesPassPromtool()
{
    QProcess promtool;
    promtool.start(QStringLiteral("promtool"),
                   {QStringLiteral("check"), QStringLiteral("rules"),
                    m_sandbox.directory() + QStringLiteral("/prometheus/rules.yml")});
    QVERIFY(promtool.waitForFinished(30000));
    QVERIFY2(promtool.exitCode() == 0, promtool.readAllStandardError().constData());
    QVERIFY(promtool.readAllStandardOutput().contains("SUCCESS: 5 rules found"));
    const Answer answer = wait(m_client->rules());
    PrometheusError error;
    const auto rules = PrometheusResponse::rules(answer.body, answer.status, &error);
    QVERIFY2(rules, qPrintable(error.sentence()));
    QStringList names;
    for (const Rule &rule : *rules)
        names.append(rule.name);
    QCOMPARE(
        names,
        (QStringList{QStringLiteral("ServiceDown"), QStringLiteral("HighErrorRate"), QStringLiteral("HighResponseTime"),
                     QStringLiteral("MongoDBDown"), QStringLiteral("RedisDown")}));
}

void TestSandboxPrometheus::everyPodTargetIsUp()
{
    // Every running pod of both environments, found through discovery and scraped via the proxy.
    // First the platform must be up: as many Running pods as its workloads ask for (on a slow
    // machine the sandbox is still starting them when this test begins).
    auto platform = [](const QJsonDocument &list) {
        QList<QJsonObject> objects;
        for (const auto &item : list[QLatin1String("items")].toArray()) {
            const QString ns = item[QLatin1String("metadata")][QLatin1String("namespace")].toString();
            if (ns.startsWith(QLatin1String("lucent-")) && ns != QLatin1String("lucent-load"))
                objects.append(item.toObject());
        }
        return objects;
    };
    int expected = 0;
    int running = 0;
    const bool platformUp = QTest::qWaitFor(
        [&] {
            expected = 0;
            for (const QJsonObject &workload :
                 platform(m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy,sts", "-A", "-o", "json"})).json()))
                expected += workload[QLatin1String("spec")][QLatin1String("replicas")].toInt();
            const auto pods
                = platform(m_sandbox.kubectl(Lucent::Tests::args({"get", "pods", "-A", "-o", "json"})).json());
            running = int(std::count_if(pods.cbegin(), pods.cend(), [](const QJsonObject &pod) {
                return pod[QLatin1String("status")][QLatin1String("phase")].toString() == QLatin1String("Running");
            }));
            return running == expected && int(pods.size()) == expected;
        },
        120000);
    QVERIFY2(platformUp, qPrintable(QStringLiteral("%1 of %2 pods running").arg(running).arg(expected)));
    QVERIFY(expected >= 40);
    QList<Target> targets;
    const bool allUp = QTest::qWaitFor(
        [&] {
            const Answer answer = wait(m_client->targets());
            PrometheusError error;
            targets = PrometheusResponse::targets(answer.body, answer.status, &error).value_or(QList<Target>());
            return targets.size() == expected && std::all_of(targets.cbegin(), targets.cend(), [](const Target &t) {
                       return t.health == QLatin1String("up");
                   });
        },
        60000);
    QVERIFY2(allUp, qPrintable(QStringLiteral("%1 targets of %2 expected").arg(targets.size()).arg(expected)));
    QVERIFY(targets.constFirst().scrapeUrl.contains(QStringLiteral("/proxy/metrics")));
}

void TestSandboxPrometheus::rangeQueriesHaveTheExpectedPoints()
{
    const QDateTime end = QDateTime::currentDateTimeUtc();
    const QDateTime start = end.addSecs(-60);
    const Answer answer = wait(m_client->queryRange(QStringLiteral("vector(1)"), start, end, 5));
    PrometheusError error;
    const auto result = PrometheusResponse::query(answer.body, answer.status, &error);
    QVERIFY2(result, qPrintable(error.sentence()));
    QCOMPARE(result->type, QueryResult::Type::Matrix);
    QCOMPARE(result->series.size(), 1);
    QCOMPARE(result->series[0].samples.size(), 13); // (end - start) / step + 1
    const auto up = wait(m_client->queryRange(QStringLiteral("sum(up{job=\"lucent-services\"})"), start, end, 5));
    QVERIFY(PrometheusResponse::query(up.body, up.status, &error));
}

void TestSandboxPrometheus::malformedQueryReturnsPrometheusErrorText()
{
    const Answer answer = wait(m_client->query(QStringLiteral("sum(rate(http_requests_total[5m])")));
    PrometheusError error;
    QVERIFY(!PrometheusResponse::query(answer.body, answer.status, &error));
    QCOMPARE(answer.status, 400);
    QCOMPARE(error.kind, PrometheusError::Kind::Api);
    QCOMPARE(error.errorType, QStringLiteral("bad_data"));
    QVERIFY2(error.message.contains(QStringLiteral("parse error")), qPrintable(error.message));
    QVERIFY(error.sentence().contains(error.message));
}

void TestSandboxPrometheus::errorsRolloutFiresAndRollbackClears()
{
    auto firing = [this] {
        const QList<Alert> list = alerts();
        return std::any_of(list.cbegin(), list.cend(), [](const Alert &a) {
            return a.name() == QLatin1String("HighErrorRate") && a.state == QLatin1String("firing")
                && a.labels.value(QStringLiteral("app")) == QLatin1String("wallet-service")
                && a.labels.value(QStringLiteral("namespace")) == QLatin1String("lucent-staging");
        });
    };
    QVERIFY(!firing());
    auto r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "set", "image", "deploy/wallet-service",
                                                    "wallet-service=lucent/wallet-service:2.1.1-errors"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(QTest::qWaitFor(firing, 90000), "HighErrorRate never fired for wallet-service");
    const QList<Alert> list = alerts();
    const auto alert = std::find_if(list.cbegin(), list.cend(),
                                    [](const Alert &a) { return a.name() == QLatin1String("HighErrorRate"); });
    QCOMPARE(alert->severity(), QStringLiteral("warning"));
    QVERIFY(alert->annotations.value(QStringLiteral("summary")).contains(QStringLiteral("wallet-service")));
    silenceTheFiringAlertInAlertmanager();

    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "rollout", "undo", "deploy/wallet-service"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY2(QTest::qWaitFor([&] { return !firing(); }, 120000), "HighErrorRate did not clear after the rollback");
}

// Prometheus hands the firing alert to the sandbox's real Alertmanager; a silence made through
// core/prometheus mutes it there, and expiring it lifts that.
void TestSandboxPrometheus::silenceTheFiringAlertInAlertmanager()
{
    AlertmanagerClient client(m_alertmanager);
    PrometheusClient raw(m_alertmanager); // for /api/v2/alerts, which the console does not need
    auto silencedBy = [&]() -> QStringList {
        const Answer answer = wait(raw.request("GET", QStringLiteral("/api/v2/alerts")));
        for (const QJsonValue &entry : QJsonDocument::fromJson(answer.body).array()) {
            const QJsonObject alert = entry.toObject();
            const QJsonObject labels = alert.value(QStringLiteral("labels")).toObject();
            if (labels.value(QStringLiteral("alertname")).toString() == QLatin1String("HighErrorRate")
                && labels.value(QStringLiteral("app")).toString() == QLatin1String("wallet-service")) {
                QStringList ids;
                for (const QJsonValue &id :
                     alert.value(QStringLiteral("status")).toObject().value(QStringLiteral("silencedBy")).toArray())
                    ids.append(id.toString());
                return ids;
            }
        }
        return {QStringLiteral("<no such alert>")};
    };
    QVERIFY2(QTest::qWaitFor([&] { return silencedBy().isEmpty(); }, 30000),
             "the firing alert never reached Alertmanager unsilenced");

    // A regular expression Alertmanager cannot compile: its own sentence comes back.
    Silence bad;
    bad.matchers = {{QStringLiteral("app"), QStringLiteral("("), true, true}};
    bad.startsAt = QDateTime::currentDateTimeUtc();
    bad.endsAt = bad.startsAt.addSecs(3600);
    bad.createdBy = QStringLiteral("tst_sandbox_prometheus");
    bad.comment = QStringLiteral("invalid on purpose");
    Answer answer = wait(client.createSilence(bad));
    PrometheusError error;
    QVERIFY(!AlertmanagerResponse::createdSilence(answer.body, answer.status, &error));
    QCOMPARE(answer.status, 400);
    QVERIFY2(error.sentence().contains(QStringLiteral("invalid regular expression")), qPrintable(error.sentence()));

    Silence silence = bad;
    QString parseError;
    silence.matchers = {*SilenceMatcher::parse(QStringLiteral("alertname=HighErrorRate"), &parseError),
                        *SilenceMatcher::parse(QStringLiteral("app=~\"wallet-.*\""), &parseError)};
    silence.comment = QStringLiteral("rollback under way");
    answer = wait(client.createSilence(silence));
    const auto id = AlertmanagerResponse::createdSilence(answer.body, answer.status, &error);
    QVERIFY2(id, qPrintable(error.sentence()));
    QVERIFY2(QTest::qWaitFor([&] { return silencedBy() == QStringList{*id}; }, 30000),
             "Alertmanager does not report the alert as silenced");
    answer = wait(client.silences());
    const auto listed = AlertmanagerResponse::silences(answer.body, answer.status, &error);
    QVERIFY2(listed, qPrintable(error.sentence()));
    const auto mine = std::find_if(listed->cbegin(), listed->cend(), [&](const Silence &s) { return s.id == *id; });
    QVERIFY(mine != listed->cend());
    QCOMPARE(mine->state, QStringLiteral("active"));
    QCOMPARE(mine->matchersText(), QStringLiteral("alertname=HighErrorRate, app=~\"wallet-.*\""));

    answer = wait(client.expireSilence(*id));
    QVERIFY2(AlertmanagerResponse::expired(answer.body, answer.status, &error), qPrintable(error.sentence()));
    QVERIFY2(QTest::qWaitFor([&] { return silencedBy().isEmpty(); }, 30000), "the alert stayed silenced");
    // Expiring one that does not exist is an error in Alertmanager's words, not a silent success.
    answer = wait(client.expireSilence(QStringLiteral("00000000-0000-0000-0000-000000000000")));
    QVERIFY(!AlertmanagerResponse::expired(answer.body, answer.status, &error));
    QVERIFY2(error.sentence().contains(QStringLiteral("silence not found")), qPrintable(error.sentence()));
}

QTEST_GUILESS_MAIN(TestSandboxPrometheus)
#include "tst_sandbox_prometheus.moc"
