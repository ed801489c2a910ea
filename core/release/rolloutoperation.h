#pragma once

#include "core/audit/eventrecorder.h"
#include "core/kube/accessreview.h"
#include "core/kube/kuberequest.h"
#include "core/release/rolloutactions.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace Lucent::Core::Release {

/// The Deployment an operation was confirmed for, captured when the user was asked. The
/// request carries its uid (and, for an undo, its generation) as a precondition, so that a
/// Deployment deleted, recreated or changed meanwhile refuses the change instead of taking
/// one meant for its predecessor.
struct OperationTarget {
    QString namespaceName;
    QString name;
    QString uid;
    qint64 generation = 0; ///< metadata.generation: bumped by every change to the spec
    int replicas = 0; ///< spec.replicas when asked, to offer as the scale's default
    bool paused = false; ///< spec.paused when asked: whether to offer Resume or Pause

    static OperationTarget of(const QJsonObject &deployment);
    bool isValid() const { return !namespaceName.isEmpty() && !name.isEmpty() && !uid.isEmpty(); }
    QString displayName() const { return QStringLiteral("deployment/") + name; }
};

/// One change to one Deployment, built as a value when the user is asked and sent unchanged
/// after they confirm: the request, the access it needs, and how it is recorded.
class RolloutOperation final
{
public:
    /// `kubectl rollout restart`: a new restartedAt annotation on the pod template.
    static RolloutOperation restart(const OperationTarget &target, const QDateTime &now);
    /// `kubectl scale`, through the scale subresource.
    static RolloutOperation scale(const OperationTarget &target, int replicas);
    /// `kubectl rollout pause` / `resume`.
    static RolloutOperation pause(const OperationTarget &target);
    static RolloutOperation resume(const OperationTarget &target);
    /// `kubectl rollout undo --to-revision`: the revision's pod template replaces the current
    /// one, only if the spec is still the one whose difference the user reviewed.
    static RolloutOperation undo(const OperationTarget &target, const Revision &revision);

    RolloutAction action() const { return m_action; }
    const OperationTarget &target() const { return m_target; }
    /// What it does, for sentences and the audit record: "scale to 3 replicas".
    QString summary() const;
    /// The detail alone ("to 3 replicas", "to revision 4"), empty for restart, pause, resume.
    QString detail() const { return m_detail; }
    /// The SelfSubjectAccessReview it needs, naming the Deployment.
    Kube::AccessQuery access() const;
    /// The exact request: method, path, query, content type and body.
    Kube::KubeRequest request() const;
    /// The Event reason that reports it ("LucentRestart") and the object the Event is about.
    QString eventReason() const;
    Audit::EventSubject eventSubject() const;

private:
    RolloutOperation(RolloutAction action, const OperationTarget &target);

    RolloutAction m_action;
    OperationTarget m_target;
    Kube::PatchType m_patchType = Kube::PatchType::Merge;
    QByteArray m_body;
    QString m_detail;
};

} // namespace Lucent::Core::Release
