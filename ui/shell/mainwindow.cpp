#include "ui/shell/mainwindow.h"

#include "core/environment/environmentsession.h"
#include "core/kube/kubeconfigloader.h"
#include "core/kube/kubeconfigsummary.h"
#include "core/kube/resourcecache.h"
#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/secretstore.h"
#include "ui/about/aboutdialog.h"
#include "ui/alerts/alertsview.h"
#include "ui/common/inlinebanner.h"
#include "ui/common/itemroles.h"
#include "ui/environment/environmentoverviewmodel.h"
#include "ui/kube/contextmodel.h"
#include "ui/logs/logmodel.h"
#include "ui/logs/logview.h"
#include "ui/manifests/manifesteditor.h"
#include "ui/manifests/manifestsview.h"
#include "ui/metrics/metricsview.h"
#include "ui/promotion/promotionhistory.h"
#include "ui/promotion/promotionwizard.h"
#include "ui/rollout/rolloutdashboard.h"
#include "ui/yaml/yamlview.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Lucent::Core::Kube::Kubeconfig;

MainWindow::MainWindow(QStringList kubeconfigFiles, bool explicitFile, QString projectFile, QWidget *parent)
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
    , m_projectFile(std::move(projectFile))
    , m_tabs(new QTabWidget(this))
    , m_environmentSelector(new QComboBox(this))
    , m_overviewModel(new EnvironmentOverviewModel(this))
    , m_overview(new QListView(this))
    , m_dashboard(new RolloutDashboard(this))
    , m_alerts(new AlertsView(this))
    , m_metrics(new MetricsView(this))
    , m_logs(new LogView(this))
    , m_manifests(new ManifestsView(this))
    , m_statusEnvironment(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Lucent Release Console"));
    resize(1280, 800);

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
    m_stack->setObjectName(QStringLiteral("contextsStack"));
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(splitter);

    // Every environment on the left, live; the chosen one's rollouts on the right.
    m_overview->setObjectName(QStringLiteral("environmentOverview"));
    m_overview->setModel(m_overviewModel);
    m_overview->setWordWrap(true);
    m_overview->setSpacing(4);
    m_overview->setAlternatingRowColors(true);
    m_overview->setMinimumWidth(260);
    connect(m_overviewModel, &QAbstractItemModel::dataChanged, this, &MainWindow::markFirstDataWhenSettled);
    connect(m_logs->model(), &QAbstractItemModel::rowsInserted, this, &MainWindow::markFirstDataWhenSettled);
    connect(m_manifests, &ManifestsView::validationFinished, this, &MainWindow::markFirstDataWhenSettled);
    // Work a crash left behind is worth a mark on the tab, wherever the user is looking.
    connect(m_manifests, &ManifestsView::recoveryOffered, this, [this](const QStringList &names) {
        m_tabs->setTabText(m_tabs->indexOf(m_manifests),
                           names.isEmpty() ? tr("Ma&nifests")
                                           : tr("Ma&nifests (%n to restore)", nullptr, int(names.size())));
    });
    connect(m_dashboard, &RolloutDashboard::logsRequested, this, &MainWindow::openLogs);
    connect(m_dashboard, &RolloutDashboard::promotionRecoveryRequested, this,
            [this](const Lucent::Core::Release::PromotionJournal &journal) {
                if (m_promotion || !m_session) {
                    onPromote(); // one promotion at a time: the one open comes forward
                    return;
                }
                m_promotion = new PromotionWizard(m_session, journal, this);
                showWizard();
            });
    connect(m_metrics, &MetricsView::refreshed, this, [this] {
        m_metricsAnswered = true;
        markFirstDataWhenSettled();
    });
    connect(m_overview, &QListView::activated, this, [this](const QModelIndex &index) {
        selectEnvironment(index.data(EnvironmentOverviewModel::NameRole).toString());
    });
    connect(m_overview, &QListView::clicked, this, [this](const QModelIndex &index) {
        selectEnvironment(index.data(EnvironmentOverviewModel::NameRole).toString());
    });
    auto *rollouts = new QSplitter(Qt::Horizontal, this);
    rollouts->setObjectName(QStringLiteral("rolloutsSplitter"));
    rollouts->addWidget(m_overview);
    rollouts->addWidget(m_dashboard);
    rollouts->setStretchFactor(0, 1);
    rollouts->setStretchFactor(1, 4);
    rollouts->setSizes({280, 1000});

    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->addTab(rollouts, tr("&Rollouts"));
    m_tabs->addTab(m_alerts, tr("&Alerts"));
    m_tabs->addTab(m_metrics, tr("&Metrics"));
    m_tabs->addTab(m_logs, tr("L&ogs"));
    m_tabs->addTab(m_manifests, tr("Ma&nifests"));
    m_tabs->addTab(m_stack, tr("&Kubeconfig"));
    // Kubeconfig and project-file problems concern every tab: the banner sits above them.
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    auto *toolbar = addToolBar(tr("Environment"));
    toolbar->setObjectName(QStringLiteral("environmentToolbar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr(" Environment: "), this));
    m_environmentSelector->setObjectName(QStringLiteral("environmentSelector"));
    m_environmentSelector->setMinimumContentsLength(18);
    m_environmentSelector->setToolTip(tr("Switch environment (Ctrl+1 … Ctrl+9)"));
    toolbar->addWidget(m_environmentSelector);
    connect(m_environmentSelector, &QComboBox::activated, this,
            [this](int index) { selectEnvironment(m_environmentSelector->itemData(index).toString()); });
    for (int i = 1; i <= 9; ++i) {
        auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] {
            if (i <= m_environments.size())
                selectEnvironment(m_environments[i - 1].name);
        });
    }

    m_statusFiles->setObjectName(QStringLiteral("statusKubeconfig"));
    m_statusContexts->setObjectName(QStringLiteral("statusContexts"));
    m_statusEnvironment->setObjectName(QStringLiteral("statusEnvironment"));
    statusBar()->addWidget(m_statusFiles, 1);
    m_statusPromotion = new QLabel(this);
    m_statusPromotion->setObjectName(QStringLiteral("statusPromotion"));
    statusBar()->addPermanentWidget(m_statusPromotion);
    statusBar()->addPermanentWidget(m_statusEnvironment);
    statusBar()->addPermanentWidget(m_statusContexts);

    createMenus();
    connect(m_loader, &Lucent::Core::Kube::KubeconfigLoader::loaded, this, &MainWindow::onKubeconfigLoaded);
    reload();
}

MainWindow::~MainWindow()
{
    m_dashboard->setSession(nullptr);
    m_alerts->setSession(nullptr);
    m_metrics->setSession(nullptr);
    m_logs->setSession(nullptr);
}

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

    QMenu *environment = menuBar()->addMenu(tr("&Environment"));
    QAction *credentials
        = environment->addAction(tr("Prometheus &Credentials…"), this, &MainWindow::onPrometheusCredentials);
    credentials->setObjectName(QStringLiteral("actionPrometheusCredentials"));

    QMenu *release = menuBar()->addMenu(tr("&Release"));
    QAction *promote = release->addAction(tr("&Promote…"), this, &MainWindow::onPromote);
    promote->setObjectName(QStringLiteral("actionPromote"));
    promote->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    QAction *rollBack = release->addAction(tr("&Roll Back…"), this, [this] {
        const QString selected = m_dashboard->currentService();
        openWizard(true, selected.isEmpty() ? QStringList() : QStringList{selected});
    });
    rollBack->setObjectName(QStringLiteral("actionRollBack"));
    QAction *history = release->addAction(tr("Promotion &History"), this, [this] {
        if (!m_session)
            return;
        Lucent::Core::Release::PromotionJournal current;
        if (const Lucent::Core::Kube::ResourceCache *lease = m_session->promotionLease())
            current = Lucent::Core::Release::PromotionJournal::fromLease(lease->objects().value(0));
        auto *dialog = new PromotionHistory(m_session->environment().name, current,
                                            Lucent::Core::Release::promotionJournalDirectory(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    history->setObjectName(QStringLiteral("actionPromotionHistory"));

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

    m_kubeconfig = config;
    // At the latest a few seconds from now the window counts as shown, even if a cluster is
    // slow to answer: a screenshot then shows it connecting.
    QTimer::singleShot(3000, this, &MainWindow::markFirstData);
    if (m_projectFile.isEmpty()) {
        m_projectLoad.cancel(); // an older file's answer must not replace this one
        onProjectLoaded(Lucent::Core::Environment::ProjectConfig::fromKubeconfig(config));
        return;
    }
    m_projectLoad.start(
        [file = m_projectFile](QPromise<Lucent::Core::Environment::ProjectConfig> &promise) {
            promise.addResult(Lucent::Core::Environment::ProjectConfig::load(file));
        },
        [this](const Lucent::Core::Environment::ProjectConfig &project) { onProjectLoaded(project); });
}

void MainWindow::onProjectLoaded(const Lucent::Core::Environment::ProjectConfig &project)
{
    using Lucent::Core::Environment::ProjectConfig;
    QStringList problems;
    for (const auto &problem : project.problems)
        problems.append(problem.sentence());
    for (const auto &problem : m_kubeconfig.problems)
        problems.append(problem.sentence());
    m_environments = project.environments.isEmpty() && !project.problems.isEmpty()
        ? ProjectConfig::fromKubeconfig(m_kubeconfig).environments // fall back, and say why
        : project.environments;
    if (!project.problems.isEmpty())
        problems.append(tr("The environments come from the kubeconfig's contexts until the project file is fixed."));
    m_dashboard->setSession(nullptr);
    m_manifests->setValidationSettings(project.validationSettings());
    m_promotionSettings = project.promotion;
    m_overviewModel->setEnvironments(m_kubeconfig, m_environments);
    m_environmentSelector->clear();
    for (const auto &env : std::as_const(m_environments))
        m_environmentSelector->addItem(env.isProtected ? tr("%1 (protected)").arg(env.name) : env.name, env.name);
    if (!problems.isEmpty())
        m_banner->showMessages(InlineBanner::Severity::Warning, problems);
    if (m_environments.isEmpty()) {
        m_tabs->setCurrentWidget(m_stack); // nothing to roll out: show why
        markFirstData();
        return;
    }
    // Start where asked (--env), else where kubectl would: the current context's environment.
    QString chosen = m_environments.constFirst().name;
    for (const auto &env : std::as_const(m_environments)) {
        if (env.context == m_kubeconfig.currentContext) {
            chosen = env.name;
            break;
        }
    }
    if (!m_startEnvironment.isEmpty()) {
        const bool known = std::any_of(m_environments.cbegin(), m_environments.cend(),
                                       [&](const auto &env) { return env.name == m_startEnvironment; });
        if (known)
            chosen = m_startEnvironment;
        else
            m_banner->showMessages(
                InlineBanner::Severity::Warning,
                {tr("No environment is called %1; opened %2 instead.").arg(m_startEnvironment, chosen)});
    }
    selectEnvironment(chosen);
}

QString MainWindow::currentEnvironment() const
{
    return m_session ? m_session->environment().name : QString();
}

void MainWindow::selectEnvironment(const QString &name)
{
    const auto found = std::find_if(m_environments.cbegin(), m_environments.cend(),
                                    [&](const auto &env) { return env.name == name; });
    if (found == m_environments.cend() || name == currentEnvironment())
        return;
    m_dashboard->setSession(nullptr);
    m_alerts->setSession(nullptr);
    m_metrics->setSession(nullptr);
    m_logs->setSession(nullptr);
    m_manifests->setSession(nullptr);
    delete m_session; // its requests and watches end here: nothing stale can arrive
    m_session = new Lucent::Core::Environment::EnvironmentSession(
        *found, m_kubeconfig, Lucent::Core::Environment::EnvironmentSession::Scope::Everything, this);
    connect(m_session, &Lucent::Core::Environment::EnvironmentSession::stateChanged, this,
            &MainWindow::markFirstDataWhenSettled);
    connect(m_session, &Lucent::Core::Environment::EnvironmentSession::ready, this, [this] {
        // --promote: the wizard needs the Services and Deployments listed.
        for (auto *cache : {m_session->services(), m_session->deployments()})
            connect(cache, &Lucent::Core::Kube::ResourceCache::synced, this, &MainWindow::openPendingPromotion);
    });
    m_dashboard->setSession(m_session);
    m_alerts->setSession(m_session);
    m_metrics->setSession(m_session);
    m_logs->setSession(m_session);
    m_manifests->setSession(m_session);
    m_session->start();
    m_environmentSelector->setCurrentIndex(m_environmentSelector->findData(name));
    m_overview->setCurrentIndex(m_overviewModel->index(m_overviewModel->rowOf(name)));
    m_statusEnvironment->setText(found->isProtected ? tr("%1 · %2 · protected").arg(found->name, found->namespaceName)
                                                    : tr("%1 · %2").arg(found->name, found->namespaceName));
    setWindowTitle(tr("%1 — Lucent Release Console").arg(found->name));
}

void MainWindow::openLogs(const QString &source)
{
    showView(QStringLiteral("logs"));
    m_logs->openLogs(source);
}

void MainWindow::setWorkspace(const QString &directory)
{
    m_manifests->setWorkspace(directory);
}

void MainWindow::openManifest(const QString &path)
{
    showView(QStringLiteral("manifests"));
    // FILE:LINE, as editors and compilers write it.
    static const QRegularExpression withLine(QStringLiteral("^(.+):(\\d+)$"));
    const auto match = withLine.match(path);
    if (match.hasMatch() && !QFileInfo::exists(path)) {
        if (ManifestEditor *editor = m_manifests->openFile(match.captured(1)))
            editor->goTo(match.captured(2).toInt(), 1);
        return;
    }
    m_manifests->openFile(path);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // A running promotion would stop where it is: asked first, No being the default.
    if (m_promotion && m_promotion->isRunning()) {
        QMessageBox question(QMessageBox::Warning, tr("Quit while a promotion runs?"),
                             tr("A promotion is running in %1. Quitting stops it where it is; its journal in the "
                                "cluster lets this console, the command line or a teammate resume it or roll it "
                                "back. Quit anyway?")
                                 .arg(m_promotion->environmentName()),
                             QMessageBox::Yes | QMessageBox::No, this);
        question.setObjectName(QStringLiteral("quitWhilePromoting"));
        question.setDefaultButton(QMessageBox::No);
        if (question.exec() != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    // Unsaved manifests are asked about; Cancel keeps the window open.
    if (!m_manifests->maybeSaveAll()) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::showView(const QString &view)
{
    m_view = view;
    QWidget *tab = view == QLatin1String("alerts") ? static_cast<QWidget *>(m_alerts)
        : view == QLatin1String("metrics")         ? static_cast<QWidget *>(m_metrics)
        : view == QLatin1String("kubeconfig")      ? static_cast<QWidget *>(m_stack)
        : view == QLatin1String("logs")            ? static_cast<QWidget *>(m_logs)
        : view == QLatin1String("manifests")       ? static_cast<QWidget *>(m_manifests)
                                                   : m_tabs->widget(0);
    m_tabs->setCurrentWidget(tab);
}

void MainWindow::markFirstDataWhenSettled()
{
    // Settled: the chosen environment and every overview row have answered (or failed).
    using State = Lucent::Core::Environment::EnvironmentSession::State;
    if (!m_session || m_session->state() == State::Connecting)
        return;
    for (int row = 0; row < m_overviewModel->rowCount(); ++row) {
        if (m_overviewModel->index(row).data(EnvironmentOverviewModel::StateRole).toInt() == int(State::Connecting))
            return;
    }
    const bool hasPrometheus = !m_session->environment().prometheusUrl.isEmpty();
    if (m_view == QLatin1String("logs") && m_logs->model()->rowCount() == 0)
        return;
    if (m_view == QLatin1String("manifests") && !m_manifests->hasValidated())
        return;
    if (hasPrometheus && m_view == QLatin1String("metrics") && !m_metricsAnswered)
        return;
    if (hasPrometheus && m_view == QLatin1String("alerts") && m_overviewModel->rowCount() > 0
        && m_overviewModel->index(m_overviewModel->rowOf(currentEnvironment()))
                .data(EnvironmentOverviewModel::FiringAlertsRole)
                .toInt()
            < 0)
        return;
    markFirstData();
}

void MainWindow::markFirstData()
{
    if (m_firstDataSeen)
        return;
    m_firstDataSeen = true;
    Q_EMIT firstDataArrived();
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

void MainWindow::onPrometheusCredentials()
{
    if (!m_session || !m_session->prometheus()) {
        m_banner->showMessages(
            InlineBanner::Severity::Info,
            {tr("The current environment names no Prometheus; add 'prometheus: URL' to it in lucent.yaml.")});
        return;
    }
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("prometheusCredentialsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Prometheus Credentials"));
    dialog->setLabelText(tr("Bearer token for %1's Prometheus (%2). It is kept in the system keychain.")
                             .arg(m_session->environment().name, m_session->environment().prometheusUrl));
    dialog->setTextEchoMode(QLineEdit::Password); // never on screen, never in a screenshot
    QPointer<Lucent::Core::Environment::EnvironmentSession> session = m_session;
    connect(dialog, &QInputDialog::textValueSelected, this, [this, session](const QString &token) {
        if (!session)
            return;
        auto *store = new Lucent::Core::Prometheus::SecretStore(this);
        connect(store, &Lucent::Core::Prometheus::SecretStore::writeFinished, this,
                [this, store, session, token](const QString &, const QString &problem) {
                    store->deleteLater();
                    if (session)
                        session->setPrometheusToken(token.toUtf8());
                    m_banner->showMessages(
                        problem.isEmpty() ? InlineBanner::Severity::Info : InlineBanner::Severity::Warning,
                        {problem.isEmpty() ? tr("The Prometheus token is stored in the keychain.") : problem});
                });
        store->write(session->prometheusSecretKey(), token.toUtf8());
    });
    dialog->open();
}

void MainWindow::onPromote()
{
    const QString selected = m_dashboard->currentService();
    openWizard(false, selected.isEmpty() ? QStringList() : QStringList{selected});
}

void MainWindow::setStartEnvironment(const QString &name)
{
    m_startEnvironment = name;
}

void MainWindow::promoteWhenConnected(const QStringList &services)
{
    m_pendingPromotion = services;
    openPendingPromotion();
}

void MainWindow::openPendingPromotion()
{
    if (!m_pendingPromotion || !m_session || !m_session->services() || !m_session->deployments()
        || !m_session->services()->isSynced() || !m_session->deployments()->isSynced())
        return;
    const QStringList services = *std::exchange(m_pendingPromotion, std::nullopt);
    openWizard(false, services);
}

void MainWindow::openWizard(bool rollBack, const QStringList &preselected)
{
    const auto kind = rollBack ? PromotionWizard::Kind::RollBack : PromotionWizard::Kind::Promote;
    if (m_promotion) {
        m_promotion->show();
        m_promotion->raise();
        m_promotion->activateWindow();
        return;
    }
    if (!m_session) {
        m_banner->showMessages(InlineBanner::Severity::Info, {tr("Choose an environment to promote in.")});
        return;
    }
    m_promotion = new PromotionWizard(m_session, preselected, kind, this);
    showWizard();
}

void MainWindow::showWizard()
{
    m_promotion->setProjectSettings(m_promotionSettings, QFileInfo(m_projectFile).absolutePath());
    m_promotion->setSuggestionSources(m_overviewModel->servingImages(currentEnvironment()), m_manifests->workspace());
    m_promotion->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_promotion, &PromotionWizard::statusChanged, m_statusPromotion, &QLabel::setText);
    connect(m_promotion, &PromotionWizard::logsRequested, this,
            [this](const QString &environment, const QString &selector) {
                if (!m_session || m_session->environment().name != environment) {
                    m_banner->showMessages(
                        InlineBanner::Severity::Info,
                        {tr("The promotion runs in %1: choose it for its pods' logs.").arg(environment)});
                    return;
                }
                openLogs(selector);
            });
    m_promotion->show();
}

void MainWindow::onAbout()
{
    auto *dialog = new AboutDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace Lucent::Ui
