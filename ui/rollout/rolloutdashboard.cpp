#include "ui/rollout/rolloutdashboard.h"

#include "core/environment/environmentsession.h"
#include "core/kube/kubeclient.h"
#include "core/kube/resourcecache.h"
#include "ui/itemroles.h"
#include "ui/rollout/confirmactiondialog.h"
#include "ui/rollout/servicedetail.h"
#include "ui/rollout/servicestablemodel.h"
#include "ui/shell/inlinebanner.h"

#include <QComboBox>
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
using Core::Kube::KubeReply;
using Core::Kube::PatchType;
using Core::Kube::ResourceType;
using Core::Release::RolloutAction;
using Core::Release::RolloutActions;

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
    , m_filter(new QLineEdit(this))
    , m_view(new QTableView(this))
    , m_detail(new ServiceDetail(this))
    , m_banner(new InlineBanner(this))
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
    // Widths for the longest values a column shows (a state such as "Failed:
    // ProgressDeadlineExceeded"), so that live updates never truncate or jump.
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(true);
    const QFontMetrics metrics(m_view->font());
    const auto width = [&metrics](const char *sample) { return metrics.horizontalAdvance(QLatin1String(sample)) + 24; };
    m_view->setColumnWidth(ServicesTableModel::ServiceColumn, width("notification-service"));
    m_view->setColumnWidth(ServicesTableModel::VersionColumn, width("1.10.12-crash"));
    m_view->setColumnWidth(ServicesTableModel::ColourColumn, width("Colour"));
    for (int column :
         {ServicesTableModel::DesiredColumn, ServicesTableModel::UpdatedColumn, ServicesTableModel::ReadyColumn,
          ServicesTableModel::AvailableColumn, ServicesTableModel::AlertsColumn, ServicesTableModel::RestartsColumn})
        m_view->setColumnWidth(column, width("Available"));
    m_view->setColumnWidth(ServicesTableModel::StateColumn, width("Failed: ProgressDeadlineExceeded"));
    // Colour only matters for services laid out blue/green; hide it while none is.
    auto updateColourColumn = [this] {
        bool any = false;
        for (int row = 0; row < m_model->rowCount() && !any; ++row)
            any = !m_model->summary(row).colour.isEmpty();
        m_view->setColumnHidden(ServicesTableModel::ColourColumn, !any);
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, updateColourColumn);
    connect(m_model, &QAbstractItemModel::dataChanged, this, updateColourColumn);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateColourColumn);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        m_detail->setService(currentService());
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RolloutDashboard::updateButtons);
    // Like k9s: a selection from the start, so that the keyboard and the detail have a target.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        // After the burst of a first list, so that the top row in sorted order is the one.
        QTimer::singleShot(0, this, [this] {
            if (!m_view->selectionModel()->currentIndex().isValid() && m_proxy->rowCount() > 0)
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
        if (const QString service = currentService(); !service.isEmpty())
            Q_EMIT logsRequested(QStringLiteral("deployment/") + service);
    });

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
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addWidget(m_permissionNote);
    layout->addWidget(splitter, 1);
}

void RolloutDashboard::setSession(EnvironmentSession *session)
{
    if (m_session)
        m_session->disconnect(this);
    if (m_dialog)
        m_dialog->reject(); // an action asked about the old environment must not run on the new one
    m_session = session;
    m_permissions.clear();
    m_banner->clear();
    m_permissionNote->hide();
    m_model->setSession(session);
    m_detail->setSession(session);
    updateButtons();
    if (!session)
        return;
    if (session->client())
        onSessionReady();
    else
        connect(session, &EnvironmentSession::ready, this, &RolloutDashboard::onSessionReady);
    connect(session, &EnvironmentSession::stateChanged, this, [this](EnvironmentSession::State state) {
        if (state == EnvironmentSession::State::Unreachable)
            m_banner->showMessages(InlineBanner::Severity::Error, {m_session->problem()});
        else
            m_banner->clear();
    });
    if (session->state() == EnvironmentSession::State::Unreachable)
        m_banner->showMessages(InlineBanner::Severity::Error, {session->problem()});
}

void RolloutDashboard::onSessionReady()
{
    checkPermissions();
}

void RolloutDashboard::checkPermissions()
{
    const QString ns = m_session->environment().namespaceName;
    for (const RolloutAction action : {RolloutAction::Restart, RolloutAction::Scale}) {
        KubeReply *reply = m_session->client()->accessReview(RolloutActions::accessQuery(action, ns));
        connect(reply, &KubeReply::finished, this, [this, reply, action, session = m_session] {
            if (!m_session || session != m_session)
                return; // an answer about an environment no longer shown
            Permission permission;
            permission.known = true;
            const auto decision = Core::Kube::KubeClient::accessDecision(reply->json());
            if (reply->error().isError() || !decision) {
                // Unknown is not "denied": let the server decide when the action runs.
                permission.allowed = true;
            } else {
                permission.allowed = decision->allowed;
                const auto query = RolloutActions::accessQuery(action, m_session->environment().namespaceName);
                permission.reason
                    = tr("%1 may not %2 %3 in %4 (the cluster's access review says no%5). Ask a cluster administrator "
                         "for the permission, or use a context whose user has it.")
                          .arg(m_session->userName().isEmpty() ? tr("This user") : m_session->userName(), query.verb,
                               query.subresource.isEmpty() ? query.resource
                                                           : query.resource + QLatin1Char('/') + query.subresource,
                               query.namespaceName,
                               decision->reason.isEmpty() ? QString() : QStringLiteral(": ") + decision->reason);
            }
            m_permissions.insert(int(action), permission);
            if (action == RolloutAction::Restart) {
                // Pause, resume and undo need the same patch permission as restart.
                for (const RolloutAction same : {RolloutAction::Pause, RolloutAction::Resume, RolloutAction::Undo})
                    m_permissions.insert(int(same), permission);
            }
            updateButtons();
        });
    }
}

QString RolloutDashboard::currentService() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.siblingAtColumn(0).data(ServicesTableModel::NameRole).toString() : QString();
}

void RolloutDashboard::updateButtons()
{
    const QString service = currentService();
    const int row = m_model->rowOf(service);
    const bool paused = row >= 0 && m_model->summary(row).state == Core::Release::RolloutState::Paused;
    m_pause->setText(paused ? tr("Res&ume") : tr("&Pause"));
    QStringList denied;
    auto apply = [&](QPushButton *button, RolloutAction action) {
        const Permission permission = m_permissions.value(int(action));
        const bool allowed = permission.known && permission.allowed;
        button->setEnabled(row >= 0 && allowed);
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

void RolloutDashboard::confirmThen(ConfirmActionDialog *dialog, std::function<void()> action)
{
    if (m_dialog)
        m_dialog->reject();
    m_dialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [action = std::move(action), session = m_session, this] {
        if (m_session && session == m_session && m_session->client()) // still the environment that was asked about
            action();
    });
    dialog->open(); // window-modal, without a nested event loop
}

void RolloutDashboard::runPatch(const QString &what, RolloutAction action, PatchType type, const QByteArray &patch)
{
    const QString service = currentService();
    const QString ns = m_session->environment().namespaceName;
    KubeReply *reply = action == RolloutAction::Scale
        ? m_session->client()->patch(ResourceType::deployments(), ns, service, type, patch, QStringLiteral("scale"))
        : m_session->client()->patch(ResourceType::deployments(), ns, service, type, patch);
    connect(reply, &KubeReply::finished, this, [this, reply, what, service] {
        const bool ok = !reply->error().isError();
        const QString sentence = ok ? tr("%1: %2 done.").arg(service, what) : reply->error().sentence();
        m_banner->showMessages(ok ? InlineBanner::Severity::Info : InlineBanner::Severity::Error, {sentence});
        Q_EMIT actionFinished(ok, sentence);
    });
}

void RolloutDashboard::onRestart()
{
    const QString service = currentService();
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Restart"),
                                           tr("Restart every pod of %1 in %2, one batch at a time as the rollout "
                                              "strategy allows?")
                                               .arg(service, env.name),
                                           env.name, env.isProtected, this);
    confirmThen(dialog, [this] {
        runPatch(tr("restart"), RolloutAction::Restart, PatchType::Strategic,
                 RolloutActions::restartPatch(QDateTime::currentDateTimeUtc()));
    });
}

void RolloutDashboard::onScale()
{
    const QString service = currentService();
    const auto &env = m_session->environment();
    auto *dialog = new ConfirmActionDialog(tr("Scale"), tr("Scale %1 in %2 to:").arg(service, env.name), env.name,
                                           env.isProtected, this);
    auto *replicas = new QSpinBox(dialog);
    replicas->setObjectName(QStringLiteral("scaleReplicas"));
    replicas->setRange(0, 500);
    replicas->setValue(m_model->summary(m_model->rowOf(service)).desired);
    replicas->setSuffix(tr(" replicas"));
    dialog->addInput(replicas);
    confirmThen(dialog, [this, replicas] {
        const QByteArray patch
            = QByteArrayLiteral("{\"spec\":{\"replicas\":") + QByteArray::number(replicas->value()) + "}}";
        runPatch(tr("scale to %1").arg(replicas->value()), RolloutAction::Scale, PatchType::Merge, patch);
    });
}

void RolloutDashboard::onPauseResume()
{
    const QString service = currentService();
    const auto &env = m_session->environment();
    const bool paused = m_model->summary(m_model->rowOf(service)).state == Core::Release::RolloutState::Paused;
    auto *dialog = new ConfirmActionDialog(paused ? tr("Resume") : tr("Pause"),
                                           paused ? tr("Resume the rollout of %1 in %2?").arg(service, env.name)
                                                  : tr("Pause the rollout of %1 in %2? Changes to its template wait "
                                                       "until it is resumed.")
                                                        .arg(service, env.name),
                                           env.name, env.isProtected, this);
    confirmThen(dialog, [this, paused] {
        runPatch(paused ? tr("resume") : tr("pause"), paused ? RolloutAction::Resume : RolloutAction::Pause,
                 PatchType::Merge, RolloutActions::pausePatch(!paused));
    });
}

void RolloutDashboard::onUndo()
{
    const QString service = currentService();
    const auto &env = m_session->environment();
    const QJsonObject deployment = m_session->deployments()->object(env.namespaceName, service);
    const QList<Core::Release::Revision> revisions = RolloutActions::history(
        deployment, m_session->replicaSets() ? m_session->replicaSets()->objects() : QList<QJsonObject>());
    if (revisions.size() < 2) {
        m_banner->showMessages(InlineBanner::Severity::Info,
                               {tr("%1 has no earlier revision to go back to.").arg(service)});
        return;
    }
    auto *dialog = new ConfirmActionDialog(tr("Undo"), tr("Roll %1 in %2 back to revision:").arg(service, env.name),
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
        const auto &target = revisions[choice->currentData().toInt()];
        dialog->setDetails(
            tr("Image: %1 → %2\n\n")
                .arg(revisions.constFirst().images.join(QStringLiteral(", ")), target.images.join(QStringLiteral(", ")))
            + RolloutActions::templateDiff(current, target.podTemplate));
    };
    connect(choice, &QComboBox::currentIndexChanged, dialog, showDiff);
    showDiff();
    confirmThen(dialog, [this, choice, revisions] {
        const auto &target = revisions[choice->currentData().toInt()];
        runPatch(tr("undo to revision %1").arg(target.number), RolloutAction::Undo, PatchType::Json,
                 RolloutActions::undoPatch(target));
    });
}

} // namespace Lucent::Ui
