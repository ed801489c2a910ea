#include "core/release/rolloutactions.h"

#include "core/diff/linediff.h"
#include "core/release/rolloutsummary.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Lucent::Core::Release {

namespace {

constexpr auto RevisionAnnotation = "deployment.kubernetes.io/revision";
constexpr auto ChangeCauseAnnotation = "kubernetes.io/change-cause";
constexpr auto TemplateHashLabel = "pod-template-hash";

QJsonObject withoutTemplateHash(QJsonObject podTemplate)
{
    QJsonObject metadata = podTemplate.value(QLatin1String("metadata")).toObject();
    QJsonObject labels = metadata.value(QLatin1String("labels")).toObject();
    labels.remove(QLatin1String(TemplateHashLabel));
    metadata.insert(QStringLiteral("labels"), labels);
    podTemplate.insert(QStringLiteral("metadata"), metadata);
    return podTemplate;
}

bool ownedBy(const QJsonObject &object, const QString &uid)
{
    const QJsonArray owners
        = object.value(QLatin1String("metadata")).toObject().value(QLatin1String("ownerReferences")).toArray();
    for (const auto &owner : owners) {
        if (owner.toObject().value(QLatin1String("uid")).toString() == uid)
            return true;
    }
    return false;
}

} // namespace

QString rolloutActionName(RolloutAction action)
{
    switch (action) {
    case RolloutAction::Restart: return QStringLiteral("restart");
    case RolloutAction::Scale: return QStringLiteral("scale");
    case RolloutAction::Pause: return QStringLiteral("pause");
    case RolloutAction::Resume: return QStringLiteral("resume");
    case RolloutAction::Undo: return QStringLiteral("undo");
    }
    return {};
}

Kube::AccessQuery RolloutActions::accessQuery(RolloutAction action, const QString &ns, const QString &deployment)
{
    Kube::AccessQuery query{
        QStringLiteral("patch"), QStringLiteral("apps"), QStringLiteral("deployments"), {}, ns, deployment};
    if (action == RolloutAction::Scale)
        query.subresource = QStringLiteral("scale");
    return query;
}

QList<Revision> RolloutActions::history(const QJsonObject &deployment, const QList<QJsonObject> &replicaSets)
{
    const QString uid = deployment.value(QLatin1String("metadata")).toObject().value(QLatin1String("uid")).toString();
    QList<Revision> revisions;
    for (const QJsonObject &rs : replicaSets) {
        if (uid.isEmpty() || !ownedBy(rs, uid))
            continue;
        const QJsonObject metadata = rs.value(QLatin1String("metadata")).toObject();
        const QJsonObject annotations = metadata.value(QLatin1String("annotations")).toObject();
        Revision revision;
        revision.number = annotations.value(QLatin1String(RevisionAnnotation)).toString().toInt();
        revision.replicaSet = metadata.value(QLatin1String("name")).toString();
        revision.changeCause = annotations.value(QLatin1String(ChangeCauseAnnotation)).toString();
        revision.created
            = QDateTime::fromString(metadata.value(QLatin1String("creationTimestamp")).toString(), Qt::ISODate);
        revision.podTemplate = withoutTemplateHash(
            rs.value(QLatin1String("spec")).toObject().value(QLatin1String("template")).toObject());
        const QJsonArray containers
            = revision.podTemplate.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
        for (const auto &container : containers)
            revision.images.append(container.toObject().value(QLatin1String("image")).toString());
        revisions.append(revision);
    }
    std::sort(revisions.begin(), revisions.end(),
              [](const Revision &a, const Revision &b) { return a.number > b.number; });
    return revisions;
}

QString RolloutActions::templateDiff(const QJsonObject &from, const QJsonObject &to)
{
    const QStringList a
        = QString::fromUtf8(QJsonDocument(from).toJson(QJsonDocument::Indented)).split(QLatin1Char('\n'));
    const QStringList b = QString::fromUtf8(QJsonDocument(to).toJson(QJsonDocument::Indented)).split(QLatin1Char('\n'));
    QStringList out;
    for (const Diff::DiffLine &line : Diff::diffLines(a, b)) {
        if (line.op != ' ')
            out.append(QLatin1Char(line.op) + QLatin1Char(' ') + line.text.trimmed()); // what goes, before what comes
    }
    return out.join(QLatin1Char('\n'));
}

} // namespace Lucent::Core::Release
