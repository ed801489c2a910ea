#pragma once

#include <QString>

namespace Lucent::Core::Kube {

/// What a SelfSubjectAccessReview asks: may I VERB this resource?
struct AccessQuery {
    QString verb;
    QString group;
    QString resource;
    QString subresource;
    QString namespaceName;
    QString name;
};

/// The API server's answer to an AccessQuery.
struct AccessDecision {
    bool allowed = false;
    bool denied = false; ///< explicitly denied (rather than merely not allowed)
    QString reason;
    QString evaluationError;
};

/// What the user is told when the cluster's access review says no: who may not do what,
/// where, the cluster's reason, and what to do about it.
QString deniedSentence(const QString &user, const AccessQuery &query, const AccessDecision &decision);

} // namespace Lucent::Core::Kube
