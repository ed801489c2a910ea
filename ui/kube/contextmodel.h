#pragma once

#include "core/kube/kubeconfig.h"

#include <QAbstractTableModel>

namespace Lucent::Ui {

/// The contexts of the merged kubeconfig, one row each.
class ContextModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContextModel)

public:
    enum Column { ContextColumn, ClusterColumn, ServerColumn, NamespaceColumn, UserColumn, AuthColumn, ColumnCount };

    explicit ContextModel(QObject *parent = nullptr);

    /// Replaces everything: a new kubeconfig is a new world, so this resets the model.
    void setKubeconfig(const Lucent::Core::Kube::Kubeconfig &config);
    const Lucent::Core::Kube::Kubeconfig &kubeconfig() const { return m_config; }

    /// The row of @p contextName, or -1.
    int rowOf(const QString &contextName) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString displayText(const Lucent::Core::Kube::KubeconfigContext &context, int column) const;

    Lucent::Core::Kube::Kubeconfig m_config;
};

} // namespace Lucent::Ui
