#include "core/release/actionpermissions.h"

#include "core/kube/kubeclient.h"

namespace Lucent::Core::Release {

ActionPermissions::ActionPermissions(Kube::KubeClient *client, QString user, QString namespaceName, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_user(std::move(user))
    , m_namespace(std::move(namespaceName))
{
}

void ActionPermissions::check()
{
    if (!m_client)
        return;
    for (const RolloutAction action : {RolloutAction::Restart, RolloutAction::Scale}) {
        const Kube::AccessQuery query = RolloutActions::accessQuery(action, m_namespace);
        Kube::KubeReply *reply = m_client->accessReview(query);
        connect(reply, &Kube::KubeReply::finished, this, [this, reply, action, query] {
            Permission permission;
            permission.known = true;
            const auto decision = Kube::KubeClient::accessDecision(reply->json());
            // Unknown is not "denied": the server decides when the action runs.
            permission.allowed = reply->error().isError() || !decision || decision->allowed;
            if (!permission.allowed)
                permission.reason = Kube::deniedSentence(m_user, query, *decision);
            m_permissions.insert(int(action), permission);
            if (action == RolloutAction::Restart) {
                // Pause, resume and undo patch the Deployment too: the same permission.
                for (const RolloutAction same : {RolloutAction::Pause, RolloutAction::Resume, RolloutAction::Undo})
                    m_permissions.insert(int(same), permission);
            }
            Q_EMIT changed();
        });
    }
}

} // namespace Lucent::Core::Release
