#include "core/release/operationrunner.h"

#include <utility>

#include "core/audit/audittrail.h"
#include "core/kube/kubeclient.h"

namespace Lucent::Core::Release {

using Audit::Outcome;
using Kube::KubeReply;

OperationRunner::OperationRunner(Kube::KubeClient *client, Audit::AuditTrail *audit, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_audit(audit)
{
}

OperationRunner::~OperationRunner()
{
    if (m_pending)
        m_pending->disconnect(this);
}

QString OperationRunner::goneSentence(const OperationTarget &target)
{
    return QStringLiteral("%1 in %2 no longer exists: it was deleted after you were asked. Nothing was changed.")
        .arg(target.displayName(), target.namespaceName);
}

QString OperationRunner::replacedSentence(const OperationTarget &target)
{
    return QStringLiteral("%1 in %2 was deleted and created again after you were asked; the one there now is "
                          "another object. Nothing was changed: look at the new one and ask again.")
        .arg(target.displayName(), target.namespaceName);
}

QString OperationRunner::changedSentence(const OperationTarget &target, qint64 generationNow)
{
    return QStringLiteral("%1 in %2 changed after you reviewed it (its spec went from generation %3 to %4). Nothing "
                          "was changed: review the difference again.")
        .arg(target.displayName(), target.namespaceName)
        .arg(target.generation)
        .arg(generationNow);
}

void OperationRunner::run(const RolloutOperation &operation)
{
    Q_ASSERT(!isRunning());
    m_operation = operation;
    if (!m_client) {
        finish(Outcome::Failed, QStringLiteral("The environment is not connected; nothing was changed."));
        return;
    }
    if (!operation.target().isValid()) {
        finish(Outcome::Failed, goneSentence(operation.target()));
        return;
    }
    m_pending = m_client->accessReview(operation.access());
    connect(m_pending, &KubeReply::finished, this, [this, reply = m_pending.data()] { onAccess(reply); });
}

void OperationRunner::onAccess(KubeReply *reply)
{
    const auto decision = Kube::KubeClient::accessDecision(reply->json());
    // An unanswered review is not a denial: the request goes, and the server decides.
    if (!reply->error().isError() && decision && !decision->allowed) {
        const QString sentence
            = Kube::deniedSentence(m_audit ? m_audit->user() : QString(), m_operation->access(), *decision);
        finish(Outcome::Denied, sentence, decision->reason);
        return;
    }
    m_pending = m_client->send(m_operation->request());
    connect(m_pending, &KubeReply::finished, this, [this, reply = m_pending.data()] { onWritten(reply); });
}

void OperationRunner::onWritten(KubeReply *reply)
{
    const Kube::ApiError &error = reply->error();
    const OperationTarget &target = m_operation->target();
    if (!error.isError()) {
        // A restart or an undo starts a rollout; the table shows how it goes.
        const bool rollsOut
            = m_operation->action() == RolloutAction::Restart || m_operation->action() == RolloutAction::Undo;
        if (rollsOut)
            m_rolloutGeneration = OperationTarget::of(reply->json()).generation;
        finish(Outcome::Succeeded,
               rollsOut ? QStringLiteral("%1: %2 started; the rollout replaces its pods now.")
                              .arg(target.name, m_operation->summary())
                        : QStringLiteral("%1: %2 done.").arg(target.name, m_operation->summary()));
    } else if (error.isNotFound()) {
        finish(Outcome::Failed, goneSentence(target), error.message);
    } else if (error.httpStatus == 409 || error.httpStatus == 422) {
        // A precondition, or the change itself, was refused: which one decides what to say.
        explainRefusal(error.sentence());
    } else {
        finish(Outcome::Failed, error.sentence(), error.message);
    }
}

void OperationRunner::explainRefusal(const QString &serverSentence)
{
    const OperationTarget target = m_operation->target();
    m_pending = m_client->get(Kube::ResourceType::deployments(), target.namespaceName, target.name);
    connect(m_pending, &KubeReply::finished, this, [this, reply = m_pending.data(), serverSentence, target] {
        const OperationTarget now = OperationTarget::of(reply->json());
        if (reply->error().isNotFound())
            finish(Outcome::Failed, goneSentence(target), serverSentence);
        else if (!reply->error().isError() && now.uid != target.uid)
            finish(Outcome::Failed, replacedSentence(target), serverSentence);
        else if (!reply->error().isError() && m_operation->action() == RolloutAction::Undo
                 && now.generation != target.generation)
            finish(Outcome::Failed, changedSentence(target, now.generation), serverSentence);
        else
            finish(Outcome::Failed, serverSentence, serverSentence);
    });
}

void OperationRunner::finish(Outcome outcome, const QString &sentence, const QString &message)
{
    const RolloutOperation operation = *m_operation;
    m_operation.reset();
    m_pending = nullptr;
    if (m_audit) {
        Audit::AuditRecord record;
        record.namespaceName = operation.target().namespaceName;
        record.verb = rolloutActionName(operation.action());
        record.object = operation.target().displayName();
        record.uid = operation.target().uid;
        record.detail = operation.detail();
        record.outcome = outcome;
        record.message = message.isEmpty() ? sentence : message;
        m_audit->record(record, operation.eventSubject(), operation.eventReason());
    }
    const qint64 generation = std::exchange(m_rolloutGeneration, 0);
    Q_EMIT finished({outcome, sentence, operation.summary(), operation.target(), generation});
}

} // namespace Lucent::Core::Release
