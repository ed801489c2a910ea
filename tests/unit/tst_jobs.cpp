// The one background-job pattern (core/jobs' LatestJob): the newest run wins, older runs see
// their cancellation and are never delivered, and an owner's destruction cancels too. Ordered
// runs (OrderedJobs) overlap but are delivered in start order, and a failure ends them. The
// workers are held on semaphores, so the order of events is forced rather than timed. And the
// GUI thread's shared slice budget (SliceScheduler): one pass never starts a task after the
// budget is spent, tasks take turns, and a task dies with its owner.

#include "core/jobs/latestjob.h"
#include "core/jobs/orderedjobs.h"
#include "core/jobs/slicescheduler.h"
#include "core/validation/validator.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QtTest>

#include <atomic>

using Lucent::Core::Jobs::LatestJob;
using Lucent::Core::Jobs::OrderedJobs;

class TestJobs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyTheNewestRunIsDelivered();
    void anOlderRunSeesItsCancellation();
    void destroyingTheOwnerCancels();
    void resultsArriveFromTheEventLoopNeverInsideStart();
    void validationStopsWhenCancelled();
    void aRunThatThrowsIsReportedNotFatal();
    void slicedTasksShareOneBudgetAndTakeTurns();
    void orderedRunsAreDeliveredInStartOrder();
    void orderedRunsCanBeCancelledFromADelivery();
    void aFailedOrderedRunEndsTheSequence();
};

void TestJobs::onlyTheNewestRunIsDelivered()
{
    QObject owner;
    LatestJob<int> job(&owner);
    QSemaphore releaseFirst;
    QList<int> delivered;
    job.start(
        [&releaseFirst](QPromise<int> &promise) {
            releaseFirst.acquire(); // held until the second run has been started
            promise.addResult(1);
        },
        [&delivered](int value) { delivered.append(value); });
    job.start([](QPromise<int> &promise) { promise.addResult(2); },
              [&delivered](int value) { delivered.append(value); });
    releaseFirst.release();
    QTRY_COMPARE_WITH_TIMEOUT(delivered, QList<int>{2}, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!job.isRunning(), 5000);
    // The first run finished too; its result must still not arrive after the second's.
    QVERIFY(QThreadPool::globalInstance()->waitForDone(5000));
    QCoreApplication::processEvents();
    QCOMPARE(delivered, QList<int>{2});
}

void TestJobs::anOlderRunSeesItsCancellation()
{
    QObject owner;
    LatestJob<int> job(&owner);
    QSemaphore started;
    std::atomic_bool sawCancel{false};
    job.start(
        [&started, &sawCancel](QPromise<int> &promise) {
            started.release();
            QDeadlineTimer deadline(10000);
            while (!promise.isCanceled() && !deadline.hasExpired())
                QThread::yieldCurrentThread();
            sawCancel = promise.isCanceled();
        },
        [](int) { QFAIL("a cancelled run was delivered"); });
    QVERIFY(started.tryAcquire(1, 5000));
    job.cancel();
    QVERIFY(!job.isRunning());
    QVERIFY(QThreadPool::globalInstance()->waitForDone(15000));
    QVERIFY(sawCancel);
}

void TestJobs::destroyingTheOwnerCancels()
{
    int delivered = 0;
    QSemaphore release;
    {
        QObject owner;
        LatestJob<int> job(&owner);
        job.start(
            [&release](QPromise<int> &promise) {
                release.acquire();
                promise.addResult(7);
            },
            [&delivered](int) { ++delivered; });
    } // owner and job gone while the worker still runs
    release.release();
    QVERIFY(QThreadPool::globalInstance()->waitForDone(5000));
    QCoreApplication::processEvents();
    QCOMPARE(delivered, 0);
}

void TestJobs::resultsArriveFromTheEventLoopNeverInsideStart()
{
    QObject owner;
    LatestJob<int> job(&owner);
    int delivered = 0;
    job.start([](QPromise<int> &promise) { promise.addResult(3); }, [&delivered](int value) { delivered = value; });
    QCOMPARE(delivered, 0);
    QTRY_COMPARE_WITH_TIMEOUT(delivered, 3, 5000);
}

void TestJobs::validationStopsWhenCancelled()
{
    using namespace Lucent::Core::Validation;
    const QList<ManifestSource> sources{{QStringLiteral("a.yaml"), QByteArray("a: [\n")},
                                        {QStringLiteral("b.yaml"), QByteArray("b: [\n")}};
    QVERIFY(!Validator().validate(sources).problems.isEmpty());
    int asked = 0;
    const auto result = Validator().validate(sources, {}, [&asked] { return ++asked >= 1; });
    QVERIFY(result.problems.isEmpty()); // stopped before the first file
    QCOMPARE(asked, 1);
}

// A worker's exception reaches the owner as a failure with its text; nothing is delivered and
// the process goes on (before, QtConcurrent kept it and the result simply never came).
// The first run finishes last; it is still delivered first, and the later runs wait for it.
void TestJobs::orderedRunsAreDeliveredInStartOrder()
{
    QObject owner;
    OrderedJobs<int> jobs(&owner);
    QSemaphore releaseFirst;
    std::atomic_int finished{0};
    QList<int> delivered;
    jobs.start(
        [&](QPromise<int> &promise) {
            releaseFirst.acquire();
            promise.addResult(1);
            ++finished;
        },
        [&delivered](int value) { delivered.append(value); });
    for (int value : {2, 3})
        jobs.start(
            [&, value](QPromise<int> &promise) {
                promise.addResult(value);
                ++finished;
            },
            [&delivered](int value) { delivered.append(value); });
    QCOMPARE(jobs.pending(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(finished.load(), 2, 5000);
    QCoreApplication::processEvents();
    QVERIFY(delivered.isEmpty()); // 2 and 3 are done, but 1 is not
    releaseFirst.release();
    QTRY_COMPARE_WITH_TIMEOUT(delivered, (QList<int>{1, 2, 3}), 5000);
    QCOMPARE(jobs.pending(), 0);
}

// A delivery that cancels (a relist) drops the runs after it, finished or not, and a run
// started from a delivery is delivered in its turn.
void TestJobs::orderedRunsCanBeCancelledFromADelivery()
{
    QObject owner;
    OrderedJobs<int> jobs(&owner);
    QList<int> delivered;
    QSemaphore releaseFirst;
    jobs.start(
        [&](QPromise<int> &promise) {
            releaseFirst.acquire();
            promise.addResult(1);
        },
        [&](int value) {
            delivered.append(value);
            jobs.cancel();
            jobs.start([](QPromise<int> &promise) { promise.addResult(10); },
                       [&delivered](int value) { delivered.append(value); });
        });
    jobs.start([](QPromise<int> &promise) { promise.addResult(2); },
               [&delivered](int value) { delivered.append(value); });
    releaseFirst.release();
    QTRY_COMPARE_WITH_TIMEOUT(delivered, (QList<int>{1, 10}), 5000);
    QVERIFY(QThreadPool::globalInstance()->waitForDone(5000));
    QCoreApplication::processEvents();
    QCOMPARE(delivered, (QList<int>{1, 10}));
    QCOMPARE(jobs.pending(), 0);
}

// A run that throws ends the sequence: one failure, nothing after it delivered.
void TestJobs::aFailedOrderedRunEndsTheSequence()
{
    QObject owner;
    QStringList failures;
    OrderedJobs<int> jobs(&owner, [&failures](const QString &why) { failures.append(why); });
    QList<int> delivered;
    jobs.start([](QPromise<int> &promise) { promise.addResult(1); },
               [&delivered](int value) { delivered.append(value); });
    jobs.start([](QPromise<int> &) { throw std::runtime_error("page 2 was not JSON"); },
               [&delivered](int value) { delivered.append(value); });
    jobs.start([](QPromise<int> &promise) { promise.addResult(3); },
               [&delivered](int value) { delivered.append(value); });
    QTRY_COMPARE_WITH_TIMEOUT(failures, QStringList{QStringLiteral("page 2 was not JSON")}, 5000);
    QVERIFY(QThreadPool::globalInstance()->waitForDone(5000));
    QCoreApplication::processEvents();
    QCOMPARE(delivered, QList<int>{1});
    QCOMPARE(jobs.pending(), 0);
}

void TestJobs::aRunThatThrowsIsReportedNotFatal()
{
    QObject owner;
    LatestJob<int> job(&owner);
    QStringList failures;
    QList<int> delivered;
    job.start([](QPromise<int> &) { throw std::runtime_error("the schema was not what it claimed"); },
              [&delivered](int value) { delivered.append(value); },
              [&failures](const QString &why) { failures.append(why); });
    QTRY_COMPARE_WITH_TIMEOUT(failures, QStringList{QStringLiteral("the schema was not what it claimed")}, 5000);
    QVERIFY(delivered.isEmpty());
    // The job works again afterwards.
    job.start([](QPromise<int> &promise) { promise.addResult(7); },
              [&delivered](int value) { delivered.append(value); },
              [&failures](const QString &why) { failures.append(why); });
    QTRY_COMPARE_WITH_TIMEOUT(delivered, QList<int>{7}, 5000);
    QCOMPARE(failures.size(), 1);
}

void TestJobs::slicedTasksShareOneBudgetAndTakeTurns()
{
    using Lucent::Core::Jobs::SliceScheduler;
    auto &scheduler = SliceScheduler::current();
    struct Entry {
        char task;
        qint64 elapsedAtEntry;
    };
    QList<Entry> entries;
    // Each task works until the deadline every time, as a flood would: one of them fills a pass.
    auto greedy = [&entries](char name, int *turnsLeft) {
        return [&entries, name, turnsLeft](const QElapsedTimer &clock, qint64 deadline) {
            entries.append({name, clock.nsecsElapsed()});
            while (clock.nsecsElapsed() < deadline) { }
            return --*turnsLeft > 0;
        };
    };
    QObject ownerA;
    auto ownerB = std::make_unique<QObject>();
    int turnsA = 6;
    int turnsB = 100;
    scheduler.request(&ownerA, greedy('A', &turnsA));
    scheduler.request(ownerB.get(), greedy('B', &turnsB));
    QVERIFY(scheduler.isPending(&ownerA));
    // One pass per call: the scheduler posts its next pass from inside the current one.
    for (int pass = 0; pass < 1000 && entries.size() < 4; ++pass)
        QCoreApplication::processEvents();
    QCOMPARE(entries.size(), 4);
    ownerB.reset(); // its remaining turns are dropped with it
    QTRY_VERIFY(!scheduler.isPending(&ownerA));
    QString order;
    for (const Entry &entry : std::as_const(entries)) {
        order += QLatin1Char(entry.task);
        // No task starts once a pass has spent its budget: the greedy one before it took it all.
        QVERIFY2(entry.elapsedAtEntry < SliceScheduler::BudgetNs, qPrintable(order));
    }
    // Turns alternate while both have work; after B's owner went, A alone until it is done.
    QVERIFY2(order.startsWith(QStringLiteral("ABAB")), qPrintable(order));
    QCOMPARE(order.count(QLatin1Char('A')), 6);
    QVERIFY2(order.endsWith(QStringLiteral("AA")), qPrintable(order));
    QVERIFY(turnsB > 90);
}

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
