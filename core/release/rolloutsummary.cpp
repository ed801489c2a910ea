#include "core/release/rolloutsummary.h"

#include <QJsonArray>

namespace Lucent::Core::Release {

QString rolloutStateName(RolloutState state)
{
    switch (state) {
    case RolloutState::Complete: return QStringLiteral("Complete");
    case RolloutState::Progressing: return QStringLiteral("Progressing");
    case RolloutState::Paused: return QStringLiteral("Paused");
    case RolloutState::Failed: return QStringLiteral("Failed"); // why: the summary's reason
    case RolloutState::Degraded: return QStringLiteral("Degraded");
    }
    return {};
}

QString imageVersion(const QString &image)
{
    const qsizetype at = image.indexOf(QLatin1Char('@'));
    if (at >= 0)
        return image.mid(at + 1).left(19); // "sha256:" and the first 12 hex digits
    const qsizetype slash = image.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = image.lastIndexOf(QLatin1Char(':'));
    return colon > slash ? image.mid(colon + 1) : QStringLiteral("latest");
}

RolloutSummary summarizeDeployment(const QJsonObject &deployment)
{
    RolloutSummary summary;
    const QJsonObject metadata = deployment.value(QLatin1String("metadata")).toObject();
    const QJsonObject spec = deployment.value(QLatin1String("spec")).toObject();
    const QJsonObject status = deployment.value(QLatin1String("status")).toObject();
    summary.name = metadata.value(QLatin1String("name")).toString();
    summary.created = QDateTime::fromString(metadata.value(QLatin1String("creationTimestamp")).toString(), Qt::ISODate);
    summary.generation = metadata.value(QLatin1String("generation")).toInteger();
    summary.revision = metadata.value(QLatin1String("annotations"))
                           .toObject()
                           .value(QLatin1String("deployment.kubernetes.io/revision"))
                           .toString();
    const QJsonObject templ = spec.value(QLatin1String("template")).toObject();
    summary.colour = templ.value(QLatin1String("metadata"))
                         .toObject()
                         .value(QLatin1String("labels"))
                         .toObject()
                         .value(QLatin1String("color"))
                         .toString();
    if (summary.colour.isEmpty())
        summary.colour = metadata.value(QLatin1String("labels")).toObject().value(QLatin1String("color")).toString();
    const QJsonArray containers
        = templ.value(QLatin1String("spec")).toObject().value(QLatin1String("containers")).toArray();
    for (const auto &container : containers) {
        const QString image = container.toObject().value(QLatin1String("image")).toString();
        summary.images.append(image);
        summary.versions.append(imageVersion(image));
    }
    // spec.replicas defaults to 1 when unset.
    summary.desired = spec.contains(QLatin1String("replicas")) ? spec.value(QLatin1String("replicas")).toInt() : 1;
    summary.updated = status.value(QLatin1String("updatedReplicas")).toInt();
    summary.ready = status.value(QLatin1String("readyReplicas")).toInt();
    summary.available = status.value(QLatin1String("availableReplicas")).toInt();
    const int current = status.value(QLatin1String("replicas")).toInt();

    QString progressingReason;
    QString progressingMessage;
    const QJsonArray conditions = status.value(QLatin1String("conditions")).toArray();
    for (const auto &value : conditions) {
        const QJsonObject condition = value.toObject();
        if (condition.value(QLatin1String("type")).toString() == QLatin1String("Progressing")) {
            progressingReason = condition.value(QLatin1String("reason")).toString();
            progressingMessage = condition.value(QLatin1String("message")).toString();
        }
    }
    const qint64 observed = status.value(QLatin1String("observedGeneration")).toInteger();

    if (spec.value(QLatin1String("paused")).toBool()) {
        summary.state = RolloutState::Paused;
        summary.reason = QStringLiteral("The rollout is paused; resume it to continue.");
    } else if (progressingReason == QLatin1String("ProgressDeadlineExceeded")) {
        summary.state = RolloutState::Failed;
        summary.reason = progressingMessage;
    } else if (observed < summary.generation) {
        summary.state = RolloutState::Progressing;
        summary.reason = QStringLiteral("Waiting for the controller to see the new spec.");
    } else if (summary.updated < summary.desired) {
        summary.state = RolloutState::Progressing;
        summary.reason = QStringLiteral("%1 of %2 new replicas updated.").arg(summary.updated).arg(summary.desired);
    } else if (current > summary.updated) {
        summary.state = RolloutState::Progressing;
        summary.reason = QStringLiteral("%1 old replicas are pending termination.").arg(current - summary.updated);
    } else if (summary.available < summary.updated) {
        // Before the rollout finished this is progress; after it, the service has lost pods.
        const bool finished = progressingReason == QLatin1String("NewReplicaSetAvailable");
        summary.state = finished ? RolloutState::Degraded : RolloutState::Progressing;
        summary.reason
            = QStringLiteral("%1 of %2 updated replicas available.").arg(summary.available).arg(summary.updated);
    } else {
        summary.state = RolloutState::Complete;
        summary.reason = QStringLiteral("All %1 replicas run the current version.").arg(summary.desired);
    }
    return summary;
}

bool isRolledOut(const QJsonObject &deployment)
{
    const RolloutSummary summary = summarizeDeployment(deployment);
    return summary.state == RolloutState::Complete && summary.ready >= summary.desired;
}

} // namespace Lucent::Core::Release
