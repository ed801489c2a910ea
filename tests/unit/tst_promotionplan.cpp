// A promotion's plan, computed from the platform's own manifests as a cluster would list
// them: the standby Deployment of each service of a release, byte for byte against the files
// in tests/data/promotion (LUCENT_UPDATE_GOLDEN=1 rewrites them), and every reason a plan is
// refused.

#include "core/release/imagesuggestions.h"
#include "core/release/promotionplan.h"
#include "core/validation/manifestjson.h"
#include "core/validation/validator.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QtTest>

using namespace Lucent::Core;
using Release::PromotionRequest;
using Release::RequestedImage;

class TestPromotionPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void oneServiceMatchesItsGoldenFile();
    void sixServicesMatchTheirGoldenFile();
    void standbyKeepsEverythingButColourAndImage();
    void existingStandbyIsReusedByLabelNotName();
    void aServiceWithoutAColourIsAdoptedFirst();
    void refusals_data();
    void refusals();
    void diffShowsOnlyColourImageAndAnnotations();
    void validationBlocksALatestImage();
    void rollbackAsksForTheStandbysImage();
    void healthIsTheNamedPortAndTheProbesPath();
    void suggestionsComeFromServingReplicaSetsAndManifests();

private:
    PromotionRequest request(const QList<RequestedImage> &images) const;
    void compareWithGolden(const QString &name, const QString &actual);

    QList<QJsonObject> m_services; ///< as the cluster has them: adopted, each selecting its colour
    QList<QJsonObject> m_gitServices; ///< as manifests/base has them: no colour in the selector
    QList<QJsonObject> m_deployments;
};

namespace {

const QString Namespace = QStringLiteral("lucent-staging");

QString dataDir()
{
    return QStringLiteral(LUCENT_TEST_DATA_DIR "/promotion/");
}

/// As the API server lists it: in a namespace, with a resourceVersion.
QJsonObject listed(QJsonObject object, int resourceVersion)
{
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("namespace"), Namespace);
    meta.insert(QStringLiteral("resourceVersion"), QString::number(resourceVersion));
    meta.insert(QStringLiteral("uid"), QStringLiteral("uid-%1").arg(resourceVersion));
    object.insert(QStringLiteral("metadata"), meta);
    return object;
}

QJsonObject withName(QJsonObject object, const QString &name)
{
    QJsonObject meta = object.value(QLatin1String("metadata")).toObject();
    meta.insert(QStringLiteral("name"), name);
    object.insert(QStringLiteral("metadata"), meta);
    return object;
}

} // namespace

void TestPromotionPlan::initTestCase()
{
    const QDir base(QStringLiteral(LUCENT_SOURCE_DIR "/manifests/base"));
    int resourceVersion = 100;
    for (const QString &file : base.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name)) {
        QFile in(base.filePath(file));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QString error;
        for (const auto &object : Validation::manifestObjects(in.readAll(), &error)) {
            if (object.kind() == QLatin1String("Service"))
                m_services.append(listed(object.object, ++resourceVersion));
            else if (object.kind() == QLatin1String("Deployment"))
                m_deployments.append(listed(object.object, ++resourceVersion));
        }
        QVERIFY2(error.isEmpty(), qPrintable(file + QStringLiteral(": ") + error));
    }
    QVERIFY(m_services.size() >= 8);
    QVERIFY(m_deployments.size() >= 8);
    // git's Services name no colour; the cluster's, once the console has adopted them, do.
    m_gitServices = m_services;
    for (QJsonObject &service : m_services) {
        QJsonObject spec = service[QLatin1String("spec")].toObject();
        QJsonObject selector = spec[QLatin1String("selector")].toObject();
        for (const QJsonObject &d : std::as_const(m_deployments)) {
            const QJsonObject labels = d[QLatin1String("spec")][QLatin1String("template")][QLatin1String("metadata")]
                                        [QLatin1String("labels")]
                                            .toObject();
            if (!selector.contains(QLatin1String("color"))
                && labels[QLatin1String("app")] == selector[QLatin1String("app")]
                && labels.contains(QLatin1String("color")))
                selector.insert(QStringLiteral("color"), labels[QLatin1String("color")]);
        }
        spec.insert(QStringLiteral("selector"), selector);
        service.insert(QStringLiteral("spec"), spec);
    }
}

PromotionRequest TestPromotionPlan::request(const QList<RequestedImage> &images) const
{
    return {QStringLiteral("p-20261130-1"), QStringLiteral("staging"), Namespace, images};
}

void TestPromotionPlan::compareWithGolden(const QString &name, const QString &actual)
{
    QFile file(dataDir() + name);
    if (qEnvironmentVariableIsSet("LUCENT_UPDATE_GOLDEN")) {
        QVERIFY(QDir().mkpath(dataDir()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(actual.toUtf8());
        return;
    }
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QString expected = QString::fromUtf8(file.readAll());
    if (expected != actual) {
        const QStringList a = expected.split(QLatin1Char('\n'));
        const QStringList b = actual.split(QLatin1Char('\n'));
        for (int i = 0; i < std::max(a.size(), b.size()); ++i) {
            if (a.value(i) != b.value(i))
                QFAIL(qPrintable(QStringLiteral("%1 differs at line %2:\n  expected: %3\n  actual:   %4")
                                     .arg(name)
                                     .arg(i + 1)
                                     .arg(a.value(i), b.value(i))));
        }
    }
}

void TestPromotionPlan::oneServiceMatchesItsGoldenFile()
{
    const auto plan = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    compareWithGolden(QStringLiteral("one-service.txt"),
                      Release::describePlan(plan) + Release::standbyYaml(plan.services.constFirst()));
}

void TestPromotionPlan::sixServicesMatchTheirGoldenFile()
{
    QList<RequestedImage> images;
    for (const char *service : {"user-service", "wallet-service", "play-service", "task-service", "portfolio-service",
                                "notification-service"})
        images.append(
            {QString::fromLatin1(service), QStringLiteral("lucent/%1:3.0.0").arg(QLatin1String(service)), {}});
    const auto plan = Release::planPromotion(request(images), m_services, m_deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.services.size(), 6);
    QString text = Release::describePlan(plan);
    for (const auto &planned : plan.services)
        text += QStringLiteral("---\n") + Release::standbyYaml(planned);
    compareWithGolden(QStringLiteral("six-services.txt"), text);
}

void TestPromotionPlan::standbyKeepsEverythingButColourAndImage()
{
    const auto plan = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QVERIFY(plan.isValid());
    const auto &planned = plan.services.constFirst();
    QCOMPARE(planned.activeColour, QStringLiteral("blue"));
    QCOMPARE(planned.standbyColour, QStringLiteral("green"));
    QCOMPARE(planned.activeDeployment, QStringLiteral("wallet-service"));
    QCOMPARE(planned.standbyDeployment, QStringLiteral("wallet-service-green"));
    QVERIFY(planned.createsStandby);
    QCOMPARE(planned.replicas, 3);
    QCOMPARE(planned.fromImage, QStringLiteral("lucent/wallet-service:2.1.0"));
    QCOMPARE(planned.serviceResourceVersion.isEmpty(), false);
    // Undo the two intended changes and the standby's identity: what remains is the active spec.
    QJsonObject active;
    for (const QJsonObject &d : m_deployments) {
        if (d[QLatin1String("metadata")][QLatin1String("name")] == QLatin1String("wallet-service"))
            active = d;
    }
    QString standby = Release::standbyYaml(planned);
    QString original = Validation::toYamlText(Release::withoutServerFields(active).value(QLatin1String("spec")));
    standby = Validation::toYamlText(planned.standby.value(QLatin1String("spec")));
    standby.replace(QStringLiteral("color: green"), QStringLiteral("color: blue"));
    standby.replace(QStringLiteral("wallet-service:2.2.0"), QStringLiteral("wallet-service:2.1.0"));
    QCOMPARE(standby, original);
    const QJsonObject labels = planned.standby[QLatin1String("metadata")][QLatin1String("labels")].toObject();
    QCOMPARE(labels.value(QLatin1String("color")).toString(), QStringLiteral("green"));
    QCOMPARE(labels.value(QLatin1String("app")).toString(), QStringLiteral("wallet-service"));
}

void TestPromotionPlan::existingStandbyIsReusedByLabelNotName()
{
    // A green Deployment from an earlier promotion, named unlike the convention and scaled to 0:
    // it is found by its labels and updated, not duplicated.
    QList<QJsonObject> deployments = m_deployments;
    QJsonObject green;
    for (const QJsonObject &d : m_deployments) {
        if (d[QLatin1String("metadata")][QLatin1String("name")] == QLatin1String("wallet-service"))
            green = d;
    }
    QByteArray text = Validation::toYamlText(green).toUtf8();
    text.replace("color: blue", "color: green");
    QString error;
    green = listed(
        withName(Validation::manifestObjects(text, &error).constFirst().object, QStringLiteral("wallet-next")), 999);
    deployments.append(green);
    const auto plan = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.services.constFirst().standbyDeployment, QStringLiteral("wallet-next"));
    QVERIFY(!plan.services.constFirst().createsStandby);
    QCOMPARE(plan.services.constFirst().standbyUid, QStringLiteral("uid-999"));
}

// As `kubectl apply -k` of git leaves a cluster: the Service selects by app only, its pods are
// all blue. The plan adopts it (the selector gains color=blue before anything else); with green
// pods running too, selecting one colour would drop the other's, so it refuses.
void TestPromotionPlan::aServiceWithoutAColourIsAdoptedFirst()
{
    const auto wallet
        = request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}});
    const auto plan = Release::planPromotion(wallet, m_gitServices, m_deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QVERIFY(plan.services.constFirst().adopts);
    QCOMPARE(plan.services.constFirst().activeColour, QStringLiteral("blue"));
    QVERIFY2(Release::describePlan(plan).contains(QStringLiteral(
                 "service/wallet-service is adopted into blue-green first: its selector gains color=blue")),
             qPrintable(Release::describePlan(plan)));
    QVERIFY(!Release::planPromotion(wallet, m_services, m_deployments).services.constFirst().adopts);

    QList<QJsonObject> both = m_deployments;
    for (const QJsonObject &d : m_deployments) {
        if (d[QLatin1String("metadata")][QLatin1String("name")] != QLatin1String("wallet-service"))
            continue;
        QByteArray text = Validation::toYamlText(d).toUtf8();
        text.replace("color: blue", "color: green");
        QString error;
        both.append(listed(
            withName(Validation::manifestObjects(text, &error).constFirst().object, QStringLiteral("wallet-green")),
            998));
    }
    const auto refused = Release::planPromotion(wallet, m_gitServices, both);
    QVERIFY(!refused.isValid());
    QVERIFY2(refused.problems.join(QLatin1Char(' ')).contains(QStringLiteral("cannot be adopted into blue-green")),
             qPrintable(refused.problems.join(QLatin1Char(' '))));
}

void TestPromotionPlan::refusals_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("container");
    QTest::addColumn<QString>("sentence");
    QTest::addRow("no such service") << "billing-service"
                                     << "lucent/billing-service:1.0.0" << QString() << "no Service of that name";
    QTest::addRow("not blue-green") << "mongodb"
                                    << "mongo:8.0" << QString() << "cannot be adopted into blue-green";
    QTest::addRow("same image") << "wallet-service"
                                << "lucent/wallet-service:2.1.0" << QString() << "nothing to promote";
    QTest::addRow("unknown container") << "wallet-service"
                                       << "lucent/wallet-service:2.2.0"
                                       << "sidecar"
                                       << "no container named sidecar";
}

void TestPromotionPlan::refusals()
{
    QFETCH(QString, service);
    QFETCH(QString, image);
    QFETCH(QString, container);
    QFETCH(QString, sentence);
    const auto plan = Release::planPromotion(request({{service, image, container}}), m_services, m_deployments);
    QVERIFY(!plan.isValid());
    QVERIFY2(plan.problems.join(QLatin1Char('\n')).contains(sentence),
             qPrintable(plan.problems.join(QLatin1Char('\n'))));
    // Named twice, and nothing at all.
    const auto twice = Release::planPromotion(request({{QStringLiteral("wallet-service"), QStringLiteral("a:1"), {}},
                                                       {QStringLiteral("wallet-service"), QStringLiteral("a:2"), {}}}),
                                              m_services, m_deployments);
    QVERIFY(twice.problems.join(QLatin1Char('\n')).contains(QStringLiteral("named twice")));
    QVERIFY(!Release::planPromotion(request({}), m_services, m_deployments).isValid());
}

void TestPromotionPlan::diffShowsOnlyColourImageAndAnnotations()
{
    const auto plan = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QVERIFY(plan.isValid());
    QJsonObject active;
    for (const QJsonObject &d : m_deployments) {
        if (d[QLatin1String("metadata")][QLatin1String("name")] == QLatin1String("wallet-service"))
            active = d;
    }
    const QString diff = Release::standbyDiff(plan.services.constFirst(), active);
    QStringList changed;
    for (const QString &line : diff.split(QLatin1Char('\n'))) {
        if ((line.startsWith(QLatin1Char('+')) || line.startsWith(QLatin1Char('-')))
            && !line.startsWith(QLatin1String("+++")) && !line.startsWith(QLatin1String("---")))
            changed.append(line.mid(1).trimmed());
    }
    for (const QString &line : std::as_const(changed)) {
        const bool expected = line.startsWith(QLatin1String("color:"))
            || line.contains(QLatin1String("wallet-service:2."))
            || line.startsWith(QLatin1String("name: wallet-service")) || line.startsWith(QLatin1String("annotations:"))
            || line.startsWith(QLatin1String("lucent.com/"));
        QVERIFY2(expected, qPrintable(QStringLiteral("unexpected change: ") + line + QStringLiteral("\n") + diff));
    }
    QVERIFY2(changed.contains(QStringLiteral("image: \"lucent/wallet-service:2.2.0\"")), qPrintable(diff));
    QVERIFY(changed.contains(QStringLiteral("image: \"lucent/wallet-service:2.1.0\"")));
}

void TestPromotionPlan::validationBlocksALatestImage()
{
    const Validation::Validator validator;
    const auto good = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QCOMPARE(Validation::countSeverity(Release::validatePlan(good, validator), Validation::Severity::Error), 0);
    const auto latest = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:latest"), {}}}), m_services,
        m_deployments);
    QVERIFY(latest.isValid()); // the plan itself is sound; its manifest is not acceptable
    const auto problems = Release::validatePlan(latest, validator);
    QVERIFY(Validation::countSeverity(problems, Validation::Severity::Error) > 0);
    QVERIFY(std::any_of(problems.cbegin(), problems.cend(), [](const Validation::Problem &p) {
        return p.objectName == QLatin1String("Deployment/wallet-service-green")
            && p.message.contains(QLatin1String("latest"));
    }));
}

void TestPromotionPlan::rollbackAsksForTheStandbysImage()
{
    // wallet-service was promoted to green 2.2.0; blue (2.1.0) stands by at 0 replicas.
    QList<QJsonObject> deployments = m_deployments;
    QList<QJsonObject> services = m_services;
    const auto promoted = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QVERIFY(promoted.isValid());
    deployments.append(listed(promoted.services.constFirst().standby, 500));
    for (QJsonObject &service : services) {
        if (service[QLatin1String("metadata")][QLatin1String("name")] == QLatin1String("wallet-service")) {
            QJsonObject spec = service[QLatin1String("spec")].toObject();
            QJsonObject selector = spec[QLatin1String("selector")].toObject();
            selector.insert(QStringLiteral("color"), QStringLiteral("green"));
            spec.insert(QStringLiteral("selector"), selector);
            service.insert(QStringLiteral("spec"), spec);
        }
    }
    QStringList problems;
    const auto requests = Release::rollbackRequests(services, deployments, {}, &problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    QCOMPARE(requests.size(), 1); // the only service with a standby colour
    QCOMPARE(requests.constFirst().service, QStringLiteral("wallet-service"));
    QCOMPARE(requests.constFirst().image, QStringLiteral("lucent/wallet-service:2.1.0"));
    const auto back = Release::planPromotion(request(requests), services, deployments);
    QVERIFY2(back.isValid(), qPrintable(back.problems.join(QLatin1Char('\n'))));
    QCOMPARE(back.services.constFirst().standbyDeployment, QStringLiteral("wallet-service"));
    QCOMPARE(back.services.constFirst().standbyColour, QStringLiteral("blue"));
    // A named service without a standby is said so.
    Release::rollbackRequests(services, deployments, {QStringLiteral("user-service")}, &problems);
    QVERIFY(problems.join(QLatin1Char('\n')).contains(QStringLiteral("user-service has no standby colour")));
}

void TestPromotionPlan::healthIsTheNamedPortAndTheProbesPath()
{
    const auto plan = Release::planPromotion(
        request({{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.2.0"), {}}}), m_services,
        m_deployments);
    QVERIFY(plan.isValid());
    QCOMPARE(plan.services.constFirst().healthPort, QStringLiteral("3002")); // the port named http
    QCOMPARE(plan.services.constFirst().healthPath, QStringLiteral("/health")); // the liveness probe's
    // Without a port named http, the readiness probe's port and path.
    const QJsonObject bare{{QStringLiteral("name"), QStringLiteral("x")},
                           {QStringLiteral("readinessProbe"),
                            QJsonObject{{QStringLiteral("httpGet"),
                                         QJsonObject{{QStringLiteral("path"), QStringLiteral("/ready")},
                                                     {QStringLiteral("port"), 8080}}}}}};
    QCOMPARE(Release::healthTarget(bare).port, QStringLiteral("8080"));
    QCOMPARE(Release::healthTarget(bare).path, QStringLiteral("/ready"));
    QCOMPARE(Release::healthTarget({}).path, QStringLiteral("/health"));
    QVERIFY(Release::healthTarget({}).port.isEmpty());
}

QTEST_GUILESS_MAIN(TestPromotionPlan)
// What the wizard's first page suggests: what an environment serves (the selected colour's
// image), earlier ReplicaSets' images newest first and each once, and the manifests' images by
// repository name.
void TestPromotionPlan::suggestionsComeFromServingReplicaSetsAndManifests()
{
    const QHash<QString, QString> serving = Release::servingImages(m_services, m_deployments);
    QCOMPARE(serving.value(QStringLiteral("wallet-service")), QStringLiteral("lucent/wallet-service:2.1.0"));

    const auto replicaSet = [](const QString &name, const QString &app, const QString &image, const QString &created) {
        return QJsonObject{
            {QStringLiteral("metadata"),
             QJsonObject{{QStringLiteral("name"), name},
                         {QStringLiteral("creationTimestamp"), created},
                         {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), app}}},
                         {QStringLiteral("annotations"),
                          QJsonObject{{QStringLiteral("deployment.kubernetes.io/revision"), QStringLiteral("2")}}}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("template"),
                          QJsonObject{{QStringLiteral("spec"),
                                       QJsonObject{{QStringLiteral("containers"),
                                                    QJsonArray{QJsonObject{{QStringLiteral("image"), image}}}}}}}}}}};
    };
    const auto suggestions = Release::replicaSetImages(
        QStringLiteral("wallet-service"),
        {replicaSet(QStringLiteral("wallet-service-a"), QStringLiteral("wallet-service"),
                    QStringLiteral("lucent/wallet-service:2.0.0"), QStringLiteral("2026-01-01T00:00:00Z")),
         replicaSet(QStringLiteral("wallet-service-green-b"), QStringLiteral("wallet-service"),
                    QStringLiteral("lucent/wallet-service:2.2.0"), QStringLiteral("2026-03-01T00:00:00Z")),
         replicaSet(QStringLiteral("wallet-service-c"), QStringLiteral("wallet-service"),
                    QStringLiteral("lucent/wallet-service:2.2.0"), QStringLiteral("2026-02-01T00:00:00Z")),
         replicaSet(QStringLiteral("user-service-d"), QStringLiteral("user-service"),
                    QStringLiteral("lucent/user-service:9.0.0"), QStringLiteral("2026-04-01T00:00:00Z"))});
    QCOMPARE(suggestions.size(), 2);
    QCOMPARE(suggestions[0].image, QStringLiteral("lucent/wallet-service:2.2.0"));
    QCOMPARE(suggestions[0].source, QStringLiteral("ReplicaSet wallet-service-green-b (revision 2)"));
    QCOMPARE(suggestions[1].image, QStringLiteral("lucent/wallet-service:2.0.0"));

    const auto manifests = Release::manifestImages(QStringLiteral(LUCENT_SOURCE_MANIFESTS_DIR));
    const auto wallet = manifests.value(QStringLiteral("wallet-service"));
    QVERIFY(!wallet.isEmpty());
    QCOMPARE(wallet.constFirst().image, QStringLiteral("lucent/wallet-service:2.1.0"));
    QCOMPARE(wallet.constFirst().source, QStringLiteral("base/wallet-service.yaml"));
    QVERIFY(manifests.contains(QStringLiteral("frontend")));
    QVERIFY(Release::manifestImages(QStringLiteral("/nonexistent/dir")).isEmpty());
}

#include "tst_promotionplan.moc"
