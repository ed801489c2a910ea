#pragma once

#include "ui/common/itemroles.h"

#include "core/prometheus/alertmanager.h"
#include "core/prometheus/prometheustypes.h"

#include <QAbstractItemModel>
#include <QDateTime>

namespace Lucent::Ui {

/// The environment's firing and pending alerts as a tree: one row per service (or namespace,
/// for alerts of no service), its alerts beneath. A new poll changes only what changed:
/// cleared alerts and emptied services are removed, new ones appended. Alerts that an active
/// Alertmanager silence covers say so in their state.
class AlertsModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsModel)

public:
    enum Column { NameColumn, SeverityColumn, PodColumn, SummaryColumn, SinceColumn, StateColumn, ColumnCount };
    enum Role {
        /// On an alert row: its labels (QVariantMap), for building a silence's matchers.
        LabelsRole = AlertLabelsRole,
        /// On an alert row: the id of the silence muting it, or empty.
        SilencedByRole = AlertSilencedByRole,
        /// On a group row: the service (or namespace) it groups.
        GroupRole = AlertGroupRole,
    };

    explicit AlertsModel(QObject *parent = nullptr);

    void setAlerts(const QList<Lucent::Core::Prometheus::Alert> &alerts);
    /// Marks every row as not confirmed since @p since (Prometheus stopped answering): greyed,
    /// the state "as of" that time. setAlerts() with a fresh answer clears it.
    void setStale(const QDateTime &since);
    bool isStale() const { return m_staleSince.isValid(); }
    void setSilences(const QList<Lucent::Core::Prometheus::Silence> &silences);
    void clear();
    int alertCount() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString groupOf(const Lucent::Core::Prometheus::Alert &alert);

private:
    struct Group {
        QString name;
        QList<Lucent::Core::Prometheus::Alert> alerts;
    };

    static QString keyOf(const Lucent::Core::Prometheus::Alert &alert);
    QVariant groupData(const Group &group, int column, int role) const;
    QVariant alertData(const Lucent::Core::Prometheus::Alert &alert, int column, int role) const;
    void refreshAllRows();
    QVariant alertFields(const Lucent::Core::Prometheus::Alert &alert, int column, int role) const;
    QString alertText(const Lucent::Core::Prometheus::Alert &alert, int column) const;
    const Lucent::Core::Prometheus::Silence *silenceOf(const Lucent::Core::Prometheus::Alert &alert) const;
    void updateGroup(int row, QList<Lucent::Core::Prometheus::Alert> incoming);

    QList<Group> m_groups;
    QDateTime m_staleSince;
    QList<Lucent::Core::Prometheus::Silence> m_silences;
};

} // namespace Lucent::Ui
