#include "ui/shell/mainwindow.h"

#include "core/kube/kubeconfigloader.h"
#include "core/kube/kubeconfigsummary.h"
#include "ui/about/aboutdialog.h"
#include "ui/itemroles.h"
#include "ui/kube/contextmodel.h"
#include "ui/shell/inlinebanner.h"
#include "ui/yaml/yamlview.h"

#include <QApplication>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Lucent::Core::Kube::Kubeconfig;

MainWindow::MainWindow(QStringList kubeconfigFiles, bool explicitFile, QWidget *parent)
    : QMainWindow(parent)
    , m_files(std::move(kubeconfigFiles))
    , m_explicitFile(explicitFile)
    , m_loader(new Lucent::Core::Kube::KubeconfigLoader(this))
    , m_model(new ContextModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_banner(new InlineBanner(this))
    , m_stack(new QStackedWidget(this))
    , m_emptyState(new QLabel(this))
    , m_contextsView(new QTableView(this))
    , m_detail(new YamlView(this))
    , m_statusFiles(new QLabel(this))
    , m_statusContexts(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Lucent Release Console"));
    resize(1100, 640);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_contextsView->setObjectName(QStringLiteral("contextsView"));
    m_contextsView->setModel(m_proxy);
    m_contextsView->setSortingEnabled(true);
    m_contextsView->sortByColumn(ContextModel::ContextColumn, Qt::AscendingOrder);
    m_contextsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_contextsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_contextsView->setAlternatingRowColors(true);
    m_contextsView->verticalHeader()->hide();
    m_contextsView->horizontalHeader()->setStretchLastSection(true);
    m_contextsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_contextsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { onCurrentRowChanged(current); });

    m_detail->setObjectName(QStringLiteral("contextDetail"));
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setMargin(24);
    m_emptyState->setTextFormat(Qt::PlainText);
    m_emptyState->setText(tr("Reading kubeconfig…"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("contextsSplitter"));
    splitter->addWidget(m_contextsView);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(splitter);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_statusFiles->setObjectName(QStringLiteral("statusKubeconfig"));
    m_statusContexts->setObjectName(QStringLiteral("statusContexts"));
    statusBar()->addWidget(m_statusFiles, 1);
    statusBar()->addPermanentWidget(m_statusContexts);

    createMenus();
    connect(m_loader, &Lucent::Core::Kube::KubeconfigLoader::loaded, this, &MainWindow::onKubeconfigLoaded);
    reload();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Kubeconfig…"), this, &MainWindow::onOpenKubeconfig);
    open->setObjectName(QStringLiteral("actionOpenKubeconfig"));
    open->setShortcut(QKeySequence::Open);
    QAction *reloadAction = file->addAction(tr("&Reload"), this, &MainWindow::reload);
    reloadAction->setObjectName(QStringLiteral("actionReload"));
    reloadAction->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Lucent Release Console"), this, &MainWindow::onAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    QAction *aboutQt = help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
    aboutQt->setObjectName(QStringLiteral("actionAboutQt"));
}

void MainWindow::reload()
{
    m_statusFiles->setText(tr("Reading %1…").arg(m_files.join(QStringLiteral(", "))));
    m_loader->load(m_files, m_explicitFile);
}

void MainWindow::onOpenKubeconfig()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Kubeconfig"), m_files.value(0));
    if (file.isEmpty())
        return;
    m_files = {file};
    m_explicitFile = true;
    reload();
}

void MainWindow::onKubeconfigLoaded(const Kubeconfig &config)
{
    m_model->setKubeconfig(config);

    QStringList problems;
    for (const auto &problem : config.problems)
        problems.append(problem.sentence());
    m_banner->showMessages(config.contexts.isEmpty() ? InlineBanner::Severity::Error : InlineBanner::Severity::Warning,
                           problems);

    m_statusFiles->setText(tr("Kubeconfig: %1").arg(m_files.join(QStringLiteral(", "))));
    m_statusContexts->setText(config.contexts.size() == 1 ? tr("1 context")
                                                          : tr("%1 contexts").arg(config.contexts.size()));

    if (config.contexts.isEmpty()) {
        m_emptyState->setText(emptyStateText());
        m_stack->setCurrentWidget(m_emptyState);
        m_detail->clear();
    } else {
        m_stack->setCurrentIndex(1);
        int row = m_model->rowOf(config.currentContext);
        const QModelIndex current = m_proxy->mapFromSource(m_model->index(row < 0 ? 0 : row, 0));
        m_contextsView->setCurrentIndex(current);
        onCurrentRowChanged(current);
    }

    if (!m_firstDataSeen) {
        m_firstDataSeen = true;
        Q_EMIT firstDataArrived();
    }
}

void MainWindow::onCurrentRowChanged(const QModelIndex &current)
{
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const QString name = current.siblingAtColumn(ContextModel::ContextColumn).data(Qt::DisplayRole).toString();
    m_detail->setPlainText(Lucent::Core::Kube::contextSummaryYaml(m_model->kubeconfig(), name));
}

QString MainWindow::emptyStateText() const
{
    return tr("No Kubernetes contexts found.\n\nLooked in: %1\n\n"
              "Set KUBECONFIG, start the console with --kubeconfig FILE, or open one with File → Open Kubeconfig (%2).")
        .arg(m_files.join(QStringLiteral(", ")), QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText));
}

void MainWindow::onAbout()
{
    auto *dialog = new AboutDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace Lucent::Ui
