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
/// annotations kept, so a journal in them survives a renewal or a takeover). @p process, when
/// given, names the holding process ("host/pid/token") in an annotation.
QJsonObject heldLease(QJsonObject existing, const QString &name, const QString &ns, const QString &identity,
                      int durationSeconds, const QDateTime &now, const QString &process = {});

/// The annotation naming the process that holds a promotion Lease: "host/pid/token".
inline constexpr char HolderProcessAnnotation[] = "lucent.com/holder-process";

/// The process named in @p lease's holder annotation ("host/pid/token"); empty when none.
QString holderProcess(const QJsonObject &lease);

/// Whether the process named in @p lease's holder annotation ran on this host and has exited
/// (killed, say): its lock may be taken over at once rather than after the Lease's duration,
/// as editors do with the swap files of a dead process.
bool holderProcessIsGone(const QJsonObject &lease);

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

    /// Decides whether a Lease that may be taken is taken: a sentence refuses it (refused()),
    /// an empty one agrees. The promotion engine refuses to overwrite an unfinished journal.
    using Guard = std::function<QString(const QJsonObject &lease)>;
    void setGuard(Guard guard) { m_guard = std::move(guard); }
    /// Takes the Lease: free, released, this object's already, expired, or held by a process of
    /// this host that has exited (a takeover, said in acquired()).
    void acquire();
    /// Gives it up (holder cleared; the object and its annotations stay for status and history).
    void release();
    bool isHeld() const { return m_held; }
    /// A renewal found no Lease at all (deleted by hand, or the cluster behind the address was
    /// replaced): nobody holds it, so what this promotion made there is nobody else's either.
    bool isGone() const { return m_gone; }
    QString identity() const { return m_identity; }
    /// This object's "host/pid/token": what the Lease names while this object holds it.
    QString process() const { return m_process; }
    /// The Lease as last written or read; its resourceVersion is the next write's precondition.
    QJsonObject lease() const { return m_lease; }
    /// Replaces the Lease's annotations with @p annotations (the promotion's journal) in the
    /// next write, which happens now; @p written is told whether it reached the cluster.
    void writeAnnotations(const QJsonObject &annotations, std::function<void(bool ok)> written = {});

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
    void take(const QJsonObject &existing, const QString &takeoverNote);
    QJsonObject held(const QJsonObject &current) const;
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
    QString m_process; ///< this object's "host/pid/token"
    Guard m_guard;
    QJsonObject m_lease;
    bool m_held = false;
    bool m_gone = false;
    QTimer m_renewal;
    QList<std::pair<Build, Written>> m_writes;
    bool m_writing = false;
};

} // namespace Lucent::Core::Release
