// The promotion engine's branching points without a server: what it does once it holds the
// lock, for every journalled step of a fresh, resumed and aborted promotion, and what abort()
// does at every step.

#include "core/release/promotionjournal.h"
#include "core/release/promotiontransitions.h"

#include <QtTest>

using namespace Lucent::Core::Release;

Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionMode)
Q_DECLARE_METATYPE(Lucent::Core::Release::PromotionStep)
Q_DECLARE_METATYPE(Lucent::Core::Release::LockedAction)
Q_DECLARE_METATYPE(Lucent::Core::Release::AbortAction)

namespace {

const QList<PromotionStep> AllSteps{
    PromotionStep::CheckingAccess, PromotionStep::Locking,   PromotionStep::Deploying,  PromotionStep::WaitingReady,
    PromotionStep::CheckingHealth, PromotionStep::Analysing, PromotionStep::Switching,  PromotionStep::Monitoring,
    PromotionStep::ScalingDown,    PromotionStep::Done,      PromotionStep::RollingBack};

} // namespace

class TestPromotionTransitions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stepNamesRoundTrip();
    void theJournalKeepsEveryFieldInBothForms();
    void afterTheLock_data();
    void afterTheLock();
    void anAbortedRunNeverGoesForward();
    void abortAtEveryStep_data();
    void abortAtEveryStep();
};

void TestPromotionTransitions::stepNamesRoundTrip()
{
    QSet<QString> names;
    for (const PromotionStep step : AllSteps) {
        const QString name = promotionStepName(step);
        QVERIFY(!name.isEmpty());
        names.insert(name);
        QCOMPARE(promotionStepFromName(name), std::optional(step));
    }
    QCOMPARE(names.size(), AllSteps.size());
    QCOMPARE(promotionStepFromName(QStringLiteral("teleport")), std::nullopt);
}

void TestPromotionTransitions::afterTheLock_data()
{
    QTest::addColumn<PromotionMode>("mode");
    QTest::addColumn<PromotionStep>("journalled");
    QTest::addColumn<int>("switched"); // of 2 services
    QTest::addColumn<bool>("aborted");
    QTest::addColumn<LockedAction>("expected");
    using M = PromotionMode;
    using S = PromotionStep;
    using A = LockedAction;
    QTest::newRow("fresh") << M::Fresh << S::Locking << 0 << false << A::Deploy;
    QTest::newRow("fresh, aborted while locking") << M::Fresh << S::Locking << 0 << true << A::AbortBeforeChange;
    // Resumed before the switch: every step again, from the deploy.
    for (const S step : {S::CheckingAccess, S::Locking, S::Deploying, S::WaitingReady, S::CheckingHealth, S::Analysing})
        QTest::addRow("resume at %s", qPrintable(promotionStepName(step)))
            << M::Resume << step << 0 << false << A::Deploy;
    // From the switch on: checked again, then the rest of the switch.
    QTest::newRow("resume at switch, none switched") << M::Resume << S::Switching << 0 << false << A::VerifyThenSwitch;
    QTest::newRow("resume at switch, one switched") << M::Resume << S::Switching << 1 << false << A::VerifyThenSwitch;
    QTest::newRow("resume at monitor") << M::Resume << S::Monitoring << 2 << false << A::VerifyThenSwitch;
    QTest::newRow("resume at scale-down") << M::Resume << S::ScalingDown << 2 << false << A::VerifyThenSwitch;
    QTest::newRow("resume at done") << M::Resume << S::Done << 2 << false << A::Complete;
    // The journal lags the cluster: a Service switched before the step was written.
    QTest::newRow("resume at health, one switched")
        << M::Resume << S::CheckingHealth << 1 << false << A::VerifyThenSwitch;
    QTest::newRow("resume at done, one switched back by hand")
        << M::Resume << S::Done << 1 << false << A::VerifyThenSwitch;
    // A rollback that was interrupted is completed, whichever command picks it up.
    // A rollback reads the Services before it acts, so the count seen at the start does not pick
    // a different rollback: a Service switched since the resume began must be switched back too.
    QTest::newRow("resume a rollback, none switched") << M::Resume << S::RollingBack << 0 << false << A::RollBack;
    QTest::newRow("resume a rollback, one switched") << M::Resume << S::RollingBack << 1 << false << A::RollBack;
    QTest::newRow("resume, Ctrl+C while locking") << M::Resume << S::Monitoring << 2 << true << A::RollBack;
    for (const S step : AllSteps) {
        QTest::addRow("abort at %s, none switched", qPrintable(promotionStepName(step)))
            << M::Abort << step << 0 << false << A::RollBack;
        QTest::addRow("abort at %s, some switched", qPrintable(promotionStepName(step)))
            << M::Abort << step << 1 << false << A::RollBack;
    }
}

void TestPromotionTransitions::afterTheLock()
{
    QFETCH(PromotionMode, mode);
    QFETCH(PromotionStep, journalled);
    QFETCH(int, switched);
    QFETCH(bool, aborted);
    QFETCH(LockedAction, expected);
    QCOMPARE(lockedAction(mode, journalled, switched, 2, aborted), expected);
}

// Whatever the journal says, an aborted run and an abort command only ever go back.
void TestPromotionTransitions::anAbortedRunNeverGoesForward()
{
    for (const PromotionMode mode : {PromotionMode::Fresh, PromotionMode::Resume, PromotionMode::Abort}) {
        for (const PromotionStep step : AllSteps) {
            for (int switched = 0; switched <= 2; ++switched) {
                const bool aborted = mode != PromotionMode::Abort;
                const LockedAction action = lockedAction(mode, step, switched, 2, aborted);
                const bool back = action == LockedAction::AbortBeforeChange || action == LockedAction::RollBack;
                QVERIFY2(back, qPrintable(promotionStepName(step)));
            }
        }
    }
}

void TestPromotionTransitions::abortAtEveryStep_data()
{
    QTest::addColumn<PromotionStep>("step");
    QTest::addColumn<AbortAction>("expected");
    using S = PromotionStep;
    using A = AbortAction;
    const QList<std::pair<S, A>> table{
        {S::CheckingAccess, A::Later},
        {S::Locking, A::Later},
        {S::Deploying, A::Later},
        // Whatever the step: the rollback reads which colour each Service selects first. A resume
        // at monitor waits at WaitingReady with every Service on the new colour.
        {S::WaitingReady, A::RollBack},
        {S::CheckingHealth, A::RollBack},
        {S::Analysing, A::RollBack},
        {S::Switching, A::Later},
        {S::Monitoring, A::RollBack},
        {S::ScalingDown, A::RollBack},
        {S::Done, A::Ignored},
        {S::RollingBack, A::Ignored},
    };
    QCOMPARE(table.size(), AllSteps.size());
    for (const auto &[step, action] : table)
        QTest::addRow("%s", qPrintable(promotionStepName(step))) << step << action;
}

void TestPromotionTransitions::abortAtEveryStep()
{
    QFETCH(PromotionStep, step);
    QFETCH(AbortAction, expected);
    QCOMPARE(abortAction(step), expected);
}

QTEST_GUILESS_MAIN(TestPromotionTransitions)
// Who ran a promotion and how long it took survive both of the journal's forms (the Lease's
// annotations and the local file), for the history.
void TestPromotionTransitions::theJournalKeepsEveryFieldInBothForms()
{
    Lucent::Core::Release::PromotionJournal journal;
    journal.promotionId = QStringLiteral("p-1");
    journal.started = QStringLiteral("2026-11-30T10:00:00.000Z");
    journal.updated = QStringLiteral("2026-11-30T10:02:13.500Z");
    journal.by = QStringLiteral("alice@ws-12");
    journal.paused = QStringLiteral("The analysis was inconclusive: no data.");
    journal.smoke = QStringLiteral("smoke passed (preview): ok");
    journal.options = {true, false, true, true, 5, 2};
    for (const auto &copy : {Lucent::Core::Release::PromotionJournal::fromAnnotations(journal.annotations()),
                             Lucent::Core::Release::PromotionJournal::fromJson(journal.toJson())}) {
        QCOMPARE(copy.by, QStringLiteral("alice@ws-12"));
        QCOMPARE(copy.started, journal.started);
        QCOMPARE(copy.duration(), QStringLiteral("2 min 13 s"));
        QCOMPARE(copy.paused, journal.paused); // the local file and `status --output json` dropped these
        QCOMPARE(copy.smoke, journal.smoke);
        QVERIFY(copy.options.known && !copy.options.analysis && copy.options.preview
                && copy.options.pauseOnInconclusive);
        QCOMPARE(copy.options.monitorSeconds, 5);
        QCOMPARE(copy.options.scaleDownDelaySeconds, 2);
    }
    journal.started.clear(); // written before the start was journalled
    QCOMPARE(journal.duration(), QString());
}

#include "tst_promotiontransitions.moc"
