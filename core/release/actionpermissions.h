#pragma once

#include "core/release/rolloutactions.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Release {

/// Whether the user may perform an action, as far as the cluster has said.
struct Permission {
    bool known = false; ///< the access review answered
    bool allowed = false;
    QString reason; ///< the denial sentence, when not allowed
};

/// The access reviews of the dashboard's actions in one namespace, asked once when an
/// environment opens so that buttons can be disabled with the reason beside them. Each
/// operation is reviewed again, for its Deployment, when it runs (OperationRunner).
class ActionPermissions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActionPermissions)

public:
    ActionPermissions(Kube::KubeClient *client, QString user, QString namespaceName, QObject *parent = nullptr);

    void check();
    Permission permission(RolloutAction action) const { return m_permissions.value(int(action)); }

Q_SIGNALS:
    void changed();

private:
    QPointer<Kube::KubeClient> m_client;
    QString m_user;
    QString m_namespace;
    QHash<int, Permission> m_permissions; ///< by RolloutAction
};

} // namespace Lucent::Core::Release
