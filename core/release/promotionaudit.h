#pragma once

#include "core/release/promotionplan.h"

#include <QPointer>

namespace Lucent::Core::Audit {
class AuditTrail;
struct AuditRecord;
} // namespace Lucent::Core::Audit

namespace Lucent::Core::Release {

/// What a promotion writes to the audit trail: a record per change, and per Service of the
/// release a record with an Event on the Service (reason "LucentPromotion<what>"), so that
/// teammates see it in `kubectl events`. Every detail names the promotion.
class PromotionAudit
{
public:
    PromotionAudit(Audit::AuditTrail *trail, QString promotionId, QString namespaceName);

    void record(const QString &verb, const QString &object, const QString &detail, bool ok,
                const QString &message) const;
    void service(const PlannedService &planned, const QString &verb, const QString &what, const QString &detail) const;
    void services(const QList<PlannedService> &release, const QString &verb, const QString &what,
                  const QString &detail) const;

private:
    Audit::AuditRecord recordOf(const QString &verb, const QString &object, const QString &detail, bool ok,
                                const QString &message) const;

    QPointer<Audit::AuditTrail> m_trail;
    QString m_promotionId;
    QString m_namespace;
};

} // namespace Lucent::Core::Release
