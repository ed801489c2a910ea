// The promotion's one safety check, writeRefusal(), over every combination of what the cluster
// can say (the Lease, the Service's colour, each colour's Deployments and their readiness, a
// failed read) and every kind of write. Two directions: nothing unsafe is allowed, and nothing
// safe is refused (a check that refuses everything would also pass the first).

#include "core/release/promotionlock.h"
#include "core/release/writesafety.h"

#include <QJsonObject>
#include <QtTest>

using namespace Lucent::Core::Release;

namespace {

const LockHolder Us{QStringLiteral("alice@ws-12"), QStringLiteral("ws-12/4242/abcdef")};
const QDateTime Now = QDateTime::fromString(QStringLiteral("2026-12-07T12:00:00Z"), Qt::ISODate);

enum class Lease { None, Ours, OurIdentityOtherProcess, Other, Expired };

QJsonObject leaseOf(Lease lease)
{
    if (lease == Lease::None)
        return {};
    const QString identity = lease == Lease::Other ? QStringLiteral("bob@ws-7") : Us.identity;
    const QString process
        = lease == Lease::Ours || lease == Lease::Expired ? Us.process : QStringLiteral("ws-7/99/123456");
    const QDateTime renewed = lease == Lease::Expired ? Now.addSecs(-61) : Now.addSecs(-5);
    return heldLease({}, QStringLiteral("lucent-promotion"), QStringLiteral("lucent-staging"), identity, 60, renewed,
                     process);
}

/// One colour's Deployments: none, one (at `replicas`, `ready` of them ready), or two.
struct Colour {
    int deployments = 1;
    int replicas = 3;
    int ready = 3;
    bool rolledOut = true;
};

ObservedColour observed(const QString &service, const QString &colour, const Colour &c)
{
    ObservedColour o;
    for (int i = 0; i < c.deployments; ++i)
        o.deployments.append(QStringLiteral("%1-%2%3").arg(service, colour, i ? QStringLiteral("-copy") : QString()));
    o.resourceVersion = QStringLiteral("17");
    o.replicas = c.replicas;
    o.ready = c.ready;
    o.updated = c.ready;
    o.rolledOut = c.rolledOut;
    o.podColour = colour;
    return o;
}

struct World {
    Lease lease = Lease::Ours;
    bool readFailed = false;
    bool serviceExists = true;
    QString selects = QStringLiteral("blue");
    Colour blue;
    Colour green;

    ReleaseObservation observation() const
    {
        ReleaseObservation now;
        now.readAt = Now;
        now.lease = leaseOf(lease);
        if (readFailed)
            now.problem = QStringLiteral("reading the Deployments failed: connection refused");
        ObservedService service;
        service.exists = serviceExists;
        service.colour = serviceExists ? selects : QString();
        service.resourceVersion = QStringLiteral("9");
        if (blue.deployments > 0)
            service.colours.insert(QStringLiteral("blue"),
                                   observed(QStringLiteral("user-service"), QStringLiteral("blue"), blue));
        if (green.deployments > 0)
            service.colours.insert(QStringLiteral("green"),
                                   observed(QStringLiteral("user-service"), QStringLiteral("green"), green));
        now.services.insert(QStringLiteral("user-service"), service);
        return now;
    }
};

QList<GuardedWrite> everyWrite()
{
    QList<GuardedWrite> writes;
    for (const char *colour : {"blue", "green"}) {
        const QString c = QString::fromLatin1(colour);
        writes.append({GuardedWrite::Kind::Select, QStringLiteral("user-service"), c, {}, 3});
        for (int replicas : {0, 1, 3, 5})
            writes.append({GuardedWrite::Kind::Scale, QStringLiteral("user-service"), c,
                           QStringLiteral("user-service-") + c, replicas});
    }
    return writes;
}

QList<World> everyWorld()
{
    QList<World> worlds;
    const QList<Colour> colours{{0, 0, 0, false}, {1, 3, 3, true}, {1, 3, 2, false}, {1, 3, 3, false},
                                {1, 2, 2, true},  {1, 0, 0, true}, {2, 3, 3, true}};
    for (Lease lease : {Lease::None, Lease::Ours, Lease::OurIdentityOtherProcess, Lease::Other, Lease::Expired})
        for (bool readFailed : {false, true})
            for (bool exists : {true, false})
                for (const char *selects : {"blue", "green", ""})
                    for (const Colour &blue : colours)
                        for (const Colour &green : colours)
                            worlds.append({lease, readFailed, exists, QString::fromLatin1(selects), blue, green});
    return worlds;
}

QString describe(const World &w, const GuardedWrite &write)
{
    return QStringLiteral("%1 | lease %2, read %3, service %4 selecting '%5', blue %6x%7/%8%9, green %10x%11/%12%13")
        .arg(write.describe())
        .arg(int(w.lease))
        .arg(w.readFailed ? QStringLiteral("failed") : QStringLiteral("ok"),
             w.serviceExists ? QStringLiteral("present") : QStringLiteral("gone"), w.selects)
        .arg(w.blue.deployments)
        .arg(w.blue.replicas)
        .arg(w.blue.ready)
        .arg(w.blue.rolledOut ? QString() : QStringLiteral(" progressing"))
        .arg(w.green.deployments)
        .arg(w.green.replicas)
        .arg(w.green.ready)
        .arg(w.green.rolledOut ? QString() : QStringLiteral(" progressing"));
}

} // namespace

class TestWriteSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingUnsafeIsAllowed();
    void nothingSafeIsRefused();
    void aRefusalNamesTheObjectAndWhy_data();
    void aRefusalNamesTheObjectAndWhy();
    void theScaleCarriesItsPrecondition();
    void anAdoptionSelectsOnlyPodsThatServeAlready();
};

// For every world and every write: allowed means the Lease is ours (identity and process) and
// fresh, the read succeeded, and then: a selector only ever goes to a colour with exactly one
// Deployment, rolled out, with all the wanted replicas ready; a Deployment is only scaled down
// when its Service does not select its colour.
void TestWriteSafety::nothingUnsafeIsAllowed()
{
    int allowed = 0;
    int judged = 0;
    for (const World &w : everyWorld()) {
        const ReleaseObservation now = w.observation();
        for (const GuardedWrite &write : everyWrite()) {
            ++judged;
            if (!writeRefusal(write, now, Us).isEmpty())
                continue;
            ++allowed;
            const QString what = describe(w, write);
            QVERIFY2(w.lease == Lease::Ours && !w.readFailed, qPrintable(what));
            const Colour &target = write.colour == QLatin1String("blue") ? w.blue : w.green;
            if (write.kind == GuardedWrite::Kind::Select) {
                QVERIFY2(w.serviceExists && !w.selects.isEmpty(), qPrintable(what));
                QVERIFY2(target.deployments == 1 && target.rolledOut && target.ready >= write.replicas
                             && target.replicas >= write.replicas,
                         qPrintable(what));
            } else if (target.deployments > 0 && write.replicas < target.replicas) {
                QVERIFY2(!w.serviceExists || w.selects != write.colour, qPrintable(what));
            }
        }
    }
    qInfo("%d writes judged, %d allowed", judged, allowed);
    QVERIFY(allowed > 0);
}

void TestWriteSafety::nothingSafeIsRefused()
{
    int safe = 0;
    for (const World &w : everyWorld()) {
        if (w.lease != Lease::Ours || w.readFailed)
            continue;
        const ReleaseObservation now = w.observation();
        for (const GuardedWrite &write : everyWrite()) {
            const Colour &target = write.colour == QLatin1String("blue") ? w.blue : w.green;
            bool isSafe = false;
            if (write.kind == GuardedWrite::Kind::Select)
                isSafe = w.serviceExists && !w.selects.isEmpty() && target.deployments == 1 && target.rolledOut
                    && target.ready >= write.replicas && target.replicas >= write.replicas;
            else if (target.deployments == 0)
                isSafe = write.replicas == 0; // nothing to scale down
            else if (target.deployments == 1)
                isSafe = write.replicas >= target.replicas || !w.serviceExists || w.selects != write.colour;
            if (!isSafe)
                continue;
            ++safe;
            const QString refusal = writeRefusal(write, now, Us);
            QVERIFY2(refusal.isEmpty(), qPrintable(describe(w, write) + QStringLiteral(": ") + refusal));
        }
    }
    QVERIFY(safe > 100);
}

void TestWriteSafety::aRefusalNamesTheObjectAndWhy_data()
{
    QTest::addColumn<int>("world"); // which of the cases below
    QTest::addColumn<QString>("expected");
    QTest::newRow("switch to a colour whose pods left") << 0 << QStringLiteral("has 1 of 3 replicas ready now");
    QTest::newRow("scale down the colour that serves") << 1 << QStringLiteral("service/user-service selects green now");
    QTest::newRow("write after a takeover") << 2 << QStringLiteral("held by bob@ws-7");
    QTest::newRow("write with an expired lock") << 3 << QStringLiteral("lock expired");
    QTest::newRow("write on a failed read") << 4 << QStringLiteral("could not be read just before it");
    QTest::newRow("switch a Service edited out of blue-green") << 5 << QStringLiteral("does not select by colour");
    QTest::newRow("two Deployments of one colour") << 6 << QStringLiteral("2 Deployments are labelled");
}

void TestWriteSafety::aRefusalNamesTheObjectAndWhy()
{
    QFETCH(int, world);
    QFETCH(QString, expected);
    World w;
    GuardedWrite write{GuardedWrite::Kind::Select, QStringLiteral("user-service"), QStringLiteral("green"), {}, 3};
    switch (world) {
    case 0: w.green = {1, 3, 1, false}; break;
    case 1:
        w.selects = QStringLiteral("green");
        write = {GuardedWrite::Kind::Scale, QStringLiteral("user-service"), QStringLiteral("green"),
                 QStringLiteral("user-service-green"), 0};
        break;
    case 2: w.lease = Lease::Other; break;
    case 3: w.lease = Lease::Expired; break;
    case 4: w.readFailed = true; break;
    case 5: w.selects.clear(); break;
    case 6: w.green.deployments = 2; break;
    }
    const QString refusal = writeRefusal(write, w.observation(), Us);
    QVERIFY2(refusal.startsWith(QStringLiteral("Refused to ") + write.describe()), qPrintable(refusal));
    QVERIFY2(refusal.contains(expected), qPrintable(refusal));
}

void TestWriteSafety::theScaleCarriesItsPrecondition()
{
    QCOMPARE(replicasPatch(0, QStringLiteral("812")),
             QByteArray(R"([{"op":"test","path":"/metadata/resourceVersion","value":"812"},)"
                        R"({"op":"replace","path":"/spec/replicas","value":0}])"));
}

// Adopting a Service git left without a colour adds the running colour to its selector. Refused
// whenever that could leave it selecting nothing or drop pods it serves: the other colour runs
// pods, no pod of the colour is ready, the pod template does not carry the colour (its metadata
// label alone selects no pod), two Deployments carry it, or the Service selects a colour already.
void TestWriteSafety::anAdoptionSelectsOnlyPodsThatServeAlready()
{
    const GuardedWrite adopt{GuardedWrite::Kind::Adopt, QStringLiteral("user-service"), QStringLiteral("blue"), {}, 0};
    World w;
    w.selects.clear();
    w.blue = {1, 3, 3, true};
    w.green = {1, 0, 0, true};
    QCOMPARE(writeRefusal(adopt, w.observation(), Us), QString());

    const auto refusal = [&adopt](const ReleaseObservation &now) { return writeRefusal(adopt, now, Us); };
    World running = w;
    running.green = {1, 3, 3, true};
    QVERIFY2(refusal(running.observation()).contains(QStringLiteral("pods of color=green run too")),
             qPrintable(refusal(running.observation())));
    World unready = w;
    unready.blue = {1, 3, 0, false};
    QVERIFY(refusal(unready.observation()).contains(QStringLiteral("no pod of color=blue is ready")));
    ReleaseObservation unlabelled = w.observation();
    unlabelled.services[QStringLiteral("user-service")].colours[QStringLiteral("blue")].podColour.clear();
    QVERIFY2(refusal(unlabelled).contains(QStringLiteral("its pod template is not")), qPrintable(refusal(unlabelled)));
    World twice = w;
    twice.blue = {2, 3, 3, true};
    QVERIFY(refusal(twice.observation()).contains(QStringLiteral("2 Deployments are labelled")));
    World selecting = w;
    selecting.selects = QStringLiteral("green");
    QVERIFY(refusal(selecting.observation()).contains(QStringLiteral("it selects color=green now")));
    World theirs = w;
    theirs.lease = Lease::Other;
    QVERIFY(!refusal(theirs.observation()).isEmpty());
}

QTEST_GUILESS_MAIN(TestWriteSafety)
#include "tst_writesafety.moc"
