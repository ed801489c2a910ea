// The rollout dashboard against lucent-sandbox (over TLS, so that RBAC applies): the services
// table, live rollouts, a failed rollout, undo through the UI, permissions, protected
// confirmation and switching environments.

#include "sandboxprocess.h"

#include "core/environment/environmentsession.h"
#include "core/environment/projectconfig.h"
#include "core/kube/resourcecache.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/common/frozencolumntableview.h"
#include "ui/common/inlinebanner.h"
#include "ui/environment/environmentoverviewmodel.h"
#include "ui/rollout/rolloutdashboard.h"
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
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
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
using Lucent::Ui::ServicesTableModel;

class TestRolloutDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void listsServicesWithCorrectCounts();
    void rolloutIsSeenProgressingThenComplete();
    void crashRolloutShowsFailed();
    void blueGreenSwitchWithKubectlShowsWithinASecond();
    void serviceNameStaysInSightAndTabLeavesTheTable();
    void undoThroughTheUiRestoresThePreviousImage();
    void viewerSeesActionsDisabledWithTheReason();
    void protectedEnvironmentNeedsItsNameTyped();
    void enterConfirmsOnlyWithTheNameTyped();
    void switchingEnvironmentsShowsOnlyTheNewRows();
    void mainWindowShowsEveryEnvironmentAndSwitches();
    void scaleAndPauseThroughTheUi();
    void deletedWhileAskingChangesNoOtherDeployment();
    void unreachableClusterShowsInTheBanner();
    void rowsGoStaleWhenTheClusterGoesAndRecover();

private:
    Environment::EnvironmentSession *openSession(const QString &environment, const QString &user = {});
    QString cell(const QString &service, int column) const;
    /// The desired replicas of the row's Deployment, from its Ready cell ("2/3" -> "3").
    QString desired(const QString &service) const;
    void select(const QString &service);
    QJsonObject deployment(const QString &ns, const QString &name) const;
    /// name -> generation of every Deployment in @p ns: a change to any spec bumps it.
    QHash<QString, qint64> generations(const QString &ns) const;
    bool recreate(const QJsonObject &saved) const;

    SandboxProcess m_sandbox{{QStringLiteral("--tls"), QStringLiteral("--speed"), QStringLiteral("20")}};
    Kube::Kubeconfig m_kubeconfig;
    Environment::ProjectConfig m_project;
    std::unique_ptr<RolloutDashboard> m_dashboard;
    std::unique_ptr<Environment::EnvironmentSession> m_session;
};

void TestRolloutDashboard::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
    m_kubeconfig = Kube::Kubeconfig::load({m_sandbox.kubeconfig()}, true);
    m_project = Environment::ProjectConfig::load(m_sandbox.projectFile());
    QVERIFY2(m_project.problems.isEmpty(), qPrintable(m_project.problems.value(0).sentence()));
    QCOMPARE(m_project.environments.size(), 2);
    QVERIFY(m_project.environment(QStringLiteral("production"))->isProtected);
}

void TestRolloutDashboard::init()
{
    m_dashboard = std::make_unique<RolloutDashboard>();
    new QAbstractItemModelTester(m_dashboard->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_dashboard.get());
    new QAbstractItemModelTester(m_dashboard->proxy(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_dashboard.get());
    m_dashboard->resize(1200, 700);
    m_dashboard->show();
}

void TestRolloutDashboard::cleanup()
{
    m_dashboard.reset();
    m_session.reset();
}

Environment::EnvironmentSession *TestRolloutDashboard::openSession(const QString &environment, const QString &user)
{
    Kube::Kubeconfig config = m_kubeconfig;
    const Environment::Environment *env = m_project.environment(environment);
    for (Kube::KubeconfigContext &context : config.contexts) {
        if (context.name == env->context && !user.isEmpty())
            context.user = user;
    }
    m_dashboard->setSession(nullptr);
    m_session = std::make_unique<Environment::EnvironmentSession>(*env, config,
                                                                  Environment::EnvironmentSession::Scope::Everything);
    m_dashboard->setSession(m_session.get());
    m_session->start();
    return m_session.get();
}

QString TestRolloutDashboard::cell(const QString &service, int column) const
{
    const ServicesTableModel *model = m_dashboard->model();
    const int row = model->rowOf(service);
    return row < 0 ? QString() : model->index(row, column).data().toString();
}

void TestRolloutDashboard::select(const QString &service)
{
    auto *view = m_dashboard->findChild<QTableView *>(QStringLiteral("servicesView"));
    const QModelIndex source = m_dashboard->model()->index(m_dashboard->model()->rowOf(service), 0);
    view->setCurrentIndex(m_dashboard->proxy()->mapFromSource(source));
}

QString TestRolloutDashboard::desired(const QString &service) const
{
    return cell(service, ServicesTableModel::ReadyColumn).section(QLatin1Char('/'), 1, 1);
}

QJsonObject TestRolloutDashboard::deployment(const QString &ns, const QString &name) const
{
    return m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "-o", "json", "-n"}) << ns << name).json().object();
}

QHash<QString, qint64> TestRolloutDashboard::generations(const QString &ns) const
{
    QHash<QString, qint64> result;
    const auto list = m_sandbox.kubectl(Lucent::Tests::args({"get", "deploy", "-o", "json", "-n"}) << ns).json();
    for (const auto &item : list[QLatin1String("items")].toArray()) {
        const QJsonObject meta = item[QLatin1String("metadata")].toObject();
        result.insert(meta[QLatin1String("name")].toString(), qint64(meta[QLatin1String("generation")].toDouble()));
    }
    return result;
}

bool TestRolloutDashboard::recreate(const QJsonObject &saved) const
{
    QJsonObject object = saved;
    QJsonObject meta = object[QLatin1String("metadata")].toObject();
    for (const char *field : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"})
        meta.remove(QLatin1String(field));
    object.insert(QStringLiteral("metadata"), meta);
    object.remove(QStringLiteral("status"));
    const auto r = m_sandbox.kubectl(Lucent::Tests::args({"create", "-f", "-"}), 60000, QJsonDocument(object).toJson());
    if (r.exitCode != 0)
        qWarning("kubectl create: %s", qPrintable(r.errText()));
    return r.exitCode == 0;
}

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
    const QString serving = cell(QStringLiteral("task-service"), ServicesTableModel::VersionColumn);
    QVERIFY2(!serving.isEmpty() && !serving.contains(QLatin1String("crash")), qPrintable(serving));
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
// the selector, not a Deployment's name.
void TestRolloutDashboard::blueGreenSwitchWithKubectlShowsWithinASecond()
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

    r = m_sandbox.kubectl(Lucent::Tests::args({"-n", "lucent-staging", "patch", "service", "wallet-service", "-p",
                                               R"({"spec":{"selector":{"color":"green"}}})"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QElapsedTimer sinceSwitch;
    sinceSwitch.start();
    QTRY_VERIFY_WITH_TIMEOUT(cell(service, ServicesTableModel::ColourColumn) == QLatin1String("green")
                                 && cell(service, ServicesTableModel::VersionColumn) == QLatin1String("2.2.0"),
                             1000);
    qInfo("the row showed green 2.2.0 %lld ms after kubectl returned", sinceSwitch.elapsed());
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

void TestRolloutDashboard::undoThroughTheUiRestoresThePreviousImage()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    // user-service went 1.4.2 -> 1.5.0 above; the history shows both revisions.
    select(QStringLiteral("user-service"));
    auto *undo = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionUndo"));
    QTRY_VERIFY_WITH_TIMEOUT(undo->isEnabled(), 20000);
    auto *revisions = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("revisionsView"));
    QTRY_VERIFY_WITH_TIMEOUT(revisions->topLevelItemCount() >= 2, 20000);
    QTest::mouseClick(undo, Qt::LeftButton);
    ConfirmActionDialog *dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    auto *choice = dialog->findChild<QComboBox *>(QStringLiteral("undoRevision"));
    QVERIFY(choice->currentText().contains(QStringLiteral("lucent/user-service:1.4.2")));
    const QString details = dialog->findChild<QPlainTextEdit *>(QStringLiteral("confirmDetails"))->toPlainText();
    QVERIFY2(details.contains(QStringLiteral("lucent/user-service:1.5.0 → lucent/user-service:1.4.2")),
             qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("- \"image\": \"lucent/user-service:1.5.0\"")));
    // The diff keeps its lines whole and coloured: the removed image line is drawn in red on red.
    auto *detailsView = dialog->findChild<QPlainTextEdit *>(QStringLiteral("confirmDetails"));
    QCOMPARE(detailsView->lineWrapMode(), QPlainTextEdit::NoWrap);
    bool removedColoured = false;
    for (QTextBlock block = detailsView->document()->begin(); block.isValid(); block = block.next()) {
        if (!block.text().startsWith(QLatin1String("- \"image\"")))
            continue;
        const auto formats = block.layout()->formats();
        removedColoured = !formats.isEmpty() && formats.constFirst().format.background().color().red() > 0xc0
            && formats.constFirst().format.foreground().color().red()
                > formats.constFirst().format.foreground().color().green();
    }
    QVERIFY(removedColoured);
    QVERIFY(dialog->width() >= 680);
    QSignalSpy finished(m_dashboard.get(), &RolloutDashboard::actionFinished);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("user-service"), ServicesTableModel::VersionColumn),
                              QStringLiteral("1.4.2"), 20000);
    const QJsonObject d = deployment(QStringLiteral("lucent-staging"), QStringLiteral("user-service"));
    QCOMPARE(d[QLatin1String("spec")][QLatin1String("template")][QLatin1String("spec")][QLatin1String("containers")][0]
              [QLatin1String("image")]
                  .toString(),
             QStringLiteral("lucent/user-service:1.4.2"));
}

void TestRolloutDashboard::viewerSeesActionsDisabledWithTheReason()
{
    openSession(QStringLiteral("staging"), QStringLiteral("lucent-viewer"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("frontend"));
    auto *note = m_dashboard->findChild<QLabel *>(QStringLiteral("permissionNote"));
    QTRY_VERIFY_WITH_TIMEOUT(note->isVisible(), 20000);
    QVERIFY2(note->text().contains(QStringLiteral("lucent-viewer may not patch deployments in lucent-staging")),
             qPrintable(note->text()));
    for (const char *name : {"actionRestart", "actionScale", "actionPause", "actionUndo"}) {
        auto *button = m_dashboard->findChild<QPushButton *>(QString::fromLatin1(name));
        QVERIFY2(!button->isEnabled(), name);
        QVERIFY2(button->toolTip().contains(QStringLiteral("may not patch")), name);
    }
}

void TestRolloutDashboard::protectedEnvironmentNeedsItsNameTyped()
{
    openSession(QStringLiteral("production"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("frontend"));
    auto *restart = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionRestart"));
    QTRY_VERIFY_WITH_TIMEOUT(restart->isEnabled(), 20000);
    QTest::mouseClick(restart, Qt::LeftButton);
    ConfirmActionDialog *dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("confirmOk"));
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("confirmEnvironmentName"));
    QVERIFY(name);
    QVERIFY(!ok->isEnabled());
    QTest::keyClicks(name, QStringLiteral("Production")); // close is not enough
    QVERIFY(!ok->isEnabled());
    name->clear();
    QTest::keyClicks(name, QStringLiteral("production"));
    QVERIFY(ok->isEnabled());
    QSignalSpy finished(m_dashboard.get(), &RolloutDashboard::actionFinished);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
    // Accepted is not done: the first sentence says the restart started ...
    QVERIFY2(finished[0][1].toString().contains(QStringLiteral("restart started")),
             qPrintable(finished[0][1].toString()));
    const QJsonObject d = deployment(QStringLiteral("lucent-platform"), QStringLiteral("frontend"));
    QVERIFY(d[QLatin1String("spec")][QLatin1String("template")][QLatin1String("metadata")][QLatin1String("annotations")]
                .toObject()
                .contains(QStringLiteral("kubectl.kubernetes.io/restartedAt")));
    // ... and "done" comes when the rollout is Complete, as kubectl rollout status agrees.
    auto *banner = m_dashboard->findChild<Lucent::Ui::InlineBanner *>();
    QVERIFY(banner);
    QTRY_VERIFY_WITH_TIMEOUT(banner->text().contains(QStringLiteral("frontend: restart done")), 60000);
    const auto status = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-platform", "rollout", "status", "deploy/frontend", "--timeout=1s"}));
    QVERIFY2(status.exitCode == 0, qPrintable(status.errText()));
}

// Enter in a protected confirmation: focus starts on the input, Tab goes on to the name,
// Enter with a wrong name does nothing (the dialog stays, nothing is sent), Enter with the
// right name performs the action; Escape cancels and says so.
void TestRolloutDashboard::enterConfirmsOnlyWithTheNameTyped()
{
    openSession(QStringLiteral("production"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("play-service"));
    auto *scale = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionScale"));
    QTRY_VERIFY_WITH_TIMEOUT(scale->isEnabled(), 20000);
    const int before = deployment(QStringLiteral("lucent-platform"),
                                  QStringLiteral("play-service"))[QLatin1String("spec")][QLatin1String("replicas")]
                           .toInt();
    QTest::mouseClick(scale, Qt::LeftButton);
    QPointer<ConfirmActionDialog> dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowActive(dialog));
    auto *replicas = dialog->findChild<QSpinBox *>(QStringLiteral("scaleReplicas"));
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(replicas));
    replicas->setValue(before + 1);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("confirmEnvironmentName"));
    QCOMPARE(QApplication::focusWidget(), name);
    QSignalSpy accepted(dialog.data(), &QDialog::accepted);
    QSignalSpy rejected(dialog.data(), &QDialog::rejected);
    QTest::keyClicks(name, QStringLiteral("prod"));
    QTest::keyClick(name, Qt::Key_Return);
    QVERIFY(dialog && dialog->isVisible()); // Enter with a wrong name: nothing, not a silent cancel
    QCOMPARE(accepted.size(), 0);
    QCOMPARE(rejected.size(), 0);
    QSignalSpy finished(m_dashboard.get(), &RolloutDashboard::actionFinished);
    QTest::keyClicks(name, QStringLiteral("uction"));
    QTest::keyClick(name, Qt::Key_Return);
    QCOMPARE(accepted.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
    QCOMPARE(deployment(QStringLiteral("lucent-platform"),
                        QStringLiteral("play-service"))[QLatin1String("spec")][QLatin1String("replicas")]
                 .toInt(),
             before + 1);

    // Escape cancels, and the banner says nothing was changed.
    QTest::mouseClick(scale, Qt::LeftButton);
    dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowActive(dialog));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    QTRY_VERIFY(!dialog || !dialog->isVisible());
    const auto labels = m_dashboard->findChild<QWidget *>(QStringLiteral("inlineBanner"))->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->isVisible() && label->text() == QStringLiteral("Scale cancelled; nothing was changed.");
    }));
    // Back as it was, for the tests after this one.
    const auto r = m_sandbox.kubectl(QStringList{QStringLiteral("-n"), QStringLiteral("lucent-platform"),
                                                 QStringLiteral("scale"), QStringLiteral("deploy/play-service"),
                                                 QStringLiteral("--replicas=%1").arg(before)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
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
    // production still runs user-service 1.4.2, whatever staging runs.
    QVERIFY(model->index(1, 0)
                .data(EnvironmentOverviewModel::VersionsRole)
                .toStringList()
                .contains(QStringLiteral("user-service 1.4.2")));

    auto *selector = window.findChild<QComboBox *>(QStringLiteral("environmentSelector"));
    QCOMPARE(selector->count(), 2);
    Q_EMIT selector->activated(selector->findData(QStringLiteral("production")));
    QCOMPARE(window.currentEnvironment(), QStringLiteral("production"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("production")));
    auto *dashboard = window.findChild<RolloutDashboard *>();
    QTRY_COMPARE_WITH_TIMEOUT(dashboard->model()->rowCount(), 8, 20000);
    QCOMPARE(dashboard->model()->session()->environment().namespaceName, QStringLiteral("lucent-platform"));
}

void TestRolloutDashboard::scaleAndPauseThroughTheUi()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("play-service"));
    auto *scale = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionScale"));
    QTRY_VERIFY_WITH_TIMEOUT(scale->isEnabled(), 20000);
    QSignalSpy finished(m_dashboard.get(), &RolloutDashboard::actionFinished);
    QTest::mouseClick(scale, Qt::LeftButton);
    auto *replicas = m_dashboard->pendingDialog()->findChild<QSpinBox *>(QStringLiteral("scaleReplicas"));
    QCOMPARE(replicas->value(), 2); // starts at the current desired count
    replicas->setValue(3);
    QTest::mouseClick(m_dashboard->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmOk")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
    QTRY_COMPARE_WITH_TIMEOUT(desired(QStringLiteral("play-service")), QStringLiteral("3"), 20000);

    auto *pause = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionPause"));
    QTest::mouseClick(pause, Qt::LeftButton);
    QTest::mouseClick(m_dashboard->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmOk")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("play-service"), ServicesTableModel::StateColumn),
                              QStringLiteral("Paused"), 20000);
    QVERIFY(deployment(QStringLiteral("lucent-staging"),
                       QStringLiteral("play-service"))[QLatin1String("spec")][QLatin1String("paused")]
                .toBool());
    QTRY_COMPARE(pause->text(), QStringLiteral("Res&ume"));
    QTest::mouseClick(pause, Qt::LeftButton);
    // Cancel changes nothing.
    QTest::mouseClick(m_dashboard->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmCancel")),
                      Qt::LeftButton);
    // A short settle that proves nothing happened: a request sent on Cancel would be answered
    // by the sandbox well within it.
    QTest::qWait(500);
    QCOMPARE(cell(QStringLiteral("play-service"), ServicesTableModel::StateColumn), QStringLiteral("Paused"));
    QTest::mouseClick(pause, Qt::LeftButton);
    QTest::mouseClick(m_dashboard->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmOk")),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        cell(QStringLiteral("play-service"), ServicesTableModel::StateColumn) != QStringLiteral("Paused"), 20000);
    QVERIFY(!deployment(QStringLiteral("lucent-staging"),
                        QStringLiteral("play-service"))[QLatin1String("spec")][QLatin1String("paused")]
                 .toBool());
}

// The bug of issue 14: a Deployment deleted (or deleted and recreated) while its confirmation
// is open. Accepting must act on exactly the object the question named: never on the row the
// selection moved to, and never on a new object that took the name.
void TestRolloutDashboard::deletedWhileAskingChangesNoOtherDeployment()
{
    const QString ns = QStringLiteral("lucent-staging");
    const QString victim = QStringLiteral("notification-service");
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    const QJsonObject saved = deployment(ns, victim);
    QVERIFY(!saved.isEmpty());
    select(victim);
    auto *scale = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionScale"));
    QTRY_VERIFY_WITH_TIMEOUT(scale->isEnabled(), 20000);
    QSignalSpy finished(m_dashboard.get(), &RolloutDashboard::actionFinished);

    // Deleted while asking: the selection moves to a neighbour; accepting changes nothing.
    QTest::mouseClick(scale, Qt::LeftButton);
    QPointer<ConfirmActionDialog> dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    dialog->findChild<QSpinBox *>(QStringLiteral("scaleReplicas"))->setValue(5);
    auto r = m_sandbox.kubectl(Lucent::Tests::args({"delete", "deploy", "-n"}) << ns << victim);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // The Service stays, so its row does too, with no Deployment left to act on.
    QTRY_VERIFY_WITH_TIMEOUT(!m_dashboard->model()->status(m_dashboard->model()->rowOf(victim)).active(), 20000);
    // The user moves on to another service while the question is open: the trap the bug fell into.
    const QString neighbour = QStringLiteral("user-service");
    select(neighbour);
    const QHash<QString, qint64> before = generations(ns);
    const int neighbourReplicas = deployment(ns, neighbour)[QLatin1String("spec")][QLatin1String("replicas")].toInt();
    QVERIFY(neighbourReplicas != 5);
    QVERIFY(dialog);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QVERIFY(!finished[0][0].toBool());
    QCOMPARE(finished[0][1].toString(),
             QStringLiteral("deployment/notification-service in lucent-staging no longer exists: it was deleted after "
                            "you were asked. Nothing was changed."));
    QCOMPARE(generations(ns), before); // checked with kubectl: no other Deployment changed
    QCOMPARE(deployment(ns, neighbour)[QLatin1String("spec")][QLatin1String("replicas")].toInt(), neighbourReplicas);

    // Deleted and created again under the same name: the new object is not the one confirmed.
    QVERIFY(recreate(saved));
    QTRY_VERIFY_WITH_TIMEOUT(m_dashboard->model()->status(m_dashboard->model()->rowOf(victim)).active(), 20000);
    select(victim);
    auto *restart = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionRestart"));
    QTRY_VERIFY_WITH_TIMEOUT(restart->isEnabled(), 20000);
    QTest::mouseClick(restart, Qt::LeftButton);
    dialog = m_dashboard->pendingDialog();
    QVERIFY(dialog);
    const QString asked = deployment(ns, victim)[QLatin1String("metadata")][QLatin1String("uid")].toString();
    r = m_sandbox.kubectl(Lucent::Tests::args({"delete", "deploy", "-n"}) << ns << victim);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    QVERIFY(recreate(saved));
    const QJsonObject replacement = deployment(ns, victim);
    QVERIFY(replacement[QLatin1String("metadata")][QLatin1String("uid")].toString() != asked);
    const QHash<QString, qint64> beforeRestart = generations(ns);
    QVERIFY(dialog);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmOk")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    QVERIFY(!finished[1][0].toBool());
    QVERIFY2(finished[1][1].toString().contains(QStringLiteral("was deleted and created again after you were asked")),
             qPrintable(finished[1][1].toString()));
    QCOMPARE(generations(ns), beforeRestart);
    QVERIFY(!deployment(ns, victim)[QLatin1String("spec")][QLatin1String("template")][QLatin1String("metadata")]
                                   [QLatin1String("annotations")]
                                       .toObject()
                                       .contains(QStringLiteral("kubectl.kubernetes.io/restartedAt")));
    // The banner says it too, where the user looks.
    const auto labels = m_dashboard->findChild<QWidget *>(QStringLiteral("inlineBanner"))->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->isVisible() && label->text().contains(QStringLiteral("created again"));
    }));
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

    own.stop();
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

QTEST_MAIN(TestRolloutDashboard)
#include "tst_rolloutdashboard.moc"
