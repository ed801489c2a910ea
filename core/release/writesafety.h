#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

class QObject;

namespace Lucent::Core::Kube {
class KubeClient;
}

// The one safety check every write of a promotion goes through: a Service's selector colour, or
// a Deployment's replicas. It is judged against the cluster as read just before the write (the
// Services, the Deployments found by their app and color labels, the Lease), never against what
// the engine remembers, which a kill, a resume, a hand edit or a second console makes stale.
namespace Lucent::Core::Release {

/// One colour of one service as read: the Deployments labelled app=<service>, color=<colour>.
struct ObservedColour {
    QStringList deployments; ///< their names; more than one is ambiguous
    QString resourceVersion; ///< the first one's: a write's precondition
    int replicas = 0; ///< spec.replicas
    int ready = 0;
    int updated = 0;
    bool rolledOut = false; ///< complete as `kubectl rollout status` judges it, all replicas ready
    QString podColour; ///< the first one's pod template "color" label: what its pods carry
};

/// One Service of a release as read.
struct ObservedService {
    bool exists = false;
    QString colour; ///< the colour its selector selects; empty: not in blue-green mode
    QString resourceVersion;
    QString lastApplied; ///< kubectl's last-applied-configuration annotation, as read (empty: none)
    QHash<QString, ObservedColour> colours; ///< by colour
};

/// What the cluster says now about a release's Services and the namespace's promotion Lease.
struct ReleaseObservation {
    QHash<QString, ObservedService> services; ///< by Service name
    QJsonObject lease; ///< empty when there is none
    QDateTime readAt;
    QString problem; ///< a read failed: nothing may be written on what was not seen
};

/// Who may write: the identity and the process ("host/pid/token") that hold the Lease.
struct LockHolder {
    QString identity;
    QString process;
};

/// A write a promotion wants to make.
struct GuardedWrite {
    enum class Kind {
        Select, ///< point service's selector at colour, which must have `replicas` ready
        Scale, ///< set the replicas of deployment (service's, of colour) to `replicas`
        /// give a Service without a colour in its selector `colour`, the one whose pods run
        Adopt,
    };
    Kind kind = Kind::Scale;
    QString service;
    QString colour;
    QString deployment; ///< Scale only
    int replicas = 0;

    /// "switch service/user-service to green", "scale deployment/user-service-green to 0"
    QString describe() const;
};

/// Why @p write must not be made on what @p now says, as a sentence naming the object, what was
/// refused and why; empty when it may. Refused:
/// - without the Lease held by @p holder (its identity and process) and renewed within its duration;
/// - after a read that failed;
/// - a selector pointed at a colour that has not all @p write.replicas ready and rolled out, or at
///   a Service that is gone or not in blue-green mode;
/// - a Deployment scaled down (or to 0) whose colour its Service selects, or one that no longer
///   carries the service's and colour's labels;
/// - an adoption of a Service that is gone or selects a colour already, or while the other colour
///   runs pods (they would be dropped from its Endpoints) or no pod of the colour is ready.
QString writeRefusal(const GuardedWrite &write, const ReleaseObservation &now, const LockHolder &holder);

/// Why nothing at all may be written on what @p now says: a failed read, or the Lease not held by
/// @p holder now (taken over, released, expired); empty when writes may go on to writeRefusal().
QString lockRefusal(const ReleaseObservation &now, const LockHolder &holder);

/// Reads @p services (by name), every Deployment labelled with one of them, and the promotion
/// Lease of @p ns, then calls @p done with what was seen (answers handled in @p context).
void observeRelease(Kube::KubeClient *client, const QString &ns, const QStringList &services, QObject *context,
                    const std::function<void(const ReleaseObservation &)> &done);

/// The JSON patch that adds @p colour to a Service's selector only if it is still at
/// @p resourceVersion (the read that adoptRefusal judged), and drops the colour from its
/// @p lastApplied record (see lastAppliedWithoutColour).
QByteArray adoptPatch(const QString &colour, const QString &resourceVersion, const QString &lastApplied);

/// The JSON-patch operation that rewrites kubectl's last-applied-configuration without
/// spec.selector.color, when @p lastApplied has one; else an empty object. Every write of the
/// selector's colour makes it, so that a client-side `kubectl apply` of manifests that name no
/// colour never deletes it (its three-way merge deletes what it applied last time and applies no
/// more): a cluster applied with older manifests that named one is migrated by its next promotion.
QJsonObject lastAppliedWithoutColour(const QString &lastApplied);

/// The JSON patch that sets a Deployment's replicas only if it is still at @p resourceVersion.
QByteArray replicasPatch(int replicas, const QString &resourceVersion);

/// The field manager of every write a promotion makes. The Service's colour and the standby's
/// image and replicas are the promotion's fields in managedFields, apart from the console's Apply
/// (lucent-console) and kubectl's, so that a server-side apply of git that would change them meets
/// a conflict naming the promotion instead of taking them silently.
inline QString promotionFieldManager()
{
    return QStringLiteral("lucent-promotion");
}

} // namespace Lucent::Core::Release
