// lucent-sandbox --prometheus with Debian's real Prometheus: discovery of the pods, their
// scrapes through the pod proxy, the platform's alert rules (checked by promtool, firing on
// an -errors rollout and clearing after the rollback), range queries and error texts, all
// through core/prometheus' client; and the real Alertmanager beside it, silencing that alert.

#include "sandboxprocess.h"

#include "core/environment/projectconfig.h"
#include "core/prometheus/alertmanager.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

#include <yaml-cpp/yaml.h>

using namespace Lucent::Core::Prometheus;
using Lucent::Tests::SandboxProcess;

class TestSandboxPrometheus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rulesPassPromtool();
    void discoveryMatchesTheManifestsRelabelling();
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

namespace {

using Labels = QMap<QString, QString>;

/// Prometheus' label name for a Kubernetes label or annotation key: every character outside
/// [a-zA-Z0-9_] becomes '_'.
QString sanitized(QString key)
{
    static const QRegularExpression other(QStringLiteral("[^a-zA-Z0-9_]"));
    return key.replace(other, QStringLiteral("_"));
}

/// What kubernetes_sd_configs' pod role gives a pod's first container port.
Labels podMetaLabels(const QJsonObject &pod)
{
    const QJsonObject meta = pod[QLatin1String("metadata")].toObject();
    const QJsonObject container = pod[QLatin1String("spec")][QLatin1String("containers")][0].toObject();
    Labels labels{
        {QStringLiteral("__meta_kubernetes_namespace"), meta[QLatin1String("namespace")].toString()},
        {QStringLiteral("__meta_kubernetes_pod_name"), meta[QLatin1String("name")].toString()},
        {QStringLiteral("__meta_kubernetes_pod_container_image"), container[QLatin1String("image")].toString()},
        {QStringLiteral("__address__"),
         QStringLiteral("%1:%2")
             .arg(pod[QLatin1String("status")][QLatin1String("podIP")].toString())
             .arg(container[QLatin1String("ports")][0][QLatin1String("containerPort")].toInt())}};
    const QJsonObject podLabels = meta[QLatin1String("labels")].toObject();
    for (auto it = podLabels.begin(); it != podLabels.end(); ++it)
        labels.insert(QStringLiteral("__meta_kubernetes_pod_label_") + sanitized(it.key()), it.value().toString());
    const QJsonObject annotations = meta[QLatin1String("annotations")].toObject();
    for (auto it = annotations.begin(); it != annotations.end(); ++it)
        labels.insert(QStringLiteral("__meta_kubernetes_pod_annotation_") + sanitized(it.key()), it.value().toString());
    return labels;
}

/// Applies @p configs (Prometheus relabel_configs: replace and keep) to @p labels; nullopt when
/// the target is dropped. Regular expressions are anchored, as Prometheus anchors them.
std::optional<Labels> relabelled(Labels labels, const YAML::Node &configs)
{
    for (const YAML::Node &config : configs) {
        QStringList values;
        for (const YAML::Node &source : config["source_labels"])
            values.append(labels.value(QString::fromStdString(source.as<std::string>())));
        const QString joined = values.join(QString::fromStdString(config["separator"].as<std::string>(";")));
        const QRegularExpression regex(
            QStringLiteral("^(?:%1)$").arg(QString::fromStdString(config["regex"].as<std::string>("(.*)"))));
        const QRegularExpressionMatch match = regex.match(joined);
        const std::string action = config["action"].as<std::string>("replace");
        if (action == "keep") {
            if (!match.hasMatch())
                return std::nullopt;
            continue;
        }
        if (!match.hasMatch())
            continue;
        QString replacement = QString::fromStdString(config["replacement"].as<std::string>("$1"));
        for (int group = match.lastCapturedIndex(); group >= 1; --group)
            replacement.replace(QStringLiteral("$%1").arg(group), match.captured(group));
        labels.insert(QString::fromStdString(config["target_label"].as<std::string>()), replacement);
    }
    return labels;
}

} // namespace

// On a real cluster, manifests/monitoring's relabelling gives each series the labels that the
// promotion's analysis selects by; in the demo the sandbox's discovery gives them. For every
// pod the sandbox offers, the manifests' rules applied to what kubernetes_sd would say about
// it must give the same namespace, app, pod, color and version.
void TestSandboxPrometheus::discoveryMatchesTheManifestsRelabelling()
{
    const YAML::Node configMap = YAML::LoadFile(LUCENT_SOURCE_DIR "/manifests/monitoring/prometheus-config.yaml");
    const YAML::Node prometheus = YAML::Load(configMap["data"]["prometheus.yml"].as<std::string>());
    YAML::Node relabelConfigs;
    for (const YAML::Node &job : prometheus["scrape_configs"]) {
        if (job["job_name"].as<std::string>() == "lucent-services")
            relabelConfigs = job["relabel_configs"];
    }
    QVERIFY(relabelConfigs.IsSequence());
    // A pod of another version, tagged behind a registry with a port, to check the version rule.
    const auto rolled
        = m_sandbox.kubectl({QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("set"),
                             QStringLiteral("image"), QStringLiteral("deployment/notification-service"),
                             QStringLiteral("notification-service=mirror.example:5000/lucent/"
                                            "notification-service:2.0.1-rc1")});
    QVERIFY2(rolled.exitCode == 0, qPrintable(rolled.errText()));
    const auto rollout = m_sandbox.kubectl(
        {QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("rollout"), QStringLiteral("status"),
         QStringLiteral("deployment/notification-service"), QStringLiteral("--timeout=60s")},
        70000);
    QVERIFY2(rollout.exitCode == 0, qPrintable(rollout.errText()));

    const auto targets = m_sandbox.kubectl(
        {QStringLiteral("get"), QStringLiteral("--raw"), QStringLiteral("/lucent/v1/prometheus/targets")});
    QVERIFY2(targets.exitCode == 0, qPrintable(targets.errText()));
    QHash<QString, QJsonObject> offered; // by pod
    for (const auto &group : targets.json().array())
        offered.insert(group[QLatin1String("labels")][QLatin1String("pod")].toString(),
                       group[QLatin1String("labels")].toObject());
    QVERIFY(offered.size() > 10);
    const auto pods = m_sandbox.kubectl({QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-A"),
                                         QStringLiteral("-o"), QStringLiteral("json")});
    int compared = 0;
    bool sawRegistryPort = false;
    for (const auto &item : pods.json()[QLatin1String("items")].toArray()) {
        const QJsonObject pod = item.toObject();
        const QString name = pod[QLatin1String("metadata")][QLatin1String("name")].toString();
        if (!offered.contains(name))
            continue;
        const auto labels = relabelled(podMetaLabels(pod), relabelConfigs);
        QVERIFY2(labels, qPrintable(name + QStringLiteral(" is offered by the sandbox but dropped by the manifests")));
        for (const char *key : {"namespace", "app", "pod", "color", "version"})
            QVERIFY2(labels->value(QLatin1String(key)) == offered[name][QLatin1String(key)].toString(),
                     qPrintable(QStringLiteral("%1: %2 is '%3' in the manifests, '%4' in the sandbox")
                                    .arg(name, QLatin1String(key), labels->value(QLatin1String(key)),
                                         offered[name][QLatin1String(key)].toString())));
        sawRegistryPort = sawRegistryPort || labels->value(QStringLiteral("version")) == QLatin1String("2.0.1-rc1");
        ++compared;
    }
    QVERIFY(compared > 10);
    QVERIFY(sawRegistryPort);
    qInfo("%d pods: the same namespace, app, pod, color and version both ways", compared);
    const auto back
        = m_sandbox.kubectl({QStringLiteral("-n"), QStringLiteral("lucent-staging"), QStringLiteral("rollout"),
                             QStringLiteral("undo"), QStringLiteral("deployment/notification-service")});
    QVERIFY2(back.exitCode == 0, qPrintable(back.errText()));
}

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
    // Pods scraped: the data stores (their own jobs) and the services annotated prometheus.io/scrape
    // (the frontend, static files behind nginx, is not).
    for (const QJsonObject &pod :
         platform(m_sandbox.kubectl(Lucent::Tests::args({"get", "pods", "-A", "-o", "json"})).json())) {
        const QJsonObject meta = pod[QLatin1String("metadata")].toObject();
        const QString app = meta[QLatin1String("labels")][QLatin1String("app")].toString();
        const bool dataStore = app == QLatin1String("mongodb") || app == QLatin1String("redis");
        if (!dataStore
            && meta[QLatin1String("annotations")][QLatin1String("prometheus.io/scrape")].toString()
                != QLatin1String("true"))
            --expected;
    }
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
