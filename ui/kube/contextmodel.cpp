#include "ui/kube/contextmodel.h"

#include "ui/common/itemroles.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace Lucent::Ui {

using Lucent::Core::Kube::KubeconfigContext;

ContextModel::ContextModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ContextModel::setKubeconfig(const Lucent::Core::Kube::Kubeconfig &config)
{
    beginResetModel();
    m_config = config;
    endResetModel();
}

int ContextModel::rowOf(const QString &contextName) const
{
    for (int row = 0; row < m_config.contexts.size(); ++row) {
        if (m_config.contexts.at(row).name == contextName)
            return row;
    }
    return -1;
}

int ContextModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_config.contexts.size());
}

int ContextModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ContextModel::displayText(const KubeconfigContext &context, int column) const
{
    switch (column) {
    case ContextColumn: return context.name;
    case ClusterColumn: return context.cluster;
    case ServerColumn: {
        const auto *cluster = m_config.cluster(context.cluster);
        return cluster ? cluster->server : tr("(cluster not defined)");
    }
    case NamespaceColumn: return context.namespaceName.isEmpty() ? QStringLiteral("default") : context.namespaceName;
    case UserColumn: return context.user;
    case AuthColumn: {
        const auto *user = m_config.user(context.user);
        if (!user)
            return tr("(user not defined)");
        QStringList names;
        for (auto method : user->methods)
            names.append(Lucent::Core::Kube::authMethodName(method));
        return names.isEmpty() ? tr("none") : names.join(QStringLiteral(", "));
    }
    }
    return {};
}

QVariant ContextModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KubeconfigContext &context = m_config.contexts.at(index.row());
    const bool current = context.name == m_config.currentContext;
    const auto *cluster = m_config.cluster(context.cluster);
    const bool insecure = cluster && cluster->insecureSkipTlsVerify;

    switch (role) {
    case Qt::DisplayRole:
    case SortRole: return displayText(context, index.column());
    case IsCurrentRole: return current;
    case Qt::FontRole:
        if (current) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == ServerColumn && insecure)
            return QColor(0xd0, 0x7a, 0x00);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ServerColumn && insecure)
            return tr("TLS verification is switched off for this cluster (insecure-skip-tls-verify): "
                      "the server's identity is not checked.");
        if (index.column() == ContextColumn)
            return current ? tr("%1 (current context, from %2)").arg(context.name, context.sourceFile)
                           : tr("%1 (from %2)").arg(context.name, context.sourceFile);
        return {};
    default: return {};
    }
}

QVariant ContextModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ContextColumn: return tr("Context");
    case ClusterColumn: return tr("Cluster");
    case ServerColumn: return tr("Server");
    case NamespaceColumn: return tr("Namespace");
    case UserColumn: return tr("User");
    case AuthColumn: return tr("Authentication");
    default: return {};
    }
}

} // namespace Lucent::Ui
