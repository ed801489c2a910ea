#include "core/kube/accessreview.h"

namespace Lucent::Core::Kube {

QString deniedSentence(const QString &user, const AccessQuery &query, const AccessDecision &decision)
{
    const QString resource
        = query.subresource.isEmpty() ? query.resource : query.resource + QLatin1Char('/') + query.subresource;
    const QString what = query.name.isEmpty() ? resource : resource + QLatin1Char(' ') + query.name;
    return QStringLiteral("%1 may not %2 %3 in %4 (the cluster's access review says no%5). Ask a cluster "
                          "administrator for the permission, or use a context whose user has it.")
        .arg(user.isEmpty() ? QStringLiteral("This user") : user, query.verb, what,
             query.namespaceName.isEmpty() ? QStringLiteral("the cluster") : query.namespaceName,
             decision.reason.isEmpty() ? QString() : QStringLiteral(": ") + decision.reason);
}

} // namespace Lucent::Core::Kube
