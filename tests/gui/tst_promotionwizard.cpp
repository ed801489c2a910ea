// The promotion wizard driven as a release engineer would, against lucent-sandbox: a release of
// two services promoted (nothing switches before Promote), an Abort at the start, and a
// protected environment whose Promote needs its name typed. The cluster is checked with
// kubectl, not through the console's own models.

#include "promotionfixture.h"
#include "sandboxprocess.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/kube/kubeconfig.h"
#include "core/kube/resourcecache.h"
#include "core/release/promotionjournal.h"
#include "core/release/servicestatus.h"
#include "ui/promotion/promotionhistory.h"
#include "ui/promotion/promotionwizard.h"
#include "ui/rollout/rolloutdashboard.h"

#include <QCheckBox>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Lucent::Ui::PromotionWizard;

class TestPromotionWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aReleaseOfTwoServicesSwitchesOnlyOnPromote();
    void rollBackOfAFinishedPromotion();
    void abortAtTheStartRollsBack();
    void aProtectedEnvironmentNeedsItsNameTyped();
    void anInterruptedPromotionIsOfferedAndResumed();
    void historyListsThePromotionsNewestFirst();

private:
    /// A session on @p environment with its Services and Deployments listed.
    std::unique_ptr<Environment::EnvironmentSession> session(const QString &environment) const;
    /// Ticks @p images' services in the wizard's first page and gives each its image.
    static bool choose(PromotionWizard &wizard, const QMap<QString, QString> &images);
    static QPushButton *button(const PromotionWizard &wizard, const char *name);
    QString colourOf(const QString &ns, const QString &service) const;

    SandboxProcess m_sandbox{{QStringLiteral("--speed"), QStringLiteral("20")}};
    QTemporaryDir m_state; ///< XDG_STATE_HOME: the promotions' journals and audit records
    Environment::ProjectConfig m_project;
    Kube::Kubeconfig m_kubeconfig;
};

void TestPromotionWizard::initTestCase()
{
    QVERIFY(m_state.isValid());
    qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    m_kubeconfig = Kube::Kubeconfig::load({m_sandbox.kubeconfig()}, true);
}

std::unique_ptr<Environment::EnvironmentSession> TestPromotionWizard::session(const QString &environment) const
{
    auto opened = std::make_unique<Environment::EnvironmentSession>(*m_project.environment(environment), m_kubeconfig,
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

bool TestPromotionWizard::choose(PromotionWizard &wizard, const QMap<QString, QString> &images)
{
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

QPushButton *TestPromotionWizard::button(const PromotionWizard &wizard, const char *name)
{
    return wizard.findChild<QPushButton *>(QLatin1String(name));
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
    wizard.resize(1024, 700);
    wizard.show();
    QVERIFY(choose(wizard,
                   {{QStringLiteral("wallet-service"), QStringLiteral("lucent/wallet-service:2.5.0")},
                    {QStringLiteral("user-service"), QStringLiteral("lucent/user-service:1.8.0")}}));
    QVERIFY(button(wizard, "nextButton")->isDefault());
    button(wizard, "nextButton")->click();
    const QString planned = wizard.findChild<QPlainTextEdit *>(QStringLiteral("planText"))->toPlainText();
    QVERIFY2(
        planned.contains(QStringLiteral("wallet-service: blue -> green"))
            && planned.contains(QStringLiteral("user-service: blue -> green"))
            && planned.contains(QRegularExpression(QStringLiteral("\\+[ -]*image: \"?lucent/user-service:1\\.8\\.0"))),
        qPrintable(planned));
    QVERIFY(button(wizard, "nextButton")->isEnabled());
    button(wizard, "nextButton")->click(); // Start
    QVERIFY(wizard.isRunning());
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible(), 60000);
    // Verified, waiting: nothing switched yet.
    QCOMPARE(colourOf(ns, QStringLiteral("wallet-service")), QStringLiteral("blue"));
    QCOMPARE(colourOf(ns, QStringLiteral("user-service")), QStringLiteral("blue"));
    QVERIFY2(wizard.findChild<QLabel *>(QStringLiteral("switchSummary"))
                 ->text()
                 .contains(QRegularExpression(
                     QStringLiteral("service/user-service: selector color blue -&gt; green, [0-9.]+ -&gt; 1\\.8\\.0"))),
             qPrintable(wizard.findChild<QLabel *>(QStringLiteral("switchSummary"))->text()));
    QVERIFY(promote->isEnabled()); // staging is not protected
    promote->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Promoted.")), 60000);
    QVERIFY(!wizard.isRunning());
    QCOMPARE(colourOf(ns, QStringLiteral("wallet-service")), QStringLiteral("green"));
    QCOMPARE(colourOf(ns, QStringLiteral("user-service")), QStringLiteral("green"));
    QCOMPARE(Lucent::Tests::specReplicas(
                 Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("wallet-service"))),
             0);
}

// After the promotion above: Roll back... offers the services that have a standby colour, with
// the version each goes back to (not editable), and brings wallet-service back to it.
void TestPromotionWizard::rollBackOfAFinishedPromotion()
{
    const QString ns = QStringLiteral("lucent-staging");
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
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    button(wizard, "nextButton")->click();
    button(wizard, "nextButton")->click(); // Start
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible(), 60000);
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

void TestPromotionWizard::abortAtTheStartRollsBack()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("play-service")));
    const auto staging = session(QStringLiteral("staging"));
    QVERIFY(staging);
    PromotionWizard wizard(staging.get(), QStringList());
    wizard.show();
    QVERIFY(choose(wizard, {{QStringLiteral("play-service"), QStringLiteral("lucent/play-service:1.9.0")}}));
    button(wizard, "nextButton")->click();
    button(wizard, "nextButton")->click(); // Start
    QPushButton *abort = button(wizard, "abortButton");
    QVERIFY(abort->isVisible());
    abort->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Not promoted.")), 60000);
    QVERIFY2(outcome->text().contains(QStringLiteral("Aborted in the wizard")), qPrintable(outcome->text()));
    QCOMPARE(colourOf(ns, QStringLiteral("play-service")), QStringLiteral("blue"));
    const QJsonObject green = Lucent::Tests::fetched(m_sandbox, ns, "deployment", QStringLiteral("play-service-green"));
    QVERIFY(green.isEmpty() || Lucent::Tests::specReplicas(green) == 0);
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
    button(wizard, "nextButton")->click();
    QPushButton *promote = button(wizard, "promoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(promote->isVisible(), 60000);
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

// A promotion whose process was killed after the switch (here the headless command, SIGKILL in
// the monitor window): the dashboard says so and offers to finish it; the wizard resumes it
// from the cluster's journal, and it completes.
void TestPromotionWizard::anInterruptedPromotionIsOfferedAndResumed()
{
    const QString ns = QStringLiteral("lucent-staging");
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, ns, QStringLiteral("notification-service")));
    const QString before = colourOf(ns, QStringLiteral("notification-service"));
    QProcess cli;
    cli.start(qEnvironmentVariable("LUCENT_CONSOLE"),
              {QStringLiteral("promote"), QStringLiteral("--config"), m_sandbox.projectFile(),
               QStringLiteral("--kubeconfig"), m_sandbox.kubeconfig(), QStringLiteral("--env"),
               QStringLiteral("staging"), QStringLiteral("--yes"), QStringLiteral("--analysis"), QStringLiteral("none"),
               QStringLiteral("--monitor"), QStringLiteral("120"), QStringLiteral("--image"),
               QStringLiteral("notification-service=lucent/notification-service:6.0.0")});
    QByteArray seen;
    QVERIFY(QTest::qWaitFor(
        [&] {
            seen += cli.readAllStandardOutput();
            return seen.contains("step: monitor") || cli.state() == QProcess::NotRunning;
        },
        90000));
    QVERIFY2(seen.contains("step: monitor"), seen.constData());
    cli.kill(); // SIGKILL, after the switch
    QVERIFY(cli.waitForFinished(10000)); // reaped: its pid is gone
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
    wizard.show();
    wizard.findChild<QSpinBox *>(QStringLiteral("monitorSpin"))->setValue(1);
    wizard.findChild<QSpinBox *>(QStringLiteral("scaleDownSpin"))->setValue(1);
    button(wizard, "resumeButton")->click();
    auto *outcome = wizard.findChild<QLabel *>(QStringLiteral("outcomeLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(outcome->text().contains(QStringLiteral("Promoted.")), 90000);
    QCOMPARE(colourOf(ns, QStringLiteral("notification-service")), Release::otherColour(before));
    const QJsonObject old
        = Lucent::Tests::fetched(m_sandbox, ns, "deployment",
                                 QStringLiteral("notification-service")
                                     + (before == QLatin1String("blue") ? QString() : QStringLiteral("-green")));
    QCOMPARE(Lucent::Tests::specReplicas(old), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!notice->isVisible(), 20000);
}

// Everything above ran here: the history lists it, newest first, with each one's detail.
void TestPromotionWizard::historyListsThePromotionsNewestFirst()
{
    const QJsonObject lease = Lucent::Tests::fetched(m_sandbox, QStringLiteral("lucent-staging"), "lease",
                                                     QStringLiteral("lucent-promotion"));
    const auto current = Release::PromotionJournal::fromLease(lease);
    Lucent::Ui::PromotionHistory history(QStringLiteral("staging"), current, Release::promotionJournalDirectory());
    QSignalSpy loaded(&history, &Lucent::Ui::PromotionHistory::loaded);
    history.show();
    QVERIFY(loaded.wait(10000));
    auto *table = history.findChild<QTableWidget *>(QStringLiteral("historyTable"));
    QVERIFY2(history.promotionCount() >= 4, qPrintable(QString::number(history.promotionCount())));
    QCOMPARE(table->item(0, 1)->text(), current.promotionId); // the resumed one, last
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("promoted"));
    for (int row = 1; row < table->rowCount(); ++row)
        QVERIFY(table->item(row - 1, 0)->text() >= table->item(row, 0)->text());
    QStringList outcomes;
    for (int row = 0; row < table->rowCount(); ++row)
        outcomes.append(table->item(row, 2)->text());
    QVERIFY2(outcomes.contains(QStringLiteral("rolled-back")), qPrintable(outcomes.join(QLatin1Char(','))));
    QVERIFY(history.findChild<QPlainTextEdit *>(QStringLiteral("historyDetail"))
                ->toPlainText()
                .contains(current.promotionId));
}

QTEST_MAIN(TestPromotionWizard)
#include "tst_promotionwizard.moc"
