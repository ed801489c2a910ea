#include "ui/rollout/rolloutdashboard.h"

#include "core/environment/environmentsession.h"
#include "core/kube/resourcecache.h"
#include "core/release/actionpermissions.h"
#include "core/release/operationrunner.h"
#include "core/release/rolloutsummary.h"
#include "ui/common/confirmactiondialog.h"
#include "ui/common/frozencolumntableview.h"
#include "ui/common/inlinebanner.h"
#include "ui/common/itemroles.h"
#include "ui/common/selectionkeeper.h"
#include "ui/rollout/servicedetail.h"
#include "ui/rollout/servicestablemodel.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Lucent::Ui {

using Core::Environment::EnvironmentSession;
using Core::Release::ActionPermissions;
using Core::Release::OperationResult;
using Core::Release::OperationRunner;
using Core::Release::OperationTarget;
using Core::Release::Permission;
using Core::Release::RolloutAction;
using Core::Release::RolloutActions;
using Core::Release::RolloutOperation;

namespace {

QPushButton *actionButton(QWidget *parent, const QString &name, const QString &text, const QKeySequence &shortcut)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setShortcut(shortcut);
    button->setEnabled(false);
    return button;
}

} // namespace

RolloutDashboard::RolloutDashboard(QWidget *parent)
    : QWidget(parent)
    , m_model(new ServicesTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_keeper(new SelectionKeeper(m_proxy, ServicesTableModel::NameRole, this))
    , m_filter(new QLineEdit(this))
    , m_view(new FrozenColumnTableView(this))
    , m_detail(new ServiceDetail(this))
    , m_banner(new InlineBanner(this))
    , m_tlsWarning(new InlineBanner(this))
    , m_permissionNote(new QLabel(this))
    , m_restart(actionButton(this, QStringLiteral("actionRestart"), tr("&Restart"), QKeySequence(Qt::CTRL | Qt::Key_R)))
    , m_scale(actionButton(this, QStringLiteral("actionScale"), tr("S&cale…"), QKeySequence(Qt::CTRL | Qt::Key_S)))
    , m_pause(actionButton(this, QStringLiteral("actionPause"), tr("&Pause"), QKeySequence(Qt::CTRL | Qt::Key_P)))
    , m_undo(actionButton(this, QStringLiteral("actionUndo"), tr("&Undo…"), QKeySequence(Qt::CTRL | Qt::Key_Z)))
{
    setObjectName(QStringLiteral("rolloutDashboard"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SortRole);
    m_proxy->setFilterKeyColumn(-1); // the filter matches any column: name, version, state
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("serviceFilter"));
    m_filter->setPlaceholderText(tr("Filter services, versions, states…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_view->setObjectName(QStringLiteral("servicesView"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ServicesTableModel::ServiceColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    // Widths for the longest values a column usually shows, so that live updates neither cut
    // nor jump, and the common columns fit a 1280-pixel window beside the environments.
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    const QFontMetrics metrics(m_view->font());
    const auto width = [&metrics](const QString &sample) { return metrics.horizontalAdvance(sample) + 16; };
    const QList<QPair<int, QString>> samples{
        {ServicesTableModel::ServiceColumn, QStringLiteral("notification-service")},
        {ServicesTableModel::VersionColumn, QStringLiteral("1.0.7 → 9.9.9-crash")},
        {ServicesTableModel::ColourColumn, QStringLiteral("green") + QStringLiteral("MMM")}, // and its swatch
        {ServicesTableModel::StandbyColumn, QStringLiteral("green 2.2.0 (3/3)")},
        {ServicesTableModel::ReadyColumn, QStringLiteral("Ready")},
        {ServicesTableModel::UpdatedColumn, QStringLiteral("Updated")},
        {ServicesTableModel::AvailableColumn, QStringLiteral("Available")},
        {ServicesTableModel::StateColumn, QStringLiteral("Progressing")},
        {ServicesTableModel::PromotionColumn, QStringLiteral("interrupted at scale-down")},
        {ServicesTableModel::AlertsColumn, QStringLiteral("Alerts")},
        {ServicesTableModel::RestartsColumn, QStringLiteral("Restarts")},
    };
    for (const auto &[column, sample] : samples)
        m_view->setColumnWidth(column, width(sample));
    // Colours only matter for services laid out blue/green, the standby only once one exists.
    auto updateColourColumn = [this] {
        bool blueGreen = false;
        bool standby = false;
        bool promotion = false; // the column shows only while a promotion is under way
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const auto status = m_model->status(row);
            blueGreen = blueGreen || status.blueGreen;
            standby = standby || status.standby();
            promotion
                = promotion || !m_model->index(row, ServicesTableModel::PromotionColumn).data().toString().isEmpty();
        }
        m_view->setColumnHidden(ServicesTableModel::ColourColumn, !blueGreen);
        m_view->setColumnHidden(ServicesTableModel::StandbyColumn, !standby);
        m_view->setColumnHidden(ServicesTableModel::PromotionColumn, !promotion);
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, updateColourColumn);
    connect(m_model, &QAbstractItemModel::dataChanged, this, updateColourColumn);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateColourColumn);
    // The selection stays on the Service the user chose through relists, re-sorts and
    // filtering; the detail follows that Service's Deployment of the live colour, which may
    // become known, or change, after the row was chosen.
    m_keeper->follow(m_view->selectionModel());
    connect(m_keeper, &SelectionKeeper::currentKeyChanged, this, [this] {
        showDetail();
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        showDetail();
        updateButtons();
    });
    // Like k9s: a selection from the start, so that the keyboard and the detail have a target.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        // After the burst of a first list, so that the top row in sorted order is the one.
        QTimer::singleShot(0, this, [this] {
            if (m_keeper->wanted().isEmpty() && !m_view->selectionModel()->currentIndex().isValid()
                && m_proxy->rowCount() > 0)
                m_view->setCurrentIndex(m_proxy->index(0, 0));
        });
    });

    m_permissionNote->setObjectName(QStringLiteral("permissionNote"));
    m_permissionNote->setWordWrap(true);
    m_permissionNote->hide();

    connect(m_restart, &QPushButton::clicked, this, &RolloutDashboard::onRestart);
    connect(m_scale, &QPushButton::clicked, this, &RolloutDashboard::onScale);
    connect(m_pause, &QPushButton::clicked, this, &RolloutDashboard::onPauseResume);
    connect(m_undo, &QPushButton::clicked, this, &RolloutDashboard::onUndo);
    // Reading, not changing: no permission check and no confirmation.
    auto *logs = actionButton(this, QStringLiteral("actionLogs"), tr("&Logs"), QKeySequence(Qt::CTRL | Qt::Key_L));
    logs->setToolTip(tr("Follow the logs of every pod of the selected service (Ctrl+L)"));
    logs->setEnabled(true); // it needs only a selected service, checked when clicked
    connect(logs, &QPushButton::clicked, this, [this] {
        if (const QString deployment = currentDeployment(); !deployment.isEmpty())
            Q_EMIT logsRequested(QStringLiteral("deployment/") + deployment);
    });

    m_promotionNotice = new QFrame(this);
    m_promotionNotice->setObjectName(QStringLiteral("promotionNotice"));
    m_promotionNotice->setFrameShape(QFrame::StyledPanel);
    m_promotionNoticeText = new QLabel(m_promotionNotice);
    m_promotionNoticeText->setObjectName(QStringLiteral("promotionNoticeText"));
    m_promotionNoticeText->setWordWrap(true);
    auto *recover = new QPushButton(tr("Resume or roll back…"), m_promotionNotice);
    recover->setObjectName(QStringLiteral("recoverPromotionButton"));
    auto *noticeLayout = new QHBoxLayout(m_promotionNotice);
    noticeLayout->addWidget(m_promotionNoticeText, 1);
    noticeLayout->addWidget(recover);
    m_promotionNotice->hide();
    connect(recover, &QPushButton::clicked, this,
            [this] { Q_EMIT promotionRecoveryRequested(m_model->promotion().journal); });
    connect(m_model, &ServicesTableModel::promotionChanged, this, &RolloutDashboard::updatePromotionNotice);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    for (QPushButton *button : {m_restart, m_scale, m_pause, m_undo, logs})
        top->addWidget(button);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tlsWarning);
    layout->addWidget(m_banner);
    layout->addWidget(m_promotionNotice);
    layout->addLayout(top);
    layout->addWidget(m_permissionNote);
    layout->addWidget(splitter, 1);
}

void RolloutDashboard::setSession(EnvironmentSession *session)
{
    if (m_session)
        m_session->disconnect(this);
    if (m_dialog) {
        m_dialog->disconnect(this); // it was about the old environment: no "cancelled" on the new one
        m_dialog->reject(); // an action asked about the old environment must not run on the new one
    }
    m_session = session;
    delete m_permissions;
    m_permissions = nullptr;
    // An operation under way finishes and is recorded by the old session's runner; its
    // sentence belongs to the old environment's view, so this one stops listening.
    if (m_runner)
        m_runner->disconnect(this);
    m_runner = nullptr;
    m_banner->clear();
    if (const QString warning = session ? session->tlsWarning() : QString(); !warning.isEmpty())
        m_tlsWarning->showMessages(InlineBanner::Severity::Warning, {warning});
    else
        m_tlsWarning->clear();
    m_followed.reset();
    m_permissionNote->hide();
    m_keeper->forget(); // a choice in the old environment names nothing in the new one
    m_model->setSession(session);
    m_detail->setSession(session);
    showDetail();
    updateButtons();
    if (!session)
        return;
    if (session->client())
        onSessionReady();
    else
        connect(session, &EnvironmentSession::ready, this, &RolloutDashboard::onSessionReady);
    connect(session, &EnvironmentSession::stateChanged, this, [this](EnvironmentSession::State state) {
        updateButtons();
        if (state == EnvironmentSession::State::Unreachable)
            m_banner->showMessages(InlineBanner::Severity::Error, {m_session->problem()});
        else
            m_banner->clear();
    });
    if (session->state() == EnvironmentSession::State::Unreachable)
        m_banner->showMessages(InlineBanner::Severity::Error, {session->problem()});
}

QString RolloutDashboard::tlsWarningText() const
{
    return m_tlsWarning->isHidden() ? QString() : m_tlsWarning->text();
}

void RolloutDashboard::updatePromotionNotice()
{
    using State = Lucent::Core::Release::PromotionActivity::State;
    const auto &activity = m_model->promotion();
    if (activity.state == State::Interrupted)
        m_promotionNoticeText->setText(
            tr("<b>Promotion %1 was interrupted</b> at its step %2 (%3 of %4 Services switched): the process that "
               "ran it is gone. Resume it, or roll it back.")
                .arg(activity.journal.promotionId, activity.journal.step)
                .arg(activity.journal.switched)
                .arg(activity.journal.services.size()));
    else if (activity.state == State::Paused)
        m_promotionNoticeText->setText(tr("<b>Promotion %1 is paused</b> for a decision: %2")
                                           .arg(activity.journal.promotionId, activity.journal.paused.toHtmlEscaped()));
    m_promotionNotice->setVisible(activity.state == State::Interrupted || activity.state == State::Paused);
}

void RolloutDashboard::onSessionReady()
{
    delete m_permissions;
    m_permissions = new ActionPermissions(m_session->client(), m_session->userName(),
                                          m_session->environment().namespaceName, this);
    connect(m_permissions, &ActionPermissions::changed, this, &RolloutDashboard::updateButtons);
    m_permissions->check();
}

QString RolloutDashboard::currentService() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.siblingAtColumn(0).data(ServicesTableModel::NameRole).toString() : QString();
}

void RolloutDashboard::showDetail()
{
    const QString service = currentService();
    const QString deployment = currentDeployment();
    if (service != m_detail->serviceName() || deployment != m_detail->service())
        m_detail->setService(deployment, service);
}

QString RolloutDashboard::currentDeployment() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.siblingAtColumn(0).data(ServicesTableModel::DeploymentRole).toString()
                             : QString();
}

OperationTarget RolloutDashboard::currentTarget() const
{
    const QString deployment = currentDeployment();
    if (deployment.isEmpty() || !m_session || !m_session->deployments())
        return {};
    return OperationTarget::of(m_session->deployments()->object(m_session->environment().namespaceName, deployment));
}

void RolloutDashboard::updateButtons()
{
    const int row = m_model->rowOf(currentService());
    const auto status = m_model->status(row);
    const bool paused = status.active() && status.active()->state == Core::Release::RolloutState::Paused;
    m_pause->setText(paused ? tr("Res&ume") : tr("&Pause"));
    QStringList denied;
    // Changes wait for a live cluster: what the table shows may no longer be true.
    const bool connected = m_session && m_session->state() == EnvironmentSession::State::Connected;
    auto apply = [&](QPushButton *button, RolloutAction action) {
        const Permission permission = m_permissions ? m_permissions->permission(action) : Permission();
        const bool allowed = permission.known && permission.allowed;
        button->setEnabled(status.active() && allowed && connected && !isRunning());
        button->setToolTip(permission.known && !permission.allowed ? permission.reason : QString());
        if (permission.known && !permission.allowed && !denied.contains(permission.reason))
            denied.append(permission.reason);
    };
    apply(m_restart, RolloutAction::Restart);
    apply(m_scale, RolloutAction::Scale);
    apply(m_pause, paused ? RolloutAction::Resume : RolloutAction::Pause);
    apply(m_undo, RolloutAction::Undo);
    m_permissionNote->setText(denied.join(QLatin1Char('\n')));
    m_permissionNote->setVisible(!denied.isEmpty());
}

bool RolloutDashboard::isRunning() const
{
    return m_runner && m_runner->isRunning();
}

void RolloutDashboard::confirmThen(ConfirmActionDialog *dialog, std::function<RolloutOperation()> operation)
{
    if (m_dialog)
        m_dialog->reject();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [operation = std::move(operation), session = m_session, this] {
        // Still the environment that was asked about; the operation names the Deployment
        // captured when asking, whatever the selection shows now.
        if (m_session && session == m_session && m_session->client())
            run(operation());
    });
    connect(dialog, &QDialog::rejected, this, [this, title = dialog->windowTitle()] {
        if (m_session)
            m_banner->showMessages(InlineBanner::Severity::Info, {tr("%1 cancelled; nothing was changed.").arg(title)});
    });
    dialog->open(); // window-modal, without a nested event loop
}

void RolloutDashboard::run(const RolloutOperation &operation)
{
    if (isRunning())
        return;
    if (!m_runner) {
        m_runner = new OperationRunner(m_session->client(), m_session->audit(), m_session);
        connect(m_runner, &OperationRunner::finished, this, [this](const OperationResult &result) {
            m_banner->showMessages(result.succeeded() ? InlineBanner::Severity::Info : InlineBanner::Severity::Error,
                                   {result.sentence});
            followRollout(result);
            updateButtons();
            Q_EMIT actionFinished(result.succeeded(), result.sentence);
        });
    }
    m_runner->run(operation);
    updateButtons();
}

void RolloutDashboard::followRollout(const OperationResult &result)
{
    m_followed.reset();
    if (!result.succeeded() || result.rolloutGeneration <= 0 || !m_session || !m_session->deployments())
        return;
    m_followed = FollowedRollout{result.target.name, result.target.uid, result.summary, result.rolloutGeneration};
    // The cache's updates carry the controller's progress; the first may already be Complete.
    connect(m_session->deployments(), &Core::Kube::ResourceCache::updated, this,
            &RolloutDashboard::checkFollowedRollout, Qt::UniqueConnection);
    checkFollowedRollout();
}

void RolloutDashboard::checkFollowedRollout()
{
    if (!m_followed || !m_session || !m_session->deployments())
        return;
    const QJsonObject deployment
        = m_session->deployments()->object(m_session->environment().namespaceName, m_followed->deployment);
    const OperationTarget now = OperationTarget::of(deployment);
    if (now.uid != m_followed->uid) {
        m_followed.reset(); // deleted or replaced: there is no rollout of ours left to report
        return;
    }
    const qint64 observed
        = deployment.value(QLatin1String("status")).toObject().value(QLatin1String("observedGeneration")).toInteger();
    if (observed < m_followed->generation)
        return; // the controller has not seen the change yet: an old "Complete" says nothing
    const auto summary = Core::Release::summarizeDeployment(deployment);
    if (summary.state == Core::Release::RolloutState::Complete) {
        m_banner->showMessages(
            InlineBanner::Severity::Info,
            {tr("%1: %2 done; every pod runs the new template.").arg(m_followed->deployment, m_followed->summary)});
        m_followed.reset();
    } else if (summary.state == Core::Release::RolloutState::Failed) {
        m_banner->showMessages(
            InlineBanner::Severity::Error,
            {tr("%1: %2 failed. %3").arg(m_followed->deployment, m_followed->summary, summary.reason)});
        m_followed.reset();
    }
}

bool RolloutDashboard::askable(const OperationTarget &target)
{
    if (target.isValid())
        return true;
    // A selected row whose Deployment the cache no longer holds: it was deleted just now.
    if (const QString service = currentDeployment(); !service.isEmpty())
        m_banner->showMessages(InlineBanner::Severity::Info,
                               {tr("%1 is no longer in %2; there is nothing to act on.")
                                    .arg(service, m_session->environment().namespaceName)});
    return false;
}

void RolloutDashboard::onRestart()
{
    const OperationTarget target = currentTarget();
    if (!askable(target))
        return;
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Restart"),
                                           tr("Restart every pod of %1 in %2, one batch at a time as the rollout "
                                              "strategy allows?")
                                               .arg(target.name, env.name),
                                           env.name, env.isProtected, this);
    confirmThen(dialog, [target] { return RolloutOperation::restart(target, QDateTime::currentDateTimeUtc()); });
}

void RolloutDashboard::onScale()
{
    const OperationTarget target = currentTarget();
    if (!askable(target))
        return;
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Scale"), tr("Scale %1 in %2 to:").arg(target.name, env.name), env.name,
                                           env.isProtected, this);
    auto *replicas = new QSpinBox(dialog);
    replicas->setObjectName(QStringLiteral("scaleReplicas"));
    replicas->setRange(0, 500);
    replicas->setValue(target.replicas);
    replicas->setSuffix(tr(" replicas"));
    dialog->addInput(replicas);
    confirmThen(dialog, [target, replicas] { return RolloutOperation::scale(target, replicas->value()); });
}

void RolloutDashboard::onPauseResume()
{
    const OperationTarget target = currentTarget();
    if (!askable(target))
        return;
    const auto &env = m_session->environment();
    const bool paused = target.paused;
    auto *dialog = new ConfirmActionDialog(paused ? tr("Resume") : tr("Pause"),
                                           paused ? tr("Resume the rollout of %1 in %2?").arg(target.name, env.name)
                                                  : tr("Pause the rollout of %1 in %2? Changes to its template wait "
                                                       "until it is resumed.")
                                                        .arg(target.name, env.name),
                                           env.name, env.isProtected, this);
    confirmThen(dialog, [target, paused] {
        return paused ? RolloutOperation::resume(target) : RolloutOperation::pause(target);
    });
}

void RolloutDashboard::onUndo()
{
    const OperationTarget target = currentTarget();
    if (!askable(target))
        return;
    const auto &env = m_session->environment();
    const QJsonObject deployment = m_session->deployments()->object(env.namespaceName, target.name);
    const QList<Core::Release::Revision> revisions = RolloutActions::history(
        deployment, m_session->replicaSets() ? m_session->replicaSets()->objects() : QList<QJsonObject>());
    if (revisions.size() < 2) {
        m_banner->showMessages(InlineBanner::Severity::Info,
                               {tr("%1 has no earlier revision to go back to.").arg(target.name)});
        return;
    }
    auto *dialog = new ConfirmActionDialog(tr("Undo"), tr("Roll %1 in %2 back to revision:").arg(target.name, env.name),
                                           env.name, env.isProtected, this);
    auto *choice = new QComboBox(dialog);
    choice->setObjectName(QStringLiteral("undoRevision"));
    const QJsonObject current = revisions.constFirst().podTemplate;
    for (int i = 1; i < revisions.size(); ++i) {
        const auto &r = revisions[i];
        choice->addItem(
            tr("%1 — %2%3")
                .arg(r.number)
                .arg(r.images.join(QStringLiteral(", ")),
                     r.changeCause.isEmpty() ? QString() : QStringLiteral(" (") + r.changeCause + QLatin1Char(')')),
            i);
    }
    dialog->addInput(choice);
    auto showDiff = [dialog, choice, revisions, current] {
        const auto &chosen = revisions[choice->currentData().toInt()];
        dialog->setDetails(
            tr("Image: %1 → %2\n\n")
                .arg(revisions.constFirst().images.join(QStringLiteral(", ")), chosen.images.join(QStringLiteral(", ")))
            + RolloutActions::templateDiff(current, chosen.podTemplate));
    };
    connect(choice, &QComboBox::currentIndexChanged, dialog, showDiff);
    showDiff();
    confirmThen(dialog, [target, choice, revisions] {
        return RolloutOperation::undo(target, revisions[choice->currentData().toInt()]);
    });
}

} // namespace Lucent::Ui
