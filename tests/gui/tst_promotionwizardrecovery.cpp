// The promotion wizard after the fact: a crashing colour's evidence on the Done page and in the
// history, Roll back... of a finished promotion, a console process killed after the switch whose
// promotion is offered and resumed, the history, and the command line that opens the wizard. Against lucent-sandbox and
// its real Prometheus, checked with kubectl.

#include "promotionwizardfixture.h"

using namespace Lucent::Core;
using Lucent::Tests::button;
using Lucent::Tests::choose;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::shoot;
using Lucent::Tests::start;
using Lucent::Ui::PromotionWizard;

class TestPromotionWizardRecovery : public QObject, public Lucent::Tests::WizardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { initFixture(); }
    void init() { initState(); }
    void cleanup() { cleanupState(); }
    void aCrashingImageLeavesItsLogsAndEventsOnTheDonePage();
    void rollBackOfAFinishedPromotion();
    void anInterruptedPromotionIsOfferedAndResumed();
    void historyListsThePromotionsNewestFirst();
    void promoteOnTheCommandLineOpensTheWizard();
};

// A -crash image never becomes ready: the promotion rolls back by itself, and before its pods go
// to 0 their last log lines (the previous container's, which ended on a fatal line) and their
// BackOff events are kept, shown on the Done page and in the history.
void TestPromotionWizardRecovery::aCrashingImageLeavesItsLogsAndEventsOnTheDonePage()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("task-service")));
    const QString serving = colourOf(ns, QStringLiteral("task-service"));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.setProjectSettings(quickAnalysis(), QFileInfo(m_sandbox.projectFile()).absolutePath());
    wizard.resize(1024, 700);
    wizard.show();
    QVERIFY(choose(wizard, {{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:9.3.0-crash")}}));
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 120000);
    auto *evidence = wizard.findChild<QPlainTextEdit *>(QStringLiteral("evidenceText"));
    QVERIFY(evidence && evidence->isVisible());
    const QString failed = Release::otherColour(serving);
    const QString text = evidence->toPlainText();
    for (const QString &expected : {QStringLiteral("Kept before the %1 colour was scaled to 0").arg(failed),
                                    QStringLiteral("Log of task-service-"), QStringLiteral("(before its last restart)"),
                                    QStringLiteral("fatal"), QStringLiteral("BackOff")})
        QVERIFY2(text.contains(expected), qPrintable(expected + QLatin1Char('\n') + text.left(3000)));
    QVERIFY(shoot(&wizard, "6-rolled-back-crash"));
    const QString detail = newestHistoryDetail();
    QVERIFY2(detail.contains(QLatin1String("BackOff")) && detail.contains(QLatin1String("fatal")),
             qPrintable(detail.left(3000)));
    QCOMPARE(colourOf(ns, QStringLiteral("task-service")), serving);
}

// After a promotion of two services: Roll back... offers the services that have a standby colour,
// with the version each goes back to (not editable), and brings wallet-service back to it.
void TestPromotionWizardRecovery::rollBackOfAFinishedPromotion()
{
    const QString ns = QStringLiteral("lucent-staging");
    // The release of the first test, as it ends: what a rollback starts from, made with kubectl
    // (the promotion itself is that test's subject).
    const QString failure = Lucent::Tests::promoteByHand(
        m_sandbox, QStringLiteral("staging"), ns,
        {{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.5.0"), {}},
         {QStringLiteral("user-service"), QStringLiteral("lucent/user-service:1.8.0"), {}}});
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const QString before = colourOf(ns, QStringLiteral("wallet-service"));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList{QStringLiteral("wallet-service")},
                           PromotionWizard::Kind::RollBack);
    wizard.show();
    auto *table = wizard.findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    QStringList offered;
    QString backTo;
    for (int row = 0; row < table->rowCount(); ++row) {
        offered.append(table->item(row, 1)->text());
        if (table->item(row, 1)->text() == QLatin1String("wallet-service")) {
            backTo = table->item(row, 3)->text();
            QVERIFY(!(table->item(row, 3)->flags() & Qt::ItemIsEditable));
        }
    }
    QVERIFY2(offered.contains(QStringLiteral("wallet-service")) && offered.contains(QStringLiteral("user-service")),
             qPrintable(offered.join(QLatin1Char(','))));
    QCOMPARE(backTo, QStringLiteral("lucent/wallet-service:2.1.0"));
    wizard.findChild<QCheckBox *>(QStringLiteral("analysisCheck"))->setChecked(false);
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible() && promote->isEnabled(), 60000);
    promote->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Promoted.")), 60000);
    QCOMPARE(colourOf(ns, QStringLiteral("wallet-service")), Release::otherColour(before));
    const QJsonObject serving = Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("wallet-service"));
    QCOMPARE(serving[QLatin1String("spec")][QLatin1String("template")][QLatin1String("spec")]
                    [QLatin1String("containers")][0][QLatin1String("image")]
                        .toString(),
             QStringLiteral("lucent/wallet-service:2.1.0"));
    QCOMPARE(Lucent::Tests::specReplicas(serving), 3);
}

// The console killed after the switch (SIGKILL in the monitor window, its wizard's Promote
// clicked): the dashboard of the console started again says so and offers to finish it; the
// wizard resumes it from the cluster's journal, and it completes.
void TestPromotionWizardRecovery::anInterruptedPromotionIsOfferedAndResumed()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("notification-service")));
    const QString before = colourOf(ns, QStringLiteral("notification-service"));
    QProcess console;
    console.start(QCoreApplication::applicationFilePath(),
                  {QStringLiteral("--promote-until-killed"), m_sandbox.projectFile(), m_sandbox.kubeconfig(),
                   QStringLiteral("notification-service"), QStringLiteral("lucent/notification-service:6.0.0")});
    QByteArray seen;
    QVERIFY(QTest::qWaitFor(
        [&] {
            seen += console.readAllStandardOutput();
            return seen.contains("monitor,") || console.state() == QProcess::NotRunning;
        },
        90000));
    QVERIFY2(seen.contains("monitor,"), QByteArray(seen + console.readAllStandardError()).constData());
    console.kill(); // SIGKILL, after the switch
    QVERIFY(console.waitForFinished(10000)); // reaped: its pid is gone
    QCOMPARE(colourOf(ns, QStringLiteral("notification-service")), Release::otherColour(before));

    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    Lucent::Ui::RolloutDashboard dashboard;
    dashboard.setSession(staging.get());
    dashboard.show();
    auto *notice = dashboard.findChild<QFrame *>(QStringLiteral("promotionNotice"));
    QTRY_VERIFY_WITH_TIMEOUT(notice->isVisible(), 20000);
    QVERIFY2(dashboard.findChild<QLabel *>(QStringLiteral("promotionNoticeText"))
                 ->text()
                 .contains(QStringLiteral("interrupted")),
             qPrintable(dashboard.findChild<QLabel *>(QStringLiteral("promotionNoticeText"))->text()));
    QSignalSpy requested(&dashboard, &Lucent::Ui::RolloutDashboard::promotionRecoveryRequested);
    dashboard.findChild<QPushButton *>(QStringLiteral("recoverPromotionButton"))->click();
    QCOMPARE(requested.size(), 1);
    const auto journal = requested.constFirst().constFirst().value<Release::PromotionJournal>();
    QCOMPARE(journal.services.value(0).service, QStringLiteral("notification-service"));

    PromotionWizard wizard(staging.get(), journal);
    wizard.resize(1280, 800);
    wizard.show();
    QVERIFY(shoot(&wizard, "resume"));
    // The page offers what the promotion was started with (the journal's monitor window).
    QCOMPARE(wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->value(), 300);
    wizard.findChild<QCheckBox *>(QStringLiteral("analysisCheck"))->setChecked(false);
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    button(wizard, "resumeButton")->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY2_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Promoted.")), qPrintable(outcome->text()),
                              90000);
    QCOMPARE(colourOf(ns, QStringLiteral("notification-service")), Release::otherColour(before));
    const QJsonObject old
        = Lucent::Tests::fetched(m_sandbox, ns, "deployment",
                                 QStringLiteral("notification-service")
                                     + (before == QLatin1String("blue") ? QString() : QStringLiteral("-green")));
    QCOMPARE(Lucent::Tests::specReplicas(old), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!notice->isVisible(), 20000);
}

// The history lists an environment's promotions, newest first, with each one's detail. Its
// subject is the list, not the promotions: their journals are written as the engine writes them
// (the file writer; the Lease's annotations through the lock), in milliseconds rather than the
// minutes of four promotions. This function's state directory holds no other journal.
void TestPromotionWizardRecovery::historyListsThePromotionsNewestFirst()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto journal = [&now](const char *id, const char *environment, const char *outcome, int minutesAgo,
                                const char *service, const char *image) {
        Release::PromotionJournal made;
        made.promotionId = QLatin1String(id);
        made.environment = QLatin1String(environment);
        made.outcome = QLatin1String(outcome);
        made.step = made.outcome == QLatin1String("promoted") ? QStringLiteral("done") : QStringLiteral("rollback");
        made.switched = made.outcome == QLatin1String("promoted") ? 1 : 0;
        made.started = now.addSecs(-60 * minutesAgo - 42).toString(Qt::ISODateWithMs);
        made.updated = now.addSecs(-60 * minutesAgo).toString(Qt::ISODateWithMs);
        made.by = QStringLiteral("ci@runner-%1").arg(minutesAgo);
        made.services
            = {{QLatin1String(service), QStringLiteral("blue"), QStringLiteral("green"), QLatin1String(service),
                QLatin1String(service) + QStringLiteral("-green"), QLatin1String(service), QLatin1String(image), 2}};
        return made;
    };
    const QList<Release::PromotionJournal> journals{
        journal("p-history-1", "staging", "promoted", 40, "wallet-service", "lucent/wallet-service:2.5.0"),
        journal("p-history-2", "staging", "rolled-back", 30, "portfolio-service",
                "lucent/portfolio-service:2.0.0-errors"),
        journal("p-history-3", "production", "promoted", 25, "frontend", "lucent/frontend:3.3.0"), // not listed
        journal("p-history-4", "staging", "rolled-back", 20, "task-service", "lucent/task-service:1.3.0"),
        journal("p-history-5", "staging", "promoted", 1, "notification-service", "lucent/notification-service:6.0.0")};
    for (const Release::PromotionJournal &written : journals)
        Release::writePromotionJournalFile(written, Release::promotionJournalDirectory());
    Release::flushPromotionJournalFiles();
    // The last one is the cluster's too, in the Lease that its promotion released.
    QString error;
    const auto client = Lucent::Tests::environmentClient(m_sandbox, QStringLiteral("staging"), &error);
    QVERIFY2(client, qPrintable(error));
    Release::PromotionLock lock(client.get(), QStringLiteral("lucent-staging"), journals.constLast().by);
    QSignalSpy acquired(&lock, &Release::PromotionLock::acquired);
    lock.acquire();
    QVERIFY(acquired.wait(10000));
    QSignalSpy written(&lock, &Release::PromotionLock::annotationsWritten);
    lock.writeAnnotations(journals.constLast().annotations());
    QVERIFY(written.wait(10000));
    QSignalSpy released(&lock, &Release::PromotionLock::released);
    lock.release();
    QVERIFY(released.wait(10000));

    const QJsonObject lease = Lucent::Tests::fetched(m_sandbox, QStringLiteral("lucent-staging"), "lease",
                                                     QStringLiteral("lucent-promotion"));
    const auto current = Release::PromotionJournal::fromLease(lease);
    Lucent::Ui::PromotionHistory history(QStringLiteral("staging"), current, Release::promotionJournalDirectory());
    QSignalSpy loaded(&history, &Lucent::Ui::PromotionHistory::loaded);
    history.show();
    QVERIFY(loaded.wait(10000));
    history.resize(1280, 800);
    auto *table = history.findChild<QTableWidget *>(QStringLiteral("historyTable"));
    QCOMPARE(history.promotionCount(), 4); // staging's, not production's
    QCOMPARE(current.promotionId, journals.constLast().promotionId);
    QCOMPARE(table->item(0, 1)->text(), current.promotionId); // the last one
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("promoted"));
    QVERIFY2(table->item(0, 3)->text().contains(QLatin1Char('@')), qPrintable(table->item(0, 3)->text())); // by
    QVERIFY2(table->item(0, 4)->text().endsWith(QStringLiteral(" s")), qPrintable(table->item(0, 4)->text())); // took
    for (int row = 1; row < table->rowCount(); ++row)
        QVERIFY(table->item(row - 1, 0)->text() >= table->item(row, 0)->text());
    QStringList outcomes;
    for (int row = 0; row < table->rowCount(); ++row)
        outcomes.append(table->item(row, 2)->text());
    QVERIFY2(outcomes.contains(QStringLiteral("rolled-back")), qPrintable(outcomes.join(QLatin1Char(','))));
    QVERIFY(history.findChild<QPlainTextEdit *>(QStringLiteral("historyDetail"))
                ->toPlainText()
                .contains(current.promotionId));
    QVERIFY(shoot(&history, "history"));
}

// lucent-console --env production --promote frontend: the main window opens on production and,
// once its Services are listed, the wizard with frontend ticked.
void TestPromotionWizardRecovery::promoteOnTheCommandLineOpensTheWizard()
{
    Lucent::Ui::MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    window.setStartEnvironment(QStringLiteral("production"));
    window.promoteWhenConnected({QStringLiteral("frontend")});
    window.show();
    PromotionWizard *wizard = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((wizard = window.findChild<PromotionWizard *>()) && wizard->isVisible(), 30000);
    QVERIFY2(wizard->windowTitle().contains(QStringLiteral("production")), qPrintable(wizard->windowTitle()));
    auto *table = wizard->findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    QStringList ticked;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->checkState() == Qt::Checked)
            ticked.append(table->item(row, 1)->text());
    }
    QCOMPARE(ticked, QStringList{QStringLiteral("frontend")});

    // Quitting while it runs asks first; No (the default) keeps the window and the promotion.
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, QStringLiteral("lucent-platform"), QStringLiteral("frontend")));
    QVERIFY(choose(*wizard, {{QStringLiteral("frontend"), QStringLiteral("lucent/frontend:3.3.0")}}));
    button(*wizard, "nextButton")->click();
    QVERIFY(start(*wizard));
    QTRY_VERIFY_WITH_TIMEOUT(button(*wizard, "promoteButton")->isVisible(), 60000);
    bool asked = false;
    QTimer::singleShot(0, &window, [&asked] {
        auto *question = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        asked = question && question->objectName() == QLatin1String("quitWhilePromoting")
            && question->defaultButton() == question->button(QMessageBox::No);
        if (question)
            question->button(QMessageBox::No)->click();
    });
    QVERIFY(!window.close());
    QVERIFY(asked);
    QVERIFY(window.isVisible() && wizard->isRunning());
    button(*wizard, "abortButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(
        wizard->findChild<QLabel *>(QStringLiteral("outcomeLabel"))->text().contains(QStringLiteral("Not promoted.")),
        60000);
    QCOMPARE(colourOf(QStringLiteral("lucent-platform"), QStringLiteral("frontend")), QStringLiteral("blue"));
}

int main(int argc, char **argv)
{
    return Lucent::Tests::runWizardTest<TestPromotionWizardRecovery>(argc, argv, __FILE__);
}
#include "tst_promotionwizardrecovery.moc"
