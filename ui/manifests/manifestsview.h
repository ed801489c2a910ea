#pragma once

#include "core/apply/manifestapplier.h"
#include "core/jobs/latestjob.h"
#include "core/recovery/recoverystore.h"
#include "core/validation/kubernetesschema.h"
#include "core/validation/rulecatalog.h"
#include "core/validation/validator.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QCheckBox;
class QFileSystemModel;
class QFileSystemWatcher;
class QLabel;
class QSortFilterProxyModel;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTextEdit;
class QTimer;
class QTreeView;

namespace Lucent::Core::Environment {
class EnvironmentSession;
}
namespace Lucent::Core::Validation {
class ClusterSchemaLoader;
}

namespace Lucent::Ui {

class ConfirmActionDialog;
class EditorRecovery;
class FindBar;
class InlineBanner;
class ManifestApplyFlow;
class ManifestEditor;
class ProblemsModel;

/// The Manifests tab: the workspace's files on the left, editors in tabs, and below them the
/// problems the validator finds as you type and what the server said to a diff or an apply.
/// Validation runs on a worker thread a moment after the last keystroke, over the whole
/// workspace (so cross-file rules see every file) with the open editors' unsaved text.
class ManifestsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestsView)

public:
    explicit ManifestsView(QWidget *parent = nullptr);
    ~ManifestsView() override;

    void setWorkspace(const QString &directory);
    QString workspace() const { return m_workspace; }
    void setValidationSettings(const Lucent::Core::Validation::ValidationSettings &settings);
    /// The environment diff and apply talk to; its cluster's schema replaces the built-in one.
    void setSession(Lucent::Core::Environment::EnvironmentSession *session);

    /// Opens @p path in a tab (or shows its tab); nullptr when it cannot be read.
    ManifestEditor *openFile(const QString &path);
    ManifestEditor *currentEditor() const;
    ManifestEditor *editorFor(const QString &path) const;
    /// Asks about unsaved changes (Save, Discard, Cancel); false when the user cancels.
    bool maybeSaveAll();
    bool closeEditor(ManifestEditor *editor);
    bool saveCurrent();

    void diffCurrent();
    void applyCurrent();
    /// F8 / Shift+F8: the cursor to the current file's next (or previous) problem, wrapping.
    bool goToProblem(bool backward);

    /// Delay between the last keystroke and validation.
    static constexpr int DebounceMs = 300;

    /// True once a validation has finished since the workspace was set.
    bool hasValidated() const { return m_validated; }
    ProblemsModel *problemsModel() const { return m_problems; }
    QTableView *problemsView() const { return m_problemsView; }
    FindBar *findBar() const { return m_find; }
    QString outputText() const;
    QString schemaDescription() const;
    ConfirmActionDialog *pendingDialog() const;
    QAction *diffAction() const { return m_diff; }
    QAction *applyAction() const { return m_apply; }
    /// Unsaved edits an ended console left, on offer (empty when none are).
    QString recoveryOffer() const;
    /// Reopens the files of the copies on offer with their recovered text (as unsaved edits).
    void restoreLeftBehind();
    void discardLeftBehind();

Q_SIGNALS:
    void validationFinished();
    void diffFinished();
    void applyFinished();
    /// Copies of unsaved edits from an ended console are on offer: their file names (empty
    /// once the user restored or discarded them).
    void recoveryOffered(const QStringList &fileNames);

private:
    void scheduleValidation();
    void validateNow();
    void onValidated(const Lucent::Core::Validation::ValidationResult &result);
    /// Hands the last result to the editors and the Problems panel (all files or the current one).
    void showProblems();
    void onProblemActivated(const QModelIndex &index);
    void onSessionState();
    void updateActions();
    void updateTabTitle(ManifestEditor *editor);
    void showOutcomes(const QString &title, const QList<Lucent::Core::Apply::ApplyOutcome> &outcomes);
    void say(const QString &sentence, bool error = false);
    void onFileChangedOnDisk(const QString &path);
    void offerRecovery(const QList<Lucent::Core::Recovery::RecoveredText> &copies);

    QString m_workspace;
    Lucent::Core::Validation::ValidationSettings m_settings;
    std::shared_ptr<const Lucent::Core::Validation::KubernetesSchema> m_schema;
    QPointer<Lucent::Core::Environment::EnvironmentSession> m_session;
    QPointer<Lucent::Core::Validation::ClusterSchemaLoader> m_schemaLoader;
    QList<Lucent::Core::Validation::Problem> m_allProblems;

    QFileSystemModel *m_files = nullptr;
    QSortFilterProxyModel *m_filesProxy = nullptr;
    QTreeView *m_tree = nullptr;
    QStackedWidget *m_center = nullptr;
    QTabWidget *m_tabs = nullptr;
    FindBar *m_find = nullptr;
    ProblemsModel *m_problems = nullptr;
    QTableView *m_problemsView = nullptr;
    QCheckBox *m_currentFileOnly = nullptr;
    QTabWidget *m_bottom = nullptr;
    QTextEdit *m_output = nullptr;
    QLabel *m_schemaLabel = nullptr;
    QLabel *m_summary = nullptr;
    QTimer *m_debounce = nullptr;
    QFileSystemWatcher *m_watcher = nullptr;
    ManifestApplyFlow *m_flow = nullptr;
    EditorRecovery *m_recovery = nullptr;
    InlineBanner *m_recoveryBanner = nullptr;
    QList<Lucent::Core::Recovery::RecoveredText> m_leftBehind; ///< on offer in m_recoveryBanner
    QAction *m_save = nullptr;
    QAction *m_diff = nullptr;
    QAction *m_apply = nullptr;
    Lucent::Core::Jobs::LatestJob<Lucent::Core::Validation::ValidationResult> m_validation{this};
    bool m_validated = false;
};

} // namespace Lucent::Ui
