#include "core/release/promotionaudit.h"

#include "core/audit/auditrecord.h"
#include "core/audit/audittrail.h"
#include "core/audit/eventrecorder.h"

#include <QCoreApplication>

namespace Lucent::Core::Release {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Lucent::Core::Release::PromotionAudit", text);
}

} // namespace

PromotionAudit::PromotionAudit(Audit::AuditTrail *trail, QString promotionId, QString namespaceName)
    : m_trail(trail)
    , m_promotionId(std::move(promotionId))
    , m_namespace(std::move(namespaceName))
{
}

void PromotionAudit::record(const QString &verb, const QString &object, const QString &detail, bool ok,
                            const QString &message) const
{
    if (m_trail)
        m_trail->record(recordOf(verb, object, detail, ok, message));
}

void PromotionAudit::service(const PlannedService &planned, const QString &verb, const QString &what,
                             const QString &detail) const
{
    if (!m_trail)
        return;
    m_trail->record(
        recordOf(verb, QStringLiteral("service/") + planned.service,
                 tr("%1 (%2 to %3, %4)").arg(detail, planned.activeColour, planned.standbyColour, planned.toImage),
                 true, {}),
        Audit::EventSubject{QStringLiteral("v1"), QStringLiteral("Service"), m_namespace, planned.service, {}},
        QStringLiteral("LucentPromotion") + what);
}

void PromotionAudit::services(const QList<PlannedService> &release, const QString &verb, const QString &what,
                              const QString &detail) const
{
    for (const PlannedService &planned : release)
        service(planned, verb, what, detail);
}

Audit::AuditRecord PromotionAudit::recordOf(const QString &verb, const QString &object, const QString &detail, bool ok,
                                            const QString &message) const
{
    Audit::AuditRecord record;
    record.namespaceName = m_namespace;
    record.verb = verb;
    record.object = object;
    record.detail = tr("promotion %1: %2").arg(m_promotionId, detail);
    record.outcome = ok ? Audit::Outcome::Succeeded : Audit::Outcome::Failed;
    record.message = message;
    return record;
}

} // namespace Lucent::Core::Release
