#pragma once

#include "core/kube/kubeconfig.h"

#include <QMainWindow>

class QLabel;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace Lucent::Core::Kube {
class KubeconfigLoader;
}

namespace Lucent::Ui {

class ContextModel;
class InlineBanner;
class YamlView;

/// The console's main window. It starts with the contexts of the user's kubeconfig; later
/// panels (environments, rollouts, alerts, logs) dock into it.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    /// @p kubeconfigFiles as Kubeconfig::locate() returns them; @p explicitFile is true when
    /// the user named the file with --kubeconfig, so that a missing file is reported.
    MainWindow(QStringList kubeconfigFiles, bool explicitFile, QWidget *parent = nullptr);
    ~MainWindow() override;

Q_SIGNALS:
    /// Emitted once, after the first kubeconfig load has been shown (contexts, an empty
    /// state or problems alike).
    void firstDataArrived();

private:
    void createMenus();
    void reload();
    void onOpenKubeconfig();
    void onKubeconfigLoaded(const Lucent::Core::Kube::Kubeconfig &config);
    void onCurrentRowChanged(const QModelIndex &current);
    void onAbout();
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
};

} // namespace Lucent::Ui
