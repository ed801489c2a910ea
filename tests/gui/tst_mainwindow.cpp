#include "ui/about/aboutdialog.h"
#include "ui/common/inlinebanner.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/screenshotter.h"

#include <QAction>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTableView>
#include <QtTest>

using namespace Lucent::Ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsTheKubeconfigContexts();
    void keyboardMovesTheSelection();
    void problemsShowInTheBannerAndTheRestStays();
    void emptyStateExplainsWhatToDo();
    void aboutActionOpensTheDialog();
    void screenshotIsWrittenOnceDataArrived();
    void screenshotReportsAnUnwritablePath();

private:
    QTemporaryDir m_dir;
    static QString fixture() { return QStringLiteral(LUCENT_TEST_DATA_DIR "/kubeconfig/two-clusters.yaml"); }
    QString write(const QString &name, const QByteArray &content);
};

QString TestMainWindow::write(const QString &name, const QByteArray &content)
{
    QFile f(m_dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return f.fileName();
}

static bool waitForData(MainWindow &window)
{
    QSignalSpy spy(&window, &MainWindow::firstDataArrived);
    window.show();
    return spy.count() > 0 || spy.wait(5000);
}

void TestMainWindow::showsTheKubeconfigContexts()
{
    MainWindow window({fixture()}, true);
    QVERIFY(waitForData(window));
    auto *view = window.findChild<QTableView *>(QStringLiteral("contextsView"));
    QVERIFY(view);
    QCOMPARE(view->model()->rowCount(), 3);
    QCOMPARE(view->currentIndex().siblingAtColumn(0).data().toString(), QStringLiteral("staging"));

    auto *detail = window.findChild<QPlainTextEdit *>(QStringLiteral("contextDetail"));
    QVERIFY(detail->toPlainText().contains(QStringLiteral("name: staging")));
    QVERIFY(!detail->toPlainText().contains(QStringLiteral("sk-live")));
    QVERIFY(!window.findChild<InlineBanner *>(QStringLiteral("inlineBanner"))->isVisible());
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("statusContexts"))->text(), QStringLiteral("3 contexts"));
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("statusKubeconfig"))->text().contains(fixture()));
}

void TestMainWindow::keyboardMovesTheSelection()
{
    MainWindow window({fixture()}, true);
    QVERIFY(waitForData(window));
    auto *view = window.findChild<QTableView *>(QStringLiteral("contextsView"));
    auto *detail = window.findChild<QPlainTextEdit *>(QStringLiteral("contextDetail"));
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Home, Qt::ControlModifier);
    QCOMPARE(view->currentIndex().siblingAtColumn(0).data().toString(), QStringLiteral("production"));
    QVERIFY(detail->toPlainText().contains(QStringLiteral("name: production\n")));
    QTest::keyClick(view, Qt::Key_Down);
    QVERIFY(detail->toPlainText().contains(QStringLiteral("name: production-sso")));
    QVERIFY(detail->toPlainText().contains(QStringLiteral("exec-command: lucent-sso")));
}

void TestMainWindow::problemsShowInTheBannerAndTheRestStays()
{
    const QString broken = write(QStringLiteral("broken.yaml"), "contexts: [\n");
    MainWindow window({fixture(), broken}, false);
    QVERIFY(waitForData(window));
    auto *banner = window.findChild<InlineBanner *>(QStringLiteral("inlineBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().startsWith(QStringLiteral("In %1, line ").arg(broken)), qPrintable(banner->text()));
    QCOMPARE(window.findChild<QTableView *>(QStringLiteral("contextsView"))->model()->rowCount(), 3);

    QTest::mouseClick(window.findChild<QWidget *>(QStringLiteral("inlineBannerClose")), Qt::LeftButton);
    QVERIFY(!banner->isVisible());
}

void TestMainWindow::emptyStateExplainsWhatToDo()
{
    const QString missing = m_dir.filePath(QStringLiteral("missing-config"));
    MainWindow window({missing}, true);
    QVERIFY(waitForData(window));
    auto *stack = window.findChild<QStackedWidget *>(QStringLiteral("contextsStack"));
    auto *empty = window.findChild<QLabel *>(QStringLiteral("emptyState"));
    QCOMPARE(stack->currentWidget(), empty);
    QVERIFY(empty->text().contains(QStringLiteral("No Kubernetes contexts found")));
    QVERIFY(empty->text().contains(missing));
    QVERIFY(empty->text().contains(QStringLiteral("--kubeconfig")));
    auto *banner = window.findChild<InlineBanner *>(QStringLiteral("inlineBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY(banner->text().contains(QStringLiteral("does not exist")));
}

void TestMainWindow::aboutActionOpensTheDialog()
{
    MainWindow window({fixture()}, true);
    QVERIFY(waitForData(window));
    auto *about = window.findChild<QAction *>(QStringLiteral("actionAbout"));
    QVERIFY(about);
    about->trigger();
    QTRY_VERIFY(window.findChild<AboutDialog *>() && window.findChild<AboutDialog *>()->isVisible());
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("version_KSyntaxHighlighting")));
}

void TestMainWindow::screenshotIsWrittenOnceDataArrived()
{
    MainWindow window({fixture()}, true);
    const QString path = m_dir.filePath(QStringLiteral("shot.png"));
    Screenshotter shooter(&window, path, 10);
    connect(&window, &MainWindow::firstDataArrived, &shooter, &Screenshotter::onDataArrived);
    QSignalSpy finished(&shooter, &Screenshotter::finished);
    window.show();
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().first().toString(), QString());
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    // Not a blank picture: the table and the highlighted YAML give it many colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void TestMainWindow::screenshotReportsAnUnwritablePath()
{
    MainWindow window({fixture()}, true);
    Screenshotter shooter(&window, m_dir.filePath(QStringLiteral("no/such/dir/shot.png")), 10);
    connect(&window, &MainWindow::firstDataArrived, &shooter, &Screenshotter::onDataArrived);
    QSignalSpy finished(&shooter, &Screenshotter::finished);
    window.show();
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.first().first().toString().startsWith(QStringLiteral("Cannot write the screenshot")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
