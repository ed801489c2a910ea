// The rollout dashboard's actions against lucent-sandbox (over TLS, so that RBAC applies):
// undo, scale and pause through the UI, permissions, protected confirmation with Enter, and a
// Deployment deleted while its question is open.

#include "dashboardtestbase.h"

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

class TestRolloutActions : public DashboardTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(startSandbox()); }
    void init() { makeDashboard(); }
    void cleanup() { dropDashboard(); }
    void undoThroughTheUiRestoresThePreviousImage();
    void viewerSeesActionsDisabledWithTheReason();
    void protectedEnvironmentNeedsItsNameTyped();
    void enterConfirmsOnlyWithTheNameTyped();
    void scaleAndPauseThroughTheUi();
    void deletedWhileAskingChangesNoOtherDeployment();
};

void TestRolloutActions::undoThroughTheUiRestoresThePreviousImage()
{
    openSession(QStringLiteral("staging"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    // user-service goes 1.4.2 -> 1.5.0 first; the history shows both revisions.
    auto rollout = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "set", "image", "deploy/user-service", "user-service=lucent/user-service:1.5.0"}));
    QVERIFY2(rollout.exitCode == 0, qPrintable(rollout.errText()));
    rollout = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "rollout", "status", "deploy/user-service", "--timeout=60s"}),
        70000);
    QVERIFY2(rollout.exitCode == 0, qPrintable(rollout.errText()));
    // Undo asks about the Deployment as the console's cache holds it, and refuses to act on one
    // that changed since: wait until the cache holds the generation kubectl rolled out.
    const qint64 generation
        = deployment(QStringLiteral("lucent-staging"),
                     QStringLiteral("user-service"))[QLatin1String("metadata")][QLatin1String("generation")]
              .toInteger();
    QVERIFY(generation >= 2);
    QTRY_COMPARE_WITH_TIMEOUT(
        m_session->deployments()
            ->object(QStringLiteral("lucent-staging"),
                     QStringLiteral("user-service"))[QLatin1String("metadata")][QLatin1String("generation")]
            .toInteger(),
        generation, 20000);
    select(QStringLiteral("user-service"));
    auto *undo = m_dashboard->findChild<QPushButton *>(QStringLiteral("actionUndo"));
    QTRY_VERIFY_WITH_TIMEOUT(undo->isEnabled(), 20000);
    auto *revisions = m_dashboard->findChild<QTreeWidget *>(QStringLiteral("revisionsView"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        revisions->topLevelItemCount() >= 2,
        qPrintable(
            QStringLiteral("detail \"%8\"; revisions %1; replicasets cache: %2 objects, "
                           "state %3, %4 lists, %5 watches, version %6; kubectl: %7")
                .arg(revisions->topLevelItemCount())
                .arg(m_session->replicaSets()->size())
                .arg(int(m_session->replicaSets()->state()))
                .arg(m_session->replicaSets()->listCount())
                .arg(m_session->replicaSets()->watchCount())
                .arg(m_session->replicaSets()->resourceVersion(),
                     m_sandbox
                         .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "rs", "-l", "app=user-service"}))
                         .outText())
                .arg(m_dashboard->findChild<QLabel *>(QStringLiteral("serviceDetailTitle"))->text())),
        20000);
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

void TestRolloutActions::viewerSeesActionsDisabledWithTheReason()
{
    openSession(QStringLiteral("staging"), QStringLiteral("lucent-viewer"));
    QTRY_COMPARE_WITH_TIMEOUT(m_dashboard->model()->rowCount(), 8, 20000);
    select(QStringLiteral("frontend"));
    auto *note = m_dashboard->findChild<QLabel *>(QStringLiteral("permissionNote"));
    QTRY_VERIFY_WITH_TIMEOUT(note->isVisible(), 20000);
    QVERIFY2(note->text().contains(QStringLiteral("lucent-viewer may not patch deployments in lucent-staging")),
             qPrintable(note->text()));
    // Each action's review answers on its own: wait for each button's reason.
    for (const char *name : {"actionRestart", "actionScale", "actionPause", "actionUndo"}) {
        auto *button = m_dashboard->findChild<QPushButton *>(QString::fromLatin1(name));
        QTRY_VERIFY2_WITH_TIMEOUT(button->toolTip().contains(QStringLiteral("may not patch")), name, 20000);
        QVERIFY2(!button->isEnabled(), name);
    }
}

void TestRolloutActions::protectedEnvironmentNeedsItsNameTyped()
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
void TestRolloutActions::enterConfirmsOnlyWithTheNameTyped()
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

void TestRolloutActions::scaleAndPauseThroughTheUi()
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
    QTRY_COMPARE(finished.size(), 2); // the scale and the pause
    QTest::mouseClick(pause, Qt::LeftButton);
    // Cancel changes nothing.
    QTest::mouseClick(m_dashboard->pendingDialog()->findChild<QPushButton *>(QStringLiteral("confirmCancel")),
                      Qt::LeftButton);
    // Nothing ran: the dashboard says it was cancelled, no operation finished, and the cluster
    // still has the Deployment paused.
    auto *banner = m_dashboard->findChild<Lucent::Ui::InlineBanner *>();
    QTRY_VERIFY(banner->text().contains(QStringLiteral("Resume cancelled; nothing was changed.")));
    QCOMPARE(finished.size(), 2); // nothing since the scale and the pause
    QVERIFY(deployment(QStringLiteral("lucent-staging"),
                       QStringLiteral("play-service"))[QLatin1String("spec")][QLatin1String("paused")]
                .toBool());
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
void TestRolloutActions::deletedWhileAskingChangesNoOtherDeployment()
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

QTEST_MAIN(TestRolloutActions)
#include "tst_rolloutactions.moc"
