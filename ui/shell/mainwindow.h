#pragma once

#include "core/environment/projectconfig.h"
#include "core/jobs/latestjob.h"
#include "core/kube/kubeconfig.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QComboBox;
class QLabel;
class QListView;
class QSortFilterProxyModel;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace Lucent::Core::Kube {
class KubeconfigLoader;
}
namespace Lucent::Core::Environment {
class EnvironmentSession;
}

namespace Lucent::Ui {

class PromotionWizard;

class AlertsView;
class ContextModel;
class EnvironmentOverviewModel;
class InlineBanner;
class LogView;
class ManifestsView;
class MetricsView;
class RolloutDashboard;
class YamlView;

/// The console's main window: every environment side by side on the left, the chosen
/// environment's rollout dashboard on the right, and the kubeconfig's contexts in a tab.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /// @p kubeconfigFiles as Kubeconfig::locate() returns them; @p explicitFile is true when
    /// the user named the file with --kubeconfig, so that a missing file is reported.
    /// @p projectFile is the lucent.yaml to read; empty: every context is an environment.
    MainWindow(QStringList kubeconfigFiles, bool explicitFile, QString projectFile = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Shows @p name's rollouts; the previous environment's requests end.
    void selectEnvironment(const QString &name);
    QString currentEnvironment() const;
    /// The current environment's session (its caches), or nullptr before one is open.
    Lucent::Core::Environment::EnvironmentSession *session() const { return m_session; }
    /// Opens on a view: "rollouts", "alerts", "metrics" or "kubeconfig". For a screenshot the
    /// data counts as arrived once that view has its first answer.
    void showView(const QString &view);
    /// The Logs tab on @p source (deployment/NAME, service/NAME, pod/NAME or a selector).
    void openLogs(const QString &source);
    /// --env: the environment to open on once the project is read.
    void setStartEnvironment(const QString &name);
    /// --promote: opens the promotion wizard with @p services ticked as soon as the environment's
    /// Services and Deployments are listed.
    void promoteWhenConnected(const QStringList &services);
    /// The directory of manifests the Manifests tab shows.
    void setWorkspace(const QString &directory);
    /// The Manifests tab with @p path open.
    void openManifest(const QString &path);
    ManifestsView *manifests() const { return m_manifests; }

protected:
    void closeEvent(QCloseEvent *event) override;

Q_SIGNALS:
    /// Emitted once, when the first environment's rollouts are shown (or it is found
    /// unreachable, or there is none), and at the latest a few seconds after the kubeconfig.
    void firstDataArrived();

private:
    void createMenus();
    void reload();
    void onOpenKubeconfig();
    void onKubeconfigLoaded(const Lucent::Core::Kube::Kubeconfig &config);
    void onCurrentRowChanged(const QModelIndex &current);
    void onProjectLoaded(const Lucent::Core::Environment::ProjectConfig &project);
    void markFirstData();
    void markFirstDataWhenSettled();
    void onPrometheusCredentials();
    /// Opens the promotion wizard on the environment shown, with the selected service ticked
    /// (or raises the one that runs).
    void onPromote();
    /// A new promotion (or a rollback to the standby colours), or the running one brought forward.
    /// The promotion (or rollback) wizard on the environment shown, @p preselected ticked; the
    /// one already open comes forward instead.
    void openWizard(bool rollBack, const QStringList &preselected);
    /// --promote, once the Services and Deployments are listed.
    void openPendingPromotion();
    void onAbout();
    /// Shows the wizard just made, with the project's promotion settings, wired to the status
    /// bar and the Logs tab.
    void showWizard();
    QString emptyStateText() const;

    QStringList m_files;
    bool m_explicitFile = false;
    bool m_firstDataSeen = false;

    Lucent::Core::Kube::KubeconfigLoader *m_loader = nullptr;
    ContextModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    InlineBanner *m_banner = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyState = nullptr;
    QTableView *m_contextsView = nullptr;
    YamlView *m_detail = nullptr;
    QLabel *m_statusFiles = nullptr;
    QLabel *m_statusContexts = nullptr;

    QString m_projectFile;
    Lucent::Core::Kube::Kubeconfig m_kubeconfig;
    QList<Lucent::Core::Environment::Environment> m_environments;
    QString m_view = QStringLiteral("rollouts");
    bool m_metricsAnswered = false;
    Lucent::Core::Jobs::LatestJob<Lucent::Core::Environment::ProjectConfig> m_projectLoad{this};
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_environmentSelector = nullptr;
    EnvironmentOverviewModel *m_overviewModel = nullptr;
    QListView *m_overview = nullptr;
    RolloutDashboard *m_dashboard = nullptr;
    AlertsView *m_alerts = nullptr;
    MetricsView *m_metrics = nullptr;
    LogView *m_logs = nullptr;
    ManifestsView *m_manifests = nullptr;
    Lucent::Core::Environment::EnvironmentSession *m_session = nullptr;
    QLabel *m_statusEnvironment = nullptr;
    QLabel *m_statusPromotion = nullptr;
    QPointer<PromotionWizard> m_promotion;
    QString m_startEnvironment;
    std::optional<QStringList> m_pendingPromotion;
    Lucent::Core::Environment::PromotionSettings m_promotionSettings; ///< lucent.yaml's promotion: section
};

} // namespace Lucent::Ui
