#include "ui/alerts/alertsmodel.h"

#include "ui/common/itemroles.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QLocale>

namespace Lucent::Ui {

using Core::Prometheus::Alert;
using Core::Prometheus::Silence;

namespace {

// Children carry their group's row + 1 as internal id; groups carry 0.
constexpr quintptr GroupId = 0;

int severityRank(const QString &severity)
{
    return severity == QLatin1String("critical") ? 0 : severity == QLatin1String("warning") ? 1 : 2;
}

QColor severityColor(const QString &severity)
{
    return severity == QLatin1String("critical") ? QColor(0xd1, 0x3b, 0x3b) : QColor(0xc7, 0x6a, 0x00);
}

} // namespace

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

QString AlertsModel::keyOf(const Alert &alert)
{
    QStringList parts;
    for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value());
    return parts.join(QLatin1Char(','));
}

QString AlertsModel::groupOf(const Alert &alert)
{
    const QString service = alert.labels.value(QStringLiteral("app"), alert.labels.value(QStringLiteral("service")));
    return service.isEmpty() ? alert.labels.value(QStringLiteral("namespace")) : service;
}

void AlertsModel::clear()
{
    beginResetModel();
    m_groups.clear();
    m_silences.clear();
    endResetModel();
}

int AlertsModel::alertCount() const
{
    int count = 0;
    for (const Group &group : m_groups)
        count += int(group.alerts.size());
    return count;
}

void AlertsModel::updateGroup(int row, QList<Alert> incoming)
{
    const QModelIndex parentIndex = index(row, 0);
    QList<Alert> &alerts = m_groups[row].alerts;
    QHash<QString, Alert> byKey;
    for (const Alert &alert : incoming)
        byKey.insert(keyOf(alert), alert);
    for (int i = int(alerts.size()) - 1; i >= 0; --i) {
        const QString key = keyOf(alerts[i]);
        if (!byKey.contains(key)) {
            beginRemoveRows(parentIndex, i, i);
            alerts.removeAt(i);
            endRemoveRows();
        } else {
            alerts[i] = byKey.take(key); // state, value or annotations may have changed
            Q_EMIT dataChanged(index(i, 0, parentIndex), index(i, ColumnCount - 1, parentIndex));
        }
    }
    for (const Alert &alert : incoming) {
        const QString key = keyOf(alert);
        if (!byKey.contains(key))
            continue;
        beginInsertRows(parentIndex, int(alerts.size()), int(alerts.size()));
        alerts.append(byKey.take(key));
        endInsertRows();
    }
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1)); // the group's counts
}

void AlertsModel::setAlerts(const QList<Alert> &alerts)
{
    const bool wasStale = isStale();
    m_staleSince = {}; // a fresh answer
    QList<QString> order;
    QHash<QString, QList<Alert>> grouped;
    for (const Alert &alert : alerts) {
        const QString group = groupOf(alert);
        if (!grouped.contains(group))
            order.append(group);
        grouped[group].append(alert);
    }
    for (int row = int(m_groups.size()) - 1; row >= 0; --row) {
        if (!grouped.contains(m_groups[row].name)) {
            beginRemoveRows({}, row, row);
            m_groups.removeAt(row);
            endRemoveRows();
        }
    }
    for (int row = 0; row < m_groups.size(); ++row)
        updateGroup(row, grouped.take(m_groups[row].name));
    for (const QString &name : order) {
        if (!grouped.contains(name))
            continue;
        const int row = int(m_groups.size());
        beginInsertRows({}, row, row);
        m_groups.append({name, {}});
        endInsertRows();
        updateGroup(row, grouped.take(name));
    }
    if (wasStale)
        refreshAllRows(); // the rows that did not change are live again too
}

void AlertsModel::setSilences(const QList<Silence> &silences)
{
    m_silences = silences;
    refreshAllRows();
}

void AlertsModel::refreshAllRows()
{
    for (int row = 0; row < m_groups.size(); ++row) {
        const QModelIndex parentIndex = index(row, 0);
        if (!m_groups[row].alerts.isEmpty())
            Q_EMIT dataChanged(index(0, 0, parentIndex),
                               index(int(m_groups[row].alerts.size()) - 1, ColumnCount - 1, parentIndex));
        Q_EMIT dataChanged(parentIndex, index(row, ColumnCount - 1));
    }
}

const Silence *AlertsModel::silenceOf(const Alert &alert) const
{
    for (const Silence &silence : m_silences) {
        if (silence.covers(alert.labels))
            return &silence;
    }
    return nullptr;
}

QModelIndex AlertsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, GroupId);
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex AlertsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == GroupId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, GroupId);
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() == GroupId && parent.column() == 0 && parent.row() < m_groups.size())
        return int(m_groups[parent.row()].alerts.size());
    return 0;
}

int AlertsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == GroupId)
        return groupData(m_groups[index.row()], index.column(), role);
    return alertData(m_groups[int(index.internalId() - 1)].alerts[index.row()], index.column(), role);
}

QVariant AlertsModel::groupData(const Group &group, int column, int role) const
{
    int firing = 0;
    int pending = 0;
    int silenced = 0;
    int worst = 3;
    QString worstSeverity;
    for (const Alert &alert : group.alerts) {
        if (silenceOf(alert))
            ++silenced;
        else
            (alert.state == QLatin1String("firing") ? firing : pending) += 1;
        if (severityRank(alert.severity()) < worst) {
            worst = severityRank(alert.severity());
            worstSeverity = alert.severity();
        }
    }
    if (role == GroupRole)
        return group.name;
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (column) {
        case NameColumn: return group.name;
        case SeverityColumn: return role == SortRole ? QVariant(worst) : QVariant(worstSeverity);
        case StateColumn: {
            if (role == SortRole)
                return firing;
            QStringList parts;
            if (firing)
                parts.append(tr("%n firing", nullptr, firing));
            if (pending)
                parts.append(tr("%n pending", nullptr, pending));
            if (silenced)
                parts.append(tr("%n silenced", nullptr, silenced));
            return parts.join(QLatin1String(", "));
        }
        default: return role == SortRole ? QVariant(group.name) : QVariant();
        }
    }
    if (role == Qt::FontRole && column == NameColumn) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::ForegroundRole && isStale())
        return QBrush(QColor(0x8a, 0x8a, 0x8a));
    if (role == Qt::ForegroundRole && column == SeverityColumn && firing > 0)
        return QBrush(severityColor(worstSeverity));
    return {};
}

void AlertsModel::setStale(const QDateTime &since)
{
    if (isStale())
        return; // stale since the first failure, not the latest
    m_staleSince = since;
    refreshAllRows(); // every cell's colour and the alerts' state text change
}

QVariant AlertsModel::alertData(const Alert &alert, int column, int role) const
{
    if (isStale()) {
        const QString asOf = m_staleSince.toString(QStringLiteral("HH:mm:ss"));
        if (role == Qt::ForegroundRole)
            return QBrush(QColor(0x8a, 0x8a, 0x8a)); // not confirmed now: no severity colour
        if (role == Qt::DisplayRole && column == StateColumn)
            return tr("%1 (as of %2)").arg(alertText(alert, column), asOf);
        if (role == Qt::ToolTipRole)
            return tr("Not confirmed since %1: Prometheus cannot be reached.").arg(asOf);
    }
    return alertFields(alert, column, role);
}

QString AlertsModel::alertText(const Alert &alert, int column) const
{
    return alertFields(alert, column, Qt::DisplayRole).toString();
}

QVariant AlertsModel::alertFields(const Alert &alert, int column, int role) const
{
    const Silence *silence = silenceOf(alert);
    if (role == LabelsRole) {
        QVariantMap labels;
        for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
            labels.insert(it.key(), it.value());
        return labels;
    }
    if (role == SilencedByRole)
        return silence ? silence->id : QString();
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (column) {
        case NameColumn: return alert.name();
        case SeverityColumn:
            return role == SortRole ? QVariant(severityRank(alert.severity())) : QVariant(alert.severity());
        case PodColumn: return alert.labels.value(QStringLiteral("pod"));
        case SummaryColumn: return alert.annotations.value(QStringLiteral("summary"));
        case SinceColumn:
            if (role == SortRole)
                return alert.activeAt.toSecsSinceEpoch();
            return alert.activeAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case StateColumn:
            if (silence)
                return tr("%1, silenced until %2")
                    .arg(alert.state, silence->endsAt.toLocalTime().toString(QStringLiteral("HH:mm")));
            return alert.state;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        QString tip = alert.annotations.value(QStringLiteral("description"));
        if (silence)
            tip += QLatin1Char('\n')
                + tr("Silenced by %1 (%2): %3").arg(silence->createdBy, silence->matchersText(), silence->comment);
        return tip;
    }
    if (role == Qt::ForegroundRole) {
        if (silence)
            return QBrush(QColor(0x80, 0x80, 0x80)); // muted, but still listed: it is still firing
        if (column == SeverityColumn || column == StateColumn) {
            if (alert.state != QLatin1String("firing"))
                return QBrush(QColor(0x9a, 0x7b, 0x1f)); // pending
            return QBrush(severityColor(alert.severity()));
        }
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Service / alert");
    case SeverityColumn: return tr("Severity");
    case PodColumn: return tr("Pod");
    case SummaryColumn: return tr("Summary");
    case SinceColumn: return tr("Active since");
    case StateColumn: return tr("State");
    default: return {};
    }
}

} // namespace Lucent::Ui
