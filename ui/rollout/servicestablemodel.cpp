#include "ui/rollout/servicestablemodel.h"

#include "ui/common/agetext.h"

#include "core/environment/environmentsession.h"
#include "core/kube/labelselector.h"
#include "core/kube/resourcecache.h"
#include "core/prometheus/alertpoller.h"
#include "ui/common/itemroles.h"

#include <QBrush>
#include <QColor>
#include <QJsonArray>

namespace Lucent::Ui {

using Core::Environment::EnvironmentSession;
using Core::Kube::ResourceCache;
using Core::Release::RolloutState;

namespace {

QColor stateColour(RolloutState state)
{
    switch (state) {
    case RolloutState::Complete: return QColor(0x2e, 0x9e, 0x4f);
    case RolloutState::Progressing: return QColor(0x2f, 0x7f, 0xd1);
    case RolloutState::Paused: return QColor(0x9a, 0x7b, 0x1f);
    case RolloutState::Failed:
    case RolloutState::Degraded: return QColor(0xd1, 0x3b, 0x3b);
    }
    return {};
}

int podRestarts(const QJsonObject &pod)
{
    int restarts = 0;
    const QJsonArray statuses
        = pod.value(QLatin1String("status")).toObject().value(QLatin1String("containerStatuses")).toArray();
    for (const auto &status : statuses)
        restarts += status.toObject().value(QLatin1String("restartCount")).toInt();
    return restarts;
}

QString nameOf(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject().value(QLatin1String("name")).toString();
}

} // namespace

ServicesTableModel::ServicesTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ServicesTableModel::setSession(EnvironmentSession *session)
{
    beginResetModel();
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    m_rows.clear();
    m_pods.clear();
    m_clusterStale = false;
    m_alertsStale = false;
    endResetModel();
    if (!session)
        return;
    connect(session, &EnvironmentSession::stateChanged, this, &ServicesTableModel::onSessionState);
    if (Core::Prometheus::AlertPoller *alerts = session->alerts()) {
        connect(alerts, &Core::Prometheus::AlertPoller::alertsChanged, this, [this] {
            m_alertsStale = false;
            refreshAll(AlertsColumn, AlertsColumn);
        });
        // Counts Prometheus no longer confirms must not look current.
        connect(alerts, &Core::Prometheus::AlertPoller::failed, this, [this] {
            if (m_alertsStale)
                return;
            m_alertsStale = true;
            m_alertsConfirmed = QDateTime::currentDateTime(); // the last poll before this one answered
            refreshAll(AlertsColumn, AlertsColumn);
        });
    }
    if (session->deployments())
        connectCaches();
    else
        connect(session, &EnvironmentSession::ready, this, &ServicesTableModel::connectCaches);
}

void ServicesTableModel::connectCaches()
{
    ResourceCache *deployments = m_session->deployments();
    connect(deployments, &ResourceCache::added, this, &ServicesTableModel::onDeployment);
    connect(deployments, &ResourceCache::updated, this,
            [this](const QJsonObject &, const QJsonObject &current) { onDeployment(current); });
    connect(deployments, &ResourceCache::removed, this, &ServicesTableModel::onDeploymentRemoved);
    for (const QJsonObject &deployment : deployments->objects())
        onDeployment(deployment);
    if (ResourceCache *pods = m_session->pods()) {
        connect(pods, &ResourceCache::added, this, [this](const QJsonObject &pod) { onPod(pod, false); });
        connect(pods, &ResourceCache::updated, this,
                [this](const QJsonObject &, const QJsonObject &pod) { onPod(pod, false); });
        connect(pods, &ResourceCache::removed, this, [this](const QJsonObject &pod) { onPod(pod, true); });
        for (const QJsonObject &pod : pods->objects())
            onPod(pod, false);
    }
}

bool ServicesTableModel::belongs(const QJsonObject &deployment) const
{
    const QStringList &services = m_session->environment().services;
    return services.isEmpty() || services.contains(nameOf(deployment));
}

int ServicesTableModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].summary.name == name)
            return row;
    }
    return -1;
}

void ServicesTableModel::onDeployment(const QJsonObject &deployment)
{
    if (!belongs(deployment))
        return;
    Row fresh{Core::Release::summarizeDeployment(deployment),
              deployment.value(QLatin1String("spec"))
                  .toObject()
                  .value(QLatin1String("selector"))
                  .toObject()
                  .value(QLatin1String("matchLabels"))
                  .toObject(),
              0};
    const int row = rowOf(fresh.summary.name);
    if (row < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(fresh);
        endInsertRows();
        // Pods seen before their Deployment: count them now.
        if (m_session && m_session->pods()) {
            for (const QJsonObject &pod : m_session->pods()->objects())
                onPod(pod, false);
        }
        return;
    }
    fresh.restarts = m_rows[row].restarts;
    m_rows[row] = fresh;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ServicesTableModel::onDeploymentRemoved(const QJsonObject &deployment)
{
    const int row = rowOf(nameOf(deployment));
    if (row < 0)
        return;
    // Its pods' shares go with it; a Deployment of the same name later counts them afresh.
    const QString name = m_rows[row].summary.name;
    for (auto it = m_pods.begin(); it != m_pods.end();)
        it = it->owner == name ? m_pods.erase(it) : std::next(it);
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void ServicesTableModel::onPod(const QJsonObject &pod, bool removed)
{
    const QString name = nameOf(pod);
    PodShare fresh;
    if (!removed) {
        const QJsonObject labels
            = pod.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
        for (const Row &row : std::as_const(m_rows)) {
            if (Core::Kube::selectorMatches(row.selector, labels)) {
                fresh = {row.summary.name, podRestarts(pod)};
                break;
            }
        }
    }
    // Move this pod's share from its old row to its new one: a watch event costs the rows it
    // touches, not a walk over every pod of the namespace.
    const PodShare old = m_pods.value(name);
    if (old.owner == fresh.owner && old.restarts == fresh.restarts)
        return;
    if (fresh.owner.isEmpty())
        m_pods.remove(name);
    else
        m_pods.insert(name, fresh);
    addRestarts(rowOf(old.owner), -old.restarts);
    addRestarts(rowOf(fresh.owner), fresh.restarts);
}

void ServicesTableModel::addRestarts(int row, int delta)
{
    if (row < 0 || delta == 0)
        return;
    m_rows[row].restarts += delta;
    Q_EMIT dataChanged(index(row, RestartsColumn), index(row, RestartsColumn));
}

int ServicesTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServicesTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServicesTableModel::display(const Row &row, int column) const
{
    const Core::Release::RolloutSummary &s = row.summary;
    switch (column) {
    case ServiceColumn: return s.name;
    case VersionColumn: return s.versions.join(QStringLiteral(", "));
    case ColourColumn: return s.colour;
    case DesiredColumn: return s.desired;
    case UpdatedColumn: return s.updated;
    case ReadyColumn: return s.ready;
    case AvailableColumn: return s.available;
    case StateColumn: return Core::Release::rolloutStateName(s.state);
    case AlertsColumn: {
        const auto *alerts = m_session ? m_session->alerts() : nullptr;
        if (!alerts || !alerts->hasAnswered())
            return QString(); // no Prometheus, or no answer yet: unknown, not zero
        return alerts->firingCount(s.name);
    }
    case RestartsColumn: return row.restarts;
    case AgeColumn: return ageText(s.created);
    default: return {};
    }
}

void ServicesTableModel::onSessionState()
{
    // Rows the cluster no longer confirms stay, greyed and dated: a glance must not take them
    // for the present. They come back to life with the caches' next sync.
    const bool stale = m_session && m_session->state() == EnvironmentSession::State::Unreachable;
    if (stale == m_clusterStale)
        return;
    if (stale)
        m_clusterConfirmed = QDateTime::currentDateTime(); // the watches were live until now
    m_clusterStale = stale;
    refreshAll(0, ColumnCount - 1);
}

void ServicesTableModel::refreshAll(int firstColumn, int lastColumn)
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, firstColumn), index(int(m_rows.size()) - 1, lastColumn));
}

bool ServicesTableModel::isStale(int column) const
{
    return m_clusterStale || (column == AlertsColumn && m_alertsStale);
}

QString ServicesTableModel::staleNote(int column) const
{
    if (m_clusterStale)
        return tr("Not confirmed since %1: the cluster cannot be reached.")
            .arg(m_clusterConfirmed.toString(QStringLiteral("HH:mm:ss")));
    if (column == AlertsColumn && m_alertsStale)
        return tr("Not confirmed since %1: Prometheus cannot be reached.")
            .arg(m_alertsConfirmed.toString(QStringLiteral("HH:mm:ss")));
    return {};
}

QVariant ServicesTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[index.row()];
    const bool stale = isStale(index.column());
    switch (role) {
    case Qt::DisplayRole:
        if (stale && index.column() == StateColumn)
            return tr("%1 (as of %2)")
                .arg(display(row, StateColumn).toString(), m_clusterConfirmed.toString(QStringLiteral("HH:mm:ss")));
        if (stale && index.column() == AlertsColumn)
            return tr("unknown");
        return display(row, index.column());
    case StaleRole: return stale;
    case SortRole:
        if (index.column() == AgeColumn)
            return row.summary.created.isValid() ? -row.summary.created.toSecsSinceEpoch() : 0; // youngest first
        if (index.column() == StateColumn)
            return int(row.summary.state);
        return display(row, index.column());
    case Qt::ToolTipRole:
        if (stale)
            return staleNote(index.column());
        if (index.column() == StateColumn)
            return row.summary.reason;
        if (index.column() == VersionColumn)
            return row.summary.images.join(QLatin1Char('\n'));
        return {};
    case Qt::ForegroundRole:
        if (stale)
            return QBrush(QColor(0x8a, 0x8a, 0x8a)); // grey in both themes: no state colour it has not earned
        if (index.column() == StateColumn)
            return QBrush(stateColour(row.summary.state));
        if (index.column() == AlertsColumn && display(row, AlertsColumn).toInt() > 0)
            return QBrush(QColor(0xd1, 0x3b, 0x3b));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= DesiredColumn && index.column() <= AvailableColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (index.column() == RestartsColumn || index.column() == AlertsColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case StateRole: return int(row.summary.state);
    case NameRole: return row.summary.name;
    default: return {};
    }
}

QVariant ServicesTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ServiceColumn: return tr("Service");
    case VersionColumn: return tr("Version");
    case ColourColumn: return tr("Colour");
    case DesiredColumn: return tr("Desired");
    case UpdatedColumn: return tr("Updated");
    case ReadyColumn: return tr("Ready");
    case AvailableColumn: return tr("Available");
    case StateColumn: return tr("Rollout");
    case AlertsColumn: return tr("Alerts");
    case RestartsColumn: return tr("Restarts");
    case AgeColumn: return tr("Age");
    default: return {};
    }
}

} // namespace Lucent::Ui
