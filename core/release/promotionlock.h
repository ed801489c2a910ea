#pragma once

#include "core/kube/apierror.h"

#include <functional>

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Release {

/// Who holds a namespace's promotion Lease, as its spec says.
struct LeaseHolder {
    QString identity; ///< "user@host"; empty when released
    QDateTime acquired;
    QDateTime renewed;
    int durationSeconds = 0;

    /// Not renewed within its duration: its holder is presumed gone and the Lease may be
    /// taken over (said so, and recorded).
    bool isExpired(const QDateTime &now) const;
    bool isFree(const QDateTime &now) const { return identity.isEmpty() || isExpired(now); }
    /// "alice@ws-12 since 17:02:11 (renewed 17:04:40)"
    QString describe() const;

    static LeaseHolder of(const QJsonObject &lease);
};

/// The Lease object @p identity holds from @p now on, built on @p existing (its metadata and
/// annotations kept, so a journal in them survives a renewal or a takeover).
QJsonObject heldLease(QJsonObject existing, const QString &name, const QString &ns, const QString &identity,
                      int durationSeconds, const QDateTime &now);

/// One promotion at a time per namespace: a coordination.k8s.io/v1 Lease named
/// "lucent-promotion", held by user@host and renewed while the promotion runs. Every write
/// carries the resourceVersion it read, so two consoles racing for it cannot both win.
class PromotionLock final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PromotionLock)

public:
    static constexpr char LeaseName[] = "lucent-promotion";

    PromotionLock(Kube::KubeClient *client, QString namespaceName, QString identity, int durationSeconds = 60,
                  QObject *parent = nullptr);

    /// Takes the Lease: free, released, ours already, or expired (a takeover, said in acquired()).
    void acquire();
    /// Gives it up (holder cleared; the object and its annotations stay for status and history).
    void release();
    bool isHeld() const { return m_held; }
    /// The Lease as last written or read; its resourceVersion is the next write's precondition.
    QJsonObject lease() const { return m_lease; }
    /// Replaces the Lease's annotations with @p annotations (the promotion's journal) in the
    /// next write, which happens now.
    void writeAnnotations(const QJsonObject &annotations);

Q_SIGNALS:
    /// Held; @p note says when it was taken over from a holder that stopped renewing.
    void acquired(const QString &note);
    /// Someone else holds it and renews it.
    void refused(const Lucent::Core::Release::LeaseHolder &holder, const QString &sentence);
    void failed(const QString &sentence);
    /// A renewal found the Lease taken by someone else: stop changing the cluster.
    void lost(const QString &sentence);
    void released();
    /// A write of the annotations reached the cluster.
    void annotationsWritten();

private:
    void read(bool afterConflict);
    void take(const QJsonObject &existing, bool takeover);
    void renew();
    using Build = std::function<QJsonObject(const QJsonObject &current)>;
    using Written = std::function<void(bool ok, const Kube::ApiError &)>;
    /// Writes what @p build makes of the Lease as last known. Writes go one at a time, each
    /// built on the previous one's answer, so that the holder's own writes never conflict.
    void write(Build build, Written done);
    void writeNext();

    QPointer<Kube::KubeClient> m_client;
    QString m_namespace;
    QString m_identity;
    int m_durationSeconds;
    QJsonObject m_lease;
    bool m_held = false;
    QTimer m_renewal;
    QList<std::pair<Build, Written>> m_writes;
    bool m_writing = false;
};

} // namespace Lucent::Core::Release
