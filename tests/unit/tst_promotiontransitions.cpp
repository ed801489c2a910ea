// The promotion engine's branching points without a server: what it does once it holds the
// lock, for every journalled intent of a fresh, resumed and aborted promotion, and what abort()
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
    void theIntentIsJournalled();
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
    QTest::addColumn<PromotionStep>("journalled"); // a journal written before intents were kept
    QTest::addColumn<bool>("aborted");
    QTest::addColumn<LockedAction>("expected");
    using M = PromotionMode;
    using S = PromotionStep;
    using A = LockedAction;
    QTest::newRow("fresh") << M::Fresh << S::Locking << false << A::Reconcile;
    QTest::newRow("fresh, aborted while locking") << M::Fresh << S::Locking << true << A::AbortBeforeChange;
    // Resumed before the switch: the reconciler verifies from the deploy on.
    for (const S step : {S::CheckingAccess, S::Locking, S::Deploying, S::WaitingReady, S::CheckingHealth, S::Analysing})
        QTest::addRow("resume at %s", qPrintable(promotionStepName(step)))
            << M::Resume << step << false << A::Reconcile;
    // Verified, not yet monitored: checked again, then the reconciler.
    QTest::newRow("resume at switch") << M::Resume << S::Switching << false << A::VerifyThenSwitch;
    QTest::newRow("resume at monitor") << M::Resume << S::Monitoring << false << A::VerifyThenSwitch;
    // Monitored: the reconciler finishes (scale-down, annotations).
    QTest::newRow("resume at scale-down") << M::Resume << S::ScalingDown << false << A::Reconcile;
    QTest::newRow("resume at done") << M::Resume << S::Done << false << A::Reconcile;
    // A rollback that was interrupted is completed, whichever command picks it up.
    QTest::newRow("resume a rollback") << M::Resume << S::RollingBack << false << A::RollBack;
    QTest::newRow("resume, Ctrl+C while locking") << M::Resume << S::Monitoring << true << A::RollBack;
    for (const S step : AllSteps)
        QTest::addRow("abort at %s", qPrintable(promotionStepName(step))) << M::Abort << step << false << A::RollBack;
}

void TestPromotionTransitions::afterTheLock()
{
    QFETCH(PromotionMode, mode);
    QFETCH(PromotionStep, journalled);
    QFETCH(bool, aborted);
    QFETCH(LockedAction, expected);
    const PromotionIntent intent = PromotionIntent::fromJson({}, promotionStepName(journalled));
    QCOMPARE(lockedAction(mode, intent, aborted), expected);
    // The same intent, journalled as such, decides the same.
    const PromotionIntent kept = PromotionIntent::fromJson(intent.toJson(), QStringLiteral("deploy"));
    QCOMPARE(lockedAction(mode, kept, aborted), expected);
}

// Whatever the journal says, an aborted run and an abort command only ever go back.
void TestPromotionTransitions::anAbortedRunNeverGoesForward()
{
    for (const PromotionMode mode : {PromotionMode::Fresh, PromotionMode::Resume, PromotionMode::Abort}) {
        for (const PromotionStep step : AllSteps) {
            for (const bool verified : {false, true}) {
                PromotionIntent intent = PromotionIntent::fromJson({}, promotionStepName(step));
                intent.verified = verified;
                const bool aborted = mode != PromotionMode::Abort;
                const LockedAction action = lockedAction(mode, intent, aborted);
                const bool back = action == LockedAction::AbortBeforeChange || action == LockedAction::RollBack;
                QVERIFY2(back, qPrintable(promotionStepName(step)));
            }
        }
    }
}

// The intent survives both of the journal's forms; a journal written before intents were kept
// reads its intent from the step.
void TestPromotionTransitions::theIntentIsJournalled()
{
    PromotionJournal journal;
    journal.promotionId = QStringLiteral("p-2");
    journal.step = QStringLiteral("rollback");
    journal.intent = {PromotionIntent::Goal::RollBack, true, false, QStringLiteral("Aborted by ci@runner-1.")};
    for (const PromotionJournal &read :
         {PromotionJournal::fromAnnotations(journal.annotations()), PromotionJournal::fromJson(journal.toJson())}) {
        QVERIFY(read.intent.rollsBack());
        QVERIFY(read.intent.verified);
        QVERIFY(!read.intent.monitored);
        QCOMPARE(read.intent.reason, journal.intent.reason);
    }
    QJsonObject old = journal.annotations();
    old.remove(QStringLiteral("lucent.com/promotion-intent"));
    old.insert(QStringLiteral("lucent.com/promotion-step"), QStringLiteral("monitor"));
    const PromotionIntent derived = PromotionJournal::fromAnnotations(old).intent;
    QVERIFY(!derived.rollsBack());
    QVERIFY(derived.verified);
    QVERIFY(!derived.monitored);
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
        {S::Switching, A::RollBack},
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
