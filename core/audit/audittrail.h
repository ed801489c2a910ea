#pragma once

#include "core/audit/auditlog.h"
#include "core/audit/auditrecord.h"
#include "core/audit/eventrecorder.h"

#include <QObject>

#include <optional>

namespace Lucent::Core::Kube {
class KubeClient;
}

namespace Lucent::Core::Audit {

/// Where every change the console makes is recorded: a line in the local audit log for
/// every attempt (succeeded, failed or denied) and, for a change that reached a cluster
/// object, an Event on that object. One per environment session; it knows the session's
/// user and context so that callers only say what they did.
class AuditTrail final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditTrail)

public:
    /// Until attach(), records name the local account and no Events are posted.
    explicit AuditTrail(QString context, AuditLog log = AuditLog(), QObject *parent = nullptr);

    /// The cluster connection: Events go through @p client; @p user (the kubeconfig user)
    /// is named in records from now on.
    void attach(Kube::KubeClient *client, const QString &user);

    const QString &user() const { return m_user; }
    const QString &context() const { return m_context; }
    const AuditLog &log() const { return m_log; }
    EventRecorder *events() const { return m_events; }

    /// Fills in user, context and time, appends @p record, and when it succeeded and names a
    /// @p subject, posts an Event with @p reason ("LucentScale") on it.
    void record(AuditRecord record, const std::optional<EventSubject> &subject = std::nullopt,
                const QString &reason = {});

private:
    QString m_user;
    QString m_context;
    AuditLog m_log;
    EventRecorder *m_events = nullptr;
};

} // namespace Lucent::Core::Audit
