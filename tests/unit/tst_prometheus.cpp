// core/prometheus without a server: every result type and error form of the HTTP API, the
// alert, rule, target, label and series payloads, the step rule, and the client's requests
// against a scripted loopback server.

#include "core/alerting/silenceoperations.h"
#include "core/prometheus/alertmanager.h"
#include "core/prometheus/alertpoller.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"
#include "core/prometheus/secretstore.h"
#include "scriptedserver.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest>

#include <cmath>

using namespace Lucent::Core::Prometheus;
using Lucent::Tests::ScriptedServer;

class TestPrometheus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectorWithWarnings();
    void matrixWithSpecialValues();
    void scalarAndString();
    void errorForms_data();
    void errorForms();
    void alertsRulesAndTargets();
    void alertPollerKeepsOnlyItsEnvironment();
    void labelValuesAndSeries();
    void stepStaysWithinThePointLimit_data();
    void stepStaysWithinThePointLimit();
    void clientPostsQueriesWithAuthentication();
    void unreachablePrometheusIsATransportError();
    void secretsFallBackToMemoryWithoutAKeychain();
    void clientUsesCredentialsSetLater();
    void silenceMatchersParseAndMatch_data();
    void silenceMatchersParseAndMatch();
    void silenceCoversOnlyWhileActive();
    void alertmanagerSilenceList();
    void alertmanagerErrorForms_data();
    void alertmanagerErrorForms();
    void alertmanagerClientSendsTheV2Requests();
};

void TestPrometheus::vectorWithWarnings()
{
    PrometheusError error;
    const auto result = PrometheusResponse::query(
        R"({"status":"success","warnings":["partial data"],"data":{"resultType":"vector","result":[
        {"metric":{"__name__":"up","job":"lucent-pods","pod":"api-gateway-1"},"value":[1764064800.5,"1"]},
        {"metric":{"job":"lucent-pods","pod":"api-gateway-2"},"value":[1764064800.5,"0"]}]}})",
        200, &error);
    QVERIFY2(result, qPrintable(error.sentence()));
    QCOMPARE(result->type, QueryResult::Type::Vector);
    QCOMPARE(result->series.size(), 2);
    QCOMPARE(result->series[0].labels.value(QStringLiteral("pod")), QStringLiteral("api-gateway-1"));
    QCOMPARE(result->series[1].samples.value(0).value, 0.0);
    QCOMPARE(result->series[0].samples.value(0).time, 1764064800.5);
    QCOMPARE(result->warnings, QStringList{QStringLiteral("partial data")});
}

void TestPrometheus::matrixWithSpecialValues()
{
    PrometheusError error;
    const auto result = PrometheusResponse::query(R"({"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"route":"/users/:id"},"values":[[1,"0.25"],[2,"NaN"],[3,"+Inf"],[4,"-Inf"],[5,"1e-3"]]}]}})",
                                                  200, &error);
    QVERIFY2(result, qPrintable(error.sentence()));
    QCOMPARE(result->type, QueryResult::Type::Matrix);
    const auto &samples = result->series.value(0).samples;
    QCOMPARE(samples.size(), 5);
    QCOMPARE(samples[0].value, 0.25);
    QVERIFY(std::isnan(samples[1].value));
    QVERIFY(std::isinf(samples[2].value) && samples[2].value > 0);
    QVERIFY(std::isinf(samples[3].value) && samples[3].value < 0);
    QCOMPARE(samples[4].value, 0.001);
    QVERIFY(!PrometheusResponse::query(
        R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]]}]}})", 200,
        &error));
    QCOMPARE(error.kind, PrometheusError::Kind::Decode);
}

void TestPrometheus::scalarAndString()
{
    PrometheusError error;
    auto scalar = PrometheusResponse::query(
        R"({"status":"success","data":{"resultType":"scalar","result":[12.5,"42"]}})", 200, &error);
    QVERIFY(scalar);
    QCOMPARE(scalar->type, QueryResult::Type::Scalar);
    QCOMPARE(scalar->scalar.value, 42.0);
    QCOMPARE(scalar->scalar.time, 12.5);
    auto text = PrometheusResponse::query(R"({"status":"success","data":{"resultType":"string","result":[3,"blue"]}})",
                                          200, &error);
    QVERIFY(text);
    QCOMPARE(text->type, QueryResult::Type::String);
    QCOMPARE(text->string, QStringLiteral("blue"));
    QVERIFY(!PrometheusResponse::query(R"({"status":"success","data":{"resultType":"histogram","result":[]}})", 200,
                                       &error));
    QVERIFY(error.sentence().contains(QStringLiteral("histogram")));
}

void TestPrometheus::errorForms_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::addRow("bad_data") << QByteArray(
        R"({"status":"error","errorType":"bad_data","error":"1:14: parse error: unexpected right parenthesis ')'"})")
                              << 400 << int(PrometheusError::Kind::Api)
                              << QStringLiteral("Prometheus cannot run this query: 1:14: parse error: unexpected right "
                                                "parenthesis ')'");
    QTest::addRow("execution") << QByteArray(
        R"({"status":"error","errorType":"execution","error":"many-to-many matching not allowed"})")
                               << 422 << int(PrometheusError::Kind::Api) << QStringLiteral("(execution): many-to-many");
    QTest::addRow("timeout") << QByteArray(
        R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})")
                             << 503 << int(PrometheusError::Kind::Api) << QStringLiteral("Shorten the range");
    QTest::addRow("proxy page") << QByteArray("<html>502 Bad Gateway</html>") << 502 << int(PrometheusError::Kind::Http)
                                << QStringLiteral("HTTP 502");
    QTest::addRow("not prometheus") << QByteArray(R"({"hello":"world"})") << 200 << int(PrometheusError::Kind::Decode)
                                    << QStringLiteral("Is the URL a Prometheus server?");
}

void TestPrometheus::errorForms()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, kind);
    QFETCH(QString, expected);
    PrometheusError error;
    QVERIFY(!PrometheusResponse::query(body, status, &error));
    QCOMPARE(int(error.kind), kind);
    QCOMPARE(error.httpStatus, status);
    QVERIFY2(error.sentence().contains(expected), qPrintable(error.sentence()));
}

void TestPrometheus::alertsRulesAndTargets()
{
    PrometheusError error;
    const auto alerts = PrometheusResponse::alerts(R"({"status":"success","data":{"alerts":[
        {"labels":{"alertname":"HighErrorRate","severity":"warning","service":"user-service"},
         "annotations":{"summary":"High error rate","description":"5xx above 10 %"},
         "state":"firing","activeAt":"2026-11-25T10:00:00.123Z","value":"3.0e-01"}]}})",
                                                   200, &error);
    QVERIFY2(alerts, qPrintable(error.sentence()));
    QCOMPARE(alerts->size(), 1);
    QCOMPARE(alerts->at(0).name(), QStringLiteral("HighErrorRate"));
    QCOMPARE(alerts->at(0).severity(), QStringLiteral("warning"));
    QCOMPARE(alerts->at(0).annotations.value(QStringLiteral("summary")), QStringLiteral("High error rate"));
    QCOMPARE(alerts->at(0).activeAt, QDateTime(QDate(2026, 11, 25), QTime(10, 0, 0, 123), Qt::UTC));

    const auto rules = PrometheusResponse::rules(
        R"({"status":"success","data":{"groups":[{"name":"lucent","file":"rules.yml","rules":[
        {"type":"alerting","name":"ServiceDown","query":"up == 0","duration":60,"health":"ok","state":"inactive","alerts":[]},
        {"type":"alerting","name":"Broken","query":"rate(x[5m]","duration":0,"health":"err","lastError":"parse error","state":"inactive","alerts":[]},
        {"type":"recording","name":"job:up:sum","query":"sum(up) > 0","health":"ok"}]}]}})",
        200, &error);
    QVERIFY2(rules, qPrintable(error.sentence()));
    QCOMPARE(rules->size(), 3);
    QCOMPARE(rules->at(0).durationSeconds, 60.0);
    QCOMPARE(rules->at(1).health, QStringLiteral("err"));
    QCOMPARE(rules->at(1).lastError, QStringLiteral("parse error"));
    QCOMPARE(rules->at(2).type, QStringLiteral("recording"));
    QCOMPARE(rules->at(2).group, QStringLiteral("lucent"));

    const auto targets = PrometheusResponse::targets(R"({"status":"success","data":{"activeTargets":[
        {"labels":{"job":"lucent-pods","pod":"a"},"scrapeUrl":"http://127.0.0.1:1/api/v1/namespaces/x/pods/a:3000/proxy/metrics",
         "health":"down","lastError":"server returned HTTP status 503","lastScrape":"2026-11-25T10:00:05Z"}],"droppedTargets":[]}})",
                                                     200, &error);
    QVERIFY2(targets, qPrintable(error.sentence()));
    QCOMPARE(targets->at(0).health, QStringLiteral("down"));
    QVERIFY(targets->at(0).scrapeUrl.endsWith(QStringLiteral("/proxy/metrics")));
    QVERIFY(targets->at(0).lastScrape.isValid());
}

// Environments share one Prometheus: a staging alert must never be production's, in the
// alerts, their counts, or a rule's state.
void TestPrometheus::alertPollerKeepsOnlyItsEnvironment()
{
    const QByteArray both = R"({"status":"success","data":{"alerts":[
        {"labels":{"alertname":"HighErrorRate","app":"wallet-service","namespace":"lucent-staging"},
         "annotations":{},"state":"firing","activeAt":"2026-11-25T10:00:00Z","value":"1"},
        {"labels":{"alertname":"ServiceDown","app":"frontend","namespace":"lucent-platform","cluster":"eu-1"},
         "annotations":{},"state":"pending","activeAt":"2026-11-25T10:00:00Z","value":"1"}]}})";
    ScriptedServer server;
    server.script = {{200, both, {}, 0}, {200, both, {}, 0}};
    PrometheusClient client(server.url());
    AlertPoller production(&client, 60000);
    production.setScope({{QStringLiteral("namespace"), QStringLiteral("lucent-platform")}});
    QSignalSpy changed(&production, &AlertPoller::alertsChanged);
    production.start();
    QVERIFY(changed.wait(5000));
    QCOMPARE(production.alerts().size(), 1);
    QCOMPARE(production.alerts()[0].name(), QStringLiteral("ServiceDown"));
    QCOMPARE(production.firingCount(), 0);
    QCOMPARE(production.firingCount(QStringLiteral("wallet-service")), 0);

    AlertPoller staging(&client, 60000);
    staging.setScope({{QStringLiteral("namespace"), QStringLiteral("lucent-staging")}});
    QSignalSpy stagingChanged(&staging, &AlertPoller::alertsChanged);
    staging.start();
    QVERIFY(stagingChanged.wait(5000));
    QCOMPARE(staging.firingCount(QStringLiteral("wallet-service")), 1);

    // alertLabels with more than the namespace: every label must match.
    const Labels euOne{{QStringLiteral("namespace"), QStringLiteral("lucent-platform")},
                       {QStringLiteral("cluster"), QStringLiteral("eu-1")}};
    QVERIFY(AlertPoller::inScope(production.alerts()[0].labels, euOne));
    QVERIFY(!AlertPoller::inScope(production.alerts()[0].labels,
                                  {{QStringLiteral("namespace"), QStringLiteral("lucent-platform")},
                                   {QStringLiteral("cluster"), QStringLiteral("us-2")}}));

    Rule rule;
    rule.type = QStringLiteral("alerting");
    rule.state = QStringLiteral("firing"); // Prometheus' state, across every namespace
    Alert firing;
    firing.labels = {{QStringLiteral("namespace"), QStringLiteral("lucent-staging")}};
    firing.state = QStringLiteral("firing");
    rule.alerts = {firing};
    QCOMPARE(AlertPoller::stateInScope(rule, staging.scope()), QStringLiteral("firing"));
    QCOMPARE(AlertPoller::stateInScope(rule, production.scope()), QStringLiteral("inactive"));
}

void TestPrometheus::labelValuesAndSeries()
{
    PrometheusError error;
    const auto values
        = PrometheusResponse::labelValues(R"({"status":"success","data":["api-gateway","frontend"]})", 200, &error);
    QCOMPARE(*values, (QStringList{QStringLiteral("api-gateway"), QStringLiteral("frontend")}));
    const auto series
        = PrometheusResponse::series(R"({"status":"success","data":[{"__name__":"up","pod":"a"}]})", 200, &error);
    QCOMPARE(series->value(0).value(QStringLiteral("pod")), QStringLiteral("a"));
    QVERIFY(!PrometheusResponse::labelValues(R"({"status":"success","data":{}})", 200, &error));
}

void TestPrometheus::stepStaysWithinThePointLimit_data()
{
    QTest::addColumn<qint64>("range");
    QTest::addColumn<int>("width");
    QTest::addColumn<qint64>("step");
    QTest::addRow("5 m on 1000 px") << qint64(300) << 1000 << qint64(1);
    QTest::addRow("1 h on 1000 px") << qint64(3600) << 1000 << qint64(4);
    QTest::addRow("24 h on 1200 px") << qint64(86400) << 1200 << qint64(72);
    QTest::addRow("30 d on a huge width") << qint64(2592000) << 1000000 << qint64(236);
}

void TestPrometheus::stepStaysWithinThePointLimit()
{
    QFETCH(qint64, range);
    QFETCH(int, width);
    QFETCH(qint64, step);
    QCOMPARE(PrometheusResponse::stepFor(range, width), step);
    QVERIFY(range / step + 1 <= 11000);
}

void TestPrometheus::clientPostsQueriesWithAuthentication()
{
    ScriptedServer server;
    server.script
        = {{200, R"({"status":"success","data":{"resultType":"vector","result":[]}})", {}, 0},
           {400,
            R"({"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected end of input"})",
            {},
            0}};
    PrometheusClient client(server.url(), PrometheusAuth{"prom-token", {}, {}});
    PrometheusReply *reply = client.queryRange(QStringLiteral("sum by (route) (rate(http_requests_total[5m]))"),
                                               QDateTime::fromSecsSinceEpoch(1000, Qt::UTC),
                                               QDateTime::fromSecsSinceEpoch(4600, Qt::UTC), 15);
    QSignalSpy done(reply, &PrometheusReply::finished);
    QVERIFY(done.wait(5000));
    QCOMPARE(server.requests.size(), 1);
    const auto &request = server.requests[0];
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/api/v1/query_range"));
    QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer prom-token")); // loopback may carry it
    const QUrlQuery form(QString::fromUtf8(request.body));
    QCOMPARE(form.queryItemValue(QStringLiteral("query"), QUrl::FullyDecoded),
             QStringLiteral("sum by (route) (rate(http_requests_total[5m]))"));
    QCOMPARE(form.queryItemValue(QStringLiteral("step")), QStringLiteral("15"));
    QCOMPARE(form.queryItemValue(QStringLiteral("start")), QStringLiteral("1000.000"));

    PrometheusReply *bad = client.query(QStringLiteral("sum("));
    int status = 0;
    QByteArray body;
    connect(bad, &PrometheusReply::finished, this, [&] {
        status = bad->httpStatus();
        body = bad->body();
    });
    QTRY_COMPARE(status, 400);
    PrometheusError error;
    QVERIFY(!PrometheusResponse::query(body, status, &error));
    QVERIFY(error.sentence().contains(QStringLiteral("parse error: unexpected end of input")));
}

void TestPrometheus::unreachablePrometheusIsATransportError()
{
    PrometheusClient client(QUrl(QStringLiteral("http://127.0.0.1:9")));
    PrometheusReply *reply = client.alerts();
    PrometheusError error;
    bool done = false;
    connect(reply, &PrometheusReply::finished, this, [&] {
        error = reply->error();
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(error.kind, PrometheusError::Kind::Transport);
    QVERIFY2(error.sentence().contains(QStringLiteral("the rest of the console keeps working")),
             qPrintable(error.sentence()));
}

void TestPrometheus::secretsFallBackToMemoryWithoutAKeychain()
{
    // The test's environment has no D-Bus session, so no keychain service: the store must
    // say so and keep the secret for the session, in memory only.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    SecretStore writer;
    QSignalSpy written(&writer, &SecretStore::writeFinished);
    writer.write(QStringLiteral("prometheus/staging"), "tok-unit-test-4711");
    QVERIFY(written.wait(20000));
    QCOMPARE(written[0][1].toString(), SecretStore::fallbackSentence());
    QVERIFY(writer.usesMemoryFallback());

    SecretStore reader;
    QSignalSpy read(&reader, &SecretStore::readFinished);
    reader.read(QStringLiteral("prometheus/staging"));
    QVERIFY(read.size() == 1 || read.wait(20000));
    QCOMPARE(read[0][1].toByteArray(), QByteArray("tok-unit-test-4711"));

    // Nothing under HOME (the test's own directory) holds the token.
    QDirIterator files(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.size() < 10 * 1024 * 1024 && file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains("tok-unit-test-4711"), qPrintable(file.fileName()));
    }
}

void TestPrometheus::clientUsesCredentialsSetLater()
{
    ScriptedServer server;
    const QByteArray empty = R"({"status":"success","data":{"alerts":[]}})";
    server.script = {{200, empty, {}, 0}, {200, empty, {}, 0}};
    PrometheusClient client(server.url());
    QSignalSpy first(client.alerts(), &PrometheusReply::finished);
    QVERIFY(first.wait(5000));
    client.setAuth({"later-token", {}, {}});
    QSignalSpy second(client.alerts(), &PrometheusReply::finished);
    QVERIFY(second.wait(5000));
    QCOMPARE(server.requests.size(), 2);
    QVERIFY(!server.requests[0].headers.contains("authorization"));
    QCOMPARE(server.requests[1].headers.value("authorization"), QByteArray("Bearer later-token"));
}

void TestPrometheus::silenceMatchersParseAndMatch_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("canonical"); // empty: not a matcher
    QTest::addColumn<QString>("value"); // the "app" label it is tested against
    QTest::addColumn<bool>("matches");
    QTest::newRow("equal") << "app=wallet-service"
                           << "app=wallet-service"
                           << "wallet-service" << true;
    QTest::newRow("equal, other value") << "app=wallet-service"
                                        << "app=wallet-service"
                                        << "frontend" << false;
    QTest::newRow("not equal") << "app != frontend"
                               << "app!=frontend"
                               << "wallet-service" << true;
    QTest::newRow("regex is anchored") << "app=~wallet"
                                       << "app=~wallet"
                                       << "wallet-service" << false;
    QTest::newRow("regex") << "app=~\"wallet-.*\""
                           << "app=~\"wallet-.*\""
                           << "wallet-service" << true;
    QTest::newRow("negative regex") << "app!~\"wallet-.*\""
                                    << "app!~\"wallet-.*\""
                                    << "wallet-service" << false;
    QTest::newRow("quoted comma") << "app=\"a,b\""
                                  << "app=\"a,b\""
                                  << "a,b" << true;
    QTest::newRow("missing label is empty") << "app="
                                            << "app=\"\""
                                            << "" << true;
    QTest::newRow("no operator") << "wallet-service"
                                 << ""
                                 << "" << false;
    QTest::newRow("bad name") << "1app=x"
                              << ""
                              << "" << false;
    QTest::newRow("bad regex") << "app=~("
                               << ""
                               << "" << false;
}

void TestPrometheus::silenceMatchersParseAndMatch()
{
    QFETCH(QString, text);
    QFETCH(QString, canonical);
    QFETCH(QString, value);
    QFETCH(bool, matches);
    QString error;
    const auto matcher = SilenceMatcher::parse(text, &error);
    if (canonical.isEmpty()) {
        QVERIFY(!matcher);
        QVERIFY2(error.contains(QStringLiteral("not a matcher"))
                     || error.contains(QStringLiteral("regular expression")),
                 qPrintable(error));
        return;
    }
    QVERIFY2(matcher, qPrintable(error));
    QCOMPARE(matcher->toString(), canonical);
    QCOMPARE(SilenceMatcher::parse(matcher->toString(), &error)->toString(), canonical); // round trip
    const Labels labels = value.isEmpty() ? Labels{} : Labels{{QStringLiteral("app"), value}};
    QCOMPARE(matcher->matches(labels), matches);
}

void TestPrometheus::silenceCoversOnlyWhileActive()
{
    Silence silence;
    silence.matchers = {{QStringLiteral("alertname"), QStringLiteral("HighErrorRate"), false, true},
                        {QStringLiteral("namespace"), QStringLiteral("lucent-.*"), true, true}};
    silence.state = QStringLiteral("active");
    const Labels alert{{QStringLiteral("alertname"), QStringLiteral("HighErrorRate")},
                       {QStringLiteral("namespace"), QStringLiteral("lucent-staging")}};
    QVERIFY(silence.covers(alert));
    QVERIFY(!silence.covers({{QStringLiteral("alertname"), QStringLiteral("ServiceDown")},
                             {QStringLiteral("namespace"), QStringLiteral("lucent-staging")}}));
    QVERIFY(silence.appliesToNamespace(QStringLiteral("lucent-platform")));
    QVERIFY(!silence.appliesToNamespace(QStringLiteral("kube-system")));
    // An environment scoped by more than its namespace (lucent.yaml's alertLabels): a silence
    // on another cluster's alerts is not this environment's.
    Silence eu = silence;
    eu.matchers.append({QStringLiteral("cluster"), QStringLiteral("eu-1"), false, true});
    const Labels euStaging{{QStringLiteral("namespace"), QStringLiteral("lucent-staging")},
                           {QStringLiteral("cluster"), QStringLiteral("eu-1")}};
    const Labels usStaging{{QStringLiteral("namespace"), QStringLiteral("lucent-staging")},
                           {QStringLiteral("cluster"), QStringLiteral("us-2")}};
    QVERIFY(eu.appliesTo(euStaging));
    QVERIFY(!eu.appliesTo(usStaging));
    QVERIFY(silence.appliesTo(usStaging)); // no cluster matcher: it can mute either
    const QList<Silence> listed = Lucent::Core::Alerting::SilenceOperations::forScope({silence, eu}, usStaging);
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.constFirst().matchers.size(), silence.matchers.size());
    silence.state = QStringLiteral("expired");
    QVERIFY(!silence.covers(alert));
    silence.state = QStringLiteral("pending"); // starts later
    QVERIFY(!silence.covers(alert));
}

void TestPrometheus::alertmanagerSilenceList()
{
    // As Alertmanager 0.25 answers GET /api/v2/silences (recorded from Debian's package).
    PrometheusError error;
    const auto silences = AlertmanagerResponse::silences(
        R"([{"id":"bdac6d3e-910f-418e-a8b1-77a34ff58b88","status":{"state":"active"},
        "updatedAt":"2026-11-25T21:43:29.153Z","comment":"rollback under way","createdBy":"ana",
        "endsAt":"2026-11-25T22:43:29.000Z","matchers":[{"isEqual":true,"isRegex":false,"name":"alertname",
        "value":"HighErrorRate"},{"isEqual":false,"isRegex":true,"name":"pod","value":"canary-.*"}],
        "startsAt":"2026-11-25T21:43:29.153Z"},
        {"id":"0b6e","status":{"state":"expired"},"updatedAt":"2026-11-25T20:00:00Z","comment":"old",
        "createdBy":"bo","endsAt":"2026-11-25T20:00:00Z","matchers":[{"isRegex":false,"name":"app","value":"x"}],
        "startsAt":"2026-11-25T19:00:00Z"}])",
        200, &error);
    QVERIFY2(silences, qPrintable(error.sentence()));
    QCOMPARE(silences->size(), 2);
    const Silence &first = silences->at(0);
    QCOMPARE(first.id, QStringLiteral("bdac6d3e-910f-418e-a8b1-77a34ff58b88"));
    QVERIFY(first.isActive());
    QCOMPARE(first.createdBy, QStringLiteral("ana"));
    QCOMPARE(first.endsAt, QDateTime(QDate(2026, 11, 25), QTime(22, 43, 29), Qt::UTC));
    QCOMPARE(first.startsAt.time().msec(), 153);
    QCOMPARE(first.matchersText(), QStringLiteral("alertname=HighErrorRate, pod!~\"canary-.*\""));
    QCOMPARE(silences->at(1).matchers[0].isEqual, true); // absent before Alertmanager 0.22: equal
    QCOMPARE(silences->at(1).state, QStringLiteral("expired"));
    // Not a list, or a silence without an id: a decode error, not an empty list.
    QVERIFY(!AlertmanagerResponse::silences(R"({"silences":[]})", 200, &error));
    QCOMPARE(error.kind, PrometheusError::Kind::Decode);
    QVERIFY(!AlertmanagerResponse::silences(R"([{"status":{"state":"active"}}])", 200, &error));
    QVERIFY(error.sentence().startsWith(QStringLiteral("Alertmanager's answer could not be read")));

    // The body we post: RFC 3339 times in UTC, every matcher field, and no id for a new silence.
    Silence draft = first;
    draft.id.clear();
    const QJsonObject posted = QJsonDocument::fromJson(AlertmanagerResponse::encode(draft)).object();
    QCOMPARE(posted.value(QStringLiteral("endsAt")).toString(), QStringLiteral("2026-11-25T22:43:29.000Z"));
    QVERIFY(!posted.contains(QStringLiteral("id")));
    QCOMPARE(posted.value(QStringLiteral("matchers")).toArray().size(), 2);
    QCOMPARE(posted.value(QStringLiteral("matchers")).toArray()[1].toObject().value(QStringLiteral("isEqual")).toBool(),
             false);
    QCOMPARE(*AlertmanagerResponse::createdSilence(R"({"silenceID":"abc"})", 200, &error), QStringLiteral("abc"));
    QVERIFY(!AlertmanagerResponse::createdSilence(R"({})", 200, &error));
}

void TestPrometheus::alertmanagerErrorForms_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("sentence");
    // The three shapes Alertmanager 0.25 answers errors in, as recorded.
    QTest::newRow("400 JSON string")
        << QByteArray(R"("silence invalid: invalid label matcher 0: invalid regular expression \"(\"")") << 400
        << int(PrometheusError::Kind::Api)
        << QStringLiteral("Alertmanager refused the request: silence invalid: invalid label matcher 0: invalid "
                          "regular expression \"(\"");
    QTest::newRow("422 validation object")
        << QByteArray(R"({"code":612,"message":"matchers in body should have at least 1 items"})") << 422
        << int(PrometheusError::Kind::Api)
        << QStringLiteral("Alertmanager refused the request: matchers in body should have at least 1 items");
    QTest::newRow("500 not found") << QByteArray(R"("silence not found")") << 500 << int(PrometheusError::Kind::Api)
                                   << QStringLiteral("Alertmanager answered with an error (failed): silence not found");
    QTest::newRow("502 from a proxy") << QByteArray("<html><body>Bad Gateway</body></html>") << 502
                                      << int(PrometheusError::Kind::Http)
                                      << QStringLiteral("Alertmanager answered HTTP 502 (<html><body>Bad "
                                                        "Gateway</body></html>). Check the Alertmanager URL of the "
                                                        "environment.");
}

void TestPrometheus::alertmanagerErrorForms()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, kind);
    QFETCH(QString, sentence);
    PrometheusError error;
    QVERIFY(!AlertmanagerResponse::expired(body, status, &error));
    QCOMPARE(int(error.kind), kind);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.sentence(), sentence);
    PrometheusError listError;
    QVERIFY(!AlertmanagerResponse::silences(body, status, &listError));
    QCOMPARE(listError.sentence(), sentence);
}

void TestPrometheus::alertmanagerClientSendsTheV2Requests()
{
    ScriptedServer server;
    server.script = {{200, R"([])", {}, 0}, {200, R"({"silenceID":"s-1"})", {}, 0}, {200, "", {}, 0}};
    AlertmanagerClient client(server.url());
    client.setAuth({"am-token", {}, {}});
    auto finish = [](PrometheusReply *reply) {
        QSignalSpy done(reply, &PrometheusReply::finished);
        return done.wait(5000);
    };
    QVERIFY(finish(client.silences()));
    Silence silence;
    silence.matchers = {{QStringLiteral("app"), QStringLiteral("wallet-service"), false, true}};
    silence.startsAt = QDateTime::fromSecsSinceEpoch(1000, Qt::UTC);
    silence.endsAt = QDateTime::fromSecsSinceEpoch(4600, Qt::UTC);
    silence.createdBy = QStringLiteral("ana");
    silence.comment = QStringLiteral("deploy");
    QVERIFY(finish(client.createSilence(silence)));
    QVERIFY(finish(client.expireSilence(QStringLiteral("s-1"))));
    QCOMPARE(server.requests.size(), 3);
    QCOMPARE(server.requests[0].method, QByteArray("GET"));
    QCOMPARE(server.requests[0].path, QByteArray("/api/v2/silences"));
    QCOMPARE(server.requests[0].headers.value("authorization"), QByteArray("Bearer am-token"));
    QCOMPARE(server.requests[1].method, QByteArray("POST"));
    QCOMPARE(server.requests[1].headers.value("content-type"), QByteArray("application/json"));
    const QJsonObject body = QJsonDocument::fromJson(server.requests[1].body).object();
    QCOMPARE(body.value(QStringLiteral("startsAt")).toString(), QStringLiteral("1970-01-01T00:16:40.000Z"));
    QCOMPARE(body.value(QStringLiteral("comment")).toString(), QStringLiteral("deploy"));
    QCOMPARE(server.requests[2].method, QByteArray("DELETE"));
    QCOMPARE(server.requests[2].path, QByteArray("/api/v2/silence/s-1"));

    // Nothing listening: the sentence names Alertmanager, not Prometheus.
    AlertmanagerClient down(QUrl(QStringLiteral("http://127.0.0.1:9")));
    PrometheusReply *reply = down.silences();
    PrometheusError error;
    connect(reply, &PrometheusReply::finished, this, [&] { error = reply->error(); });
    QTRY_VERIFY(error.isError());
    QVERIFY2(error.sentence().startsWith(QStringLiteral("Alertmanager cannot be reached")),
             qPrintable(error.sentence()));
}

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
