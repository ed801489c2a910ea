// Which colour and version a Service serves, judged from its selector, its Endpoints and
// their pods, never from a Deployment's name or template alone.

#include "core/release/servicestatus.h"

#include <QHash>
#include <QJsonArray>
#include <QtTest>

using namespace Lucent::Core::Release;

class TestServiceStatus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coloursPairUp();
    void podVersionJoinsContainers();
    void failingRolloutServesTheOldVersion();
    void blueGreenSwitchFollowsTheSelector();
    void plainServiceHasNoColours();
    void aServiceWithoutAColourIsAdoptableOnlyWhenOneColourRuns();
    void selectorOfAMissingColourIsAProblem();
    void rollingUpdateShowsEveryServedVersion();
    void duplicateColourServesTheReadierOne();
    void otherServicesDeploymentsAreIgnored();
    void podsUnknownToTheCacheAreNotCounted();
};

namespace {

QJsonObject labels(const QString &app, const QString &colour)
{
    QJsonObject l{{QStringLiteral("app"), app}};
    if (!colour.isEmpty())
        l.insert(QStringLiteral("color"), colour);
    return l;
}

QJsonObject service(const QString &name, const QString &colour)
{
    return {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
            {QStringLiteral("spec"), QJsonObject{{QStringLiteral("selector"), labels(name, colour)}}}};
}

QJsonObject deployment(const QString &name, const QString &app, const QString &colour, const QString &version,
                       int replicas, int ready)
{
    const QJsonObject container{{QStringLiteral("name"), app},
                                {QStringLiteral("image"), QStringLiteral("lucent/%1:%2").arg(app, version)}};
    const QJsonObject podTemplate{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("labels"), labels(app, colour)}}},
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("containers"), QJsonArray{container}}}}};
    return {
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("replicas"), replicas},
                     {QStringLiteral("selector"), QJsonObject{{QStringLiteral("matchLabels"), labels(app, colour)}}},
                     {QStringLiteral("template"), podTemplate}}},
        {QStringLiteral("status"),
         QJsonObject{{QStringLiteral("replicas"), replicas}, {QStringLiteral("readyReplicas"), ready}}}};
}

QJsonObject pod(const QString &name, const QStringList &images)
{
    QJsonArray containers;
    for (const QString &image : images)
        containers.append(QJsonObject{{QStringLiteral("image"), image}});
    return {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), name}}},
            {QStringLiteral("spec"), QJsonObject{{QStringLiteral("containers"), containers}}}};
}

QJsonObject address(const QString &pod)
{
    return {{QStringLiteral("ip"), QStringLiteral("10.0.0.1")},
            {QStringLiteral("targetRef"),
             QJsonObject{{QStringLiteral("kind"), QStringLiteral("Pod")}, {QStringLiteral("name"), pod}}}};
}

QJsonObject endpoints(const QStringList &ready, const QStringList &notReady = {})
{
    QJsonArray readyAddresses, notReadyAddresses;
    for (const QString &name : ready)
        readyAddresses.append(address(name));
    for (const QString &name : notReady)
        notReadyAddresses.append(address(name));
    QJsonObject subset;
    if (!readyAddresses.isEmpty())
        subset.insert(QStringLiteral("addresses"), readyAddresses);
    if (!notReadyAddresses.isEmpty())
        subset.insert(QStringLiteral("notReadyAddresses"), notReadyAddresses);
    QJsonObject object{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("svc")}}}};
    if (!subset.isEmpty())
        object.insert(QStringLiteral("subsets"), QJsonArray{subset});
    return object;
}

/// A pod cache of pods named after their version: "wallet-1.0.7-a" runs lucent/wallet:1.0.7.
struct Pods {
    QHash<QString, QJsonObject> byName;
    void add(const QString &name, const QString &image) { byName.insert(name, pod(name, {image})); }
    PodLookup lookup() const
    {
        return [this](const QString &name) { return byName.value(name); };
    }
};

} // namespace

void TestServiceStatus::coloursPairUp()
{
    QCOMPARE(otherColour(QStringLiteral("blue")), QStringLiteral("green"));
    QCOMPARE(otherColour(QStringLiteral("green")), QStringLiteral("blue"));
    QCOMPARE(otherColour(QStringLiteral("red")), QString());
    QCOMPARE(otherColour(QString()), QString());
}

void TestServiceStatus::podVersionJoinsContainers()
{
    QCOMPARE(podVersion(pod(QStringLiteral("p"),
                            {QStringLiteral("registry:5000/lucent/task-service:1.0.7"), QStringLiteral("envoy:1.29")})),
             QStringLiteral("1.0.7+1.29"));
    QCOMPARE(podVersion(pod(QStringLiteral("p"), {QStringLiteral("lucent/task-service")})), QStringLiteral("latest"));
}

void TestServiceStatus::failingRolloutServesTheOldVersion()
{
    // The template says 9.9.9-crash; the two ready pods, the only endpoints, run 1.0.7.
    Pods pods;
    pods.add(QStringLiteral("task-a"), QStringLiteral("lucent/task-service:1.0.7"));
    pods.add(QStringLiteral("task-b"), QStringLiteral("lucent/task-service:1.0.7"));
    pods.add(QStringLiteral("task-c"), QStringLiteral("lucent/task-service:9.9.9-crash"));
    const auto status = serviceStatus(
        service(QStringLiteral("task-service"), QStringLiteral("blue")),
        {deployment(QStringLiteral("task-service"), QStringLiteral("task-service"), QStringLiteral("blue"),
                    QStringLiteral("9.9.9-crash"), 2, 2)},
        endpoints({QStringLiteral("task-a"), QStringLiteral("task-b")}, {QStringLiteral("task-c")}), pods.lookup());
    QVERIFY(status.blueGreen);
    QCOMPARE(status.liveColour, QStringLiteral("blue"));
    QCOMPARE(status.standbyColour, QStringLiteral("green"));
    QCOMPARE(status.liveVersions(), QStringList{QStringLiteral("1.0.7")});
    QCOMPARE(status.servingPods, 2);
    QCOMPARE(status.pendingTarget(), QStringLiteral("9.9.9-crash"));
    QCOMPARE(status.versionText(), QStringLiteral("1.0.7 → 9.9.9-crash"));
    QVERIFY(!status.standby());
    QCOMPARE(status.standbyText(), QString());
    QVERIFY2(status.problems.isEmpty(), qPrintable(status.problems.join(QLatin1Char('\n'))));
}

void TestServiceStatus::blueGreenSwitchFollowsTheSelector()
{
    Pods pods;
    pods.add(QStringLiteral("wallet-blue-a"), QStringLiteral("lucent/wallet-service:2.1.0"));
    pods.add(QStringLiteral("wallet-green-a"), QStringLiteral("lucent/wallet-service:2.2.0"));
    pods.add(QStringLiteral("wallet-green-b"), QStringLiteral("lucent/wallet-service:2.2.0"));
    const QList<QJsonObject> deployments{deployment(QStringLiteral("wallet-service"), QStringLiteral("wallet-service"),
                                                    QStringLiteral("blue"), QStringLiteral("2.1.0"), 1, 1),
                                         deployment(QStringLiteral("wallet-service-green"),
                                                    QStringLiteral("wallet-service"), QStringLiteral("green"),
                                                    QStringLiteral("2.2.0"), 2, 2)};
    // Before the switch: blue serves, green stands by.
    auto status = serviceStatus(service(QStringLiteral("wallet-service"), QStringLiteral("blue")), deployments,
                                endpoints({QStringLiteral("wallet-blue-a")}), pods.lookup());
    QCOMPARE(status.active()->name, QStringLiteral("wallet-service"));
    QCOMPARE(status.standby()->name, QStringLiteral("wallet-service-green"));
    QCOMPARE(status.versionText(), QStringLiteral("2.1.0"));
    QCOMPARE(status.standbyText(), QStringLiteral("green 2.2.0 (2/2)"));
    // After it: the selector names green, and the Endpoints hold green's pods.
    status
        = serviceStatus(service(QStringLiteral("wallet-service"), QStringLiteral("green")), deployments,
                        endpoints({QStringLiteral("wallet-green-a"), QStringLiteral("wallet-green-b")}), pods.lookup());
    QCOMPARE(status.liveColour, QStringLiteral("green"));
    QCOMPARE(status.standbyColour, QStringLiteral("blue"));
    QCOMPARE(status.active()->name, QStringLiteral("wallet-service-green"));
    QCOMPARE(status.standby()->name, QStringLiteral("wallet-service"));
    QCOMPARE(status.versionText(), QStringLiteral("2.2.0"));
    QCOMPARE(status.servingPods, 2);
    QCOMPARE(status.standbyText(), QStringLiteral("blue 2.1.0 (1/1)"));
    // Once the old colour is scaled down it says so.
    const QList<QJsonObject> scaledDown{deployment(QStringLiteral("wallet-service"), QStringLiteral("wallet-service"),
                                                   QStringLiteral("blue"), QStringLiteral("2.1.0"), 0, 0),
                                        deployments[1]};
    status = serviceStatus(service(QStringLiteral("wallet-service"), QStringLiteral("green")), scaledDown,
                           endpoints({QStringLiteral("wallet-green-a")}), pods.lookup());
    QCOMPARE(status.standbyText(), QStringLiteral("blue 2.1.0 (scaled to 0)"));
}

// git's Services name no colour: one whose Deployments are all blue or green, with pods in one
// colour only, is adoptable on that colour; with both colours running, or a Deployment without a
// colour label, it is not (selecting one colour would drop the other's pods).
void TestServiceStatus::aServiceWithoutAColourIsAdoptableOnlyWhenOneColourRuns()
{
    const QString wallet = QStringLiteral("wallet-service");
    const Pods pods; // no endpoints: never asked
    const QJsonObject blue = deployment(wallet, wallet, QStringLiteral("blue"), QStringLiteral("2.1.0"), 3, 3);
    const QJsonObject green
        = deployment(wallet + QStringLiteral("-green"), wallet, QStringLiteral("green"), QStringLiteral("2.2.0"), 0, 0);
    auto status = serviceStatus(service(wallet, QString()), {blue, green}, {}, pods.lookup());
    QVERIFY(!status.blueGreen);
    QVERIFY(status.adoptable);
    QCOMPARE(status.liveColour, QStringLiteral("blue"));
    QCOMPARE(status.standbyColour, QStringLiteral("green"));
    QCOMPARE(status.active()->name, wallet);
    QCOMPARE(status.standby()->name, wallet + QStringLiteral("-green"));

    const QJsonObject greenRunning
        = deployment(wallet + QStringLiteral("-green"), wallet, QStringLiteral("green"), QStringLiteral("2.2.0"), 3, 3);
    status = serviceStatus(service(wallet, QString()), {blue, greenRunning}, {}, pods.lookup());
    QVERIFY(!status.adoptable);
    QCOMPARE(status.liveColour, QString());

    const QJsonObject uncoloured = deployment(wallet, wallet, QString(), QStringLiteral("2.1.0"), 3, 3);
    QVERIFY(!serviceStatus(service(wallet, QString()), {uncoloured}, {}, pods.lookup()).adoptable);
    // A Service that selects a colour already is blue-green, not adoptable.
    QVERIFY(!serviceStatus(service(wallet, QStringLiteral("blue")), {blue, green}, {}, pods.lookup()).adoptable);
}

void TestServiceStatus::plainServiceHasNoColours()
{
    Pods pods;
    pods.add(QStringLiteral("mongodb-0"), QStringLiteral("mongo:7.0.14"));
    const auto status = serviceStatus(service(QStringLiteral("mongodb"), QString()), {},
                                      endpoints({QStringLiteral("mongodb-0")}), pods.lookup());
    QVERIFY(!status.blueGreen);
    QCOMPARE(status.liveColour, QString());
    QCOMPARE(status.standbyColour, QString());
    QVERIFY(!status.active()); // a StatefulSet runs it: no Deployment row to act on
    QCOMPARE(status.versionText(), QStringLiteral("7.0.14"));
    QVERIFY(status.problems.isEmpty());
}

void TestServiceStatus::selectorOfAMissingColourIsAProblem()
{
    // The seed script's mistake, made with kubectl: the Service names a colour no Deployment has.
    Pods pods;
    const auto status = serviceStatus(service(QStringLiteral("wallet-service"), QStringLiteral("green")),
                                      {deployment(QStringLiteral("wallet-service"), QStringLiteral("wallet-service"),
                                                  QStringLiteral("blue"), QStringLiteral("2.1.0"), 2, 2)},
                                      endpoints({}), pods.lookup());
    QVERIFY(!status.active());
    QCOMPARE(status.standby()->name, QStringLiteral("wallet-service"));
    QCOMPARE(status.versionText(), QStringLiteral("none ready"));
    QCOMPARE(status.problems.size(), 1);
    QVERIFY2(status.problems.constFirst().contains(QLatin1String("no Deployment of that colour")),
             qPrintable(status.problems.constFirst()));
    // Without any Endpoints object yet, the version is unknown rather than "none".
    QCOMPARE(serviceStatus(service(QStringLiteral("wallet-service"), QStringLiteral("green")), {}, {}, pods.lookup())
                 .versionText(),
             QStringLiteral("unknown"));
}

void TestServiceStatus::rollingUpdateShowsEveryServedVersion()
{
    Pods pods;
    pods.add(QStringLiteral("a"), QStringLiteral("lucent/user-service:1.0.7"));
    pods.add(QStringLiteral("b"), QStringLiteral("lucent/user-service:1.0.7"));
    pods.add(QStringLiteral("c"), QStringLiteral("lucent/user-service:1.0.8"));
    auto status
        = serviceStatus(service(QStringLiteral("user-service"), QStringLiteral("blue")),
                        {deployment(QStringLiteral("user-service"), QStringLiteral("user-service"),
                                    QStringLiteral("blue"), QStringLiteral("1.0.8"), 3, 3)},
                        endpoints({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}), pods.lookup());
    QCOMPARE(status.liveVersions(), (QStringList{QStringLiteral("1.0.7"), QStringLiteral("1.0.8")}));
    QCOMPARE(status.versionText(), QStringLiteral("1.0.7 (2), 1.0.8 (1) → 1.0.8"));
    // Once every endpoint runs the target, there is no arrow.
    pods.add(QStringLiteral("a"), QStringLiteral("lucent/user-service:1.0.8"));
    pods.add(QStringLiteral("b"), QStringLiteral("lucent/user-service:1.0.8"));
    status = serviceStatus(service(QStringLiteral("user-service"), QStringLiteral("blue")),
                           {deployment(QStringLiteral("user-service"), QStringLiteral("user-service"),
                                       QStringLiteral("blue"), QStringLiteral("1.0.8"), 3, 3)},
                           endpoints({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}), pods.lookup());
    QCOMPARE(status.versionText(), QStringLiteral("1.0.8"));
    QCOMPARE(status.pendingTarget(), QString());
}

void TestServiceStatus::duplicateColourServesTheReadierOne()
{
    Pods pods;
    const auto status = serviceStatus(service(QStringLiteral("api-gateway"), QStringLiteral("blue")),
                                      {deployment(QStringLiteral("api-gateway"), QStringLiteral("api-gateway"),
                                                  QStringLiteral("blue"), QStringLiteral("3.0.0"), 2, 0),
                                       deployment(QStringLiteral("api-gateway-2"), QStringLiteral("api-gateway"),
                                                  QStringLiteral("blue"), QStringLiteral("3.0.1"), 2, 2)},
                                      endpoints({}), pods.lookup());
    QCOMPARE(status.active()->name, QStringLiteral("api-gateway-2"));
    QVERIFY(!status.standby());
    QVERIFY2(status.problems.join(QLatin1Char('\n'))
                 .contains(QLatin1String("api-gateway-2, api-gateway all have color=blue")),
             qPrintable(status.problems.join(QLatin1Char('\n'))));
}

void TestServiceStatus::otherServicesDeploymentsAreIgnored()
{
    Pods pods;
    const auto status = serviceStatus(service(QStringLiteral("user-service"), QStringLiteral("blue")),
                                      {deployment(QStringLiteral("wallet-service"), QStringLiteral("wallet-service"),
                                                  QStringLiteral("blue"), QStringLiteral("2.1.0"), 2, 2),
                                       deployment(QStringLiteral("user-service"), QStringLiteral("user-service"),
                                                  QStringLiteral("blue"), QStringLiteral("1.4.2"), 2, 2)},
                                      endpoints({}), pods.lookup());
    QCOMPARE(status.deployments.size(), 1);
    QCOMPARE(status.active()->name, QStringLiteral("user-service"));
    // A Service without a selector has no Deployments at all.
    QJsonObject bare = service(QStringLiteral("external"), QString());
    bare.insert(QStringLiteral("spec"), QJsonObject());
    QVERIFY(serviceStatus(bare,
                          {deployment(QStringLiteral("x"), QStringLiteral("x"), QString(), QStringLiteral("1"), 1, 1)},
                          {}, pods.lookup())
                .deployments.isEmpty());
}

void TestServiceStatus::podsUnknownToTheCacheAreNotCounted()
{
    Pods pods;
    pods.add(QStringLiteral("known"), QStringLiteral("lucent/play-service:0.9.0"));
    const auto status
        = serviceStatus(service(QStringLiteral("play-service"), QStringLiteral("blue")), {},
                        endpoints({QStringLiteral("known"), QStringLiteral("not-yet-seen")}), pods.lookup());
    QCOMPARE(status.servingPods, 1);
    QCOMPARE(status.versionText(), QStringLiteral("0.9.0"));
}

QTEST_GUILESS_MAIN(TestServiceStatus)
#include "tst_servicestatus.moc"
