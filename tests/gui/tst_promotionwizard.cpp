// The promotion wizard driven as a release engineer would, against lucent-sandbox and its real
// Prometheus: a release of two services promoted (nothing switches before Promote), a -errors
// image whose analysis fails and rolls back by itself, an inconclusive analysis answered with
// Continue, Abort at the deploy step and after the switch, a protected environment whose Promote
// needs its name typed, Roll back..., and a console process killed after the switch whose
// promotion is resumed. The cluster is checked with kubectl, not through the console's models.

#include "promotionfixture.h"
#include "sandboxprocess.h"
#include "screenshot.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/resourcecache.h"
#include "core/release/promotionjournal.h"
#include "core/release/promotionlock.h"
#include "core/release/servicestatus.h"
#include "ui/metrics/metricchart.h"
#include "ui/promotion/promotionhistory.h"
#include "ui/promotion/promotionwizard.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include <cstdio>
#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Lucent::Tests::shoot;
using Lucent::Ui::PromotionWizard;

namespace {

/// Ticks @p images' services in the wizard's first page and gives each its image; the analysis on
/// or off, monitor window and scale-down delay 1 s.
bool choose(PromotionWizard &wizard, const QMap<QString, QString> &images, bool analysis = false)
{
    wizard.findChild<QCheckBox *>(QStringLiteral("analysisCheck"))->setChecked(analysis);
    auto *table = wizard.findChild<QTableWidget *>(QStringLiteral("releaseTable"));
    int chosen = 0;
    for (int row = 0; table && row < table->rowCount(); ++row) {
        const QString service = table->item(row, 1)->text();
        table->item(row, 0)->setCheckState(images.contains(service) ? Qt::Checked : Qt::Unchecked);
        if (images.contains(service)) {
            table->item(row, 3)->setText(images[service]);
            ++chosen;
        }
    }
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    return chosen == images.size();
}

QPushButton *button(const PromotionWizard &wizard, const char *name)
{
    return wizard.findChild<QPushButton *>(QLatin1String(name));
}

/// Clicks Start on the plan page once the preflight checks let it; false if they never do.
bool start(PromotionWizard &wizard)
{
    QPushButton *next = button(wizard, "nextButton");
    if (!QTest::qWaitFor([next] { return next->isEnabled(); }, 20000))
        return false;
    next->click();
    return true;
}

/// A session on @p environment with its Services and Deployments listed; null if they never are.
std::unique_ptr<Environment::EnvironmentSession> openedSession(const Environment::Environment &environment,
                                                               const Kube::Kubeconfig &kubeconfig)
{
    auto opened = std::make_unique<Environment::EnvironmentSession>(environment, kubeconfig,
                                                                    Environment::EnvironmentSession::Scope::Serving);
    opened->start();
    if (!QTest::qWaitFor(
            [&] {
                return opened->services() && opened->deployments() && opened->services()->isSynced()
                    && opened->deployments()->isSynced();
            },
            20000))
        return nullptr;
    return opened;
}

/// The console's side of the kill test, run as a process of its own (this executable with
/// --promote-until-killed PROJECT KUBECONFIG SERVICE IMAGE): a wizard in staging promotes the
/// service with a long monitor window, prints each status line, and waits to be killed.
int promoteUntilKilled(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 6)
        return 2;
    const auto project = Environment::ProjectConfig::load(args[2]);
    const auto staging
        = openedSession(*project.environment(QStringLiteral("staging")), Kube::Kubeconfig::load({args[3]}, true));
    if (!staging)
        return 3;
    PromotionWizard wizard(staging.get(), QStringList());
    QObject::connect(&wizard, &PromotionWizard::statusChanged, [](const QString &status) {
        std::printf("status: %s\n", qPrintable(status));
        std::fflush(stdout);
    });
    wizard.show();
    if (!choose(wizard, {{args[4], args[5]}}))
        return 4;
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(300);
    button(wizard, "nextButton")->click();
    if (!start(wizard))
        return 6;
    if (!QTest::qWaitFor(
            [&] {
                return button(wizard, "promoteButton")->isVisible() && button(wizard, "promoteButton")->isEnabled();
            },
            90000))
        return 5;
    button(wizard, "promoteButton")->click();
    return app.exec();
}

} // namespace

class TestPromotionWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void aReleaseOfTwoServicesSwitchesOnlyOnPromote();
    void rollBackOfAFinishedPromotion();
    void abortAtTheDeployStepRollsBack();
    void anErrorsImageFailsItsAnalysisAndRollsBackByItself();
    void anInconclusiveAnalysisAnsweredWithContinuePromotes();
    void abortAfterTheSwitchBringsTheOldColourBack();
    void aProtectedEnvironmentNeedsItsNameTyped();
    void anInterruptedPromotionIsOfferedAndResumed();
    void historyListsThePromotionsNewestFirst();
    void promoteOnTheCommandLineOpensTheWizard();
    void suggestionsOfferWhatStagingServes();
    void theKeyboardDrivesTheReleasePage();

private:
    /// A session on @p environment with its Services and Deployments listed.
    std::unique_ptr<Environment::EnvironmentSession> session(const QString &environment) const;
    /// The project's promotion settings with an analysis short enough for a test: two
    /// measurements 4 s apart after 15 s (discovery and two scrapes of the new pods at 5 s).
    Environment::PromotionSettings quickAnalysis() const;
    QString colourOf(const QString &ns, const QString &service) const;

    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
    /// Staging and production as the sandbox made them, put back after each function.
    Lucent::Tests::NamespaceSnapshot m_staging{m_sandbox, QStringLiteral("lucent-staging")};
    Lucent::Tests::NamespaceSnapshot m_production{m_sandbox, QStringLiteral("lucent-platform")};
    /// XDG_STATE_HOME, the promotions' journals and audit records: a new one for each function.
    std::unique_ptr<QTemporaryDir> m_state;
    Environment::ProjectConfig m_project;
    Kube::Kubeconfig m_kubeconfig;
};

void TestPromotionWizard::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    m_kubeconfig = Kube::Kubeconfig::load({m_sandbox.kubeconfig()}, true);
    QString error;
    QVERIFY2(m_staging.take(&error), qPrintable(error));
    QVERIFY2(m_production.take(&error), qPrintable(error));
}

// A function's journals are its own: none lists or resumes another's.
void TestPromotionWizard::init()
{
    m_state = std::make_unique<QTemporaryDir>();
    QVERIFY(m_state->isValid());
    qputenv("XDG_STATE_HOME", m_state->path().toUtf8());
}

// Each function starts on the environments as the sandbox made them, alone or after any other:
// what one leaves (a standby, a switched Service, the Lease) is put back, and checked.
void TestPromotionWizard::cleanup()
{
    const QString staging = m_staging.restore();
    QVERIFY2(staging.isEmpty(), qPrintable(staging));
    const QString production = m_production.restore();
    QVERIFY2(production.isEmpty(), qPrintable(production));
}

std::unique_ptr<Environment::EnvironmentSession> TestPromotionWizard::session(const QString &environment) const
{
    return openedSession(*m_project.environment(environment), m_kubeconfig);
}

Environment::PromotionSettings TestPromotionWizard::quickAnalysis() const
{
    Environment::PromotionSettings settings = m_project.promotion;
    settings.analysisInitialDelaySeconds = 15;
    settings.analysisIntervalSeconds = 4;
    settings.analysisCount = 2;
    return settings;
}

QString TestPromotionWizard::colourOf(const QString &ns, const QString &service) const
{
    return Lucent::Tests::selectorColour(Lucent::Tests::fetched(m_sandbox, ns, "service", service));
}

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

// After a promotion of two services: Roll back... offers the services that have a standby colour,
// with the version each goes back to (not editable), and brings wallet-service back to it.
void TestPromotionWizard::rollBackOfAFinishedPromotion()
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
    QVERIFY(shoot(&wizard, "6-rolled-back"));
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

// The console killed after the switch (SIGKILL in the monitor window, its wizard's Promote
// clicked): the dashboard of the console started again says so and offers to finish it; the
// wizard resumes it from the cluster's journal, and it completes.
void TestPromotionWizard::anInterruptedPromotionIsOfferedAndResumed()
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
void TestPromotionWizard::historyListsThePromotionsNewestFirst()
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
void TestPromotionWizard::promoteOnTheCommandLineOpensTheWizard()
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
    if (argc > 1 && qstrcmp(argv[1], "--promote-until-killed") == 0)
        return promoteUntilKilled(argc, argv);
    QApplication app(argc, argv);
    app.setAttribute(Qt::AA_Use96Dpi, true);
    if (qEnvironmentVariable("LUCENT_THEME") == QLatin1String("dark"))
        Lucent::Ui::applyTheme(Lucent::Core::CommandLine::Theme::Dark);
    else if (qEnvironmentVariableIsSet("LUCENT_SCREENSHOT_DIR"))
        Lucent::Ui::applyTheme(Lucent::Core::CommandLine::Theme::Light);
    TestPromotionWizard test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_promotionwizard.moc"
