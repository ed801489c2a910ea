#include "core/release/rolloutoperation.h"

#include "core/kube/resourcetype.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Lucent::Core::Release {

namespace {

QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

// A merge or strategic patch that carries metadata.uid: the API server refuses it when the
// object by that name is no longer the one with this uid (uid is immutable).
QJsonObject withUid(QJsonObject patch, const QString &uid)
{
    patch.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("uid"), uid}});
    return patch;
}

QJsonObject test(const QString &path, const QJsonValue &value)
{
    return {{QStringLiteral("op"), QStringLiteral("test")},
            {QStringLiteral("path"), path},
            {QStringLiteral("value"), value}};
}

} // namespace

OperationTarget OperationTarget::of(const QJsonObject &deployment)
{
    const QJsonObject metadata = deployment.value(QLatin1String("metadata")).toObject();
    OperationTarget target;
    target.namespaceName = metadata.value(QLatin1String("namespace")).toString();
    target.name = metadata.value(QLatin1String("name")).toString();
    target.uid = metadata.value(QLatin1String("uid")).toString();
    target.generation = qint64(metadata.value(QLatin1String("generation")).toDouble());
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    target.replicas = spec.value(QLatin1String("replicas")).toInt(1);
    target.paused = spec.value(QLatin1String("paused")).toBool();
    return target;
}

RolloutOperation::RolloutOperation(RolloutAction action, const OperationTarget &target)
    : m_action(action)
    , m_target(target)
{
}

RolloutOperation RolloutOperation::restart(const OperationTarget &target, const QDateTime &now)
{
    RolloutOperation op(RolloutAction::Restart, target);
    op.m_patchType = Kube::PatchType::Strategic;
    const QJsonObject annotations{
        {QStringLiteral("kubectl.kubernetes.io/restartedAt"), now.toUTC().toString(Qt::ISODate)}};
    const QJsonObject templateMeta{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("annotations"), annotations}}}};
    op.m_body = compact(
        withUid({{QStringLiteral("spec"), QJsonObject{{QStringLiteral("template"), templateMeta}}}}, target.uid));
    return op;
}

RolloutOperation RolloutOperation::scale(const OperationTarget &target, int replicas)
{
    RolloutOperation op(RolloutAction::Scale, target);
    // The Scale object carries the Deployment's uid; the API server checks it as a precondition.
    op.m_body
        = compact(withUid({{QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}}}, target.uid));
    op.m_detail = replicas == 1 ? QStringLiteral("to 1 replica") : QStringLiteral("to %1 replicas").arg(replicas);
    return op;
}

RolloutOperation RolloutOperation::pause(const OperationTarget &target)
{
    RolloutOperation op(RolloutAction::Pause, target);
    op.m_body = compact(withUid({{QStringLiteral("spec"), QJsonObject{{QStringLiteral("paused"), true}}}}, target.uid));
    return op;
}

RolloutOperation RolloutOperation::resume(const OperationTarget &target)
{
    RolloutOperation op(RolloutAction::Resume, target);
    op.m_body
        = compact(withUid({{QStringLiteral("spec"), QJsonObject{{QStringLiteral("paused"), false}}}}, target.uid));
    return op;
}

RolloutOperation RolloutOperation::undo(const OperationTarget &target, const Revision &revision)
{
    RolloutOperation op(RolloutAction::Undo, target);
    op.m_patchType = Kube::PatchType::Json;
    // JSON patch "test" operations are all-or-nothing preconditions: the same object, and a
    // spec unchanged since the user reviewed the template difference.
    const QJsonArray patch{test(QStringLiteral("/metadata/uid"), target.uid),
                           test(QStringLiteral("/metadata/generation"), double(target.generation)),
                           QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                                       {QStringLiteral("path"), QStringLiteral("/spec/template")},
                                       {QStringLiteral("value"), revision.podTemplate}}};
    op.m_body = compact(patch);
    op.m_detail = QStringLiteral("to revision %1").arg(revision.number);
    return op;
}

QString RolloutOperation::summary() const
{
    const QString name = rolloutActionName(m_action);
    return m_detail.isEmpty() ? name : name + QLatin1Char(' ') + m_detail;
}

Kube::AccessQuery RolloutOperation::access() const
{
    return RolloutActions::accessQuery(m_action, m_target.namespaceName, m_target.name);
}

Kube::KubeRequest RolloutOperation::request() const
{
    Kube::KubeRequest request;
    request.method = QByteArrayLiteral("PATCH");
    request.path = Kube::ResourceType::deployments().objectPath(
        m_target.namespaceName, m_target.name, m_action == RolloutAction::Scale ? QStringLiteral("scale") : QString());
    request.query.addQueryItem(QStringLiteral("fieldManager"), QStringLiteral("lucent-console"));
    request.contentType = Kube::contentTypeFor(m_patchType);
    request.body = m_body;
    return request;
}

QString RolloutOperation::eventReason() const
{
    const QString name = rolloutActionName(m_action);
    return QStringLiteral("Lucent") + name.left(1).toUpper() + name.mid(1);
}

Audit::EventSubject RolloutOperation::eventSubject() const
{
    return {QStringLiteral("apps/v1"), QStringLiteral("Deployment"), m_target.namespaceName, m_target.name,
            m_target.uid};
}

} // namespace Lucent::Core::Release
