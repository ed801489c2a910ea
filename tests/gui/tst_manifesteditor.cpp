// The Manifests tab against the sandbox: typing an error underlines it and lists it (after
// the debounce, from a worker thread); clicking the problem moves the cursor; find and
// replace is one undo step; save keeps a backup and an unsaved file is asked about; diff is
// a server-side dry run that changes nothing; apply asks first (the typed name on
// production), sends fieldValidation=Strict and shows what the server said.

#include "sandboxprocess.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/manifests/findbar.h"
#include "ui/manifests/manifesteditor.h"
#include "ui/manifests/manifestsview.h"
#include "ui/manifests/problemsmodel.h"
#include "ui/shell/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QtTest>

using Lucent::Tests::SandboxProcess;
using namespace Lucent::Ui;
using Lucent::Core::Validation::Severity;

class TestManifestEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void typingAnErrorUnderlinesAndListsIt();
    void clickingAProblemMovesTheCursor();
    void findReplaceIsOneUndo();
    void saveKeepsABackupAndCloseAsks();
    void diffIsADryRun();
    void applyConfirmsAndReportsTheServer();
    void applyNeverTakesOverWhatAPromotionOwns();
    void serverStrictValidationIsShown();
    void productionNeedsTheTypedName();
    void darkThemeFollowsThePalette();
    void clusterSchemaReplacesTheBuiltInOne();
    void secretValuesNeverShow();
    void changesOnDiskAreNoticed();
    void hugeFilesAreNotOpened();
    void hostileAliasesAreProblemsNotCrashes();
    void killedConsoleLosesNoEdit();

private:
    ManifestEditor *openWallet();
    int lineOf(ManifestEditor *editor, const QString &text) const;
    void replaceOnLine(ManifestEditor *editor, int line, const QString &from, const QString &to);
    QString liveReplicas(const QString &ns = QStringLiteral("lucent-staging")) const;
    bool waitConnected();

    SandboxProcess m_sandbox;
    std::unique_ptr<QTemporaryDir> m_workspace;
    std::unique_ptr<MainWindow> m_window;
    ManifestsView *m_view = nullptr;
};

void TestManifestEditor::initTestCase()
{
    QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.error()));
}

void TestManifestEditor::init()
{
    // A copy of the repository's manifests: the tests edit and save files.
    m_workspace = std::make_unique<QTemporaryDir>();
    const QDir source(QStringLiteral(LUCENT_TEST_DATA_DIR "/../../manifests"));
    QDirIterator it(source.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = m_workspace->filePath(source.relativeFilePath(file));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(file, target));
    }
    m_window = std::make_unique<MainWindow>(QStringList{m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    m_window->setWorkspace(m_workspace->path());
    m_window->resize(1280, 800);
    m_window->show();
    m_window->showView(QStringLiteral("manifests"));
    m_view = m_window->manifests();
    new QAbstractItemModelTester(m_view->problemsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_window.get());
    // The repository's manifests are clean: the first validation finds nothing.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->hasValidated(), 20000);
    QCOMPARE(m_view->problemsModel()->rowCount(), 0);
}

void TestManifestEditor::cleanup()
{
    // Nothing unsaved may hold the window open.
    for (auto *editor : m_window->findChildren<ManifestEditor *>())
        editor->document()->setModified(false);
    m_window.reset();
    m_workspace.reset();
}

// Diff and apply are enabled once a file is open and the environment is connected.
bool TestManifestEditor::waitConnected()
{
    return QTest::qWaitFor([this] { return m_view->diffAction()->isEnabled(); }, 30000);
}

ManifestEditor *TestManifestEditor::openWallet()
{
    return m_view->openFile(m_workspace->filePath(QStringLiteral("base/wallet-service.yaml")));
}

int TestManifestEditor::lineOf(ManifestEditor *editor, const QString &text) const
{
    for (QTextBlock b = editor->document()->begin(); b.isValid(); b = b.next()) {
        if (b.text().contains(text))
            return b.blockNumber() + 1;
    }
    return -1;
}

// Types the change as a user would: cursor to the end of the line, backspaces, new text.
void TestManifestEditor::replaceOnLine(ManifestEditor *editor, int line, const QString &from, const QString &to)
{
    const QTextBlock block = editor->document()->findBlockByNumber(line - 1);
    QVERIFY(block.text().endsWith(from));
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::EndOfBlock);
    editor->setTextCursor(cursor);
    editor->setFocus();
    for (int i = 0; i < from.size(); ++i)
        QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClicks(editor, to);
}

QString TestManifestEditor::liveReplicas(const QString &ns) const
{
    return m_sandbox
        .kubectl(Lucent::Tests::args(
            {"-n", ns.toUtf8().constData(), "get", "deploy", "wallet-service", "-o", "jsonpath={.spec.replicas}"}))
        .outText();
}

void TestManifestEditor::typingAnErrorUnderlinesAndListsIt()
{
    ManifestEditor *editor = openWallet();
    QVERIFY(editor);
    QVERIFY(editor->gutterMarks().isEmpty());
    QVERIFY(editor->extraSelections().isEmpty());
    const int line = lineOf(editor, QStringLiteral("image: lucent/wallet-service:2.1.0"));
    QVERIFY(line > 0);

    QSignalSpy validated(m_view, &ManifestsView::validationFinished);
    replaceOnLine(editor, line, QStringLiteral("2.1.0"), QStringLiteral("latest"));
    // Debounced and off the GUI thread: nothing yet, right after the keystrokes.
    QCOMPARE(m_view->problemsModel()->rowCount(), 0);
    QCOMPARE(validated.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);

    const QModelIndex row = m_view->problemsModel()->index(0, ProblemsModel::RuleColumn);
    QCOMPARE(row.data().toString(), QStringLiteral("image-tag-pinned"));
    QCOMPARE(row.data(ProblemsModel::LineRole).toInt(), line);
    QCOMPARE(row.data(ProblemsModel::ColumnRole).toInt(), 16);
    QCOMPARE(row.data(ProblemsModel::FileRole).toString(), editor->filePath());
    QCOMPARE(m_view->problemsModel()->index(0, ProblemsModel::FileColumn).data().toString(),
             QStringLiteral("base/wallet-service.yaml"));

    // The underline covers the image reference on that line, and the gutter marks it.
    const auto selections = editor->extraSelections();
    QCOMPARE(selections.size(), 1);
    QCOMPARE(selections[0].cursor.blockNumber(), line - 1);
    QCOMPARE(selections[0].cursor.selectedText(), QStringLiteral("lucent/wallet-service:latest"));
    QCOMPARE(selections[0].format.underlineStyle(), QTextCharFormat::WaveUnderline);
    QCOMPARE(editor->gutterMarks().value(line), Severity::Error);

    // Fixing it clears both.
    replaceOnLine(editor, line, QStringLiteral("latest"), QStringLiteral("2.1.1"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 0, 10000);
    QVERIFY(editor->extraSelections().isEmpty());
    QVERIFY(editor->gutterMarks().isEmpty());
}

void TestManifestEditor::clickingAProblemMovesTheCursor()
{
    ManifestEditor *editor = openWallet();
    const int line = lineOf(editor, QStringLiteral("value: \"3002\""));
    replaceOnLine(editor, line, QStringLiteral("\"3002\""), QStringLiteral("3002"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);
    editor->moveCursor(QTextCursor::Start);
    QCOMPARE(editor->textCursor().blockNumber(), 0);

    QTableView *table = m_view->problemsView();
    const QRect cell = table->visualRect(m_view->problemsModel()->index(0, ProblemsModel::MessageColumn));
    QVERIFY(cell.isValid());
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(editor->textCursor().blockNumber(), line - 1);
    QCOMPARE(editor->textCursor().positionInBlock(), 17); // column 18: the value
    QVERIFY(editor->hasFocus() || QApplication::focusWidget() == editor);

    // F8 from the top of the file lands on the same problem.
    editor->moveCursor(QTextCursor::Start);
    QTest::keyClick(editor, Qt::Key_F8);
    QCOMPARE(editor->textCursor().blockNumber(), line - 1);
    QCOMPARE(editor->textCursor().positionInBlock(), 17);
}

void TestManifestEditor::findReplaceIsOneUndo()
{
    ManifestEditor *editor = openWallet();
    const QString original = editor->toPlainText();
    const int count = original.count(QStringLiteral("wallet-service"));
    QVERIFY(count > 5);
    FindBar *bar = m_view->findBar();
    bar->activate(true);
    QVERIFY(bar->isVisible());
    bar->findField()->setText(QStringLiteral("wallet-service"));
    bar->replaceField()->setText(QStringLiteral("purse-service"));
    QVERIFY(bar->findNext());
    QCOMPARE(editor->textCursor().selectedText(), QStringLiteral("wallet-service"));
    QCOMPARE(bar->replaceAll(), count);
    QCOMPARE(editor->toPlainText().count(QStringLiteral("wallet-service")), 0);
    QCOMPARE(bar->status(), QStringLiteral("%1 replaced").arg(count));
    editor->undo();
    QCOMPARE(editor->toPlainText(), original);
    bar->findField()->setText(QStringLiteral("no such text"));
    QVERIFY(!bar->findNext());
    QCOMPARE(bar->status(), QStringLiteral("Not found"));
}

void TestManifestEditor::saveKeepsABackupAndCloseAsks()
{
    ManifestEditor *editor = openWallet();
    const QString path = editor->filePath();
    QFile before(path);
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray original = before.readAll();
    before.close();

    const int line = lineOf(editor, QStringLiteral("replicas: 3"));
    replaceOnLine(editor, line, QStringLiteral("3"), QStringLiteral("4"));
    QVERIFY(editor->isModified());
    QVERIFY(m_view->saveCurrent());
    QVERIFY(!editor->isModified());
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("  replicas: 4\n"));
    QFile backup(path + QLatin1Char('~'));
    QVERIFY(backup.open(QIODevice::ReadOnly));
    QCOMPARE(backup.readAll(), original);

    // An unsaved change: Cancel keeps the tab and the text; Discard closes without writing.
    replaceOnLine(editor, line, QStringLiteral("4"), QStringLiteral("5"));
    auto answer = [](QMessageBox::StandardButton button) {
        QTimer::singleShot(0, [button] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            QVERIFY(box->text().contains(QLatin1String("wallet-service.yaml")));
            box->button(button)->click();
        });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!m_view->closeEditor(editor));
    QCOMPARE(m_view->editorFor(path), editor);
    QVERIFY(editor->isModified());
    answer(QMessageBox::Discard);
    QVERIFY(m_view->maybeSaveAll());
    QVERIFY(!m_view->editorFor(path));
    QFile after(path);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QVERIFY(after.readAll().contains("  replicas: 4\n"));
}

void TestManifestEditor::diffIsADryRun()
{
    ManifestEditor *editor = openWallet();
    QVERIFY(waitConnected());
    const int line = lineOf(editor, QStringLiteral("replicas: 3"));
    replaceOnLine(editor, line, QStringLiteral("3"), QStringLiteral("5"));
    QSignalSpy done(m_view, &ManifestsView::diffFinished);
    m_view->diffAction()->trigger();
    QVERIFY(done.wait(20000));
    const QString out = m_view->outputText();
    QVERIFY2(out.contains(QLatin1String("Deployment/wallet-service configured (server dry run) in lucent-staging")),
             qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("-  replicas: 3")) && out.contains(QLatin1String("+  replicas: 5")),
             qPrintable(out));
    // The replicas belong to the manager that applied the platform: the diff says whose they are.
    QVERIFY2(out.contains(QLatin1String("takes over from kubectl-client-side-apply: .spec.replicas")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("Service/wallet-service unchanged (server dry run)")), qPrintable(out));
    QCOMPARE(liveReplicas(), QStringLiteral("3")); // a dry run changes nothing
}

void TestManifestEditor::applyConfirmsAndReportsTheServer()
{
    ManifestEditor *editor = openWallet();
    QVERIFY(waitConnected());
    const int line = lineOf(editor, QStringLiteral("replicas: 3"));
    replaceOnLine(editor, line, QStringLiteral("3"), QStringLiteral("4"));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->applyAction()->isEnabled(), 10000);

    // Local errors stop an apply before anything is sent.
    const int image = lineOf(editor, QStringLiteral("image: lucent/wallet-service:2.1.0"));
    replaceOnLine(editor, image, QStringLiteral("2.1.0"), QStringLiteral("latest"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);
    m_view->applyAction()->trigger();
    QVERIFY(!m_view->pendingDialog());
    QVERIFY2(m_view->outputText().contains(QLatin1String("wallet-service.yaml has 1 error; fix it before applying")),
             qPrintable(m_view->outputText()));
    replaceOnLine(editor, image, QStringLiteral("latest"), QStringLiteral("2.1.0"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 0, 10000);

    // The replicas belong to the manager that applied the platform (kubectl, client-side): the
    // server-side apply asks first whether to take them over; staging needs no typed name.
    QSignalSpy applied(m_view, &ManifestsView::applyFinished);
    m_view->applyAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_view->pendingDialog(), 20000);
    QPointer<ConfirmActionDialog> takeOver = m_view->pendingDialog();
    QCOMPARE(takeOver->windowTitle(), QStringLiteral("Take Over Fields"));
    // Enter out of habit takes nothing over: Cancel is the default button.
    QVERIFY(takeOver->findChild<QPushButton *>(QStringLiteral("confirmCancel"))->isDefault());
    QVERIFY(!takeOver->findChild<QPushButton *>(QStringLiteral("confirmOk"))->isDefault());
    const auto *owned = takeOver->findChild<QPlainTextEdit *>();
    QVERIFY2(owned
                 && owned->toPlainText().contains(
                     QLatin1String("Deployment/wallet-service .spec.replicas: owned by kubectl-client-side-apply")),
             owned ? qPrintable(owned->toPlainText()) : "no details");
    QVERIFY(takeOver->canConfirm());
    takeOver->accept();
    // Then the diff of the forced dry run is in the confirmation.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->pendingDialog() && m_view->pendingDialog() != takeOver, 20000);
    ConfirmActionDialog *dialog = m_view->pendingDialog();
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Apply Manifests"));
    QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("confirmCancel"))->isDefault());
    QVERIFY(dialog->canConfirm());
    const auto *details = dialog->findChild<QPlainTextEdit *>();
    QVERIFY(details && details->toPlainText().contains(QLatin1String("+  replicas: 4")));
    QCOMPARE(liveReplicas(), QStringLiteral("3"));
    dialog->accept();
    QVERIFY(applied.wait(20000));
    const QString out = m_view->outputText();
    QVERIFY2(out.contains(QLatin1String("Applied to staging")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("Deployment/wallet-service configured in lucent-staging")), qPrintable(out));
    QCOMPARE(liveReplicas(), QStringLiteral("4"));
    const QString managers = m_sandbox
                                 .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "deploy",
                                                               "wallet-service", "--show-managed-fields", "-o",
                                                               "jsonpath={.metadata.managedFields[*].manager}"}))
                                 .outText();
    QVERIFY2(managers.contains(QLatin1String("lucent-console")), qPrintable(managers));
    // The production copy was not touched.
    QCOMPARE(liveReplicas(QStringLiteral("lucent-platform")), QStringLiteral("3"));

    // An object of another environment's namespace is not applied from this one: its
    // confirmation would be the wrong one.
    ManifestEditor *other = m_view->openFile(m_workspace->filePath(QStringLiteral("production/namespace.yaml")));
    QVERIFY(other);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->applyAction()->isEnabled(), 10000);
    m_view->applyAction()->trigger();
    QVERIFY(!m_view->pendingDialog());
    QVERIFY2(m_view->outputText().contains(QLatin1String(
                 "Namespace/lucent-platform (line 3) belongs to namespace lucent-platform, but staging works "
                 "in lucent-staging")),
             qPrintable(m_view->outputText()));
    m_view->openFile(editor->filePath());

    // Cancel sends nothing. The console owns the replicas now: no takeover is asked.
    replaceOnLine(editor, line, QStringLiteral("4"), QStringLiteral("6"));
    m_view->applyAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_view->pendingDialog(), 20000);
    QCOMPARE(m_view->pendingDialog()->windowTitle(), QStringLiteral("Apply Manifests"));
    m_view->pendingDialog()->reject();
    QTRY_VERIFY(m_view->outputText().contains(QLatin1String("Apply cancelled; nothing was changed.")));
    QCOMPARE(liveReplicas(), QStringLiteral("4"));
}

void TestManifestEditor::serverStrictValidationIsShown()
{
    // A field the server refuses under fieldValidation=Strict: the console's own check flags
    // it too, but a diff still asks the server, whose answer is shown as it came.
    ManifestEditor *editor = openWallet();
    QVERIFY(waitConnected());
    const int line = lineOf(editor, QStringLiteral("revisionHistoryLimit: 10"));
    replaceOnLine(editor, line, QStringLiteral("revisionHistoryLimit: 10"),
                  QStringLiteral("revisionHistoryLimits: 10"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);
    QCOMPARE(m_view->problemsModel()->index(0, ProblemsModel::RuleColumn).data().toString(),
             QStringLiteral("schema-unknown-field"));
    QSignalSpy done(m_view, &ManifestsView::diffFinished);
    m_view->diffAction()->trigger();
    QVERIFY(done.wait(20000));
    const QString out = m_view->outputText();
    QVERIFY2(out.contains(QLatin1String("Deployment/wallet-service in lucent-staging failed")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("unknown field")) && out.contains(QLatin1String("revisionHistoryLimits")),
             qPrintable(out));
}

void TestManifestEditor::productionNeedsTheTypedName()
{
    ManifestEditor *editor = openWallet();
    QVERIFY(waitConnected());
    m_window->selectEnvironment(QStringLiteral("production"));
    QVERIFY(waitConnected());
    QVERIFY(waitConnected());
    const int line = lineOf(editor, QStringLiteral("replicas: 3"));
    replaceOnLine(editor, line, QStringLiteral("3"), QStringLiteral("4"));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->applyAction()->isEnabled(), 10000);
    m_view->applyAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_view->pendingDialog(), 20000);
    ConfirmActionDialog *dialog = m_view->pendingDialog();
    // Taking fields over is the first question, and on production it needs the typed name too.
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Take Over Fields"));
    QVERIFY(!dialog->canConfirm());
    auto *typed = dialog->findChild<QLineEdit *>();
    QVERIFY(typed);
    typed->setText(QStringLiteral("staging"));
    QVERIFY(!dialog->canConfirm());
    typed->setText(QStringLiteral("production"));
    QVERIFY(dialog->canConfirm());
    // Switching environment withdraws the question: it was asked about production.
    QPointer<ConfirmActionDialog> guard = dialog;
    m_window->selectEnvironment(QStringLiteral("staging"));
    QTRY_VERIFY(guard.isNull() || !guard->isVisible());
    QCOMPARE(liveReplicas(QStringLiteral("lucent-platform")), QStringLiteral("3"));
}

void TestManifestEditor::darkThemeFollowsThePalette()
{
    ManifestEditor *editor = openWallet();
    const QString light = editor->themeName();
    QPalette dark = editor->palette();
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    editor->setPalette(dark);
    QVERIFY(editor->themeName() != light);
    QVERIFY(editor->gutterWidth() > 0);
}

void TestManifestEditor::clusterSchemaReplacesTheBuiltInOne()
{
    // Once connected, the sandbox's /openapi/v3 is the schema: its kinds, fields, required
    // fields and enums. A kind the cluster does not serve (CronJob) is then an error.
    ManifestsView standalone; // no environment: the built-in schema
    QVERIFY(standalone.schemaDescription().contains(QLatin1String("Kubernetes 1.32 (built in)")));
    ManifestEditor *editor = openWallet();
    QVERIFY(waitConnected());
    QTRY_VERIFY_WITH_TIMEOUT(m_view->schemaDescription().contains(QLatin1String("cluster")), 20000);
    const int line = lineOf(editor, QStringLiteral("type: RollingUpdate"));
    replaceOnLine(editor, line, QStringLiteral("RollingUpdate"), QStringLiteral("Rolling"));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);
    QCOMPARE(m_view->problemsModel()->index(0, ProblemsModel::RuleColumn).data().toString(),
             QStringLiteral("schema-enum"));

    QFile cron(m_workspace->filePath(QStringLiteral("base/cleanup.yaml")));
    QVERIFY(cron.open(QIODevice::WriteOnly));
    cron.write("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cleanup\n");
    cron.close();
    ManifestEditor *other = m_view->openFile(cron.fileName());
    QVERIFY(other);
    QTRY_VERIFY_WITH_TIMEOUT(!other->problems().isEmpty(), 10000);
    QCOMPARE(other->problems().first().ruleId, QStringLiteral("schema-unknown-kind"));
    QVERIFY2(
        other->problems().first().message.contains(QLatin1String("The connected cluster serves no kind \"CronJob\"")),
        qPrintable(other->problems().first().message));
}

void TestManifestEditor::secretValuesNeverShow()
{
    // The template's empty values against the sandbox's filled ones: the diff says they
    // change, and shows none of them.
    ManifestEditor *editor = m_view->openFile(m_workspace->filePath(QStringLiteral("staging/secrets.template.yaml")));
    QVERIFY(editor);
    QVERIFY(waitConnected());
    const QString live = m_sandbox
                             .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "secret", "lucent-secrets",
                                                           "-o", "jsonpath={.data.jwt-secret}"}))
                             .outText();
    QVERIFY(live.size() >= 16);
    QSignalSpy done(m_view, &ManifestsView::diffFinished);
    m_view->diffAction()->trigger();
    QVERIFY(done.wait(20000));
    const QString out = m_view->outputText();
    QVERIFY2(out.contains(QLatin1String("Secret/lucent-secrets configured (server dry run)")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("-  jwt-secret: \"*** (before)\"")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("+  jwt-secret: \"*** (after)\"")), qPrintable(out));
    QVERIFY(!out.contains(live));

    // A template is never applied: its blanks would replace the real values.
    m_view->applyAction()->trigger();
    QVERIFY(!m_view->pendingDialog());
    QVERIFY2(m_view->outputText().contains(QLatin1String("is a template")), qPrintable(m_view->outputText()));
    QCOMPARE(m_sandbox
                 .kubectl(Lucent::Tests::args(
                     {"-n", "lucent-staging", "get", "secret", "lucent-secrets", "-o", "jsonpath={.data.jwt-secret}"}))
                 .outText(),
             live);
}

void TestManifestEditor::changesOnDiskAreNoticed()
{
    // An unedited file follows the disk (a git pull); an edited one keeps the user's text.
    ManifestEditor *editor = openWallet();
    const QString path = editor->filePath();
    auto rewrite = [&](const QByteArray &from, const QByteArray &to) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        text.replace(from, to);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
    };
    rewrite("lucent/wallet-service:2.1.0", "lucent/wallet-service:latest");
    QTRY_VERIFY_WITH_TIMEOUT(editor->toPlainText().contains(QLatin1String("wallet-service:latest")), 10000);
    QVERIFY(!editor->isModified());
    QTRY_COMPARE_WITH_TIMEOUT(m_view->problemsModel()->rowCount(), 1, 10000);

    const int line = lineOf(editor, QStringLiteral("replicas: 3"));
    replaceOnLine(editor, line, QStringLiteral("3"), QStringLiteral("4"));
    rewrite("lucent/wallet-service:latest", "lucent/wallet-service:2.2.0");
    QTRY_VERIFY_WITH_TIMEOUT(m_view->outputText().contains(QLatin1String("changed on disk")), 10000);
    QVERIFY(editor->toPlainText().contains(QLatin1String("replicas: 4")));
    QVERIFY(editor->toPlainText().contains(QLatin1String("wallet-service:latest")));
}

void TestManifestEditor::hugeFilesAreNotOpened()
{
    QFile huge(m_workspace->filePath(QStringLiteral("dump.yaml")));
    QVERIFY(huge.open(QIODevice::WriteOnly));
    const QByteArray line(1023, 'x');
    for (qint64 written = 0; written <= ManifestEditor::MaxFileSize; written += 1024)
        huge.write(line + '\n');
    huge.close();
    QVERIFY(!m_view->openFile(huge.fileName()));
    QVERIFY2(m_view->outputText().contains(QLatin1String("dump.yaml is 8 MB, too large to edit here")),
             qPrintable(m_view->outputText()));
    // A device reports no size and never ends: opening /dev/zero used to hold the window.
    QVERIFY(!m_view->openFile(QStringLiteral("/dev/zero")));
    QVERIFY2(
        m_view->outputText().contains(QLatin1String("zero cannot be opened: it is a device or socket, not a file.")),
        qPrintable(m_view->outputText()));
}

// The files that crashed (an alias inside its own anchor) and hung (nested aliases) the
// validator, which the tab runs on a worker as the user types: each is a problem in the list,
// and the window with its open editors stays.
void TestManifestEditor::hostileAliasesAreProblemsNotCrashes()
{
    ManifestEditor *wallet = openWallet();
    QVERIFY(wallet);
    for (const char *name : {"self-alias.yaml", "billion-laughs.yaml"}) {
        const QString path = m_workspace->filePath(QLatin1String(name));
        QVERIFY(QFile::copy(QStringLiteral(LUCENT_TEST_DATA_DIR "/validation/hostile/") + QLatin1String(name), path));
        QVERIFY(m_view->openFile(path));
        const auto listed = [this, name] {
            for (int row = 0; row < m_view->problemsModel()->rowCount(); ++row) {
                const QModelIndex file = m_view->problemsModel()->index(row, ProblemsModel::FileColumn);
                const QModelIndex message = m_view->problemsModel()->index(row, ProblemsModel::MessageColumn);
                if (file.data().toString().contains(QLatin1String(name))
                    && message.data().toString().startsWith(QStringLiteral("The YAML")))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(listed(), 20000);
    }
    QVERIFY(m_window->isVisible());
    QVERIFY(wallet->document()->toPlainText().contains(QStringLiteral("wallet-service")));
}

namespace {

const QStringList EditedFiles{QStringLiteral("base/wallet-service.yaml"), QStringLiteral("base/api-gateway.yaml")};

QString typedInto(const QString &file)
{
    return QStringLiteral("# typed before the crash into %1").arg(QFileInfo(file).fileName());
}

// The console the test kills: the Manifests tab on WORKSPACE, a line typed at the end of two
// files, nothing saved. Prints "typed" and waits to be killed.
int editUntilKilled(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QString workspace = QString::fromLocal8Bit(argv[2]);
    ManifestsView view;
    view.setWorkspace(workspace);
    view.resize(1024, 700);
    view.show();
    for (const QString &file : EditedFiles) {
        ManifestEditor *editor = view.openFile(QDir(workspace).filePath(file));
        if (!editor)
            return 2;
        editor->moveCursor(QTextCursor::End);
        QTest::keyClicks(editor, typedInto(file));
    }
    std::printf("typed\n");
    std::fflush(stdout);
    return app.exec();
}

} // namespace

// The console is SIGKILLed with edits in two files that were never saved; the next start
// offers both back (a mark on the Manifests tab, a banner in it), and Restore reopens them as
// unsaved changes while the files on disk stay as they were.
void TestManifestEditor::killedConsoleLosesNoEdit()
{
    QProcess console;
    console.setProcessChannelMode(QProcess::SeparateChannels);
    console.start(QCoreApplication::applicationFilePath(),
                  {QStringLiteral("--edit-until-killed"), m_workspace->path()});
    QVERIFY(QTest::qWaitFor([&] { return console.canReadLine() || console.state() == QProcess::NotRunning; }, 30000));
    QCOMPARE(console.readLine().trimmed(), QByteArray("typed"));
    QElapsedTimer sinceTyping;
    sinceTyping.start();
    // The copies are written within a second or two of typing; then the process dies hard.
    const QString copies = qEnvironmentVariable("XDG_STATE_HOME") + QStringLiteral("/lucent-console/recovery");
    const auto bothCopied = [&] {
        int found = 0;
        for (const QFileInfo &copy : QDir(copies).entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
            QFile file(copy.filePath());
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains("typed before the crash"))
                ++found;
        }
        return found == 2;
    };
    QVERIFY2(QTest::qWaitFor(bothCopied, 10000), qPrintable(copies));
    qInfo("both recovery copies were on disk %lld ms after the last keystroke", sinceTyping.elapsed());
    console.kill();
    QVERIFY(console.waitForFinished(10000));
    QCOMPARE(console.exitStatus(), QProcess::CrashExit);

    // The next start.
    m_window = std::make_unique<MainWindow>(QStringList{m_sandbox.kubeconfig()}, true, m_sandbox.projectFile());
    m_window->setWorkspace(m_workspace->path());
    m_window->show();
    m_view = m_window->manifests();
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_view->recoveryOffer().isEmpty(), 10000);
    QVERIFY2(m_view->recoveryOffer().contains(QLatin1String("wallet-service.yaml"))
                 && m_view->recoveryOffer().contains(QLatin1String("api-gateway.yaml")),
             qPrintable(m_view->recoveryOffer()));
    QCOMPARE(tabs->tabText(tabs->indexOf(m_view)), QStringLiteral("Ma&nifests (2 to restore)"));
    m_window->showView(QStringLiteral("manifests")); // where the mark leads
    auto *restore = m_view->findChild<QPushButton *>(QStringLiteral("recoveryRestore"));
    QVERIFY(restore && restore->isVisible());
    if (const QString shots = qEnvironmentVariable("LUCENT_SCREENSHOT_DIR"); !shots.isEmpty()) {
        m_window->resize(1280, 800);
        QVERIFY(m_window->grab().save(shots + QStringLiteral("/manifests-recovery.png")));
    }
    restore->click();
    for (const QString &file : EditedFiles) {
        const QString path = m_workspace->filePath(file);
        ManifestEditor *editor = m_view->editorFor(path);
        QVERIFY2(editor, qPrintable(path));
        QVERIFY(editor->toPlainText().endsWith(typedInto(file)));
        QVERIFY(editor->isModified());
        QFile onDisk(path);
        QVERIFY(onDisk.open(QIODevice::ReadOnly));
        QVERIFY(!onDisk.readAll().contains("typed before the crash")); // restored as unsaved, not written
    }
    QVERIFY(m_view->recoveryOffer().isEmpty());
    QCOMPARE(tabs->tabText(tabs->indexOf(m_view)), QStringLiteral("Ma&nifests"));
}

// Issue 32: what a promotion wrote (here user-service's replicas, as its scale writes them, by
// the field manager lucent-promotion) decides what serves. Applying git over it offers no take-over:
// it is refused with a sentence naming the object and field, and nothing changes. The Service in
// the same file names no colour: the applier keeps the one the promotion selects.
void TestManifestEditor::applyNeverTakesOverWhatAPromotionOwns()
{
    const auto replicas = [this] {
        return m_sandbox
            .kubectl(Lucent::Tests::args(
                {"-n", "lucent-staging", "get", "deploy", "user-service", "-o", "jsonpath={.spec.replicas}"}))
            .outText();
    };
    const QString scaled
        = Lucent::Tests::scaleAs(m_sandbox, QStringLiteral("user-service"), 2, QStringLiteral("lucent-promotion"));
    QVERIFY2(scaled.isEmpty(), qPrintable(scaled));
    const auto restore = qScopeGuard([this] {
        // Back to git's 3, owned by kubectl's client-side apply as the sandbox started it.
        Lucent::Tests::scaleAs(m_sandbox, QStringLiteral("user-service"), 3,
                               QStringLiteral("kubectl-client-side-apply"));
    });
    ManifestEditor *editor = m_view->openFile(m_workspace->filePath(QStringLiteral("base/user-service.yaml")));
    QVERIFY(editor);
    QVERIFY(waitConnected());
    QTRY_VERIFY_WITH_TIMEOUT(m_view->applyAction()->isEnabled(), 10000);
    QSignalSpy applied(m_view, &ManifestsView::applyFinished);
    m_view->applyAction()->trigger();
    QVERIFY(applied.wait(20000));
    QVERIFY(!m_view->pendingDialog()); // no take-over offered
    const QString out = m_view->outputText();
    QVERIFY2(out.contains(QLatin1String("Not taken over: Deployment/user-service .spec.replicas is a promotion's "
                                        "(field manager lucent-promotion).")),
             qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("Promote or roll back instead")), qPrintable(out));
    QCOMPARE(replicas(), QStringLiteral("2"));
    const QString colour = m_sandbox
                               .kubectl(Lucent::Tests::args({"-n", "lucent-staging", "get", "svc", "user-service", "-o",
                                                             "jsonpath={.spec.selector.color}"}))
                               .outText();
    QCOMPARE(colour, QStringLiteral("blue"));
}

int main(int argc, char **argv)
{
    if (argc > 2 && qstrcmp(argv[1], "--edit-until-killed") == 0)
        return editUntilKilled(argc, argv);
    QApplication app(argc, argv);
    TestManifestEditor test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_manifesteditor.moc"
