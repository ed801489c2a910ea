// The promotion wizard driven forward as a release engineer would, against lucent-sandbox and its
// real Prometheus: a release of two services promoted (nothing switches before Promote), a -errors
// image whose analysis fails and rolls back by itself (its logs and events kept), an inconclusive
// analysis answered with Continue, Abort at the deploy step and after the switch, a protected
// environment whose Promote needs its name typed, and the release page's suggestions and keys.
// The cluster is checked with kubectl, not through the console's models.

#include "promotionwizardfixture.h"

using namespace Lucent::Core;
using Lucent::Tests::button;
using Lucent::Tests::choose;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::shoot;
using Lucent::Tests::start;
using Lucent::Ui::PromotionWizard;

class TestPromotionWizard : public QObject, public Lucent::Tests::WizardFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { initFixture(); }
    void init() { initState(); }
    void cleanup() { cleanupState(); }
    void aReleaseOfTwoServicesSwitchesOnlyOnPromote();
    void abortAtTheDeployStepRollsBack();
    void anErrorsImageFailsItsAnalysisAndRollsBackByItself();
    void anInconclusiveAnalysisAnsweredWithContinuePromotes();
    void abortAfterTheSwitchBringsTheOldColourBack();
    void aProtectedEnvironmentNeedsItsNameTyped();
    void suggestionsOfferWhatStagingServes();
    void theKeyboardDrivesTheReleasePage();
};

void TestPromotionWizard::aReleaseOfTwoServicesSwitchesOnlyOnPromote()
{
    const QString ns = QStringLiteral("lucent-staging");
    for (const char *name : {"wallet-service", "user-service"})
        QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QLatin1String(name)));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList{QStringLiteral("wallet-service")});
    wizard.resize(1280, 800);
    wizard.show();
    QVERIFY(choose(wizard,
                   {{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.5.0")},
                    {QStringLiteral("user-service"), QStringLiteral("lucent/user-service:1.8.0")}}));
    QVERIFY(shoot(&wizard, "1-release"));
    QVERIFY(button(wizard, "nextButton")->isDefault());
    button(wizard, "nextButton")->click();
    const QString planned = wizard.findChild<QPlainTextEdit *>(QStringLiteral("planText"))->toPlainText();
    QVERIFY2(
        planned.contains(QStringLiteral("wallet-service: blue -> green"))
            && planned.contains(QStringLiteral("user-service: blue -> green"))
            && planned.contains(QRegularExpression(QStringLiteral("\\+[ -]*image: \"?lucent/user-service:1\\.8\\.0"))),
        qPrintable(planned));
    auto *preflight = wizard.findChild<QTableWidget *>(QStringLiteral("preflightTable"));
    QTRY_VERIFY_WITH_TIMEOUT(button(wizard, "nextButton")->isEnabled(), 20000);
    for (int row = 0; row < preflight->rowCount(); ++row)
        QVERIFY2(preflight->item(row, 1)->text() == QLatin1String("passed"),
                 qPrintable(preflight->item(row, 0)->text() + QLatin1Char(' ') + preflight->item(row, 2)->text()));
    QVERIFY(shoot(&wizard, "2-plan"));
    QVERIFY(start(wizard));
    QVERIFY(wizard.isRunning());
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible() && promote->isEnabled(), 60000);
    // Verified, waiting: nothing switched yet.
    QCOMPARE(colourOf(ns, QStringLiteral("wallet-service")), QStringLiteral("blue"));
    QCOMPARE(colourOf(ns, QStringLiteral("user-service")), QStringLiteral("blue"));
    QVERIFY2(wizard.findChild<QLabel *>(QStringLiteral("switchSummary"))
                 ->text()
                 .contains(QRegularExpression(
                     QStringLiteral("service/user-service: selector color blue -&gt; green, [0-9.]+ -&gt; 1\\.8\\.0"))),
             qPrintable(wizard.findChild<QLabel *>(QStringLiteral("switchSummary"))->text()));
    QVERIFY(promote->isEnabled()); // staging is not protected
    wizard.findChild<QTabWidget *>(QStringLiteral("runTabs"))->setCurrentIndex(1); // every step
    QVERIFY(shoot(&wizard, "4-switch"));
    wizard.findChild<QTabWidget *>(QStringLiteral("runTabs"))->setCurrentIndex(0);
    promote->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Promoted.")), 60000);
    QVERIFY(!wizard.isRunning());
    QVERIFY(shoot(&wizard, "6-done"));
    QCOMPARE(colourOf(ns, QStringLiteral("wallet-service")), QStringLiteral("green"));
    QCOMPARE(colourOf(ns, QStringLiteral("user-service")), QStringLiteral("green"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("wallet-service"))),
             0);
}

// Abort while the new colour is being deployed: it is scaled back to 0, nothing switched.
void TestPromotionWizard::abortAtTheDeployStepRollsBack()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("play-service")));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.show();
    // Never ready: the promotion stays in its deploy-and-verify steps until aborted.
    QVERIFY(choose(wizard, {{QStringLiteral("play-service"), QStringLiteral("lucent/play-service:1.9.0-unready")}}));
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    auto *step = wizard.findChild<QLabel *>(QStringLiteral("stepLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(step->text().contains(QStringLiteral("ready")), 30000);
    const QJsonObject deployed
        = Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("play-service-green"));
    QCOMPARE(Lucent::Tests::specReplicas(deployed), 2);
    // The run page follows the new colour live: its row says how many are ready and its pods.
    auto *standby = wizard.findChild<QTableWidget *>(QStringLiteral("standbyTable"));
    QTRY_VERIFY_WITH_TIMEOUT(standby->item(0, 2) && standby->item(0, 2)->text() == QLatin1String("0/2"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(standby->item(0, 3)->text().contains(QStringLiteral("Running")), 20000);
    QPushButton *abort = button(wizard, "abortButton");
    QVERIFY(abort->isVisible());
    abort->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 60000);
    QVERIFY2(outcome->text().contains(QStringLiteral("Aborted in the wizard")), qPrintable(outcome->text()));
    QCOMPARE(colourOf(ns, QStringLiteral("play-service")), QStringLiteral("blue"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("play-service-green"))),
             0);
}

// A -errors image answers about 30 % with 5xx: the real Prometheus measures it, the analysis
// fails, and the promotion rolls back without anyone clicking. The charts show both colours.
void TestPromotionWizard::anErrorsImageFailsItsAnalysisAndRollsBackByItself()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("portfolio-service")));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.setProjectSettings(quickAnalysis(), QFileInfo(m_sandbox.projectFile()).absolutePath());
    wizard.resize(1280, 800);
    wizard.show();
    QVERIFY(choose(wizard,
                   {{QStringLiteral("portfolio-service"), QStringLiteral("lucent/portfolio-service:2.0.0-errors")}},
                   true));
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    auto *errors = wizard.findChild<Lucent::Ui::MetricChart *>(QStringLiteral("comparisonErrors"));
    QVERIFY(errors);
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    // While it measures: the error chart has a line per colour.
    QTRY_VERIFY_WITH_TIMEOUT(errors->seriesCount() >= 2 || outcome->isVisible(), 90000);
    QVERIFY2(errors->seriesCount() >= 2,
             qPrintable(QString::number(errors->seriesCount()) + QLatin1Char(' ')
                        + wizard.findChild<QLabel *>(QStringLiteral("comparisonState"))->text()
                        + wizard.findChild<QPlainTextEdit *>(QStringLiteral("progressLog"))->toPlainText()));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 120000);
    QVERIFY2(outcome->text().contains(QStringLiteral("error-ratio"))
                 && outcome->text().contains(QStringLiteral("failed")),
             qPrintable(outcome->text()));
    auto *standby = wizard.findChild<QTableWidget *>(QStringLiteral("standbyTable"));
    QVERIFY2(standby->item(0, 5)->text().contains(QStringLiteral("error-ratio failed")),
             qPrintable(standby->item(0, 5)->text()));
    // What the failed colour said, kept before it went to 0: on the Done page and in the history.
    auto *evidence = wizard.findChild<QPlainTextEdit *>(QStringLiteral("evidenceText"));
    QVERIFY(evidence && evidence->isVisible());
    for (const char *expected :
         {"Kept before the green colour was scaled to 0", "Standby: portfolio-service error-ratio",
          "Log of portfolio-service-green", "Scheduled"})
        QVERIFY2(evidence->toPlainText().contains(QLatin1String(expected)),
                 qPrintable(QLatin1String(expected) + QLatin1Char('\n') + evidence->toPlainText().left(2000)));
    QVERIFY(shoot(&wizard, "6-rolled-back"));
    const QString detail = newestHistoryDetail();
    QVERIFY2(detail.contains(QLatin1String("Log of portfolio-service-green"))
                 && detail.contains(QLatin1String("Standby: portfolio-service error-ratio")),
             qPrintable(detail.left(2000)));
    QCOMPARE(colourOf(ns, QStringLiteral("portfolio-service")), QStringLiteral("blue"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("portfolio-service-green"))),
             0);
}

// A project metric that measures nothing (a series no pod exports): the analysis is
// inconclusive, the wizard asks, Continue goes on to the switch, and Promote promotes.
void TestPromotionWizard::anInconclusiveAnalysisAnsweredWithContinuePromotes()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("api-gateway")));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    Environment::PromotionSettings settings = quickAnalysis();
    settings.metrics = {
        {QStringLiteral("queue-depth"), QStringLiteral("sum(lucent_queue_depth{ {{selector}} })"), false, 100, 0, 1}};
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.setProjectSettings(settings, QFileInfo(m_sandbox.projectFile()).absolutePath());
    wizard.resize(1280, 800);
    wizard.show();
    QVERIFY(choose(wizard, {{QStringLiteral("api-gateway"), QStringLiteral("lucent/api-gateway:1.6.0")}}, true));
    // No monitor window: its analysis of the same metric would be inconclusive again, and roll back.
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(0);
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    QPushButton *goOn = button(wizard, "continueButton");
    QTRY_VERIFY_WITH_TIMEOUT(goOn->isVisible(), 120000);
    QVERIFY2(
        wizard.findChild<QLabel *>(QStringLiteral("decisionLabel"))->text().contains(QStringLiteral("inconclusive")),
        qPrintable(wizard.findChild<QLabel *>(QStringLiteral("decisionLabel"))->text()));
    QCOMPARE(colourOf(ns, QStringLiteral("api-gateway")), QStringLiteral("blue"));
    // Waiting for the answer, the charts go on: both colours once the new one has its rates.
    auto *rate = wizard.findChild<Lucent::Ui::MetricChart *>(QStringLiteral("comparisonRate"));
    QTRY_VERIFY_WITH_TIMEOUT(rate->seriesCount() >= 2, 30000);
    QVERIFY(shoot(&wizard, "3-verify"));
    goOn->click();
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible() && promote->isEnabled(), 30000);
    promote->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->isVisible(), 120000);
    QVERIFY2(outcome->text().contains(QStringLiteral("Promoted.")), qPrintable(outcome->text()));
    QCOMPARE(colourOf(ns, QStringLiteral("api-gateway")), QStringLiteral("green"));
}

// Roll back now, in the monitor window: the old colour comes back at full size and the Service
// selects it again.
void TestPromotionWizard::abortAfterTheSwitchBringsTheOldColourBack()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("task-service")));
    const int replicas = Lucent::Tests::specReplicas(
        Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("task-service")));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.resize(1280, 800);
    wizard.show();
    QVERIFY(choose(wizard, {{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:1.3.0")}}));
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(300);
    button(wizard, "nextButton")->click();
    QVERIFY(start(wizard));
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible() && promote->isEnabled(), 60000);
    promote->click();
    auto *step = wizard.findChild<QLabel *>(QStringLiteral("stepLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(step->text().contains(QStringLiteral("s left in the monitor window")), 30000);
    QCOMPARE(colourOf(ns, QStringLiteral("task-service")), QStringLiteral("green"));
    // The countdown runs and the charts go on: the new colour's line once it has taken traffic.
    auto *rate = wizard.findChild<Lucent::Ui::MetricChart *>(QStringLiteral("comparisonRate"));
    QTRY_VERIFY_WITH_TIMEOUT(rate->seriesCount() >= 2, 30000);
    QVERIFY2(!step->text().contains(QStringLiteral("300 s left")), qPrintable(step->text()));
    auto *alerts = wizard.findChild<QLabel *>(QStringLiteral("comparisonAlerts"));
    QTRY_VERIFY_WITH_TIMEOUT(alerts->text().contains(QStringLiteral("none of these services is firing")), 10000);
    QVERIFY(shoot(&wizard, "5-monitor"));
    {
        // The console's main window meanwhile: the service's row and the environment's card
        // name the promotion's step.
        Lucent::Ui::MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
        window.setStartEnvironment(QStringLiteral("staging"));
        window.resize(1280, 800);
        window.show();
        auto *overview = window.findChild<QAbstractItemView *>(QStringLiteral("environmentOverview"));
        const auto cardSays = [overview](const QString &text) {
            for (int row = 0; row < overview->model()->rowCount(); ++row) {
                if (overview->model()->index(row, 0).data().toString().contains(text))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(cardSays(QStringLiteral("promotion: monitor")), 20000);
        auto *dashboard = window.findChild<Lucent::Ui::RolloutDashboard *>();
        const auto rowSays = [dashboard] {
            const int row = dashboard->model()->rowOf(QStringLiteral("task-service"));
            return row >= 0
                && dashboard->model()
                       ->index(row, Lucent::Ui::ServicesTableModel::PromotionColumn)
                       .data()
                       .toString()
                       .contains(QStringLiteral("monitor"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(rowSays(), 20000);
        dashboard->findChild<QTableView *>()->selectRow(dashboard->model()->rowOf(QStringLiteral("task-service")));
        QVERIFY(shoot(&window, "dashboard-promotion"));
    }
    {
        // A second promotion meanwhile: the plan page's preflight names the lock's holder and
        // Start stays off.
        PromotionWizard second(staging.get(), QStringList());
        second.show();
        QVERIFY(choose(second, {{QStringLiteral("frontend"), QStringLiteral("lucent/frontend:3.3.0")}}));
        button(second, "nextButton")->click();
        auto *preflight = second.findChild<QTableWidget *>(QStringLiteral("preflightTable"));
        QTRY_VERIFY_WITH_TIMEOUT(preflight->item(0, 1)->text() != QLatin1String("checking…"), 20000);
        QCOMPARE(preflight->item(1, 1)->text(), QStringLiteral("failed"));
        QVERIFY2(preflight->item(1, 2)->text().contains(QStringLiteral("step monitor"))
                     && preflight->item(1, 2)->text().contains(QStringLiteral("wait for it to end")),
                 qPrintable(preflight->item(1, 2)->text()));
        QVERIFY(!button(second, "nextButton")->isEnabled());
    }
    QPushButton *abort = button(wizard, "abortButton");
    QVERIFY2(abort->text().contains(QStringLiteral("Roll back")), qPrintable(abort->text()));
    abort->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 60000);
    QCOMPARE(colourOf(ns, QStringLiteral("task-service")), QStringLiteral("blue"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("task-service"))),
             replicas);
    QVERIFY(outcome->text().contains(QStringLiteral("Timings:")));
}

void TestPromotionWizard::aProtectedEnvironmentNeedsItsNameTyped()
{
    const QString ns = QStringLiteral("lucent-platform");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("task-service")));
    const auto production = session(QStringLiteral("production"));
    QVERIFY(production);
    PromotionWizard wizard(production.get(), QStringList());
    wizard.show();
    QVERIFY(choose(wizard, {{QStringLiteral("task-service"), QStringLiteral("lucent/task-service:1.2.0")}}));
    button(wizard, "nextButton")->click();
    QVERIFY(!button(wizard, "nextButton")->isDefault()); // Enter does not start a production promotion
    QVERIFY(start(wizard));
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY2_WITH_TIMEOUT(
        promote->isVisible(),
        qPrintable(wizard.findChild<QPlainTextEdit *>(QStringLiteral("progressLog"))->toPlainText()), 60000);
    // Once the new colour is seen ready, only the typed name stands between Enter and the switch.
    auto *summary = wizard.findChild<QLabel *>(QStringLiteral("switchSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->text().contains(QStringLiteral("Everything is verified")), 30000);
    QVERIFY(!promote->isEnabled());
    auto *name = wizard.findChild<QLineEdit *>(QStringLiteral("confirmName"));
    QVERIFY(name->isVisible());
    name->setText(QStringLiteral("staging"));
    QVERIFY(!promote->isEnabled());
    name->setText(QStringLiteral("production"));
    QVERIFY(promote->isEnabled());
    // Not promoted after all: Abort rolls the verified standby back.
    button(wizard, "abortButton")->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 60000);
    QCOMPARE(colourOf(ns, QStringLiteral("task-service")), QStringLiteral("blue"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("task-service-green"))),
             0);
}

// Production's wizard offers what staging serves now (one click takes all of it, ticking the
// services that change), and per service the manifests' image and staging's.
void TestPromotionWizard::suggestionsOfferWhatStagingServes()
{
    // Staging promoted notification-service to 6.0.0; production still serves what the sandbox
    // made. How staging came to serve it is not this test's subject: made with kubectl.
    const QString failure = Lucent::Tests::promoteByHand(
        m_sandbox, QStringLiteral("staging"), QStringLiteral("lucent-staging"),
        {{QStringLiteral("notification-service"), QStringLiteral("lucent/notification-service:6.0.0"), {}}});
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const auto staging = session(QStringLiteral("staging"));
    const auto production = session(QStringLiteral("production"));
    QVERIFY(staging && production);
    const Release::EnvironmentImages stagingImages{
        QStringLiteral("staging"),
        Release::servingImages(staging->services()->objects(), staging->deployments()->objects())};
    QCOMPARE(stagingImages.images.value(QStringLiteral("notification-service")),
             QStringLiteral("lucent/notification-service:6.0.0"));
    PromotionWizard wizard(production.get(), QStringList());
    wizard.setSuggestionSources({stagingImages}, QStringLiteral(LUCENT_SOURCE_MANIFESTS_DIR));
    wizard.show();
    auto *take = wizard.findChild<QPushButton *>(QStringLiteral("take-staging"));
    QVERIFY(take);
    take->click();
    auto *table = wizard.findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    QMap<QString, QString> ticked;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->checkState() == Qt::Checked)
            ticked.insert(table->item(row, 1)->text(), table->item(row, 3)->text());
    }
    QCOMPARE(ticked.value(QStringLiteral("notification-service")), QStringLiteral("lucent/notification-service:6.0.0"));
    QVERIFY2(!ticked.contains(QStringLiteral("frontend")), qPrintable(ticked.keys().join(QLatin1Char(',')))); // same

    auto *suggest = wizard.findChild<QToolButton *>(QStringLiteral("suggest-wallet-service"));
    QVERIFY(suggest);
    QStringList offered;
    // The manifests are read on a worker: their image appears once that is done.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            Q_EMIT suggest->menu()->aboutToShow();
            offered.clear();
            for (const QAction *action : suggest->menu()->actions())
                offered.append(action->text());
            return offered.join(QLatin1Char('\n')).contains(QStringLiteral("(base/wallet-service.yaml)"));
        }(),
        10000);
    QVERIFY2(offered.join(QLatin1Char('\n')).contains(QStringLiteral("(staging serves it)")),
             qPrintable(offered.join(QLatin1Char('\n'))));
}

// Without a mouse: Space ticks the current service, and Enter goes on to the plan (Next is
// the default button there).
void TestPromotionWizard::theKeyboardDrivesTheReleasePage()
{
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.show();
    QVERIFY(QTest::qWaitForWindowActive(&wizard));
    auto *table = wizard.findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    int row = 0;
    while (row < table->rowCount() && table->item(row, 1)->text() != QLatin1String("frontend"))
        ++row;
    QVERIFY(row < table->rowCount());
    table->setFocus();
    table->setCurrentCell(row, 0);
    QCOMPARE(table->item(row, 0)->checkState(), Qt::Unchecked);
    QTest::keyClick(table, Qt::Key_Space);
    QCOMPARE(table->item(row, 0)->checkState(), Qt::Checked);
    // F2 edits the image (its text selected), typing replaces it, Enter keeps it.
    table->setCurrentCell(row, 3);
    QTest::keyClick(table, Qt::Key_F2);
    QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("lucent/frontend:3.4.0"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE(table->item(row, 3)->text(), QStringLiteral("lucent/frontend:3.4.0"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    auto *plan = wizard.findChild<QPlainTextEdit *>(QStringLiteral("planText"));
    QTRY_VERIFY(plan->isVisible());
    QVERIFY2(plan->toPlainText().contains(QStringLiteral("frontend: blue -> green, lucent/frontend:3.2.0 -> "
                                                         "lucent/frontend:3.4.0")),
             qPrintable(plan->toPlainText().left(400)));
}

int main(int argc, char **argv)
{
    return Lucent::Tests::runWizardTest<TestPromotionWizard>(argc, argv, __FILE__);
}
#include "tst_promotionwizard.moc"
