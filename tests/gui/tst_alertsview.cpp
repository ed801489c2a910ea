// Alerts in the console, from the sandbox's real Prometheus and Alertmanager: the Alerts tab
// (a tree by service) and the overview's count follow an -errors rollout; the alert is
// silenced and the silence expired through Alertmanager; a protected environment asks for its
// name; an unreachable Prometheus shows in a banner while the rollout dashboard keeps working.

#include "sandboxprocess.h"
#include "scriptedserver.h"

#include "core/environment/environmentsession.h"
#include "ui/alerts/alertsmodel.h"
#include "ui/alerts/alertsview.h"
#include "ui/alerts/silencespanel.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/environment/environmentoverviewmodel.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using Lucent::Tests::SandboxProcess;
using namespace Lucent::Ui;

class TestAlertsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void errorsRolloutShowsInAlertsAndOverview();
    void protectedEnvironmentSilenceNeedsItsName();
    void unreachablePrometheusShowsABannerAndTheRestWorks();
    void prometheusTokenIsAskedHiddenAndKept();
    void alertsGoStaleWhenPrometheusGoesAndRecover();

private:
    SandboxProcess m_sandbox{{QStringLiteral("--prometheus"), QStringLiteral("--speed"), QStringLiteral("20")}};
};

void TestAlertsView::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
}

void TestAlertsView::errorsRolloutShowsInAlertsAndOverview()
{
    MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    auto *alerts = window.findChild<AlertsView *>();
    QVERIFY(alerts);
    new QAbstractItemModelTester(alerts->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &window);
    new QAbstractItemModelTester(alerts->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest, &window);
    window.show();
    auto *overview = window.findChild<QListView *>(QStringLiteral("environmentOverview"));
    QTRY_COMPARE_WITH_TIMEOUT(overview->model()->index(0, 0).data(EnvironmentOverviewModel::FiringAlertsRole).toInt(),
                              0, 30000);
    auto *empty = alerts->findChild<QLabel *>(QStringLiteral("alertsEmptyState"));
    QTRY_VERIFY_WITH_TIMEOUT(empty->text().contains(QStringLiteral("No alerts")), 20000);

    const auto r
        = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "set", "image", "deploy/wallet-service",
                                                 "wallet-service=lucent/wallet-service:2.1.1-errors"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // The alert sits under its service's row.
    auto firingAlert = [alerts]() -> QModelIndex {
        AlertsModel *model = alerts->model();
        for (int group = 0; group < model->rowCount(); ++group) {
            const QModelIndex service = model->index(group, AlertsModel::NameColumn);
            if (service.data().toString() != QLatin1String("wallet-service"))
                continue;
            for (int row = 0; row < model->rowCount(service); ++row) {
                if (model->index(row, AlertsModel::NameColumn, service).data().toString()
                        == QLatin1String("HighErrorRate")
                    && model->index(row, AlertsModel::StateColumn, service)
                           .data()
                           .toString()
                           .startsWith(QLatin1String("firing")))
                    return model->index(row, 0, service);
            }
        }
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(firingAlert().isValid(), 90000);
    const QModelIndex alert = firingAlert();
    QCOMPARE(alert.siblingAtColumn(AlertsModel::SeverityColumn).data().toString(), QStringLiteral("warning"));
    QVERIFY(alert.siblingAtColumn(AlertsModel::SummaryColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("fail with 5xx")));
    QVERIFY(alert.parent()
                .siblingAtColumn(AlertsModel::StateColumn)
                .data()
                .toString()
                .contains(QStringLiteral("1 firing")));
    QTRY_VERIFY_WITH_TIMEOUT(
        overview->model()->index(0, 0).data(EnvironmentOverviewModel::FiringAlertsRole).toInt() >= 1, 20000);
    QVERIFY(overview->model()->index(0, 0).data().toString().contains(QStringLiteral("firing alert")));
    QVERIFY(empty->isHidden());
    // The services table carries the count per service.
    auto *dashboard = window.findChild<RolloutDashboard *>();
    const int wallet = dashboard->model()->rowOf(QStringLiteral("wallet-service"));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->model()->index(wallet, ServicesTableModel::AlertsColumn).data().toInt() >= 1,
                             20000);
    const int frontend = dashboard->model()->rowOf(QStringLiteral("frontend"));
    QCOMPARE(dashboard->model()->index(frontend, ServicesTableModel::AlertsColumn).data().toString(),
             QStringLiteral("0"));
    // The rule list shows every rule with its health.
    auto *rules = alerts->findChild<QTreeWidget *>(QStringLiteral("rulesTable"));
    QTRY_COMPARE_WITH_TIMEOUT(rules->topLevelItemCount(), 5, 20000);
    QCOMPARE(rules->topLevelItem(0)->text(0), QStringLiteral("ServiceDown"));
    QCOMPARE(rules->topLevelItem(0)->text(2), QStringLiteral("ok"));
    auto ruleState = [rules](const QString &name) {
        for (int i = 0; i < rules->topLevelItemCount(); ++i) {
            if (rules->topLevelItem(i)->text(0) == name)
                return rules->topLevelItem(i)->text(3);
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(ruleState(QStringLiteral("HighErrorRate")), QStringLiteral("firing"), 20000);

    // Production shares this Prometheus: staging's alert is not production's, in the overview,
    // the Alerts tab, the rule list or the services table.
    QTRY_COMPARE_WITH_TIMEOUT(
        overview->model()->index(1, 0).data(EnvironmentOverviewModel::NameRole).toString()
            + QString::number(overview->model()->index(1, 0).data(EnvironmentOverviewModel::FiringAlertsRole).toInt()),
        QStringLiteral("production0"), 20000);
    window.selectEnvironment(QStringLiteral("production"));
    QTRY_VERIFY_WITH_TIMEOUT(!empty->isHidden() && empty->text().contains(QStringLiteral("No alerts")), 20000);
    QVERIFY(!firingAlert().isValid());
    QTRY_COMPARE_WITH_TIMEOUT(ruleState(QStringLiteral("HighErrorRate")), QStringLiteral("inactive"), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->model()->rowCount(), 8, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        dashboard->model()
            ->index(dashboard->model()->rowOf(QStringLiteral("wallet-service")), ServicesTableModel::AlertsColumn)
            .data()
            .toString(),
        QStringLiteral("0"), 20000);
    QVERIFY(overview->model()->index(0, 0).data(EnvironmentOverviewModel::FiringAlertsRole).toInt() >= 1);
    window.selectEnvironment(QStringLiteral("staging"));
    QTRY_VERIFY_WITH_TIMEOUT(firingAlert().isValid(), 20000);
    // The filter narrows the alerts: a matching alert keeps its service row.
    alerts->proxy()->setFilterFixedString(QStringLiteral("HighErrorRate"));
    QVERIFY(alerts->proxy()->rowCount() >= 1);
    const QModelIndex shownService = alerts->proxy()->index(0, 0);
    QCOMPARE(shownService.data().toString(), QStringLiteral("wallet-service"));
    QCOMPARE(alerts->proxy()->index(0, 0, shownService).data().toString(), QStringLiteral("HighErrorRate"));
    alerts->proxy()->setFilterFixedString(QStringLiteral("no-such-service"));
    QCOMPARE(alerts->proxy()->rowCount(), 0);
    alerts->proxy()->setFilterFixedString(QString());

    // Silence it from the alert's row: the form starts with the alert's labels.
    window.showView(QStringLiteral("alerts"));
    SilencesPanel *silences = alerts->silences();
    const QModelIndex alertInView = alerts->proxy()->mapFromSource(firingAlert());
    alerts->view()->setCurrentIndex(alertInView);
    auto *silenceButton = alerts->findChild<QPushButton *>(QStringLiteral("silenceAlertButton"));
    QVERIFY(silenceButton->isEnabled());
    QTest::mouseClick(silenceButton, Qt::LeftButton);
    ConfirmActionDialog *dialog = silences->pendingDialog();
    QVERIFY(dialog);
    auto *matchers = dialog->findChild<QLineEdit *>(QStringLiteral("silenceMatchers"));
    QCOMPARE(matchers->text(), QStringLiteral("alertname=HighErrorRate, namespace=lucent-staging, app=wallet-service"));
    auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("confirmOk"));
    auto *problem = dialog->findChild<QLabel *>(QStringLiteral("silenceProblem"));
    QVERIFY(!ok->isEnabled()); // no comment yet
    QVERIFY(problem->text().contains(QStringLiteral("comment")));
    // A broken matcher is named, and blocks the button.
    matchers->setText(QStringLiteral("app=~(wallet"));
    QVERIFY(problem->text().contains(QStringLiteral("regular expression")));
    matchers->setText(QStringLiteral("alertname=HighErrorRate, namespace=lucent-staging, app=wallet-service"));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("silenceComment")),
                     QStringLiteral("known: wallet 2.1.1 errors, rollback under way"));
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);

    // Alertmanager has it: listed as active, and the alert says it is silenced.
    auto *list = silences->findChild<QTreeWidget *>(QStringLiteral("silencesList"));
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 1, 20000);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("active"));
    QCOMPARE(list->topLevelItem(0)->text(1),
             QStringLiteral("alertname=HighErrorRate, namespace=lucent-staging, app=wallet-service"));
    QVERIFY(silences->bannerText().contains(QStringLiteral("created")));
    QTRY_VERIFY_WITH_TIMEOUT(!firingAlert().data(AlertsModel::SilencedByRole).toString().isEmpty(), 20000);
    QVERIFY(
        firingAlert().siblingAtColumn(AlertsModel::StateColumn).data().toString().contains(QStringLiteral("silenced")));
    QVERIFY(firingAlert()
                .parent()
                .siblingAtColumn(AlertsModel::StateColumn)
                .data()
                .toString()
                .contains(QStringLiteral("1 silenced")));

    // Expire it: gone from the active list, still there with "Show expired".
    list->setCurrentItem(list->topLevelItem(0));
    auto *expire = silences->findChild<QPushButton *>(QStringLiteral("expireSilenceButton"));
    QVERIFY(expire->isEnabled());
    QTest::mouseClick(expire, Qt::LeftButton);
    QVERIFY(silences->pendingDialog());
    QTest::mouseClick(silences->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 0, 20000);
    QVERIFY(silences->bannerText().contains(QStringLiteral("expired")));
    QVERIFY(firingAlert().data(AlertsModel::SilencedByRole).toString().isEmpty());
    silences->findChild<QCheckBox *>(QStringLiteral("showExpiredSilences"))->setChecked(true);
    QCOMPARE(list->topLevelItemCount(), 1);
    QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("expired"));
}

void TestAlertsView::protectedEnvironmentSilenceNeedsItsName()
{
    MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    QSignalSpy first(&window, &MainWindow::firstDataArrived);
    window.show();
    QVERIFY(first.wait(30000));
    window.selectEnvironment(QStringLiteral("production"));
    window.showView(QStringLiteral("alerts"));
    auto *alerts = window.findChild<AlertsView *>();
    SilencesPanel *silences = alerts->silences();
    auto *create = silences->findChild<QPushButton *>(QStringLiteral("newSilenceButton"));
    QTRY_VERIFY_WITH_TIMEOUT(create->isEnabled(), 20000);
    QTest::mouseClick(create, Qt::LeftButton);
    ConfirmActionDialog *dialog = silences->pendingDialog();
    QVERIFY(dialog);
    auto *matchers = dialog->findChild<QLineEdit *>(QStringLiteral("silenceMatchers"));
    QCOMPARE(matchers->text(), QStringLiteral("namespace=lucent-platform"));
    matchers->setText(QStringLiteral("namespace=lucent-platform, alertname=~\"High.*\""));
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("silenceComment")), QStringLiteral("maintenance"));
    auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("confirmOk"));
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("confirmEnvironmentName"));
    QVERIFY(name);
    QVERIFY(!ok->isEnabled()); // the form is complete, but the name is not typed
    QTest::keyClicks(name, QStringLiteral("production"));
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    auto *list = silences->findChild<QTreeWidget *>(QStringLiteral("silencesList"));
    QTRY_VERIFY_WITH_TIMEOUT(list->topLevelItemCount() >= 1, 20000);
    QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("namespace=lucent-platform, alertname=~\"High.*\""));
    // Switching environment rejects an open confirmation instead of applying it elsewhere.
    list->setCurrentItem(list->topLevelItem(0));
    QTest::mouseClick(silences->findChild<QPushButton *>(QStringLiteral("expireSilenceButton")), Qt::LeftButton);
    QPointer<ConfirmActionDialog> expireDialog = silences->pendingDialog();
    QVERIFY(expireDialog && expireDialog->findChild<QLineEdit *>(QStringLiteral("confirmEnvironmentName")));
    window.selectEnvironment(QStringLiteral("staging"));
    QTRY_VERIFY(!expireDialog || !expireDialog->isVisible());
}

void TestAlertsView::unreachablePrometheusShowsABannerAndTheRestWorks()
{
    // The same environments, with a Prometheus URL where nothing listens.
    QFile project(m_sandbox.projectFile());
    QVERIFY(project.open(QIODevice::ReadOnly));
    QByteArray text = project.readAll();
    text.replace(QByteArrayLiteral("prometheus: http://127.0.0.1:"),
                 QByteArrayLiteral("prometheus: http://127.0.0.1:9#"));
    const QString broken = m_sandbox.directory() + QStringLiteral("/unreachable-prometheus.yaml");
    QFile out(broken);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();

    MainWindow window({m_sandbox.kubeconfig()}, true, broken);
    window.show();
    auto *alerts = window.findChild<AlertsView *>();
    auto *banner = alerts->findChild<QWidget *>(QStringLiteral("inlineBanner"));
    auto *dashboard = window.findChild<RolloutDashboard *>();
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->model()->rowCount(), 8, 20000); // rollouts do not wait on Prometheus
    const auto labels = [banner] {
        QStringList texts;
        for (const QLabel *label : banner->findChildren<QLabel *>())
            texts.append(label->text());
        return texts.join(QLatin1Char('\n'));
    };
    QTRY_VERIFY_WITH_TIMEOUT(labels().contains(QStringLiteral("Prometheus cannot be reached")), 20000);
    auto *overview = window.findChild<QListView *>(QStringLiteral("environmentOverview"));
    QTRY_VERIFY_WITH_TIMEOUT(
        overview->model()->index(0, 0).data().toString().contains(QStringLiteral("alerts unknown")), 20000);
    QCOMPARE(overview->model()->index(0, 0).data(EnvironmentOverviewModel::FiringAlertsRole).toInt(), -1);
}

void TestAlertsView::prometheusTokenIsAskedHiddenAndKept()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS"); // no keychain here: the session-only fallback is used
    MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    QSignalSpy first(&window, &MainWindow::firstDataArrived);
    window.show();
    QVERIFY(first.wait(30000));
    window.findChild<QAction *>(QStringLiteral("actionPrometheusCredentials"))->trigger();
    auto *dialog = window.findChild<QInputDialog *>(QStringLiteral("prometheusCredentialsDialog"));
    QVERIFY(dialog);
    QCOMPARE(dialog->textEchoMode(), QLineEdit::Password);
    dialog->setTextValue(QStringLiteral("gui-test-token"));
    dialog->accept();
    auto *banner = window.findChild<QWidget *>(QStringLiteral("inlineBanner"));
    const auto texts = [banner] {
        QStringList all;
        for (const QLabel *label : banner->findChildren<QLabel *>())
            all.append(label->text());
        return all.join(QLatin1Char('\n'));
    };
    QTRY_VERIFY_WITH_TIMEOUT(texts().contains(QStringLiteral("kept in memory for this session only")), 20000);
    QVERIFY(!texts().contains(QStringLiteral("gui-test-token")));
}

// With Prometheus not answering, the alerts it listed before stay, greyed and "as of" the
// moment it stopped; the next answer makes them current again. (A scripted Prometheus, so that
// it can fail exactly once.)
void TestAlertsView::alertsGoStaleWhenPrometheusGoesAndRecover()
{
    const QByteArray firing = R"({"status":"success","data":{"alerts":[
        {"labels":{"alertname":"HighErrorRate","app":"wallet-service","namespace":"lucent-staging",
                   "severity":"warning"},
         "annotations":{"summary":"errors"},"state":"firing","activeAt":"2026-11-25T10:00:00Z","value":"1"}]}})";
    Lucent::Tests::ScriptedServer prometheus;
    QList<Lucent::Tests::ScriptedServer::Response> answers{{200, firing, {}, 0}, {503, "unavailable", {}, 0}};
    for (int i = 0; i < 20; ++i)
        answers.append({200, firing, {}, 0});
    prometheus.scriptByPath.insert("/api/v1/alerts", answers);
    Lucent::Core::Environment::Environment staging;
    staging.name = QStringLiteral("staging");
    staging.context = QStringLiteral("nowhere"); // the cluster does not matter to alerts
    staging.namespaceName = QStringLiteral("lucent-staging");
    staging.prometheusUrl = prometheus.url().toString();
    using Lucent::Core::Environment::EnvironmentSession;
    EnvironmentSession session(staging, {}, EnvironmentSession::Scope::Everything);
    AlertsView view;
    view.setSession(&session);
    session.start();
    AlertsModel *model = view.model();
    auto stateText = [model] {
        const QModelIndex group = model->index(0, 0);
        return model->rowCount(group) > 0 ? model->index(0, AlertsModel::StateColumn, group).data().toString()
                                          : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateText(), QStringLiteral("firing"), 10000);
    QVERIFY(!model->isStale());
    QTRY_VERIFY_WITH_TIMEOUT(model->isStale(), 15000);
    QVERIFY2(stateText().startsWith(QStringLiteral("firing (as of ")), qPrintable(stateText()));
    const QModelIndex alert = model->index(0, AlertsModel::SeverityColumn, model->index(0, 0));
    QCOMPARE(alert.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(0x8a, 0x8a, 0x8a));
    QVERIFY(alert.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Prometheus cannot be reached")));
    QTRY_VERIFY_WITH_TIMEOUT(!model->isStale(), 15000);
    QCOMPARE(stateText(), QStringLiteral("firing"));
    view.setSession(nullptr);
}

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
