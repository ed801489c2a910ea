#pragma once

#include "core/prometheus/prometheustypes.h"

#include <QAbstractTableModel>

namespace Lucent::Ui {

/// The environment's firing and pending alerts, one row each. A new poll changes only the
/// rows that changed: alerts that cleared are removed, new ones appended.
class AlertsModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsModel)

public:
    enum Column {
        SeverityColumn,
        AlertColumn,
        ServiceColumn,
        PodColumn,
        SummaryColumn,
        SinceColumn,
        StateColumn,
        ColumnCount
    };

    explicit AlertsModel(QObject *parent = nullptr);

    void setAlerts(const QList<Lucent::Core::Prometheus::Alert> &alerts);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static QString keyOf(const Lucent::Core::Prometheus::Alert &alert);
    QList<Lucent::Core::Prometheus::Alert> m_alerts;
};

} // namespace Lucent::Ui
