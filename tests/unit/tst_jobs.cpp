// The one background-job pattern (core/jobs' LatestJob): the newest run wins, older runs see
// their cancellation and are never delivered, and an owner's destruction cancels too. The
// workers are held on semaphores, so the order of events is forced rather than timed.

#include "core/jobs/latestjob.h"
#include "core/validation/validator.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QtTest>

#include <atomic>

using Lucent::Core::Jobs::LatestJob;

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
    QThreadPool::globalInstance()->waitForDone(5000);
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

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
