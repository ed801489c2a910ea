#include "ui/alerts/alertsmodel.h"

#include "ui/itemroles.h"

#include <QBrush>
#include <QColor>
#include <QHash>
#include <QSet>

namespace Lucent::Ui {

using Core::Prometheus::Alert;

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QString AlertsModel::keyOf(const Alert &alert)
{
    QStringList parts;
    for (auto it = alert.labels.cbegin(); it != alert.labels.cend(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value());
    return parts.join(QLatin1Char(','));
}

void AlertsModel::clear()
{
    beginResetModel();
    m_alerts.clear();
    endResetModel();
}

void AlertsModel::setAlerts(const QList<Alert> &alerts)
{
    QHash<QString, Alert> incoming;
    for (const Alert &alert : alerts)
        incoming.insert(keyOf(alert), alert);
    for (int row = int(m_alerts.size()) - 1; row >= 0; --row) {
        const QString key = keyOf(m_alerts[row]);
        if (!incoming.contains(key)) {
            beginRemoveRows({}, row, row);
            m_alerts.removeAt(row);
            endRemoveRows();
        } else {
            m_alerts[row] = incoming.take(key); // state, value or annotations may have changed
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    for (const Alert &alert : alerts) {
        if (!incoming.contains(keyOf(alert)))
            continue;
        beginInsertRows({}, int(m_alerts.size()), int(m_alerts.size()));
        m_alerts.append(incoming.take(keyOf(alert)));
        endInsertRows();
    }
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Alert &alert = m_alerts[index.row()];
    const QString service = alert.labels.value(QStringLiteral("app"), alert.labels.value(QStringLiteral("service")));
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (index.column()) {
        case SeverityColumn:
            if (role == SortRole) // critical first
                return alert.severity() == QLatin1String("critical") ? 0
                    : alert.severity() == QLatin1String("warning")   ? 1
                                                                     : 2;
            return alert.severity();
        case AlertColumn: return alert.name();
        case ServiceColumn: return service.isEmpty() ? alert.labels.value(QStringLiteral("namespace")) : service;
        case PodColumn: return alert.labels.value(QStringLiteral("pod"));
        case SummaryColumn: return alert.annotations.value(QStringLiteral("summary"));
        case SinceColumn:
            if (role == SortRole)
                return alert.activeAt.toSecsSinceEpoch();
            return alert.activeAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case StateColumn: return alert.state;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return alert.annotations.value(QStringLiteral("description"));
    if (role == Qt::ForegroundRole && (index.column() == SeverityColumn || index.column() == StateColumn)) {
        if (alert.state != QLatin1String("firing"))
            return QBrush(QColor(0x9a, 0x7b, 0x1f)); // pending
        return QBrush(alert.severity() == QLatin1String("critical") ? QColor(0xd1, 0x3b, 0x3b)
                                                                    : QColor(0xc7, 0x6a, 0x00));
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case AlertColumn: return tr("Alert");
    case ServiceColumn: return tr("Service");
    case PodColumn: return tr("Pod");
    case SummaryColumn: return tr("Summary");
    case SinceColumn: return tr("Active since");
    case StateColumn: return tr("State");
    default: return {};
    }
}

} // namespace Lucent::Ui
