// The rollout dashboard against lucent-sandbox (over TLS, so that RBAC applies): one row per
// Service with what it serves, live and failed rollouts, a blue-green switch made with kubectl,
// the layout, switching environments, and stale rows when the cluster goes.

#include "dashboardtestbase.h"
#include "promotionfixture.h"
#include "scriptedserver.h"
#include "stallprobe.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/kube/kubeclient.h"
#include "core/kube/resourcecache.h"
#include "core/release/promotionengine.h"
#include "core/release/promotionplan.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/common/frozencolumntableview.h"
#include "ui/common/inlinebanner.h"
#include "ui/common/itemroles.h"
#include "ui/environment/environmentoverviewmodel.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/rollout/servicedetail.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTextLayout>
#include <QTreeWidget>
#include <QtTest>

using namespace Lucent::Core;
using Lucent::Tests::SandboxProcess;
using Lucent::Ui::ConfirmActionDialog;
using Lucent::Ui::EnvironmentOverviewModel;
using Lucent::Ui::RolloutDashboard;
using Lucent::Ui::ServiceDetail;
using Lucent::Ui::ServicesTableModel;
using Lucent::Ui::UsageHistoryRole;

class TestRolloutDashboard : public DashboardTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(startSandbox()); }
    void init() { makeDashboard(); }
    void cleanup() { dropDashboard(); }
    void listsServicesWithCorrectCounts();
    void rolloutIsSeenProgressingThenComplete();
    void crashRolloutShowsFailed();
    void blueGreenSwitchWithKubectlShowsAtTheWatchEvents();
    void serviceNameStaysInSightAndTabLeavesTheTable();
    void switchingEnvironmentsShowsOnlyTheNewRows();
    void mainWindowShowsEveryEnvironmentAndSwitches();
    void unreachableClusterShowsInTheBanner();
    void rowsGoStaleWhenTheClusterGoesAndRecover();
    void theSelectionStaysOnItsServiceThroughAStorm();
    void aPromotionUnderWayShowsItsStepInTheRowAndTheOverview();
    void anUnverifiedClusterIsWarnedAbout();
    void aHostileServerIsNamedAndTheWindowKeepsPainting();
    void podsShowCpuAndMemoryFromTheMetricsApi();
};

void TestRolloutDashboard::listsServicesWithCorrectCounts()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    for (const QString &name : m_project.environment(QStringLiteral("staging"))->services) {
        QTRY_COMPARE_WITH_TIMEOUT(cell(name, ServicesTableModel::StateColumn), QStringLiteral("Complete"), 30000);
        const QJsonObject d = deployment(QStringLiteral("lucent-staging"), name);
        const QJsonObject status = d[QLatin1String("status")].toObject();
        QTRY_COMPARE(cell(name, ServicesTableModel::ReadyColumn),
                     QStringLiteral("%1/%2")
                         .arg(status[QLatin1String("readyReplicas")].toInt())
                         .arg(d[QLatin1String("spec")][QLatin1String("replicas")].toInt()));
        QCOMPARE(cell(name, ServicesTableModel::AvailableColumn),
                 QString::number(status[QLatin1String("availableReplicas")].toInt()));
    }
    QCOMPARE(cell(QStringLiteral("user-service"), ServicesTableModel::VersionColumn), QStringLiteral("1.4.2"));
    QCOMPARE(desired(QStringLiteral("user-service")), QStringLiteral("3"));

    // The filter narrows the rows; sorting by Ready sorts numbers as numbers.
    m_dashboard->findChild<QLineEdit *>(QStringLiteral("serviceFilter"))->setText(QStringLiteral("wallet"));
    QCOMPARE(m_dashboard->proxy()->rowCount(), 1);
    m_dashboard->findChild<QLineEdit *>(QStringLiteral("serviceFilter"))->clear();
    m_dashboard->proxy()->sort(ServicesTableModel::ReadyColumn, Qt::DescendingOrder);
    int previous = 1000;
    for (int row = 0; row < m_dashboard->proxy()->rowCount(); ++row) {
        const QModelIndex index = m_dashboard->proxy()->index(row, ServicesTableModel::ReadyColumn);
        const int ready = index.data(Lucent::Ui::SortRole).toInt();
        QCOMPARE(ready, index.data().toString().section(QLatin1Char('/'), 0, 0).toInt());
        QVERIFY(ready <= previous);
        previous = ready;
    }
}

void TestRolloutDashboard::rolloutIsSeenProgressingThenComplete()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("user-service"), ServicesTableModel::StateColumn),
                              QStringLiteral("Complete"), 30000);
    QStringList states;
    connect(m_dashboard->model(), &QAbstractItemModel::dataChanged, this, [&] {
        const QString state = cell(QStringLiteral("user-service"), ServicesTableModel::StateColumn);
        if (states.isEmpty() || states.constLast() != state)
            states.append(state);
    });
    const auto r = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "set", "image", "deploy/user-service", "user-service=lucent/user-service:1.5.0"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_VERIFY_WITH_TIMEOUT(states.contains(QStringLiteral("Progressing")), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("user-service"), ServicesTableModel::StateColumn),
                              QStringLiteral("Complete"), 60000);
    QCOMPARE(cell(QStringLiteral("user-service"), ServicesTableModel::VersionColumn), QStringLiteral("1.5.0"));
    QCOMPARE(states.constLast(), QStringLiteral("Complete"));
}

void TestRolloutDashboard::crashRolloutShowsFailed()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    // Once the Endpoints and their pods are in: one plain version serves ("unknown" before).
    const QRegularExpression plainVersion(QStringLiteral("^\\d+\\.\\d+\\.\\d+$"));
    QTRY_VERIFY_WITH_TIMEOUT(
        plainVersion.match(cell(QStringLiteral("task-service"), ServicesTableModel::VersionColumn)).hasMatch(), 20000);
    const QString serving = cell(QStringLiteral("task-service"), ServicesTableModel::VersionColumn);
    // The overview of every environment says what serves, too.
    EnvironmentOverviewModel overview;
    overview.setEnvironments(m_kubeconfig, {*m_project.environment(QStringLiteral("staging"))});
    const auto overviewVersions
        = [&overview] { return overview.index(0).data(EnvironmentOverviewModel::VersionsRole).toStringList(); };
    QTRY_VERIFY_WITH_TIMEOUT(overviewVersions().contains(QStringLiteral("task-service ") + serving), 20000);

    const auto r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "set", "image", "deploy/task-service",
                                                          "task-service=lucent/task-service:1.0.8-crash"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("task-service"), ServicesTableModel::StateColumn),
                              QStringLiteral("Failed"), 60000);
    // The old pods still take the traffic: the row shows them, and where the rollout heads.
    QCOMPARE(cell(QStringLiteral("task-service"), ServicesTableModel::VersionColumn),
             serving + QStringLiteral(" → 1.0.8-crash"));
    QVERIFY(overviewVersions().contains(QStringLiteral("task-service ") + serving));
    const int row = m_dashboard->model()->rowOf(QStringLiteral("task-service"));
    QVERIFY(m_dashboard->model()
                ->index(row, ServicesTableModel::StateColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("progress")));
    QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("task-service"), ServicesTableModel::RestartsColumn).toInt() > 0,
                             30000);
    // The detail's pods say what kubectl get pods says, not the phase; events have age and count.
    select(QStringLiteral("task-service"));
    auto *pods = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("podsView"));
    auto anyPod = [pods](const QString &status) {
        for (int i = 0; i < pods->topLevelItemCount(); ++i) {
            if (pods->topLevelItem(i)->text(1) == status)
                return pods->topLevelItem(i);
        }
        return static_cast<QTreeWidgetItem *>(nullptr);
    };
    QTRY_VERIFY_WITH_TIMEOUT(anyPod(QStringLiteral("CrashLoopBackOff")), 30000);
    QTreeWidgetItem *crashing = anyPod(QStringLiteral("CrashLoopBackOff"));
    QVERIFY(crashing->toolTip(1).contains(QStringLiteral("the phase is Running")));
    auto *events = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("eventsView"));
    QCOMPARE(events->headerItem()->text(3), QStringLiteral("Age"));
    QCOMPARE(events->headerItem()->text(4), QStringLiteral("Count"));
    QTRY_VERIFY_WITH_TIMEOUT(events->topLevelItemCount() > 2, 20000);
    for (int i = 0; i < events->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *event = events->topLevelItem(i);
        if (event->text(0) != QLatin1String("Condition"))
            QVERIFY2(event->text(4).toInt() >= 1 && !event->text(3).isEmpty(), qPrintable(event->text(2)));
    }
}

// A blue-green switch made behind the console's back, the way the seed's script makes it:
// kubectl creates the green Deployment and repoints the Service's selector. The row follows
// the selector, not a Deployment's name, and shows the switch at the watch events that bring
// it (the Service's, then its Endpoints'): no poll, no timer between the events and the row.
void TestRolloutDashboard::blueGreenSwitchWithKubectlShowsAtTheWatchEvents()
{
    const QString ns = QStringLiteral("lucent-staging");
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    const QString service = QStringLiteral("wallet-service");
    QTRY_COMPARE_WITH_TIMEOUT(cell(service, ServicesTableModel::VersionColumn), QStringLiteral("2.1.0"), 20000);
    QCOMPARE(cell(service, ServicesTableModel::ColourColumn), QStringLiteral("blue"));
    QCOMPARE(cell(service, ServicesTableModel::StandbyColumn), QString());

    // The green Deployment: blue's, with another name, colour and image.
    QJsonObject green = deployment(ns, service);
    const int replicas = green[QLatin1String("spec")][QLatin1String("replicas")].toInt();
    QVERIFY(replicas > 0);
    QJsonObject meta = green[QLatin1String("metadata")].toObject();
    for (const char *field :
         {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "annotations"})
        meta.remove(QLatin1String(field));
    meta.insert(QStringLiteral("name"), QString(service + QStringLiteral("-green")));
    QJsonObject metaLabels = meta[QLatin1String("labels")].toObject();
    metaLabels.insert(QStringLiteral("color"), QStringLiteral("green"));
    meta.insert(QStringLiteral("labels"), metaLabels);
    green.insert(QStringLiteral("metadata"), meta);
    green.remove(QStringLiteral("status"));
    QByteArray text = QJsonDocument(green).toJson();
    text.replace("\"color\": \"blue\"", "\"color\": \"green\"");
    text.replace("wallet-service:2.1.0", "wallet-service:2.2.0");
    auto r = m_sandbox.kubectl(Lucent::Tests::args({"create", "-f", "-"}), 60000, text);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_COMPARE_WITH_TIMEOUT(cell(service, ServicesTableModel::StandbyColumn),
                              QStringLiteral("green 2.2.0 (%1/%1)").arg(replicas), 30000);
    QCOMPARE(cell(service, ServicesTableModel::VersionColumn), QStringLiteral("2.1.0")); // blue still serves

    // What the row shows at each Services and Endpoints event of the service, read by slots
    // connected after the model's: the model has handled the event by then. The selector's
    // change switches the colour; the Endpoints' change, made for it, brings the version.
    Kube::ResourceCache *services = m_session->services();
    Kube::ResourceCache *endpoints = m_session->endpoints();
    const int serviceLists = services->listCount();
    const int endpointsLists = endpoints->listCount();
    QString colourAtTheSwitch; // at the Services event with the green selector
    QStringList shownAtEvents; // "colour version" after each event of the service
    QObject listener; // the connections end with this function, however it ends
    const auto shown = [&]() -> QString {
        return cell(service, ServicesTableModel::ColourColumn) + QLatin1Char(' ')
            + cell(service, ServicesTableModel::VersionColumn);
    };
    connect(services, &Kube::ResourceCache::updated, &listener, [&](const QJsonObject &, const QJsonObject &current) {
        if (current[QLatin1String("metadata")][QLatin1String("name")].toString() != service)
            return;
        if (colourAtTheSwitch.isEmpty() && Lucent::Tests::selectorColour(current) == QLatin1String("green"))
            colourAtTheSwitch = cell(service, ServicesTableModel::ColourColumn);
        shownAtEvents.append(shown());
    });
    connect(endpoints, &Kube::ResourceCache::updated, &listener, [&](const QJsonObject &, const QJsonObject &current) {
        if (current[QLatin1String("metadata")][QLatin1String("name")].toString() == service)
            shownAtEvents.append(shown());
    });
    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "patch", "service", "wallet-service", "-p",
                                               R"({"spec":{"selector":{"color":"green"}}})"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QElapsedTimer sinceSwitch;
    sinceSwitch.start();
    QTRY_VERIFY_WITH_TIMEOUT(cell(service, ServicesTableModel::ColourColumn) == QLatin1String("green")
                                 && cell(service, ServicesTableModel::VersionColumn) == QLatin1String("2.2.0"),
                             20000);
    qInfo("the row showed green 2.2.0 %lld ms after kubectl returned", sinceSwitch.elapsed());
    // Shown at the events themselves, which came by the watches (no list since): no poll or
    // timer of the console's stands between the cluster's change and the row.
    QCOMPARE(colourAtTheSwitch, QStringLiteral("green"));
    QVERIFY2(shownAtEvents.contains(QStringLiteral("green 2.2.0")),
             qPrintable(shownAtEvents.join(QStringLiteral(", "))));
    QCOMPARE(services->listCount(), serviceLists);
    QCOMPARE(endpoints->listCount(), endpointsLists);
    QCOMPARE(cell(service, ServicesTableModel::StandbyColumn), QStringLiteral("blue 2.1.0 (%1/%1)").arg(replicas));
    // The row's actions now act on the green Deployment.
    const int row = m_dashboard->model()->rowOf(service);
    QCOMPARE(m_dashboard->model()->index(row, 0).data(ServicesTableModel::DeploymentRole).toString(),
             service + QStringLiteral("-green"));

    // Back to blue, and the green Deployment goes: the row is as it was.
    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "patch", "service", "wallet-service", "-p",
                                               R"({"spec":{"selector":{"color":"blue"}}})"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "delete", "deploy", "wallet-service-green"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_COMPARE_WITH_TIMEOUT(cell(service, ServicesTableModel::StandbyColumn), QString(), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(service, ServicesTableModel::VersionColumn), QStringLiteral("2.1.0"), 20000);
    QCOMPARE(cell(service, ServicesTableModel::ColourColumn), QStringLiteral("blue"));
}

// Issue 15's layout: the common columns fit beside the environments on a 1280-pixel screen,
// the service's name stays in sight when a narrow window scrolls sideways, and Tab moves to
// the next widget instead of through every cell.
void TestRolloutDashboard::serviceNameStaysInSightAndTabLeavesTheTable()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    auto *view = m_dashboard->findChild<Lucent::Ui::FrozenColumnTableView *>(QStringLiteral("servicesView"));
    QVERIFY(view);
    // The main window gives the dashboard 1280 minus the environments' list (about 290 px).
    m_dashboard->resize(1280 - 290, 700);
    QTRY_COMPARE_WITH_TIMEOUT(view->horizontalScrollBar()->maximum(), 0, 5000);

    m_dashboard->resize(640, 600);
    QTRY_VERIFY_WITH_TIMEOUT(view->horizontalScrollBar()->maximum() > 0, 5000);
    view->horizontalScrollBar()->setValue(view->horizontalScrollBar()->maximum());
    QVERIFY(view->columnViewportPosition(ServicesTableModel::ServiceColumn) < 0); // scrolled away underneath
    QTableView *frozen = view->frozenView();
    QVERIFY(frozen->isVisible());
    QCOMPARE(frozen->columnWidth(0), view->columnWidth(0));
    const QModelIndex first = view->model()->index(0, 0);
    const QModelIndex shown = frozen->indexAt(QPoint(4, frozen->rowViewportPosition(0) + 4));
    QCOMPARE(shown.data().toString(), first.data().toString());
    QVERIFY(!first.data().toString().isEmpty());

    QApplication::setActiveWindow(m_dashboard.get());
    QVERIFY(QTest::qWaitForWindowActive(m_dashboard.get()));
    view->setFocus();
    view->setCurrentIndex(view->model()->index(0, ServicesTableModel::VersionColumn));
    QTRY_VERIFY_WITH_TIMEOUT(view->hasFocus(), 5000);
    QTest::keyClick(view, Qt::Key_Down); // arrows move within the table
    QCOMPARE(view->currentIndex().row(), 1);
    QTest::keyClick(view, Qt::Key_Tab); // Tab leaves it
    QTRY_VERIFY_WITH_TIMEOUT(!view->hasFocus(), 5000);
    QCOMPARE(view->currentIndex().row(), 1);
}

void TestRolloutDashboard::switchingEnvironmentsShowsOnlyTheNewRows()
{
    auto r
        = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "scale", "deploy/frontend", "--replicas=4"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(desired(QStringLiteral("frontend")), QStringLiteral("4"), 20000);

    QSignalSpy reset(m_dashboard->model(), &QAbstractItemModel::modelReset);
    openSession(QStringLiteral("production"));
    QVERIFY(!reset.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(desired(QStringLiteral("frontend")), QStringLiteral("2"), 20000);
    // The old environment's changes never reach the new table.
    // An observer of staging proves the change was delivered to watchers before the table is
    // checked: no fixed wait stands in for it.
    Environment::EnvironmentSession observer(*m_project.environment(QStringLiteral("staging")), m_kubeconfig,
                                             Environment::EnvironmentSession::Scope::Serving);
    observer.start();
    QTRY_COMPARE_WITH_TIMEOUT(observer.state(), Environment::EnvironmentSession::State::Connected, 20000);
    QSignalSpy changed(m_dashboard->model(), &QAbstractItemModel::dataChanged);
    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "scale", "deploy/frontend", "--replicas=5"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QTRY_COMPARE_WITH_TIMEOUT(observer.deployments()
                                  ->object(QStringLiteral("lucent-staging"), QStringLiteral("frontend"))
                                  .value(QLatin1String("spec"))
                                  .toObject()
                                  .value(QLatin1String("replicas"))
                                  .toInt(),
                              5, 20000);
    QCOMPARE(desired(QStringLiteral("frontend")), QStringLiteral("2"));
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const QModelIndex index = args.at(0).toModelIndex();
        QVERIFY(m_dashboard->model()->index(index.row(), 0).data().toString() != QStringLiteral("frontend")
                || desired(QStringLiteral("frontend")) == QStringLiteral("2"));
    }
}

void TestRolloutDashboard::mainWindowShowsEveryEnvironmentAndSwitches()
{
    m_dashboard.reset();
    Lucent::Ui::MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    auto *overview = window.findChild<QListView *>(QStringLiteral("environmentOverview"));
    QVERIFY(overview);
    new QAbstractItemModelTester(overview->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &window);
    QSignalSpy first(&window, &Lucent::Ui::MainWindow::firstDataArrived);
    window.show();
    QTRY_COMPARE_WITH_TIMEOUT(first.size(), 1, 20000);
    QCOMPARE(window.currentEnvironment(), QStringLiteral("staging")); // the kubeconfig's current context
    QAbstractItemModel *model = overview->model();
    QCOMPARE(model->rowCount(), 2);
    for (int row = 0; row < 2; ++row) {
        const QModelIndex index = model->index(row, 0);
        QTRY_COMPARE_WITH_TIMEOUT(index.data(EnvironmentOverviewModel::StateRole).toInt(),
                                  int(Environment::EnvironmentSession::State::Connected), 20000);
        const int total = index.data(EnvironmentOverviewModel::HealthyRole).toInt()
            + index.data(EnvironmentOverviewModel::ProgressingRole).toInt()
            + index.data(EnvironmentOverviewModel::DegradedRole).toInt();
        QCOMPARE(total, 8);
        QCOMPARE(index.data(EnvironmentOverviewModel::VersionsRole).toStringList().size(), 8);
    }
    QVERIFY(model->index(1, 0).data(EnvironmentOverviewModel::ProtectedRole).toBool());
    // production still runs user-service 1.4.2, whatever staging runs. On a sandbox just
    // started, its pods become ready (and so serve a version) some seconds after the lists.
    const auto productionVersions
        = [model] { return model->index(1, 0).data(EnvironmentOverviewModel::VersionsRole).toStringList(); };
    QTRY_VERIFY2_WITH_TIMEOUT(productionVersions().contains(QStringLiteral("user-service 1.4.2")),
                              qPrintable(productionVersions().join(QStringLiteral(", "))), 30000);

    auto *selector = window.findChild<QComboBox *>(QStringLiteral("environmentSelector"));
    QCOMPARE(selector->count(), 2);
    Q_EMIT selector->activated(selector->findData(QStringLiteral("production")));
    QCOMPARE(window.currentEnvironment(), QStringLiteral("production"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("production")));
    auto *dashboard = window.findChild<RolloutDashboard *>();
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->model()->rowCount(), 8, 20000);
    QCOMPARE(dashboard->model()->session()->environment().namespaceName, QStringLiteral("lucent-platform"));
}

void TestRolloutDashboard::unreachableClusterShowsInTheBanner()
{
    Kube::Kubeconfig config = m_kubeconfig;
    for (Kube::KubeconfigCluster &cluster : config.clusters)
        cluster.server = QStringLiteral("https://127.0.0.1:9"); // nothing listens there
    m_session = std::make_unique<Environment::EnvironmentSession>(
        *m_project.environment(QStringLiteral("staging")), config, Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(m_session.get());
    m_session->start();
    auto *banner = m_dashboard->findChild<QWidget *>(QStringLiteral("inlineBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30000);
    QCOMPARE(m_session->state(), Environment::EnvironmentSession::State::Unreachable);
    QVERIFY2(m_session->problem().contains(QStringLiteral("refused the connection")), qPrintable(m_session->problem()));
    const auto labels = banner->findChildren<QLabel *>();
    const bool shown = std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->text().contains(QStringLiteral("refused the connection"));
    });
    QVERIFY(shown);
    QCOMPARE(m_dashboard->model()->rowCount(), 0);
}

// With the API server gone, the table keeps its rows but marks them: greyed, the state "as of"
// the moment it was lost, and every action disabled. A restarted server brings them back.
void TestRolloutDashboard::rowsGoStaleWhenTheClusterGoesAndRecover()
{
    SandboxProcess own{{QStringLiteral("--speed"), QStringLiteral("20")}}; // plain HTTP: restarts keep access
    QVERIFY2(own.start(), qPrintable(own.error()));
    const auto project = Environment::ProjectConfig::load(own.projectFile());
    Environment::EnvironmentSession session(*project.environment(QStringLiteral("staging")),
                                            Kube::Kubeconfig::load({own.kubeconfig()}, true),
                                            Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(&session);
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("frontend"));
    auto *restart = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionRestart"));
    QTRY_VERIFY_WITH_TIMEOUT(restart->isEnabled(), 20000);
    const int row = m_dashboard->model()->rowOf(QStringLiteral("frontend"));
    auto stateCell = [this, row] { return m_dashboard->model()->index(row, ServicesTableModel::StateColumn); };
    QVERIFY(!stateCell().data(ServicesTableModel::StaleRole).toBool());

    QVERIFY2(own.stop(), qPrintable(own.error()));
    QTRY_VERIFY_WITH_TIMEOUT(stateCell().data(ServicesTableModel::StaleRole).toBool(), 30000);
    QVERIFY2(stateCell().data().toString().contains(QStringLiteral("(as of ")),
             qPrintable(stateCell().data().toString()));
    QVERIFY(stateCell().data(Qt::ToolTipRole).toString().contains(QStringLiteral("the cluster cannot be reached")));
    QCOMPARE(stateCell().data(Qt::ForegroundRole).value<QBrush>().color(), QColor(0x8a, 0x8a, 0x8a));
    QCOMPARE(m_dashboard->model()->rowCount(), 8); // kept, not emptied
    for (const char *name : {"actionRestart", "actionScale", "actionPause", "actionUndo"})
        QVERIFY2(!m_dashboard->findChild<QPushButton *>(QString::fromLatin1(name))->isEnabled(), name);

    QVERIFY2(own.restart(), qPrintable(own.error()));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_dashboard->model()->rowOf(QStringLiteral("frontend")) >= 0
            && !m_dashboard->model()
                    ->index(m_dashboard->model()->rowOf(QStringLiteral("frontend")), ServicesTableModel::StateColumn)
                    .data(ServicesTableModel::StaleRole)
                    .toBool(),
        60000);
    select(QStringLiteral("frontend"));
    QTRY_VERIFY_WITH_TIMEOUT(restart->isEnabled(), 20000);
    m_dashboard->setSession(nullptr);
}

// The selection is the user's. Through a Deployment listed after its Service, re-sorts, a
// scale of every service, edits, a neighbour deleted and created anew, and a restart of the
// API server (a relist of everything), the table and the detail stay on the Service the user
// chose; a Service that goes and comes back is chosen again, and nothing stands in meanwhile.
void TestRolloutDashboard::theSelectionStaysOnItsServiceThroughAStorm()
{
    SandboxProcess own{{QStringLiteral("--speed"), QStringLiteral("20")}}; // plain HTTP: restarts keep access
    QVERIFY2(own.start(), qPrintable(own.error()));
    const auto kubectl = [&own](const QStringList &arguments, const QByteArray &input = {}) {
        const auto result = own.kubectl(QStringList{QStringLiteral("-n"), QStringLiteral("lucent-staging")} + arguments,
                                        60000, input);
        if (result.exitCode != 0)
            qWarning("kubectl %s: %s", qPrintable(arguments.join(QLatin1Char(' '))), qPrintable(result.errText()));
        return result.exitCode == 0 ? result.out : QByteArray();
    };
    const auto saved = [&](const char *kind, const char *name) {
        QJsonObject object
            = QJsonDocument::fromJson(kubectl(Lucent::Tests::args({"get", kind, name, "-o", "json"}))).object();
        QJsonObject meta = object[QLatin1String("metadata")].toObject();
        for (const char *field : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"})
            meta.remove(QLatin1String(field));
        object.insert(QStringLiteral("metadata"), meta);
        object.remove(QStringLiteral("status"));
        return QJsonDocument(object).toJson();
    };
    const QByteArray userDeployment = saved("deployment", "user-service");
    QVERIFY(!userDeployment.isEmpty());
    QVERIFY(!kubectl(Lucent::Tests::args({"delete", "deployment", "user-service", "--wait=false"})).isEmpty());

    const auto project = Environment::ProjectConfig::load(own.projectFile());
    Environment::EnvironmentSession session(*project.environment(QStringLiteral("staging")),
                                            Kube::Kubeconfig::load({own.kubeconfig()}, true),
                                            Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(&session);
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(session.deployments()->isSynced(), 20000);
    auto *view = m_dashboard->findChild<QTableView *>(QStringLiteral("servicesView"));
    auto *title = m_dashboard->findChild<QLabel *>(QStringLiteral("serviceDetailTitle"));
    QVERIFY(view && title);
    const QString chosen = QStringLiteral("user-service");
    select(chosen);
    QCOMPARE(m_dashboard->currentService(), chosen);
    // Chosen while no Deployment of it is known: the detail says so, and follows it once it is.
    QTRY_VERIFY2_WITH_TIMEOUT(title->text().contains(QStringLiteral("no Deployment")), qPrintable(title->text()),
                              20000);
    const QString shown = QStringLiteral("<b>user-service</b> in lucent-staging");

    // From here on, every change of the table or the cursor is checked on the spot.
    QStringList violations;
    int resorts = 0;
    const auto check = [&](const char *event) {
        if (m_dashboard->currentService() != chosen && violations.size() < 10)
            violations.append(QStringLiteral("after %1 the current service was \"%2\"")
                                  .arg(QLatin1String(event), m_dashboard->currentService()));
    };
    QAbstractItemModel *proxy = m_dashboard->proxy();
    QObject guard; // the connections end with the storm
    connect(proxy, &QAbstractItemModel::layoutChanged, &guard, [&] {
        ++resorts;
        check("a re-sort");
    });
    connect(proxy, &QAbstractItemModel::rowsInserted, &guard, [&] { check("an insertion"); });
    connect(proxy, &QAbstractItemModel::rowsRemoved, &guard, [&] { check("a removal"); });
    connect(proxy, &QAbstractItemModel::modelReset, &guard, [&] { check("a reset"); });
    connect(proxy, &QAbstractItemModel::dataChanged, &guard, [&] { check("an update"); });
    connect(view->selectionModel(), &QItemSelectionModel::currentChanged, &guard, [&] { check("a cursor move"); });
    const auto readyCells = [this](const QString &wanted) {
        for (int row = 0; row < m_dashboard->model()->rowCount(); ++row) {
            const QString ready = m_dashboard->model()->index(row, ServicesTableModel::ReadyColumn).data().toString();
            if (!ready.isEmpty() && ready != wanted)
                return false;
        }
        return true;
    };

    QVERIFY(!kubectl({QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")}, userDeployment).isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(title->text().contains(shown), qPrintable(title->text()), 20000);

    // Sorted by Ready, most first: scaling the chosen service to the top and the bottom moves it.
    view->sortByColumn(ServicesTableModel::ReadyColumn, Qt::DescendingOrder);
    for (const char *replicas : {"--replicas=6", "--replicas=0"}) {
        QVERIFY(!kubectl(Lucent::Tests::args({"scale", "deployment", "user-service", replicas})).isEmpty());
        const QString ready = QStringLiteral("%1/%1").arg(QString::fromLatin1(replicas).section(QLatin1Char('='), 1));
        QTRY_COMPARE_WITH_TIMEOUT(cell(chosen, ServicesTableModel::ReadyColumn), ready, 30000);
    }
    QVERIFY2(resorts >= 2, qPrintable(QString::number(resorts)));
    // Every service scaled, twice: every row changes, over and over.
    for (const char *replicas : {"--replicas=1", "--replicas=2"}) {
        QVERIFY(!kubectl(Lucent::Tests::args({"scale", "deployment", "--all", replicas})).isEmpty());
        const QString ready = QStringLiteral("%1/%1").arg(QString::fromLatin1(replicas).section(QLatin1Char('='), 1));
        QTRY_VERIFY2_WITH_TIMEOUT(readyCells(ready), replicas, 60000);
    }
    // Edits of every Service and Deployment, and a new version of the chosen one.
    QVERIFY(!kubectl(Lucent::Tests::args({"annotate", "service", "--all", "storm=1", "--overwrite"})).isEmpty());
    QVERIFY(!kubectl(Lucent::Tests::args({"label", "deployment", "--all", "storm=1", "--overwrite"})).isEmpty());
    QVERIFY(!kubectl(Lucent::Tests::args(
                         {"set", "image", "deployment/user-service", "user-service=lucent/user-service:1.5.0"}))
                 .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(cell(chosen, ServicesTableModel::VersionColumn), QStringLiteral("1.5.0"), 30000);
    // A neighbour deleted and created anew: its row goes and comes back.
    const QByteArray frontend = saved("service", "frontend");
    QVERIFY(!kubectl(Lucent::Tests::args({"delete", "service", "frontend"})).isEmpty());
    QVERIFY(!kubectl({QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")}, frontend).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->model()->rowOf(QStringLiteral("frontend")) >= 0, 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(title->text().contains(shown), qPrintable(title->text()), 20000);
    // The API server restarts with its seed: every cache lists again and every row changes.
    const int lists = session.services()->listCount();
    QVERIFY2(own.restart(), qPrintable(own.error()));
    QTRY_VERIFY_WITH_TIMEOUT(session.services()->listCount() > lists
                                 && session.state() == Environment::EnvironmentSession::State::Connected,
                             60000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(chosen, ServicesTableModel::VersionColumn), QStringLiteral("1.4.2"), 30000);
    QTRY_VERIFY2_WITH_TIMEOUT(title->text().contains(shown), qPrintable(title->text()), 20000);
    auto *revisions = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("revisionsView"));
    QTRY_VERIFY_WITH_TIMEOUT(revisions->topLevelItemCount() >= 1, 20000);
    guard.disconnect();
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(QStringLiteral("; "))));
    QCOMPARE(m_dashboard->currentService(), chosen);

    // The chosen Service itself goes: no neighbour stands in for it. It comes back: chosen again.
    const QByteArray userService = saved("service", "user-service");
    QVERIFY(!kubectl(Lucent::Tests::args({"delete", "service", "user-service"})).isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->model()->rowOf(chosen) < 0, 20000);
    QCOMPARE(m_dashboard->currentService(), QString());
    QVERIFY2(title->text().startsWith(QStringLiteral("Select a service")), qPrintable(title->text()));
    QVERIFY(!kubectl({QStringLiteral("create"), QStringLiteral("-f"), QStringLiteral("-")}, userService).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->currentService(), chosen, 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(title->text().contains(shown), qPrintable(title->text()), 20000);
    m_dashboard->setSession(nullptr);
}

// The service detail's pods carry CPU (with a sparkline of its history) and memory (a bar
// against the limit when there is one) from metrics.k8s.io, refreshed every window.
void TestRolloutDashboard::podsShowCpuAndMemoryFromTheMetricsApi()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("wallet-service"), ServicesTableModel::StateColumn),
                              QStringLiteral("Complete"), 30000);
    select(QStringLiteral("wallet-service"));
    auto *pods = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("podsView"));
    QVERIFY(pods);
    QCOMPARE(pods->headerItem()->text(ServiceDetail::CpuColumn), QStringLiteral("CPU"));
    QCOMPARE(pods->headerItem()->text(ServiceDetail::MemoryColumn), QStringLiteral("Memory"));
    if (auto *tabs = m_dashboard->findChild<QTabWidget *>(QStringLiteral("serviceDetailTabs")))
        tabs->setCurrentWidget(pods);
    static const QRegularExpression cpu(QStringLiteral("^[1-9][0-9]*m$")), memory(QStringLiteral("^[1-9][0-9]* Mi$"));
    // Two samples (metrics-server's windows are 15 s apart) make a line.
    const auto measured = [&] {
        if (pods->topLevelItemCount() == 0)
            return false;
        for (int i = 0; i < pods->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *pod = pods->topLevelItem(i);
            if (pod->text(1) != QLatin1String("Running"))
                continue;
            if (!cpu.match(pod->text(ServiceDetail::CpuColumn)).hasMatch()
                || !memory.match(pod->text(ServiceDetail::MemoryColumn)).hasMatch()
                || pod->data(ServiceDetail::CpuColumn, UsageHistoryRole).toList().size() < 2)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(measured(), 40000);
    const QTreeWidgetItem *first = pods->topLevelItem(0);
    QVERIFY2(first->toolTip(ServiceDetail::MemoryColumn).contains(QLatin1String("limit")),
             qPrintable(first->toolTip(ServiceDetail::MemoryColumn)));
    if (const QString shots = qEnvironmentVariable("LUCENT_SCREENSHOT_DIR"); !shots.isEmpty())
        QVERIFY(m_dashboard->grab().save(shots + QStringLiteral("/service-pods-usage.png")));
}

QTEST_MAIN(TestRolloutDashboard)
// A promotion under way (here the engine itself, as the wizard or the CLI of a teammate would
// run it): its step appears in its services' rows and in the environment's overview, read from
// the cluster's promotion Lease, and goes when it ends.
void TestRolloutDashboard::aPromotionUnderWayShowsItsStepInTheRowAndTheOverview()
{
    auto *session = openSession(QStringLiteral("staging"));
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->model()->rowOf(QStringLiteral("portfolio-service")) >= 0, 20000);
    EnvironmentOverviewModel overview;
    overview.setEnvironments(m_kubeconfig, {*m_project.environment(QStringLiteral("staging"))});
    const auto overviewPromotion
        = [&overview] { return overview.index(0).data(EnvironmentOverviewModel::PromotionRole).toString(); };
    QList<QJsonObject> services, deployments;
    for (auto [resource, list] : {std::pair{"services", &services}, std::pair{"deployments", &deployments}}) {
        const auto r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", resource, "-o", "json"}));
        for (const auto &item : r.json()[QLatin1String("items")].toArray())
            list->append(item.toObject());
    }
    const auto plan = Lucent::Core::Release::planPromotion(
        {QStringLiteral("p-dashboard"),
         QStringLiteral("staging"),
         QStringLiteral("lucent-staging"),
         {{QStringLiteral("portfolio-service"), QStringLiteral("lucent/portfolio-service:3.0.0"), {}}}},
        services, deployments);
    QVERIFY2(plan.isValid(), qPrintable(plan.problems.join(QLatin1Char(' '))));
    Lucent::Core::Kube::KubeClient client(session->client()->connection());
    Lucent::Core::Release::PromotionOptions options;
    options.identity = QStringLiteral("lucent-admin@ws-3");
    options.monitorSeconds = 120; // held in the monitor window until aborted
    options.pollMs = 200;
    Lucent::Core::Release::PromotionEngine engine(&client, plan, options);
    QSignalSpy finished(&engine, &Lucent::Core::Release::PromotionEngine::finished);
    connect(&engine, &Lucent::Core::Release::PromotionEngine::progress, &engine,
            [](const QString &line) { qInfo("  %s", qPrintable(line)); });
    QVERIFY(Lucent::Tests::rolledOut(m_sandbox, QStringLiteral("lucent-staging"), QStringLiteral("portfolio-service")));
    engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("portfolio-service"), ServicesTableModel::PromotionColumn),
                              QStringLiteral("monitor"), 60000);
    QVERIFY(!m_dashboard->findChild<QTableView *>()->isColumnHidden(ServicesTableModel::PromotionColumn));
    QCOMPARE(cell(QStringLiteral("wallet-service"), ServicesTableModel::PromotionColumn), QString()); // not in it
    QTRY_COMPARE_WITH_TIMEOUT(overviewPromotion(), QStringLiteral("monitor"), 20000);
    QVERIFY(overview.index(0).data().toString().contains(QStringLiteral("promotion: monitor")));
    engine.abort(QStringLiteral("Aborted by the test."));
    QVERIFY(finished.wait(60000));
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("portfolio-service"), ServicesTableModel::PromotionColumn), QString(),
                              20000);
    QTRY_COMPARE_WITH_TIMEOUT(overviewPromotion(), QString(), 20000);
    QTRY_VERIFY(m_dashboard->findChild<QTableView *>()->isColumnHidden(ServicesTableModel::PromotionColumn));
}

// A kubeconfig that switches TLS verification off for staging's cluster (and only staging's):
// the console still connects, as kubectl would, and says so in the overview card and in a
// warning that stays above the dashboard while staging is shown.
void TestRolloutDashboard::anUnverifiedClusterIsWarnedAbout()
{
    Kube::Kubeconfig config = m_kubeconfig;
    Kube::KubeconfigCluster insecure = config.clusters.constFirst();
    insecure.name = QStringLiteral("lucent-sandbox-insecure");
    insecure.insecureSkipTlsVerify = true;
    insecure.hasCertificateAuthority = false;
    insecure.certificateAuthorityData.clear();
    insecure.certificateAuthorityFile.clear();
    config.clusters.append(insecure);
    for (Kube::KubeconfigContext &context : config.contexts) {
        if (context.name == QLatin1String("staging"))
            context.cluster = insecure.name;
    }

    EnvironmentOverviewModel overview;
    new QAbstractItemModelTester(&overview, QAbstractItemModelTester::FailureReportingMode::QtTest, &overview);
    overview.setEnvironments(config, m_project.environments);
    const QModelIndex staging = overview.index(overview.rowOf(QStringLiteral("staging")));
    const QModelIndex production = overview.index(overview.rowOf(QStringLiteral("production")));
    QVERIFY(staging.data().toString().contains(QStringLiteral("TLS not verified")));
    QVERIFY(staging.data(Qt::ToolTipRole).toString().contains(QStringLiteral("insecure-skip-tls-verify")));
    QVERIFY(!production.data().toString().contains(QStringLiteral("TLS")));

    m_session = std::make_unique<Environment::EnvironmentSession>(
        *m_project.environment(QStringLiteral("staging")), config, Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(m_session.get());
    m_session->start();
    QVERIFY2(m_dashboard->tlsWarningText().startsWith(QStringLiteral("TLS verification is off for staging")),
             qPrintable(m_dashboard->tlsWarningText()));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000); // connected all the same
    QVERIFY(!m_dashboard->tlsWarningText().isEmpty()); // and the warning stays
    if (const QString shots = qEnvironmentVariable("LUCENT_SCREENSHOT_DIR"); !shots.isEmpty())
        QVERIFY(m_dashboard->grab().save(shots + QStringLiteral("/dashboard-tls-warning.png")));

    auto verified
        = std::make_unique<Environment::EnvironmentSession>(*m_project.environment(QStringLiteral("production")),
                                                            config, Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(verified.get());
    QVERIFY(m_dashboard->tlsWarningText().isEmpty());
    m_dashboard->setSession(nullptr);
}

// The dashboard on a "cluster" that answers every request with 100 MB (tst_hostileserver plays
// the other hostile cases against the client): the banner says what happened, and the event
// loop, the window's, never stalls for a second while the answers come and are dropped.
void TestRolloutDashboard::aHostileServerIsNamedAndTheWindowKeepsPainting()
{
    Lucent::Tests::ScriptedServer server;
    server.whenScriptEnds.custom = [](QTcpSocket *socket) {
        constexpr qint64 Size = qint64(100) << 20;
        Lucent::Tests::ScriptedServer::writeHeaders(socket, "Content-Length: " + QByteArray::number(Size) + "\r\n");
        Lucent::Tests::ScriptedServer::writeEndlessly(socket, QByteArray(1 << 20, ' '), Size);
    };
    const Kube::Kubeconfig config = Kube::Kubeconfig::parse(
        "clusters:\n- name: hostile\n  cluster: {server: '" + server.url().toString().toUtf8()
            + "'}\ncontexts:\n- name: staging\n  context: {cluster: hostile, namespace: lucent-staging}\n",
        QStringLiteral("hostile.yaml"));
    QVERIFY(config.problems.isEmpty());
    m_session = std::make_unique<Environment::EnvironmentSession>(
        *m_project.environment(QStringLiteral("staging")), config, Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(m_session.get());
    Lucent::Tests::StallProbe probe(20);
    probe.start();
    m_session->start();
    auto *banner = m_dashboard->findChild<QWidget *>(QStringLiteral("inlineBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30000);
    QCOMPARE(m_session->state(), Environment::EnvironmentSession::State::Unreachable);
    QVERIFY2(m_session->problem().contains(QStringLiteral("the answer passed 64 MB")),
             qPrintable(m_session->problem()));
    // The six caches retry with backoff: more answers arrive and are dropped meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(server.requests.size() >= 18, 30000);
    QVERIFY2(probe.worstMs() < 1000, qPrintable(QString::number(probe.worstMs())));
    qInfo("%lld hostile answers dropped; the event loop's longest stall %.0f ms", qlonglong(server.requests.size()),
          probe.worstMs());
    m_dashboard->setSession(nullptr);
}

#include "tst_rolloutdashboard.moc"
