#include "ui/rollout/servicestablemodel.h"

#include "ui/common/agetext.h"
#include "ui/common/seriescolours.h"

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
using Core::Release::ServiceStatus;

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
    m_promotion = {};
    endResetModel();
    Q_EMIT promotionChanged();
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
    ResourceCache *services = m_session->services();
    connect(services, &ResourceCache::added, this, &ServicesTableModel::onService);
    connect(services, &ResourceCache::updated, this,
            [this](const QJsonObject &, const QJsonObject &current) { onService(current); });
    connect(services, &ResourceCache::removed, this, &ServicesTableModel::onServiceRemoved);
    // A Deployment may belong to any row (its colour, its replicas): the rows are few.
    ResourceCache *deployments = m_session->deployments();
    connect(deployments, &ResourceCache::added, this, &ServicesTableModel::recomputeAll);
    connect(deployments, &ResourceCache::updated, this, &ServicesTableModel::recomputeAll);
    connect(deployments, &ResourceCache::removed, this, &ServicesTableModel::recomputeAll);
    // Endpoints are named after their Service: an event touches one row.
    ResourceCache *endpoints = m_session->endpoints();
    connect(endpoints, &ResourceCache::added, this, [this](const QJsonObject &e) { recompute(nameOf(e)); });
    connect(endpoints, &ResourceCache::updated, this,
            [this](const QJsonObject &, const QJsonObject &e) { recompute(nameOf(e)); });
    connect(endpoints, &ResourceCache::removed, this, [this](const QJsonObject &e) { recompute(nameOf(e)); });
    ResourceCache *pods = m_session->pods();
    connect(pods, &ResourceCache::added, this, [this](const QJsonObject &pod) { onPod(pod, false); });
    connect(pods, &ResourceCache::updated, this,
            [this](const QJsonObject &, const QJsonObject &pod) { onPod(pod, false); });
    connect(pods, &ResourceCache::removed, this, [this](const QJsonObject &pod) { onPod(pod, true); });
    if (ResourceCache *lease = m_session->promotionLease()) {
        for (auto signal : {&ResourceCache::added, &ResourceCache::removed})
            connect(lease, signal, this, &ServicesTableModel::onPromotionLease);
        connect(lease, &ResourceCache::updated, this, &ServicesTableModel::onPromotionLease);
        onPromotionLease(); // what it already holds
    }
    for (const QJsonObject &service : services->objects())
        onService(service);
}

void ServicesTableModel::onPromotionLease()
{
    const QList<QJsonObject> leases = m_session->promotionLease()->objects();
    m_promotion = Core::Release::promotionActivity(leases.value(0), QDateTime::currentDateTimeUtc());
    refreshAll(PromotionColumn, PromotionColumn);
    Q_EMIT promotionChanged();
}

bool ServicesTableModel::belongs(const QString &service) const
{
    const QStringList &services = m_session->environment().services;
    return services.isEmpty() || services.contains(service);
}

int ServicesTableModel::rowOf(const QString &service) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].status.name == service)
            return row;
    }
    return -1;
}

ServiceStatus ServicesTableModel::statusOf(const QJsonObject &service, const QList<QJsonObject> &deployments) const
{
    const QString ns = m_session->environment().namespaceName;
    const ResourceCache *pods = m_session->pods();
    return Core::Release::serviceStatus(service, deployments, m_session->endpoints()->object(ns, nameOf(service)),
                                        [pods, ns](const QString &name) { return pods->object(ns, name); });
}

void ServicesTableModel::onService(const QJsonObject &service)
{
    const QString name = nameOf(service);
    if (!belongs(name))
        return;
    Row fresh{statusOf(service, m_session->deployments()->objects()), Core::Release::baseSelector(service), 0};
    const int row = rowOf(name);
    if (row < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(fresh);
        endInsertRows();
    } else {
        const bool sameSelector = m_rows[row].baseSelector == fresh.baseSelector;
        fresh.restarts = m_rows[row].restarts;
        m_rows[row] = fresh;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        if (sameSelector)
            return;
    }
    // Pods seen before their Service, or selected anew: count them now.
    for (const QJsonObject &pod : m_session->pods()->objects())
        onPod(pod, false);
}

void ServicesTableModel::onServiceRemoved(const QJsonObject &service)
{
    const int row = rowOf(nameOf(service));
    if (row < 0)
        return;
    // Its pods' shares go with it; a Service of the same name later counts them afresh.
    const QString name = m_rows[row].status.name;
    for (auto it = m_pods.begin(); it != m_pods.end();)
        it = it->owner == name ? m_pods.erase(it) : std::next(it);
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void ServicesTableModel::recompute(const QString &service)
{
    const int row = rowOf(service);
    if (row < 0 || !m_session)
        return;
    const QJsonObject object = m_session->services()->object(m_session->environment().namespaceName, service);
    if (object.isEmpty())
        return; // its removal is on its way
    m_rows[row].status = statusOf(object, m_session->deployments()->objects());
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ServicesTableModel::recomputeAll()
{
    if (m_rows.isEmpty() || !m_session)
        return;
    const QList<QJsonObject> deployments = m_session->deployments()->objects();
    const QString ns = m_session->environment().namespaceName;
    for (Row &row : m_rows) {
        const QJsonObject object = m_session->services()->object(ns, row.status.name);
        if (!object.isEmpty())
            row.status = statusOf(object, deployments);
    }
    refreshAll(0, ColumnCount - 1);
}

void ServicesTableModel::onPod(const QJsonObject &pod, bool removed)
{
    const QString name = nameOf(pod);
    PodShare fresh;
    if (!removed) {
        const QJsonObject labels
            = pod.value(QLatin1String("metadata")).toObject().value(QLatin1String("labels")).toObject();
        for (const Row &row : std::as_const(m_rows)) {
            if (Core::Kube::selectorMatches(row.baseSelector, labels)) {
                fresh = {row.status.name, podRestarts(pod), Core::Release::podVersion(pod)};
                break;
            }
        }
    }
    // Move this pod's share from its old row to its new one: a watch event costs the rows it
    // touches, not a walk over every pod of the namespace.
    const bool known = m_pods.contains(name);
    const PodShare old = m_pods.value(name);
    if (known && old.owner == fresh.owner && old.restarts == fresh.restarts && old.version == fresh.version)
        return;
    if (fresh.owner.isEmpty())
        m_pods.remove(name);
    else
        m_pods.insert(name, fresh);
    addRestarts(rowOf(old.owner), -old.restarts);
    addRestarts(rowOf(fresh.owner), fresh.restarts);
    // A pod the Endpoints may name (new, gone, or running another image) changes what is served.
    if (!known || removed || old.version != fresh.version || old.owner != fresh.owner) {
        if (!old.owner.isEmpty())
            recompute(old.owner);
        if (!fresh.owner.isEmpty() && fresh.owner != old.owner)
            recompute(fresh.owner);
    }
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
    const ServiceStatus &status = row.status;
    const Core::Release::RolloutSummary *active = status.active();
    switch (column) {
    case ServiceColumn: return status.name;
    case VersionColumn: return status.versionText();
    case ColourColumn:
        // Not selected yet: the colour its pods carry, which its first promotion adopts.
        return status.adoptable ? tr("%1 (not adopted)").arg(status.liveColour) : status.liveColour;
    case StandbyColumn: return status.standbyText();
    case ReadyColumn: return active ? QStringLiteral("%1/%2").arg(active->ready).arg(active->desired) : QString();
    case UpdatedColumn: return active ? QVariant(active->updated) : QVariant(QString());
    case AvailableColumn: return active ? QVariant(active->available) : QVariant(QString());
    case StateColumn:
        if (active)
            return Core::Release::rolloutStateName(active->state);
        return status.blueGreen ? tr("No %1 Deployment").arg(status.liveColour) : QString();
    case PromotionColumn: return m_promotion.involves(status.name) ? m_promotion.shortText() : QString();
    case AlertsColumn: {
        const auto *alerts = m_session ? m_session->alerts() : nullptr;
        if (!alerts || !alerts->hasAnswered())
            return QString(); // no Prometheus, or no answer yet: unknown, not zero
        return alerts->firingCount(status.name);
    }
    case RestartsColumn: return row.restarts;
    case AgeColumn: return active ? ageText(active->created) : QString();
    default: return {};
    }
}

QVariant ServicesTableModel::sortKey(const Row &row, int column) const
{
    const Core::Release::RolloutSummary *active = row.status.active();
    if (column == AgeColumn)
        return active && active->created.isValid() ? -active->created.toSecsSinceEpoch() : 0; // youngest first
    if (column == StateColumn)
        return active ? int(active->state) : -1;
    if (column == ReadyColumn)
        return active ? active->ready : -1;
    return display(row, column);
}

QVariant ServicesTableModel::toolTip(const Row &row, int column) const
{
    const ServiceStatus &status = row.status;
    const Core::Release::RolloutSummary *active = status.active();
    QStringList lines;
    switch (column) {
    case VersionColumn:
        lines.append(tr("Serving: %n ready pod(s) of the Service's Endpoints", nullptr, status.servingPods));
        if (!status.pendingTarget().isEmpty())
            lines.append(tr("Rolling out: %1").arg(active->images.join(QStringLiteral(", "))));
        break;
    case ColourColumn:
        if (status.blueGreen)
            lines.append(tr("The Service selects color=%1").arg(status.liveColour));
        else if (status.adoptable)
            lines.append(tr("The Service's selector names no colour; its pods are all color=%1, and its first "
                            "promotion adopts it by selecting that colour.")
                             .arg(status.liveColour));
        break;
    case StandbyColumn:
        if (const auto *standby = status.standby())
            lines.append(tr("%1: %2").arg(standby->name, standby->images.join(QStringLiteral(", "))));
        break;
    case StateColumn:
        if (active && !active->reason.isEmpty())
            lines.append(active->reason);
        lines.append(status.problems);
        break;
    case PromotionColumn:
        if (m_promotion.involves(status.name))
            lines.append(tr("%1, held by %2")
                             .arg(m_promotion.journal.describe(),
                                  m_promotion.holder.isEmpty() ? tr("nobody") : m_promotion.holder));
        break;
    default: break;
    }
    return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
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
    case SortRole: return sortKey(row, index.column());
    case Qt::ToolTipRole: return stale ? QVariant(staleNote(index.column())) : toolTip(row, index.column());
    case Qt::ForegroundRole:
        if (stale)
            return QBrush(QColor(0x8a, 0x8a, 0x8a)); // grey in both themes: no state colour it has not earned
        if (index.column() == StateColumn && !row.status.problems.isEmpty())
            return QBrush(QColor(0xd1, 0x3b, 0x3b));
        if (index.column() == StateColumn && row.status.active())
            return QBrush(stateColour(row.status.active()->state));
        if (index.column() == AlertsColumn && display(row, AlertsColumn).toInt() > 0)
            return QBrush(QColor(0xd1, 0x3b, 0x3b));
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ReadyColumn:
        case UpdatedColumn:
        case AvailableColumn:
        case RestartsColumn:
        case AlertsColumn: return int(Qt::AlignRight | Qt::AlignVCenter);
        default: return {};
        }
    case Qt::DecorationRole:
        // The colour's swatch is the colour its lines have in the charts.
        if (index.column() == ColourColumn && !row.status.liveColour.isEmpty() && !stale)
            return SeriesColours::shared().colourOf(row.status.liveColour);
        return {};
    case StateRole: return row.status.active() ? int(row.status.active()->state) : -1;
    case NameRole: return row.status.name;
    case DeploymentRole: return row.status.active() ? row.status.active()->name : QString();
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
    case StandbyColumn: return tr("Standby");
    case UpdatedColumn: return tr("Updated");
    case ReadyColumn: return tr("Ready");
    case AvailableColumn: return tr("Available");
    case StateColumn: return tr("Rollout");
    case PromotionColumn: return tr("Promotion");
    case AlertsColumn: return tr("Alerts");
    case RestartsColumn: return tr("Restarts");
    case AgeColumn: return tr("Age");
    default: return {};
    }
}

} // namespace Lucent::Ui
