#pragma once

#include "core/release/rolloutsummary.h"

#include <functional>
#include <optional>

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace Lucent::Core::Release {

/// One version served by a Service now, and by how many of its ready endpoints.
struct ServedVersion {
    QString version; ///< the pod's image tags, joined with "+" for several containers
    int pods = 0;
};

/// What a Service serves, judged from live objects only: its selector says which colour is
/// live, its Endpoints say which pods take the traffic, and those pods' images say which
/// version. A Deployment's template is only the target; it serves nothing until its pods are
/// ready endpoints.
struct ServiceStatus {
    QString name; ///< the Service's name
    bool blueGreen = false; ///< its selector contains "color"
    /// Not blue-green yet, but ready to be: its selector has no colour, every Deployment it
    /// selects carries color=blue or green, and only one colour runs pods. A promotion adopts it
    /// by selecting that colour (liveColour) before anything else.
    bool adoptable = false;
    QString liveColour; ///< the selector's colour (an adoptable Service's running one); else empty
    QString standbyColour; ///< the other colour; empty unless blue-green
    /// The Deployments whose pods the Service would select whatever the colour, by name.
    QList<RolloutSummary> deployments;
    int activeIndex = -1; ///< the Deployment of the live colour (a plain service's own); -1: none
    int standbyIndex = -1; ///< the Deployment of the standby colour; -1: none
    bool endpointsKnown = false; ///< an Endpoints object of the Service was seen
    QList<ServedVersion> serving; ///< versions of the ready endpoints' pods, most pods first
    int servingPods = 0;
    QStringList problems; ///< what breaks the blue-green invariant, in sentences

    const RolloutSummary *active() const { return activeIndex >= 0 ? &deployments[activeIndex] : nullptr; }
    const RolloutSummary *standby() const { return standbyIndex >= 0 ? &deployments[standbyIndex] : nullptr; }
    /// The served versions, most pods first ("1.0.7").
    QStringList liveVersions() const;
    /// The active Deployment's template versions joined with "+", when no ready endpoint
    /// serves it yet: what a rollout under way is heading to. Empty when it already serves.
    QString pendingTarget() const;
    /// "1.0.7", "1.0.7 → 9.9.9-crash", "none serving" …: the Version cell.
    QString versionText() const;
    /// "green 2.2.0 (0/2)": the standby colour's Deployment (ready/desired), or empty.
    QString standbyText() const;
};

/// Looks a pod up by name in the Service's namespace; an empty object when unknown.
using PodLookup = std::function<QJsonObject(const QString &name)>;

/// The status of @p service from the namespace's @p deployments, the Service's
/// @p endpoints (empty when none was seen) and its pods through @p pod. Costs the
/// Deployments plus the endpoints, never a walk over every pod.
ServiceStatus serviceStatus(const QJsonObject &service, const QList<QJsonObject> &deployments,
                            const QJsonObject &endpoints, const PodLookup &pod);

/// The Service's selector without "color": what every colour's pods carry.
QJsonObject baseSelector(const QJsonObject &service);

/// "blue" ↔ "green"; any other colour has no known partner and gives an empty string.
QString otherColour(const QString &colour);

/// A pod's version: the tags of its containers' images, joined with "+".
QString podVersion(const QJsonObject &pod);

} // namespace Lucent::Core::Release
