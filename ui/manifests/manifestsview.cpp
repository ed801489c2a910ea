#include "ui/manifests/manifestsview.h"

#include "core/bounds/filebounds.h"
#include "core/environment/environmentsession.h"
#include "core/validation/clusterschemaloader.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/common/inlinebanner.h"
#include "ui/common/palette.h"
#include "ui/manifests/applyflow.h"
#include "ui/manifests/editorrecovery.h"
#include "ui/manifests/findbar.h"
#include "ui/manifests/manifesteditor.h"
#include "ui/manifests/problemsmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTextCursor>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace Lucent::Ui {

using namespace Lucent::Core::Validation;
using Lucent::Core::Apply::ApplyOutcome;
using Lucent::Core::Environment::EnvironmentSession;
using Lucent::Core::Recovery::RecoveredText;

namespace {

QString normalized(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

// Shows only YAML files and the folders that lead to them.
class ManifestFilesProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex index = sourceModel()->index(row, 0, parent);
        const auto *files = static_cast<const QFileSystemModel *>(sourceModel());
        if (files->isDir(index))
            return !files->fileName(index).startsWith(QLatin1Char('.'));
        const QString name = files->fileName(index);
        return name.endsWith(QLatin1String(".yaml")) || name.endsWith(QLatin1String(".yml"));
    }
};

} // namespace

ManifestsView::ManifestsView(QWidget *parent)
    : QWidget(parent)
    , m_schema(KubernetesSchema::bundled())
    , m_files(new QFileSystemModel(this))
    , m_filesProxy(new ManifestFilesProxy(this))
    , m_tree(new QTreeView(this))
    , m_center(new QStackedWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_find(new FindBar(this))
    , m_problems(new ProblemsModel(this))
    , m_problemsView(new QTableView(this))
    , m_currentFileOnly(new QCheckBox(tr("Current file only"), this))
    , m_bottom(new QTabWidget(this))
    , m_output(new QTextEdit(this))
    , m_schemaLabel(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_debounce(new QTimer(this))
    , m_watcher(new QFileSystemWatcher(this))
    , m_flow(new ManifestApplyFlow(this))
    , m_recovery(new EditorRecovery({}, this))
    , m_recoveryBanner(new InlineBanner(this))
{
    connect(m_recovery, &EditorRecovery::failed, this, [this](const QString &sentence) { say(sentence, true); });
    connect(m_recovery, &EditorRecovery::leftBehindFound, this, &ManifestsView::offerRecovery);
    m_recovery->findLeftBehind();
    connect(m_flow, &ManifestApplyFlow::said, this, &ManifestsView::say);
    connect(m_flow, &ManifestApplyFlow::outcomesReady, this, &ManifestsView::showOutcomes);
    connect(m_flow, &ManifestApplyFlow::busyChanged, this, &ManifestsView::updateActions);
    connect(m_flow, &ManifestApplyFlow::diffFinished, this, &ManifestsView::diffFinished);
    connect(m_flow, &ManifestApplyFlow::applyFinished, this, &ManifestsView::applyFinished);
    connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &ManifestsView::onFileChangedOnDisk);
    // Files added, removed or renamed in the workspace (a git pull, another editor).
    connect(m_files, &QFileSystemModel::rowsInserted, this, &ManifestsView::scheduleValidation);
    connect(m_files, &QFileSystemModel::rowsRemoved, this, &ManifestsView::scheduleValidation);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(DebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &ManifestsView::validateNow);

    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_save = toolbar->addAction(tr("Save"), this, &ManifestsView::saveCurrent);
    m_save->setShortcut(QKeySequence::Save);
    m_save->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_save->setToolTip(tr("Save the file, keeping the previous version as FILE~ (%1)")
                           .arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText)));
    QAction *find = toolbar->addAction(tr("Find"), this, [this] { m_find->activate(false); });
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *replace = toolbar->addAction(tr("Replace"), this, [this] { m_find->activate(true); });
    replace->setShortcut(QKeySequence(tr("Ctrl+H")));
    replace->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    toolbar->addSeparator();
    m_diff = toolbar->addAction(tr("Diff with Cluster"), this, &ManifestsView::diffCurrent);
    m_diff->setObjectName(QStringLiteral("manifestDiff"));
    m_diff->setShortcut(QKeySequence(tr("Ctrl+D")));
    m_diff->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_apply = toolbar->addAction(tr("Apply…"), this, &ManifestsView::applyCurrent);
    m_apply->setObjectName(QStringLiteral("manifestApply"));
    m_apply->setShortcut(QKeySequence(tr("Ctrl+Shift+Return")));
    m_apply->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    // F8 and Shift+F8 walk the current file's problems, as in IDEs.
    auto *nextProblem = new QAction(tr("Next Problem"), this);
    nextProblem->setShortcut(QKeySequence(Qt::Key_F8));
    nextProblem->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(nextProblem, &QAction::triggered, this, [this] { goToProblem(false); });
    auto *previousProblem = new QAction(tr("Previous Problem"), this);
    previousProblem->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    previousProblem->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(previousProblem, &QAction::triggered, this, [this] { goToProblem(true); });
    addAction(nextProblem);
    addAction(previousProblem);
    auto *spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    toolbar->addWidget(m_summary);
    toolbar->addSeparator();
    toolbar->addWidget(m_schemaLabel);
    for (QAction *action : toolbar->actions())
        addAction(action);

    m_files->setReadOnly(true);
    m_filesProxy->setSourceModel(m_files);
    m_tree->setModel(m_filesProxy);
    m_tree->setHeaderHidden(true);
    for (int column = 1; column < m_files->columnCount(); ++column)
        m_tree->hideColumn(column); // size, type and date say nothing here
    m_tree->setObjectName(QStringLiteral("manifestTree"));
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex source = m_filesProxy->mapToSource(index);
        if (!m_files->isDir(source))
            openFile(m_files->filePath(source));
    });

    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this,
            [this](int index) { closeEditor(qobject_cast<ManifestEditor *>(m_tabs->widget(index))); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        m_find->setEditor(currentEditor());
        if (m_currentFileOnly->isChecked())
            showProblems();
        updateActions();
    });
    auto *empty = new QLabel(tr("Open a manifest from the workspace on the left.\n\nProblems are checked as you "
                                "type: YAML, the Kubernetes schema and the platform's policy rules."),
                             this);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setEnabled(false);
    m_center->addWidget(empty);
    auto *editorArea = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editorArea);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    editorLayout->addWidget(m_tabs, 1);
    editorLayout->addWidget(m_find);
    m_center->addWidget(editorArea);

    m_problemsView->setModel(m_problems);
    m_problemsView->setObjectName(QStringLiteral("problemsView"));
    m_problemsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_problemsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_problemsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problemsView->verticalHeader()->hide();
    m_problemsView->setWordWrap(false);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::MessageColumn, QHeaderView::Stretch);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::SeverityColumn,
                                                             QHeaderView::ResizeToContents);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::PositionColumn,
                                                             QHeaderView::ResizeToContents);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::FileColumn, QHeaderView::ResizeToContents);
    m_problemsView->horizontalHeader()->setSectionResizeMode(ProblemsModel::RuleColumn, QHeaderView::ResizeToContents);
    connect(m_problemsView, &QTableView::clicked, this, &ManifestsView::onProblemActivated);
    connect(m_problemsView, &QTableView::activated, this, &ManifestsView::onProblemActivated);
    m_currentFileOnly->setObjectName(QStringLiteral("currentFileOnly"));
    connect(m_currentFileOnly, &QCheckBox::toggled, this, &ManifestsView::showProblems);
    auto *problemsPage = new QWidget(this);
    auto *problemsLayout = new QVBoxLayout(problemsPage);
    problemsLayout->setContentsMargins(0, 2, 0, 0);
    problemsLayout->addWidget(m_currentFileOnly);
    problemsLayout->addWidget(m_problemsView, 1);
    m_output->setReadOnly(true);
    m_output->setObjectName(QStringLiteral("serverOutput"));
    m_output->setPlaceholderText(tr("Diff with Cluster shows what the server would change; Apply shows what it did."));
    m_bottom->addTab(problemsPage, tr("Problems"));
    m_bottom->addTab(m_output, tr("Server"));

    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(m_center);
    vertical->addWidget(m_bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);
    auto *horizontal = new QSplitter(Qt::Horizontal, this);
    horizontal->addWidget(m_tree);
    horizontal->addWidget(vertical);
    horizontal->setStretchFactor(1, 1);
    horizontal->setSizes({240, 900});
    vertical->setSizes({520, 200});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(m_recoveryBanner);
    layout->addWidget(horizontal, 1);
    m_schemaLabel->setText(schemaDescription());
    updateActions();
}

ManifestsView::~ManifestsView() = default;

void ManifestsView::setWorkspace(const QString &directory)
{
    m_workspace = directory.isEmpty() ? QString() : normalized(directory);
    m_problems->setBaseDirectory(m_workspace);
    if (!m_workspace.isEmpty()) {
        const QModelIndex root = m_files->setRootPath(m_workspace);
        m_tree->setRootIndex(m_filesProxy->mapFromSource(root));
    }
    scheduleValidation();
}

void ManifestsView::setValidationSettings(const ValidationSettings &settings)
{
    m_settings = settings;
    scheduleValidation();
}

void ManifestsView::setSession(EnvironmentSession *session)
{
    m_flow->setSession(session);
    if (m_schemaLoader)
        m_schemaLoader->deleteLater();
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_schema = KubernetesSchema::bundled();
    m_schemaLabel->setText(schemaDescription());
    m_schemaLabel->setToolTip(QString());
    if (session)
        connect(session, &EnvironmentSession::stateChanged, this, &ManifestsView::onSessionState);
    onSessionState();
    scheduleValidation();
}

void ManifestsView::onSessionState()
{
    updateActions();
    if (!m_session || m_session->state() != EnvironmentSession::State::Connected || m_schemaLoader
        || m_schema != KubernetesSchema::bundled())
        return;
    auto *loader = new ClusterSchemaLoader(m_session->client(), this);
    m_schemaLoader = loader;
    connect(loader, &ClusterSchemaLoader::loaded, this, [this, loader](std::shared_ptr<const KubernetesSchema> schema) {
        loader->deleteLater();
        if (loader != m_schemaLoader)
            return;
        m_schema = std::move(schema);
        m_schemaLabel->setText(schemaDescription());
        m_schemaLabel->setToolTip(tr("Manifests are checked against the kinds and fields this cluster serves, "
                                     "custom resources included."));
        scheduleValidation();
    });
    connect(loader, &ClusterSchemaLoader::failed, this, [this, loader](const QString &sentence) {
        loader->deleteLater();
        m_schemaLabel->setToolTip(sentence);
    });
    loader->start();
}

QString ManifestsView::schemaDescription() const
{
    if (m_schema == KubernetesSchema::bundled())
        return tr("Schema: Kubernetes %1 (built in)").arg(m_schema->kubernetesVersion);
    return tr("Schema: %1 cluster (%2 kinds)").arg(m_schema->kubernetesVersion).arg(m_schema->kinds.size());
}

ManifestEditor *ManifestsView::openFile(const QString &path)
{
    const QString file = normalized(path);
    if (ManifestEditor *open = editorFor(file)) {
        m_tabs->setCurrentWidget(open);
        return open;
    }
    auto *editor = new ManifestEditor(m_tabs);
    QString error;
    if (!editor->load(file, &error)) {
        delete editor;
        say(error, true);
        return nullptr;
    }
    m_watcher->addPath(file);
    const int index = m_tabs->addTab(editor, QFileInfo(file).fileName());
    m_tabs->setTabToolTip(index, file);
    m_tabs->setCurrentIndex(index);
    m_center->setCurrentIndex(1);
    connect(editor->document(), &QTextDocument::contentsChange, this, [this](int, int removed, int added) {
        if (removed || added)
            scheduleValidation();
    });
    connect(editor->document(), &QTextDocument::modificationChanged, this, [this, editor] { updateTabTitle(editor); });
    m_recovery->track(editor);
    QList<Problem> mine;
    for (const auto &p : std::as_const(m_allProblems)) {
        if (p.file == file)
            mine.append(p);
    }
    editor->setProblems(mine);
    updateActions();
    scheduleValidation(); // the file may have changed on disk since the last run
    return editor;
}

ManifestEditor *ManifestsView::currentEditor() const
{
    return qobject_cast<ManifestEditor *>(m_tabs->currentWidget());
}

ManifestEditor *ManifestsView::editorFor(const QString &path) const
{
    const QString file = normalized(path);
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *editor = qobject_cast<ManifestEditor *>(m_tabs->widget(i));
        if (editor && editor->filePath() == file)
            return editor;
    }
    return nullptr;
}

void ManifestsView::updateTabTitle(ManifestEditor *editor)
{
    const int index = m_tabs->indexOf(editor);
    if (index >= 0)
        m_tabs->setTabText(index,
                           QFileInfo(editor->filePath()).fileName()
                               + (editor->isModified() ? QStringLiteral(" •") : QString()));
}

bool ManifestsView::saveCurrent()
{
    ManifestEditor *editor = currentEditor();
    if (!editor)
        return false;
    QString error;
    if (!editor->save(&error)) {
        say(error, true);
        return false;
    }
    scheduleValidation();
    return true;
}

bool ManifestsView::closeEditor(ManifestEditor *editor)
{
    if (!editor)
        return true;
    if (editor->isModified()) {
        m_tabs->setCurrentWidget(editor);
        const auto answer
            = QMessageBox::question(this, tr("Unsaved Changes"),
                                    tr("%1 has changes that are not saved. Save them before closing?")
                                        .arg(QFileInfo(editor->filePath()).fileName()),
                                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel)
            return false;
        if (answer == QMessageBox::Discard)
            m_recovery->discard(editor);
        if (answer == QMessageBox::Save) {
            QString error;
            if (!editor->save(&error)) {
                say(error, true);
                return false;
            }
        }
    }
    m_watcher->removePath(editor->filePath());
    m_tabs->removeTab(m_tabs->indexOf(editor));
    editor->deleteLater();
    if (m_tabs->count() == 0)
        m_center->setCurrentIndex(0);
    scheduleValidation();
    return true;
}

bool ManifestsView::maybeSaveAll()
{
    for (int i = m_tabs->count() - 1; i >= 0; --i) {
        auto *editor = qobject_cast<ManifestEditor *>(m_tabs->widget(i));
        if (editor && editor->isModified() && !closeEditor(editor))
            return false;
    }
    return true;
}

void ManifestsView::scheduleValidation()
{
    m_debounce->start();
}

void ManifestsView::onFileChangedOnDisk(const QString &path)
{
    ManifestEditor *editor = editorFor(path);
    if (!editor)
        return;
    // Editors that save by replacing the file drop the watch; watch the new file.
    if (QFileInfo::exists(path) && !m_watcher->files().contains(path))
        m_watcher->addPath(path);
    QString unreadable;
    const auto contents = Core::FileBounds::read(path, ManifestEditor::MaxFileSize, &unreadable);
    if (!contents) {
        say(tr("%1 was removed or cannot be read any more; the text in the editor is kept. Save to write it back.")
                .arg(QFileInfo(path).fileName()),
            true);
        return;
    }
    const QString onDisk = QString::fromUtf8(*contents);
    if (onDisk == editor->toPlainText())
        return; // our own save
    if (editor->isModified()) {
        say(tr("%1 changed on disk while you were editing it. Your edits are kept; saving replaces the file (the "
               "version on disk goes to %1~).")
                .arg(QFileInfo(path).fileName()),
            true);
        return;
    }
    // Unedited: take the new contents, staying on the same line.
    const int line = editor->textCursor().blockNumber() + 1;
    QString error;
    editor->load(path, &error);
    editor->goTo(line, 1);
    scheduleValidation();
}

void ManifestsView::validateNow()
{
    QList<ManifestSource> open;
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *editor = qobject_cast<ManifestEditor *>(m_tabs->widget(i)))
            open.append({editor->filePath(), editor->toPlainText().toUtf8()});
    }
    const QString workspace = m_workspace;
    const auto settings = m_settings;
    const auto schema = m_schema;
    // Reading the workspace and validating it both happen on the worker. A newer keystroke's
    // run cancels this one, which then stops between files instead of finishing for nothing.
    m_validation.start(
        [open, workspace, settings, schema](QPromise<ValidationResult> &promise) {
            QList<ManifestSource> sources
                = workspace.isEmpty() ? QList<ManifestSource>() : Validator::collect({workspace}, nullptr);
            for (auto &source : sources)
                source.path = QDir::cleanPath(source.path);
            for (const auto &edited : open) {
                auto it = std::find_if(sources.begin(), sources.end(),
                                       [&](const ManifestSource &s) { return s.path == edited.path; });
                if (it != sources.end())
                    it->text = edited.text; // what is on screen, saved or not
                else
                    sources.append(edited);
            }
            ValidationResult result
                = Validator(settings, schema).validate(sources, {}, [&promise] { return promise.isCanceled(); });
            if (!promise.isCanceled())
                promise.addResult(std::move(result));
        },
        [this](const ValidationResult &result) { onValidated(result); },
        [this](const QString &why) {
            say(tr("Checking the manifests failed (%1); your text is untouched. Edit or save to check again.").arg(why),
                true);
            Q_EMIT validationFinished();
        });
}

void ManifestsView::onValidated(const ValidationResult &result)
{
    m_allProblems = result.problems;
    showProblems();
    m_validated = true;
    Q_EMIT validationFinished();
}

void ManifestsView::showProblems()
{
    QHash<QString, QList<Problem>> byFile;
    for (const auto &p : std::as_const(m_allProblems))
        byFile[p.file].append(p);
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (auto *editor = qobject_cast<ManifestEditor *>(m_tabs->widget(i)))
            editor->setProblems(byFile.value(editor->filePath()));
    }
    ManifestEditor *current = currentEditor();
    m_problems->setProblems(m_currentFileOnly->isChecked()
                                ? (current ? byFile.value(current->filePath()) : QList<Problem>())
                                : m_allProblems);
    const int errors = countSeverity(m_allProblems, Severity::Error);
    const int warnings = countSeverity(m_allProblems, Severity::Warning);
    m_summary->setText(errors + warnings == 0
                           ? tr("No problems")
                           : (errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors)) + QStringLiteral(", ")
                               + (warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings)));
    m_bottom->setTabText(0, m_allProblems.isEmpty() ? tr("Problems") : tr("Problems (%1)").arg(m_allProblems.size()));
}

bool ManifestsView::goToProblem(bool backward)
{
    ManifestEditor *editor = currentEditor();
    if (!editor || editor->problems().isEmpty())
        return false;
    QList<Problem> problems = editor->problems();
    sortProblems(problems);
    const QTextCursor cursor = editor->textCursor();
    const auto here = std::make_pair(cursor.blockNumber() + 1, cursor.positionInBlock() + 1);
    const Problem *target = nullptr;
    if (backward) {
        for (auto it = problems.crbegin(); it != problems.crend() && !target; ++it) {
            if (std::make_pair(it->line, it->column) < here)
                target = &*it;
        }
        if (!target)
            target = &problems.constLast(); // wrap
    } else {
        for (const auto &p : std::as_const(problems)) {
            if (std::make_pair(p.line, p.column) > here) {
                target = &p;
                break;
            }
        }
        if (!target)
            target = &problems.constFirst();
    }
    editor->goTo(target->line, target->column);
    return true;
}

void ManifestsView::onProblemActivated(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const QString file = index.data(ProblemsModel::FileRole).toString();
    if (ManifestEditor *editor = openFile(file))
        editor->goTo(index.data(ProblemsModel::LineRole).toInt(), index.data(ProblemsModel::ColumnRole).toInt());
}

void ManifestsView::updateActions()
{
    const bool connected = m_session && m_session->state() == EnvironmentSession::State::Connected;
    const bool idle = !m_flow->isBusy();
    const bool ready = connected && idle && currentEditor();
    m_save->setEnabled(currentEditor());
    for (QAction *action : {m_diff, m_apply}) {
        action->setEnabled(ready);
        action->setToolTip(!currentEditor() ? tr("Open a manifest first.")
                               : !connected ? tr("Connect to an environment first: diff and apply talk to its cluster.")
                               : !idle      ? tr("The server is still answering the last request.")
                               : action == m_diff
                               ? tr("Show what the server would change: a server-side dry run against the live objects")
                               : tr("Apply this file's objects with fieldValidation=Strict, after a dry run and your "
                                    "confirmation"));
    }
}

void ManifestsView::diffCurrent()
{
    if (ManifestEditor *editor = currentEditor())
        m_flow->diff(editor->filePath(), editor->toPlainText().toUtf8());
}

void ManifestsView::applyCurrent()
{
    ManifestEditor *editor = currentEditor();
    if (!editor)
        return;
    int errors = 0;
    for (const auto &p : std::as_const(m_allProblems))
        errors += p.file == editor->filePath() && p.severity == Severity::Error;
    if (errors > 0) {
        say(tr("%1 has %2; fix %3 before applying (see Problems).")
                .arg(QFileInfo(editor->filePath()).fileName(),
                     errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors), errors == 1 ? tr("it") : tr("them")),
            true);
        m_bottom->setCurrentIndex(0);
        Q_EMIT applyFinished();
        return;
    }
    m_flow->apply(editor->filePath(), editor->toPlainText().toUtf8());
}

void ManifestsView::showOutcomes(const QString &title, const QList<ApplyOutcome> &outcomes)
{
    const bool dark = isDark(palette());
    const QString added = dark ? QStringLiteral("#7ee787") : QStringLiteral("#116329");
    const QString removed = dark ? QStringLiteral("#ff7b72") : QStringLiteral("#b31d28");
    const QString hunk = dark ? QStringLiteral("#79c0ff") : QStringLiteral("#0550ae");
    QString html = QStringLiteral("<p><b>%1</b></p>").arg(title.toHtmlEscaped());
    for (const auto &o : outcomes) {
        const bool failed = o.result == ApplyOutcome::Result::Failed;
        const bool refused = failed || o.result == ApplyOutcome::Result::Conflict;
        const QString where = o.namespaceName.isEmpty() ? QString() : tr(" in %1").arg(o.namespaceName);
        const QString line = failed ? tr("%1%2 failed: %3").arg(o.object, where, o.message) : o.message + where;
        html += refused ? QStringLiteral("<p style=\"color:%1\">%2</p>").arg(removed, line.toHtmlEscaped())
                        : QStringLiteral("<p><b>%1</b></p>").arg(line.toHtmlEscaped());
        for (const auto &c : o.conflicts) {
            const QString owner = refused ? tr("owned by %1: %2").arg(c.manager, c.field)
                                          : tr("takes over from %1: %2").arg(c.manager, c.field);
            html += QStringLiteral("<p style=\"margin:0 0 0 12px\">%1</p>").arg(owner.toHtmlEscaped());
        }
        if (o.diff.isEmpty())
            continue;
        html += QStringLiteral("<pre style=\"margin:0 0 8px 12px\">");
        for (const QString &line : o.diff.split(QLatin1Char('\n'))) {
            const QString color = line.startsWith(QLatin1Char('+')) ? added
                : line.startsWith(QLatin1Char('-'))                 ? removed
                : line.startsWith(QLatin1String("@@"))              ? hunk
                                                                    : QString();
            html += color.isEmpty()
                ? line.toHtmlEscaped() + QLatin1Char('\n')
                : QStringLiteral("<span style=\"color:%1\">%2</span>\n").arg(color, line.toHtmlEscaped());
        }
        html += QStringLiteral("</pre>");
    }
    m_output->setHtml(html);
    m_bottom->setCurrentWidget(m_output);
}

void ManifestsView::say(const QString &sentence, bool error)
{
    m_output->setPlainText(sentence);
    if (error) {
        QTextCharFormat format;
        format.setForeground(isDark(palette()) ? QColor(0xff, 0x7b, 0x72) : QColor(0xb3, 0x1d, 0x28));
        QTextCursor cursor(m_output->document());
        cursor.select(QTextCursor::Document);
        cursor.mergeCharFormat(format);
    }
    m_bottom->setCurrentWidget(m_output);
}

void ManifestsView::offerRecovery(const QList<RecoveredText> &copies)
{
    m_leftBehind = copies;
    QStringList names;
    for (const RecoveredText &copy : copies)
        names.append(QFileInfo(copy.path).fileName());
    m_recoveryBanner->showMessages(
        InlineBanner::Severity::Warning,
        {tr("Unsaved edits of %1 were kept when the console last ended (the newest from %2). Restore opens them as "
            "unsaved changes; Discard drops them.")
             .arg(QLocale().createSeparatedList(names),
                  QLocale().toString(copies.constLast().written.toLocalTime(), QLocale::ShortFormat))});
    connect(m_recoveryBanner->addButton(tr("Restore"), QStringLiteral("recoveryRestore")), &QPushButton::clicked, this,
            &ManifestsView::restoreLeftBehind);
    connect(m_recoveryBanner->addButton(tr("Discard"), QStringLiteral("recoveryDiscard")), &QPushButton::clicked, this,
            &ManifestsView::discardLeftBehind);
    Q_EMIT recoveryOffered(names);
}

QString ManifestsView::recoveryOffer() const
{
    return m_recoveryBanner->isHidden() ? QString() : m_recoveryBanner->text();
}

void ManifestsView::restoreLeftBehind()
{
    m_recoveryBanner->clear();
    Q_EMIT recoveryOffered({});
    for (const RecoveredText &copy : std::exchange(m_leftBehind, {})) {
        ManifestEditor *editor = openFile(copy.path);
        if (!editor) { // the copy stays where it is, for the next start or by hand
            say(tr("The recovered text of %1 cannot be put back because the file cannot be opened; it is kept in %2.")
                    .arg(copy.path, copy.copyFile),
                true);
            continue;
        }
        if (editor->toPlainText() == copy.text) { // the file holds that text already: nothing to keep
            m_recovery->discardLeftBehind({copy});
            continue;
        }
        // Replaced through the cursor, so that undo goes back to the file's own text.
        QTextCursor cursor(editor->document());
        cursor.select(QTextCursor::Document);
        cursor.insertText(copy.text);
        if (copy.secretValuesDropped)
            say(tr("%1 was restored without the values of its Secret data: they are never kept in a recovery copy. "
                   "Enter them again before saving.")
                    .arg(QFileInfo(copy.path).fileName()),
                true);
    }
}

void ManifestsView::discardLeftBehind()
{
    m_recoveryBanner->clear();
    Q_EMIT recoveryOffered({});
    m_recovery->discardLeftBehind(std::exchange(m_leftBehind, {}));
}

ConfirmActionDialog *ManifestsView::pendingDialog() const
{
    return m_flow->pendingDialog();
}

QString ManifestsView::outputText() const
{
    return m_output->toPlainText();
}

} // namespace Lucent::Ui
