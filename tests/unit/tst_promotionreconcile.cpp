// The promotion's reconciler, nextAction(), without a server, over every combination of what the
// cluster can say about a release of two services and every intent. Three properties:
// - it is safe: every write it returns passes writeRefusal() on what was read, it never goes
//   forward when the intent is to roll back (nor back when it is to promote), and it ends only
//   in the state its end names;
// - it converges: driven from any serving state, with pods that become ready when waited for, it
//   reaches its end in a few actions, never stops, and no Service ever selects a colour without
//   ready pods on the way;
// - an abort at any moment of a promotion (the intent turned into a rollback) converges the same.

#include "core/release/promotionlock.h"
#include "core/release/promotionreconcile.h"

#include <QtTest>

using namespace Lucent::Core::Release;

namespace {

const LockHolder Us{QStringLiteral("alice@ws-12"), QStringLiteral("ws-12/4242/abcdef")};
const QDateTime Now = QDateTime::fromString(QStringLiteral("2026-12-07T12:00:00Z"), Qt::ISODate);
const QStringList Names{QStringLiteral("user-service"), QStringLiteral("task-service")};
const QString Old = QStringLiteral("blue");
const QString New = QStringLiteral("green");
constexpr int Replicas = 3;

enum class Lease { Ours, Other, Expired, None };

/// One colour's Deployment: absent, or at `replicas` with `ready` of them ready.
struct Pods {
    bool exists = true;
    int replicas = Replicas;
    int ready = Replicas;
};

/// One service of the release as the cluster holds it.
struct Service {
    bool exists = true;
    QString selects = Old; ///< "" selects by no colour; "red" is a third colour
    Pods old;
    Pods next{true, 0, 0};
};

struct Cluster {
    QList<Service> services{Service{}, Service{}};
    Lease lease = Lease::Ours;
    bool readFailed = false;

    ReleaseObservation observation() const;
    /// "user-service blue 3/3 green 0/0 selects blue; ..."
    QString describe() const;
    /// Every Service selects a colour that has ready pods: the invariant.
    bool serves() const;
};

PromotionPlan plan()
{
    PromotionPlan p;
    p.request.environment = QStringLiteral("staging");
    p.request.namespaceName = QStringLiteral("lucent-staging");
    for (const QString &name : Names) {
        PlannedService s;
        s.service = name;
        s.activeColour = Old;
        s.standbyColour = New;
        s.activeDeployment = name + QLatin1Char('-') + Old;
        s.standbyDeployment = name + QLatin1Char('-') + New;
        s.replicas = Replicas;
        p.services.append(s);
    }
    return p;
}

ObservedColour observedColour(const QString &deployment, const QString &colour, const Pods &pods)
{
    ObservedColour o;
    o.deployments = {deployment};
    o.podColour = colour;
    o.resourceVersion = QStringLiteral("17");
    o.replicas = pods.replicas;
    o.ready = pods.ready;
    o.updated = pods.ready;
    o.rolledOut = pods.ready == pods.replicas;
    return o;
}

ReleaseObservation Cluster::observation() const
{
    ReleaseObservation now;
    now.readAt = Now;
    if (lease != Lease::None)
        now.lease = heldLease({}, QStringLiteral("lucent-promotion"), QStringLiteral("lucent-staging"),
                              lease == Lease::Other ? QStringLiteral("bob@ws-7") : Us.identity, 60,
                              lease == Lease::Expired ? Now.addSecs(-61) : Now.addSecs(-5),
                              lease == Lease::Other ? QStringLiteral("ws-7/99/123456") : Us.process);
    if (readFailed)
        now.problem = QStringLiteral("reading the Deployments failed: connection refused");
    for (int i = 0; i < services.size(); ++i) {
        const Service &s = services[i];
        ObservedService o;
        o.exists = s.exists;
        o.colour = s.exists ? s.selects : QString();
        o.resourceVersion = QStringLiteral("9");
        if (s.old.exists)
            o.colours.insert(Old, observedColour(Names[i] + QLatin1Char('-') + Old, Old, s.old));
        if (s.next.exists)
            o.colours.insert(New, observedColour(Names[i] + QLatin1Char('-') + New, New, s.next));
        now.services.insert(Names[i], o);
    }
    return now;
}

QString Cluster::describe() const
{
    QStringList parts;
    const auto pods = [](const Pods &p) {
        return p.exists ? QStringLiteral("%1/%2").arg(p.ready).arg(p.replicas) : QStringLiteral("none");
    };
    for (int i = 0; i < services.size(); ++i) {
        const Service &s = services[i];
        parts.append(s.exists ? QStringLiteral("%1 selects '%2', blue %3, green %4")
                                    .arg(Names[i], s.selects, pods(s.old), pods(s.next))
                              : Names[i] + QStringLiteral(" gone"));
    }
    return QStringLiteral("lease %1%2: %3")
        .arg(int(lease))
        .arg(readFailed ? QStringLiteral(", read failed") : QString())
        .arg(parts.join(QStringLiteral("; ")));
}

bool Cluster::serves() const
{
    return std::all_of(services.cbegin(), services.cend(), [](const Service &s) {
        const Pods &selected = s.selects == Old ? s.old : s.next;
        return s.exists && (s.selects == Old || s.selects == New) && selected.exists && selected.ready > 0;
    });
}

QList<Service> everyService()
{
    QList<Service> all;
    const QList<Pods> olds{{true, 3, 3}, {true, 3, 1}, {true, 0, 0}, {true, 1, 1}, {false, 0, 0}};
    const QList<Pods> nexts{{false, 0, 0}, {true, 0, 0}, {true, 3, 3}, {true, 3, 0}, {true, 3, 2}};
    for (const char *selects : {"blue", "green", "", "red"})
        for (const Pods &old : olds)
            for (const Pods &next : nexts)
                all.append({true, QString::fromLatin1(selects), old, next});
    all.append({false, {}, {}, {}});
    return all;
}

QList<PromotionIntent> everyIntent()
{
    using G = PromotionIntent::Goal;
    return {{G::Promote, false, false, {}},
            {G::Promote, true, false, {}},
            {G::Promote, true, true, {}},
            {G::RollBack, false, false, QStringLiteral("Aborted.")},
            {G::RollBack, true, true, QStringLiteral("Aborted.")}};
}

bool isWrite(ReconcileStep step)
{
    return step == ReconcileStep::Switch || step == ReconcileStep::SwitchBack || step == ReconcileStep::ScaleOldDown
        || step == ReconcileStep::RestoreOldColour || step == ReconcileStep::ScaleNewDown
        || step == ReconcileStep::AdoptOldColour;
}

/// The writes @p action stands for, as the engine makes them.
QList<GuardedWrite> writesOf(const ReconcileAction &action, const PromotionPlan &p)
{
    QList<GuardedWrite> writes;
    for (const int i : action.services) {
        const PlannedService &s = p.services[i];
        switch (action.step) {
        case ReconcileStep::Switch: writes.append({GuardedWrite::Kind::Select, s.service, New, {}, s.replicas}); break;
        case ReconcileStep::SwitchBack:
            writes.append({GuardedWrite::Kind::Select, s.service, Old, {}, s.replicas});
            break;
        case ReconcileStep::ScaleOldDown:
            writes.append({GuardedWrite::Kind::Scale, s.service, Old, s.activeDeployment, 0});
            break;
        case ReconcileStep::RestoreOldColour:
            writes.append({GuardedWrite::Kind::Scale, s.service, Old, s.activeDeployment, s.replicas});
            break;
        case ReconcileStep::ScaleNewDown:
            writes.append({GuardedWrite::Kind::Scale, s.service, New, s.standbyDeployment, 0});
            break;
        case ReconcileStep::AdoptOldColour: writes.append({GuardedWrite::Kind::Adopt, s.service, Old, {}, 0}); break;
        default: break;
        }
    }
    return writes;
}

/// What @p action does to @p cluster, with pods that become ready once waited for.
void apply(const ReconcileAction &action, Cluster &cluster, PromotionIntent &intent)
{
    QList<Service> &services = cluster.services;
    switch (action.step) {
    case ReconcileStep::Verify:
        intent.verified = true;
        for (Service &s : services) {
            if (s.selects.isEmpty())
                s.selects = Old; // the deploy adopts a Service without a colour first
            s.next = {true, Replicas, Replicas};
        }
        break;
    case ReconcileStep::WaitForNewColour:
        for (Service &s : services)
            s.next.ready = s.next.replicas;
        break;
    case ReconcileStep::WaitForOldColour:
        for (Service &s : services)
            s.old.ready = s.old.replicas;
        break;
    case ReconcileStep::Switch: services[action.services.constFirst()].selects = New; break;
    case ReconcileStep::SwitchBack:
    case ReconcileStep::AdoptOldColour: services[action.services.constFirst()].selects = Old; break;
    case ReconcileStep::Monitor: intent.monitored = true; break;
    case ReconcileStep::ScaleOldDown:
        for (const int i : action.services)
            services[i].old = {true, 0, 0};
        break;
    case ReconcileStep::RestoreOldColour:
        for (const int i : action.services)
            services[i].old = {true, Replicas, services[i].old.ready}; // the new pods start unready
        break;
    case ReconcileStep::ScaleNewDown:
        for (const int i : action.services)
            services[i].next = {true, 0, 0};
        break;
    case ReconcileStep::GiveUp: // the engine turns the intent into a rollback
        intent.goal = PromotionIntent::Goal::RollBack;
        break;
    case ReconcileStep::Promoted:
    case ReconcileStep::RolledBack:
    case ReconcileStep::Stop: break;
    }
}

bool ends(ReconcileStep step)
{
    return step == ReconcileStep::Promoted || step == ReconcileStep::RolledBack || step == ReconcileStep::Stop;
}

/// The clusters a release can be in while a promotion runs: every Service on a colour with all its
/// pods ready, the other colour anywhere from absent to up (the old colour's Deployment exists:
/// without it there is nothing to roll back to, and aStopNamesTheServiceAndWhy() covers that).
QList<Cluster> servingClusters()
{
    QList<Cluster> clusters;
    QList<Service> one;
    for (const Service &s : everyService()) {
        const Pods &selected = s.selects == Old ? s.old : s.next;
        if (s.exists && s.old.exists && (s.selects == Old || s.selects == New) && selected.exists
            && selected.replicas == Replicas && selected.ready == Replicas)
            one.append(s);
    }
    for (const Service &a : one)
        for (const Service &b : one)
            clusters.append(Cluster{{a, b}});
    return clusters;
}

struct Run {
    ReconcileStep end = ReconcileStep::Stop;
    QStringList trail;
    QString broken; ///< the invariant broken on the way, or the end not reached
};

/// Drives nextAction() on @p cluster until it ends (at most 20 actions); @p abortAfter actions in,
/// the intent becomes a rollback (never, when negative).
Run drive(Cluster cluster, PromotionIntent intent, int abortAfter = -1)
{
    const PromotionPlan p = plan();
    Run run;
    for (int n = 0; n < 20; ++n) {
        if (n == abortAfter) {
            intent.goal = PromotionIntent::Goal::RollBack;
            intent.reason = QStringLiteral("Aborted.");
        }
        const ReconcileAction action = nextAction(intent, p, cluster.observation(), Us);
        run.trail.append(reconcileStepName(action.step));
        apply(action, cluster, intent);
        if (!cluster.serves()) {
            run.broken = QStringLiteral("no ready pods behind a Service after %1: %2")
                             .arg(run.trail.join(QStringLiteral(", ")), cluster.describe());
            return run;
        }
        if (ends(action.step)) {
            run.end = action.step;
            if (action.step == ReconcileStep::Stop)
                run.broken = QStringLiteral("stopped: %1").arg(action.sentence);
            return run;
        }
    }
    run.broken = QStringLiteral("no end after %1").arg(run.trail.join(QStringLiteral(", ")));
    return run;
}

} // namespace

class TestPromotionReconcile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyWriteItReturnsPassesTheSafetyCheck();
    void itNeverGoesAgainstItsIntent();
    void itEndsOnlyInTheStateItsEndNames();
    void withoutTheLockOrARead_itStops();
    void fromAnyServingStateItConverges();
    void anAbortAtAnyMomentConvergesBack();
    void aStopNamesTheServiceAndWhy();
};

void TestPromotionReconcile::everyWriteItReturnsPassesTheSafetyCheck()
{
    const PromotionPlan p = plan();
    int writes = 0;
    for (const Service &a : everyService()) {
        for (const Service &b : everyService()) {
            for (Lease lease : {Lease::Ours, Lease::Other, Lease::Expired, Lease::None}) {
                const Cluster cluster{{a, b}, lease};
                const ReleaseObservation now = cluster.observation();
                for (const PromotionIntent &intent : everyIntent()) {
                    const ReconcileAction action = nextAction(intent, p, now, Us);
                    if (!isWrite(action.step))
                        continue;
                    QVERIFY2(!action.services.isEmpty(), qPrintable(cluster.describe()));
                    for (const GuardedWrite &write : writesOf(action, p)) {
                        ++writes;
                        const QString refusal = writeRefusal(write, now, Us);
                        QVERIFY2(
                            refusal.isEmpty(),
                            qPrintable(
                                QStringLiteral("%1 on %2: %3").arg(write.describe(), cluster.describe(), refusal)));
                    }
                }
            }
        }
    }
    QVERIFY2(writes > 1000, qPrintable(QString::number(writes))); // the writes were really judged
}

void TestPromotionReconcile::itNeverGoesAgainstItsIntent()
{
    const PromotionPlan p = plan();
    const QSet<ReconcileStep> forward{ReconcileStep::Verify,  ReconcileStep::WaitForNewColour, ReconcileStep::Switch,
                                      ReconcileStep::Monitor, ReconcileStep::ScaleOldDown,     ReconcileStep::Promoted,
                                      ReconcileStep::GiveUp};
    const QSet<ReconcileStep> back{ReconcileStep::RestoreOldColour, ReconcileStep::AdoptOldColour,
                                   ReconcileStep::WaitForOldColour, ReconcileStep::SwitchBack,
                                   ReconcileStep::ScaleNewDown,     ReconcileStep::RolledBack};
    QSet<ReconcileStep> seen;
    for (const Service &a : everyService()) {
        for (const Service &b : everyService()) {
            const ReleaseObservation now = Cluster{{a, b}}.observation();
            for (const PromotionIntent &intent : everyIntent()) {
                const ReconcileAction action = nextAction(intent, p, now, Us);
                seen.insert(action.step);
                const QSet<ReconcileStep> &against = intent.rollsBack() ? forward : back;
                QVERIFY2(!against.contains(action.step),
                         qPrintable(
                             QStringLiteral("%1 while the intent is %2, on %3")
                                 .arg(reconcileStepName(action.step), intent.describe(), Cluster{{a, b}}.describe())));
                // Unverified, nothing but the verification (or a stop) is ever done.
                if (!intent.rollsBack() && !intent.verified)
                    QVERIFY(action.step == ReconcileStep::Verify || action.step == ReconcileStep::Stop);
                // Switched and scaled down only after the monitor window held.
                if (action.step == ReconcileStep::ScaleOldDown || action.step == ReconcileStep::Promoted)
                    QVERIFY(intent.monitored);
            }
        }
    }
    QCOMPARE(seen.size(), 14); // every kind of action was reached by some cluster
}

void TestPromotionReconcile::itEndsOnlyInTheStateItsEndNames()
{
    const PromotionPlan p = plan();
    for (const Service &a : everyService()) {
        for (const Service &b : everyService()) {
            const Cluster cluster{{a, b}};
            for (const PromotionIntent &intent : everyIntent()) {
                const ReconcileAction action = nextAction(intent, p, cluster.observation(), Us);
                const auto every = [&](const auto &holds) {
                    return std::all_of(cluster.services.cbegin(), cluster.services.cend(), holds);
                };
                if (action.step == ReconcileStep::Promoted)
                    QVERIFY2(every([](const Service &s) {
                                 return s.selects == New && s.next.ready == Replicas && s.old.replicas == 0;
                             }),
                             qPrintable(cluster.describe()));
                if (action.step == ReconcileStep::RolledBack)
                    QVERIFY2(every([](const Service &s) {
                                 return s.selects == Old && s.old.replicas >= Replicas && s.next.replicas == 0;
                             }),
                             qPrintable(cluster.describe()));
            }
        }
    }
}

void TestPromotionReconcile::withoutTheLockOrARead_itStops()
{
    const PromotionPlan p = plan();
    for (const Cluster &serving : servingClusters()) {
        for (const PromotionIntent &intent : everyIntent()) {
            for (Lease lease : {Lease::Other, Lease::Expired, Lease::None}) {
                Cluster cluster = serving;
                cluster.lease = lease;
                QCOMPARE(nextAction(intent, p, cluster.observation(), Us).step, ReconcileStep::Stop);
            }
            Cluster unread = serving;
            unread.readFailed = true;
            const ReconcileAction action = nextAction(intent, p, unread.observation(), Us);
            QCOMPARE(action.step, ReconcileStep::Stop);
            QVERIFY2(action.sentence.contains(QStringLiteral("could not be read")), qPrintable(action.sentence));
        }
    }
}

void TestPromotionReconcile::fromAnyServingStateItConverges()
{
    int runs = 0;
    for (const Cluster &cluster : servingClusters()) {
        for (const PromotionIntent &intent : everyIntent()) {
            const Run run = drive(cluster, intent);
            QVERIFY2(
                run.broken.isEmpty(),
                qPrintable(
                    QStringLiteral("%1 from %2 (intent %3)").arg(run.broken, cluster.describe(), intent.describe())));
            // A promotion whose verified colour is gone gives up and rolls back; otherwise it promotes.
            const bool gaveUp = run.trail.contains(QStringLiteral("give-up"));
            QCOMPARE(run.end, intent.rollsBack() || gaveUp ? ReconcileStep::RolledBack : ReconcileStep::Promoted);
            if (!intent.rollsBack() && !intent.verified)
                QVERIFY(!gaveUp); // verifying makes the new colour: nothing to give up on
            ++runs;
        }
    }
    QCOMPARE(runs, 81 * 5); // 9 serving states of each of two services, 5 intents
}

void TestPromotionReconcile::anAbortAtAnyMomentConvergesBack()
{
    for (const Cluster &cluster : servingClusters()) {
        for (const PromotionIntent &intent : everyIntent()) {
            if (intent.rollsBack())
                continue;
            const int length = int(drive(cluster, intent).trail.size());
            for (int abortAfter = 0; abortAfter < length; ++abortAfter) {
                const Run run = drive(cluster, intent, abortAfter);
                QVERIFY2(run.broken.isEmpty(),
                         qPrintable(QStringLiteral("%1 from %2, aborted after %3 actions")
                                        .arg(run.broken, cluster.describe())
                                        .arg(abortAfter)));
                QCOMPARE(run.end, ReconcileStep::RolledBack);
            }
        }
    }
}

void TestPromotionReconcile::aStopNamesTheServiceAndWhy()
{
    const PromotionPlan p = plan();
    const PromotionIntent rollBack{PromotionIntent::Goal::RollBack, true, false, QStringLiteral("Aborted.")};
    Cluster edited;
    edited.services[1].selects = QStringLiteral("red");
    ReconcileAction action = nextAction(rollBack, p, edited.observation(), Us);
    QCOMPARE(action.step, ReconcileStep::Stop);
    QCOMPARE(action.sentence,
             QStringLiteral("service/task-service selects the colour 'red' now, neither the old "
                            "(blue) nor the new (green) one."));
    edited.services[1].exists = false;
    action = nextAction(rollBack, p, edited.observation(), Us);
    QCOMPARE(action.sentence, QStringLiteral("service/task-service does not exist now."));
    Cluster noWayBack; // the old colour's Deployment deleted by hand while green serves
    noWayBack.services[0] = {true, New, {false, 0, 0}, {true, Replicas, Replicas}};
    action = nextAction(rollBack, p, noWayBack.observation(), Us);
    QCOMPARE(action.step, ReconcileStep::Stop);
    QVERIFY2(action.sentence.contains(QStringLiteral("deployment/user-service-blue"))
                 && action.sentence.contains(QStringLiteral("no Deployment labelled app=user-service, color=blue")),
             qPrintable(action.sentence));
    Cluster takenOver;
    takenOver.lease = Lease::Other;
    action = nextAction(rollBack, p, takenOver.observation(), Us);
    QVERIFY2(action.sentence.contains(QStringLiteral("bob@ws-7")), qPrintable(action.sentence));
}

QTEST_GUILESS_MAIN(TestPromotionReconcile)
#include "tst_promotionreconcile.moc"
