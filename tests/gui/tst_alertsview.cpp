// Alerts in the console, from the sandbox's real Prometheus: the Alerts tab and the overview's
// count follow an -errors rollout; an unreachable Prometheus shows in a banner while the
// rollout dashboard keeps working.

#include "sandboxprocess.h"

#include "ui/alerts/alertsmodel.h"
#include "ui/alerts/alertsview.h"
#include "ui/environment/environmentoverviewmodel.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSortFilterProxyModel>
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
    void unreachablePrometheusShowsABannerAndTheRestWorks();
    void prometheusTokenIsAskedHiddenAndKept();

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
    auto firingRow = [alerts] {
        QAbstractItemModel *model = alerts->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, AlertsModel::AlertColumn).data().toString() == QLatin1String("HighErrorRate")
                && model->index(row, AlertsModel::ServiceColumn).data().toString() == QLatin1String("wallet-service")
                && model->index(row, AlertsModel::StateColumn).data().toString() == QLatin1String("firing"))
                return row;
        }
        return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(firingRow() >= 0, 90000);
    const int row = firingRow();
    QCOMPARE(alerts->model()->index(row, AlertsModel::SeverityColumn).data().toString(), QStringLiteral("warning"));
    QVERIFY(alerts->model()
                ->index(row, AlertsModel::SummaryColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("fail with 5xx")));
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
    // The filter narrows the alerts.
    alerts->proxy()->setFilterFixedString(QStringLiteral("no-such-service"));
    QCOMPARE(alerts->proxy()->rowCount(), 0);
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

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
