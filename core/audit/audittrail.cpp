#include "core/audit/audittrail.h"

#include "core/logging/logging.h"
#include "core/logging/redaction.h"

namespace Lucent::Core::Audit {

AuditTrail::AuditTrail(QString context, AuditLog log, QObject *parent)
    : QObject(parent)
    , m_user(localUserName())
    , m_context(std::move(context))
    , m_log(std::move(log))
    , m_events(new EventRecorder(nullptr, this))
{
}

void AuditTrail::attach(Kube::KubeClient *client, const QString &user)
{
    delete m_events;
    m_events = new EventRecorder(client, this);
    if (!user.isEmpty())
        m_user = user;
}

void AuditTrail::record(AuditRecord record, const std::optional<EventSubject> &subject, const QString &reason)
{
    if (!record.time.isValid())
        record.time = QDateTime::currentDateTimeUtc();
    if (record.user.isEmpty())
        record.user = m_user;
    if (record.context.isEmpty())
        record.context = m_context;
    QString error;
    if (!m_log.append(record, &error))
        Logging::logger("lucent.core.audit")->error("{}", error.toStdString());
    if (subject && record.outcome == Outcome::Succeeded && !reason.isEmpty()) {
        const QString message = QStringLiteral("%1 ran %2 with lucent-console%3")
                                    .arg(record.user, record.verb,
                                         record.detail.isEmpty() ? QString() : QStringLiteral(": ") + record.detail);
        m_events->post(*subject, reason, record.verb, Redaction::redact(message));
    }
}

} // namespace Lucent::Core::Audit
