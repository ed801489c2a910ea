#include "core/release/promotionlock.h"

#include "core/kube/kubeclient.h"
#include "core/kube/kubereply.h"
#include "core/kube/resourcetype.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>
#include <QUuid>

#include <cerrno>
#include <csignal>

namespace Lucent::Core::Release {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::PromotionLock", text);
}

/// Kubernetes' MicroTime: RFC 3339 in UTC with six fractional digits.
QString microTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("000Z");
}

QDateTime parseTime(QString text)
{
    // Qt reads milliseconds; the server writes microseconds (or none).
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{3})\\d*"));
    text.replace(fraction, QStringLiteral(".\\1"));
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

QString clock(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : tr("an unknown time");
}

QJsonObject spec(const QJsonObject &lease)
{
    return lease.value(QLatin1String("spec")).toObject();
}

} // namespace

QString holderProcess(const QJsonObject &lease)
{
    return lease.value(QLatin1String("metadata"))
        .toObject()
        .value(QLatin1String("annotations"))
        .toObject()
        .value(QLatin1String(HolderProcessAnnotation))
        .toString();
}

namespace {

/// Exited, or a zombie its parent has not reaped yet.
bool processExited(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) == "Z";
}

} // namespace

bool LeaseHolder::isExpired(const QDateTime &now) const
{
    const QDateTime last = renewed.isValid() ? renewed : acquired;
    return !last.isValid() || last.addSecs(std::max(1, durationSeconds)) < now;
}

QString LeaseHolder::describe() const
{
    return tr("%1 since %2 (renewed %3)").arg(identity, clock(acquired), clock(renewed));
}

LeaseHolder LeaseHolder::of(const QJsonObject &lease)
{
    const QJsonObject s = spec(lease);
    return {s.value(QLatin1String("holderIdentity")).toString(),
            parseTime(s.value(QLatin1String("acquireTime")).toString()),
            parseTime(s.value(QLatin1String("renewTime")).toString()),
            s.value(QLatin1String("leaseDurationSeconds")).toInt()};
}

bool holderProcessIsGone(const QJsonObject &lease)
{
    const QStringList parts = holderProcess(lease).split(QLatin1Char('/'));
    bool isNumber = false;
    const qint64 pid = parts.value(1).toLongLong(&isNumber);
    return parts.size() == 3 && isNumber && pid > 0 && parts.constFirst() == QSysInfo::machineHostName()
        && processExited(pid);
}

QJsonObject heldLease(QJsonObject existing, const QString &name, const QString &ns, const QString &identity,
                      int durationSeconds, const QDateTime &now, const QString &process)
{
    const LeaseHolder before = LeaseHolder::of(existing);
    QJsonObject meta = existing.value(QLatin1String("metadata")).toObject();
    meta.insert(QLatin1String("name"), name);
    meta.insert(QLatin1String("namespace"), ns);
    if (!process.isEmpty()) {
        QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
        annotations.insert(QLatin1String(HolderProcessAnnotation), process);
        meta.insert(QLatin1String("annotations"), annotations);
    }
    QJsonObject s = spec(existing);
    const bool sameHolder = before.identity == identity;
    s.insert(QLatin1String("holderIdentity"), identity);
    s.insert(QLatin1String("leaseDurationSeconds"), durationSeconds);
    s.insert(QLatin1String("acquireTime"),
             sameHolder && before.acquired.isValid() ? microTime(before.acquired) : microTime(now));
    s.insert(QLatin1String("renewTime"), microTime(now));
    if (!sameHolder && !before.identity.isEmpty())
        s.insert(QLatin1String("leaseTransitions"), s.value(QLatin1String("leaseTransitions")).toInt() + 1);
    existing.insert(QLatin1String("apiVersion"), QStringLiteral("coordination.k8s.io/v1"));
    existing.insert(QLatin1String("kind"), QStringLiteral("Lease"));
    existing.insert(QLatin1String("metadata"), meta);
    existing.insert(QLatin1String("spec"), s);
    return existing;
}

PromotionLock::PromotionLock(Kube::KubeClient *client, QString namespaceName, QString identity, int durationSeconds,
                             QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_identity(std::move(identity))
    , m_durationSeconds(std::max(3, durationSeconds))
    , m_process(QStringLiteral("%1/%2/%3")
                    .arg(QSysInfo::machineHostName())
                    .arg(QCoreApplication::applicationPid())
                    .arg(QUuid::createUuid().toString(QUuid::Id128).left(12)))
{
    // Renewed three times per duration: one lost write does not let the Lease expire.
    m_renewal.setInterval(m_durationSeconds * 1000 / 3);
    connect(&m_renewal, &QTimer::timeout, this, &PromotionLock::renew);
}

void PromotionLock::acquire()
{
    read(false);
}

void PromotionLock::read(bool afterConflict)
{
    if (!m_client)
        return;
    Kube::KubeReply *reply = m_client->get(Kube::ResourceType::leases(), m_namespace, QString::fromLatin1(LeaseName));
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, afterConflict] {
        const Kube::ApiError &error = reply->error();
        if (error.isNotFound()) {
            Kube::KubeReply *created = m_client->create(Kube::ResourceType::leases(), m_namespace, held({}));
            connect(created, &Kube::KubeReply::finished, this, [this, created, afterConflict] {
                if (!created->error().isError()) {
                    m_lease = created->json();
                    m_held = true;
                    m_renewal.start();
                    Q_EMIT acquired({});
                } else if (created->error().isConflict() && !afterConflict) {
                    read(true); // created by someone else just now: see who
                } else {
                    Q_EMIT failed(created->error().sentence());
                }
            });
            return;
        }
        if (error.isError()) {
            Q_EMIT failed(error.sentence());
            return;
        }
        const QJsonObject existing = reply->json();
        const LeaseHolder holder = LeaseHolder::of(existing);
        const bool ours = holderProcess(existing) == m_process;
        QString note;
        if (!holder.identity.isEmpty() && !ours) {
            if (holder.isExpired(QDateTime::currentDateTimeUtc()))
                note = tr("Took over the lock of %1 from %2: it was not renewed for more than %3 s.")
                           .arg(m_namespace, holder.describe())
                           .arg(holder.durationSeconds);
            else if (holderProcessIsGone(existing))
                note
                    = tr("Took over the lock of %1 from %2: its process (%3) has exited.")
                          .arg(m_namespace, holder.describe(), holderProcess(existing).section(QLatin1Char('/'), 0, 1));
            else {
                Q_EMIT refused(holder,
                               tr("Another promotion holds the lock of %1: %2. Wait for it to finish, or ask "
                                  "them; a lock not renewed for %3 s may be taken over.")
                                   .arg(m_namespace, holder.describe())
                                   .arg(holder.durationSeconds));
                return;
            }
        }
        if (m_guard) {
            if (const QString refusal = m_guard(existing); !refusal.isEmpty()) {
                Q_EMIT refused(holder, refusal);
                return;
            }
        }
        take(existing, note);
    });
}

QJsonObject PromotionLock::held(const QJsonObject &current) const
{
    return heldLease(current, QString::fromLatin1(LeaseName), m_namespace, m_identity, m_durationSeconds,
                     QDateTime::currentDateTimeUtc(), m_process);
}

void PromotionLock::take(const QJsonObject &existing, const QString &takeoverNote)
{
    m_lease = existing;
    write([this](const QJsonObject &current) { return held(current); },
          [this, takeoverNote](bool ok, const Kube::ApiError &error) {
              if (!ok) {
                  if (error.isConflict())
                      read(true); // someone wrote it in between: look again, once
                  else
                      Q_EMIT failed(error.sentence());
                  return;
              }
              m_held = true;
              m_renewal.start();
              Q_EMIT acquired(takeoverNote);
          });
}

void PromotionLock::renew()
{
    if (!m_held)
        return;
    write([this](const QJsonObject &current) { return held(current); },
          [this](bool ok, const Kube::ApiError &error) {
              if (ok || !(error.isConflict() || error.isNotFound()))
                  return; // a transient failure: the next renewal tries again, well within the duration
              m_held = false;
              m_gone = error.isNotFound();
              m_renewal.stop();
              // Gone: deleted by hand, or the cluster behind the address is not the one it was taken
              // in (restored, replaced). Either way this promotion no longer holds it.
              Q_EMIT lost(error.isNotFound()
                              ? tr("The promotion lock of %1 is gone (deleted, or the cluster was replaced); stop "
                                   "changing the cluster.")
                                    .arg(m_namespace)
                              : tr("The promotion lock of %1 was taken by someone else; stop changing the cluster.")
                                    .arg(m_namespace));
          });
}

void PromotionLock::writeAnnotations(const QJsonObject &annotations, std::function<void(bool ok)> written)
{
    write(
        [this, annotations](QJsonObject current) {
            QJsonObject meta = current.value(QLatin1String("metadata")).toObject();
            meta.insert(QLatin1String("annotations"), annotations);
            current.insert(QLatin1String("metadata"), meta);
            return held(current);
        },
        [this, written = std::move(written)](bool ok, const Kube::ApiError &error) {
            if (ok) {
                Q_EMIT annotationsWritten();
            } else if (error.isConflict() && m_held) {
                // Only someone else's write changes the Lease between two of ours.
                m_held = false;
                m_renewal.stop();
                Q_EMIT lost(tr("The promotion lock of %1 was taken by someone else; stop changing the cluster.")
                                .arg(m_namespace));
            } else {
                Q_EMIT failed(error.sentence());
            }
            if (written)
                written(ok);
        });
}

void PromotionLock::release()
{
    if (!m_held)
        return;
    m_held = false;
    m_renewal.stop();
    write(
        [](QJsonObject lease) {
            QJsonObject s = spec(lease);
            s.remove(QLatin1String("holderIdentity"));
            s.insert(QLatin1String("renewTime"), microTime(QDateTime::currentDateTimeUtc()));
            lease.insert(QLatin1String("spec"), s);
            QJsonObject meta = lease.value(QLatin1String("metadata")).toObject();
            QJsonObject annotations = meta.value(QLatin1String("annotations")).toObject();
            annotations.remove(QLatin1String(HolderProcessAnnotation));
            meta.insert(QLatin1String("annotations"), annotations);
            lease.insert(QLatin1String("metadata"), meta);
            return lease;
        },
        [this](bool ok, const Kube::ApiError &error) {
            if (ok)
                Q_EMIT released();
            else
                Q_EMIT failed(error.sentence());
        });
}

void PromotionLock::write(Build build, Written done)
{
    m_writes.append({std::move(build), std::move(done)});
    if (!m_writing)
        writeNext();
}

void PromotionLock::writeNext()
{
    if (m_writes.isEmpty() || !m_client) {
        m_writing = false;
        return;
    }
    m_writing = true;
    auto [build, done] = m_writes.takeFirst();
    // The resourceVersion in the object is the precondition: a Lease changed since it was
    // read answers 409 instead of being overwritten.
    Kube::KubeReply *reply
        = m_client->update(Kube::ResourceType::leases(), m_namespace, QString::fromLatin1(LeaseName), build(m_lease));
    connect(reply, &Kube::KubeReply::finished, this, [this, reply, done = std::move(done)] {
        if (!reply->error().isError())
            m_lease = reply->json();
        done(!reply->error().isError(), reply->error());
        writeNext();
    });
}

} // namespace Lucent::Core::Release
