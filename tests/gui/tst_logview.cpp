// Live logs in the console against the sandbox: a Deployment's merged log holds every pod's
// lines in time order; a rollout brings the new pods in and ends the old pods' streams; the
// filter and highlight act on what is shown; save writes exactly the shown lines; a stream
// dropped by fault injection resumes without a duplicate.

#include "sandboxprocess.h"

#include "ui/common/fieldproblem.h"
#include "ui/common/inlinebanner.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logview.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTableView>
#include <QTimer>
#include <QtTest>

using Lucent::Tests::SandboxProcess;
using namespace Lucent::Ui;

class TestLogView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void deploymentLogsMergeEveryPod();
    void rolloutBringsNewPodsAndEndsOldStreams();
    void filterHighlightPauseAndSave();
    void droppedStreamsResumeWithoutDuplicates();
    void stoppedBannerClearsWhenStreamsRecover();
    void dashboardOpensLogsAndOnePodContainerWorks();

private:
    struct Window {
        std::unique_ptr<MainWindow> window;
        LogView *logs = nullptr;
    };
    Window open(const SandboxProcess &sandbox, const QString &source);
    static QSet<QString> podsIn(const LogModel *model);

    SandboxProcess m_sandbox{{QStringLiteral("--log-rate"), QStringLiteral("20")}};
};

void TestLogView::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
}

TestLogView::Window TestLogView::open(const SandboxProcess &sandbox, const QString &source)
{
    Window w;
    w.window = std::make_unique<MainWindow>(QStringList{sandbox.kubeconfig()}, true, sandbox.projectFile());
    w.window->show();
    w.window->openLogs(source);
    w.logs = w.window->findChild<LogView *>();
    new QAbstractItemModelTester(w.logs->model(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 w.window.get());
    return w;
}

QSet<QString> TestLogView::podsIn(const LogModel *model)
{
    QSet<QString> pods;
    for (int row = 0; row < model->rowCount(); ++row)
        pods.insert(model->index(row, LogModel::PodColumn).data().toString());
    return pods;
}

void TestLogView::deploymentLogsMergeEveryPod()
{
    // Every api-gateway pod, once the sandbox has started them (a slow build takes a moment).
    QSet<QString> expected;
    const auto running = [&] {
        const auto r = m_sandbox.kubectl(
            Lucent::Tests::args({"-n", "lucent-staging", "get", "pods", "-l", "app=api-gateway", "-o", "name"}));
        expected.clear();
        for (const QString &line : r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            expected.insert(line.section(QLatin1Char('/'), 1));
        return expected.size() >= 2;
    };
    QVERIFY(QTest::qWaitFor(running, 30000));

    Window w = open(m_sandbox, QStringLiteral("deployment/api-gateway"));
    LogModel *model = w.logs->model();
    QTRY_VERIFY_WITH_TIMEOUT(podsIn(model) == expected, 30000);
    // One merged view: ordered by time across pods.
    for (int row = 1; row < model->rowCount(); ++row)
        QVERIFY(model->index(row - 1, 0).data(LogModel::NanosRole).toLongLong()
                <= model->index(row, 0).data(LogModel::NanosRole).toLongLong());
    // Each pod keeps a colour of its own.
    QSet<QRgb> colors;
    for (int row = 0; row < model->rowCount(); ++row)
        colors.insert(model->index(row, LogModel::PodColumn).data(Qt::ForegroundRole).value<QBrush>().color().rgb());
    QCOMPARE(colors.size(), expected.size());
}

void TestLogView::rolloutBringsNewPodsAndEndsOldStreams()
{
    Window w = open(m_sandbox, QStringLiteral("deployment/user-service"));
    LogModel *model = w.logs->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 && !model->sources().isEmpty(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.logs->logSet()->runningStreams() >= 2, 30000);
    const QSet<QString> before = podsIn(model);
    auto r = m_sandbox.kubectl(Lucent::Tests::args(
        {"-n", "lucent-staging", "set", "image", "deploy/user-service", "user-service=lucent/user-service:1.5.1"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    r = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "rollout", "status", "deploy/user-service", "--timeout=90s"}),
        100000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.errText()));
    // Lines from the new pods, and every old pod's stream ended (not cut with an error).
    QTRY_VERIFY_WITH_TIMEOUT(!(podsIn(model) - before).isEmpty(), 30000);
    auto oldEnded = [&] {
        for (const auto &source : model->sources()) {
            if (before.contains(source.pod) && !source.ended)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(oldEnded(), 60000);
    QVERIFY(w.logs->logSet()->runningStreams() >= 1);
}

void TestLogView::filterHighlightPauseAndSave()
{
    Window w = open(m_sandbox, QStringLiteral("app=wallet-service"));
    LogModel *model = w.logs->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 50, 30000);
    // Include: only matching lines; exclude removes some of those.
    w.logs->findChild<QLineEdit *>(QStringLiteral("logInclude"))->setText(QStringLiteral("GET /wallets"));
    QTRY_VERIFY_WITH_TIMEOUT(model->filter().include == QStringLiteral("GET /wallets") && !model->isBusy(), 10000);
    QVERIFY(model->rowCount() > 0);
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(model->index(row, 0).data(LogModel::RawTextRole).toString().contains(QStringLiteral("GET /wallets")));
    w.logs->findChild<QLineEdit *>(QStringLiteral("logExclude"))->setText(QStringLiteral(" 200 "));
    QTRY_VERIFY_WITH_TIMEOUT(!model->isBusy() && model->filter().exclude == QStringLiteral(" 200 "), 10000);
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(!model->index(row, 0).data(LogModel::RawTextRole).toString().contains(QStringLiteral(" 200 ")));
    w.logs->findChild<QLineEdit *>(QStringLiteral("logExclude"))->clear();
    // Highlight marks without hiding; the case toggle matters.
    w.logs->findChild<QLineEdit *>(QStringLiteral("logHighlight"))->setText(QStringLiteral("BALANCE"));
    QTRY_VERIFY_WITH_TIMEOUT(!model->isBusy() && model->filter().highlight == QStringLiteral("BALANCE"), 10000);
    int highlighted = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const bool marked = model->index(row, 0).data(LogModel::HighlightedRole).toBool();
        QCOMPARE(marked,
                 model->index(row, 0)
                     .data(LogModel::RawTextRole)
                     .toString()
                     .contains(QStringLiteral("balance"), Qt::CaseInsensitive));
        highlighted += marked ? 1 : 0;
    }
    QVERIFY(highlighted > 0);
    // An invalid expression is marked on its field and keeps the last good filter; the
    // page's banner stays for the streams.
    auto *banner = w.logs->findChild<Lucent::Ui::InlineBanner *>();
    auto *filterDelay = w.logs->findChild<QTimer *>(QStringLiteral("logFilterDelay"));
    auto *include = w.logs->findChild<QLineEdit *>(QStringLiteral("logInclude"));
    QVERIFY(banner && filterDelay && include);
    const QColor normalBase = include->palette().color(QPalette::Base);
    include->setText(QStringLiteral("GET ("));
    QVERIFY(filterDelay->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(!filterDelay->isActive(), 5000);
    QVERIFY2(Lucent::Ui::fieldProblem(include).contains(QStringLiteral("The filter expression is not valid")),
             qPrintable(Lucent::Ui::fieldProblem(include)));
    QCOMPARE(include->toolTip(), Lucent::Ui::fieldProblem(include));
    QVERIFY(include->palette().color(QPalette::Base) != normalBase);
    QVERIFY2(!banner->text().contains(QStringLiteral("expression")), qPrintable(banner->text()));
    QCOMPARE(model->filter().include, QStringLiteral("GET /wallets"));
    include->setText(QStringLiteral("GET /wallets"));
    QTRY_VERIFY_WITH_TIMEOUT(!filterDelay->isActive(), 5000);
    QVERIFY(Lucent::Ui::fieldProblem(include).isEmpty());
    QCOMPARE(include->palette().color(QPalette::Base), normalBase);

    // Pause: the rows stand still, the held count grows, nothing is lost on resume.
    auto *pause = w.logs->findChild<QPushButton *>(QStringLiteral("logPause"));
    pause->click();
    const int frozen = model->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(model->heldCount() > 0, 20000);
    QCOMPARE(model->rowCount(), frozen);
    const qsizetype held = model->heldCount();
    pause->click();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= frozen + held, 10000);

    // Save shown: exactly the rows on screen, in order.
    pause->click(); // hold still while comparing
    QTRY_VERIFY(!model->isBusy());
    const QString path = m_sandbox.directory() + QStringLiteral("/shown.log");
    QVERIFY(w.logs->saveTo(path, true));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), model->rowCount());
    for (int row = 0; row < model->rowCount(); ++row)
        QCOMPARE(lines[row], model->lineText(row, true));
}

void TestLogView::droppedStreamsResumeWithoutDuplicates()
{
    // A sandbox that ends every follow after a few seconds: the streams must resume, and the
    // lines they had delivered must not come twice.
    SandboxProcess flaky{
        {QStringLiteral("--log-rate"), QStringLiteral("20"), QStringLiteral("--drop-watches"), QStringLiteral("3")}};
    QVERIFY2(flaky.start(), qPrintable(flaky.error()));
    Window w = open(flaky, QStringLiteral("deployment/play-service"));
    LogModel *model = w.logs->model();
    QTRY_VERIFY_WITH_TIMEOUT(w.logs->logSet() && w.logs->logSet()->reconnects() >= 4, 40000);
    QTRY_VERIFY(!model->isBusy());
    QSet<QString> seen;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QString key = model->index(row, LogModel::PodColumn).data().toString() + QLatin1Char(' ')
            + QString::number(model->index(row, 0).data(LogModel::NanosRole).toLongLong()) + QLatin1Char(' ')
            + model->index(row, 0).data(LogModel::RawTextRole).toString();
        QVERIFY2(!seen.contains(key), qPrintable(QStringLiteral("duplicate: ") + key));
        seen.insert(key);
    }
    QVERIFY(seen.size() > 100);
}

// The "log stopped" warning belongs to the outage: once the streams deliver again, it goes.
void TestLogView::stoppedBannerClearsWhenStreamsRecover()
{
    SandboxProcess own{{QStringLiteral("--log-rate"), QStringLiteral("20")}}; // plain HTTP: restarts keep access
    QVERIFY2(own.start(), qPrintable(own.error()));
    Window w = open(own, QStringLiteral("deployment/play-service"));
    LogModel *model = w.logs->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 20000);
    auto *banner = w.logs->findChild<Lucent::Ui::InlineBanner *>();
    QVERIFY(banner);
    QVERIFY(banner->text().isEmpty());
    QVERIFY2(own.stop(), qPrintable(own.error()));
    QTRY_VERIFY_WITH_TIMEOUT(
        banner->text().contains(QStringLiteral("stopped")) || banner->text().contains(QStringLiteral("failed")), 30000);
    QVERIFY2(own.restart(), qPrintable(own.error()));
    QTRY_VERIFY_WITH_TIMEOUT(banner->text().isEmpty(), 60000);
    const int rows = model->rowCount();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > rows, 20000); // and lines flow again
}

void TestLogView::dashboardOpensLogsAndOnePodContainerWorks()
{
    MainWindow window({m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    QSignalSpy first(&window, &MainWindow::firstDataArrived);
    window.show();
    QVERIFY(first.wait(30000));
    auto *logs = window.findChild<LogView *>();
    // The dashboard's Logs button: the selected service's Deployment, on the Logs tab.
    auto *button = window.findChild<QPushButton *>(QStringLiteral("actionLogs"));
    QVERIFY(button);
    // The button acts on the selected row; the first data may come before the table has one.
    auto *dashboard = window.findChild<RolloutDashboard *>();
    QVERIFY(dashboard);
    QTRY_VERIFY_WITH_TIMEOUT(!dashboard->currentService().isEmpty() && button->isEnabled(), 30000);
    button->click();
    auto *source = logs->findChild<QComboBox *>(QStringLiteral("logSource"));
    QVERIFY(source->currentText().startsWith(QStringLiteral("deployment/")));
    QTRY_VERIFY(logs->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() > 0, 30000);

    // One pod, one container.
    const auto r = m_sandbox.kubectl(
        Lucent::Tests::args({"-n", "lucent-staging", "get", "pods", "-l", "app=frontend", "-o", "name"}));
    const QString pod = r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts).value(0).section(QLatin1Char('/'), 1);
    QVERIFY(!pod.isEmpty());
    logs->openLogs(QStringLiteral("pod/%1/frontend").arg(pod));
    QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() > 0, 30000);
    QCOMPARE(podsIn(logs->model()), QSet<QString>{pod});
    QCOMPARE(logs->model()->sources().value(0).container, QStringLiteral("frontend"));
    // A source that is not one says so.
    logs->openLogs(QStringLiteral("wallet-service"));
    QCOMPARE(logs->model()->rowCount(), 0);
    auto *banner = logs->findChild<QWidget *>(QStringLiteral("inlineBanner"));
    QStringList texts;
    for (const QLabel *label : banner->findChildren<QLabel *>())
        texts.append(label->text());
    QVERIFY2(texts.join(QLatin1Char(' ')).contains(QStringLiteral("is not a log source")),
             qPrintable(texts.join(QLatin1Char(' '))));
}

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
