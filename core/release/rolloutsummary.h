#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Release {

/// Where a Deployment's rollout stands, judged as `kubectl rollout status` does, plus
/// Degraded: a finished rollout that has lost available replicas since.
enum class RolloutState { Complete, Progressing, Paused, Failed, Degraded };

QString rolloutStateName(RolloutState state);

/// What the services table shows for one Deployment.
struct RolloutSummary {
    QString name;
    QStringList versions; ///< image tags of the pod template's containers, in order
    QStringList images; ///< full image references
    QString colour; ///< the "color" label (blue/green), empty when the service has none
    int desired = 0;
    int updated = 0;
    int ready = 0;
    int available = 0;
    RolloutState state = RolloutState::Progressing;
    QString reason; ///< why the state is what it is, for a tooltip
    QDateTime created;
    qint64 generation = 0;
    QString revision; ///< deployment.kubernetes.io/revision
};

/// Complete as `kubectl rollout status` judges it, and every desired replica ready.
bool isRolledOut(const QJsonObject &deployment);

RolloutSummary summarizeDeployment(const QJsonObject &deployment);

/// The tag of an image reference ("lucent/user-service:1.4.2" -> "1.4.2"; a digest is
/// shortened, no tag is "latest").
QString imageVersion(const QString &image);

} // namespace Lucent::Core::Release
