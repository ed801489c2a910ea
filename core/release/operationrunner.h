#pragma once

#include "core/audit/auditrecord.h"
#include "core/release/rolloutoperation.h"

#include <QObject>
#include <QPointer>

namespace Lucent::Core::Kube {
class KubeClient;
class KubeReply;
} // namespace Lucent::Core::Kube

namespace Lucent::Core::Audit {
class AuditTrail;
}

namespace Lucent::Core::Release {

/// How one operation ended, with the sentence to show.
struct OperationResult {
    Audit::Outcome outcome = Audit::Outcome::Failed;
    QString sentence;
    QString summary; ///< "scale to 3 replicas"
    OperationTarget target;
    /// After a restart or an undo: the Deployment's generation the change made. Its rollout
    /// is done once status.observedGeneration reaches it and the rollout is Complete.
    qint64 rolloutGeneration = 0;

    bool succeeded() const { return outcome == Audit::Outcome::Succeeded; }
};

/// Runs RolloutOperations against one cluster: the access review first (a denial is a
/// sentence, not a request), then the request with its preconditions, then the audit record
/// and Event. When the server refuses a precondition, the Deployment is read once more to say
/// whether it is gone, was replaced by another of the same name, or changed since the user
/// was asked. One operation at a time per runner; each ends with exactly one finished().
class OperationRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationRunner)

public:
    OperationRunner(Kube::KubeClient *client, Audit::AuditTrail *audit, QObject *parent = nullptr);
    ~OperationRunner() override;

    void run(const RolloutOperation &operation);
    bool isRunning() const { return m_operation.has_value(); }

    /// The sentences for a target that is no longer the one confirmed.
    static QString goneSentence(const OperationTarget &target);
    static QString replacedSentence(const OperationTarget &target);
    static QString changedSentence(const OperationTarget &target, qint64 generationNow);

Q_SIGNALS:
    void finished(const Lucent::Core::Release::OperationResult &result);

private:
    void onAccess(Kube::KubeReply *reply);
    void onWritten(Kube::KubeReply *reply);
    void explainRefusal(const QString &serverSentence);
    void finish(Audit::Outcome outcome, const QString &sentence, const QString &message = {});

    QPointer<Kube::KubeClient> m_client;
    QPointer<Audit::AuditTrail> m_audit;
    std::optional<RolloutOperation> m_operation;
    QPointer<Kube::KubeReply> m_pending;
    qint64 m_rolloutGeneration = 0; ///< of the operation under way, once written
};

} // namespace Lucent::Core::Release

Q_DECLARE_METATYPE(Lucent::Core::Release::OperationResult)
