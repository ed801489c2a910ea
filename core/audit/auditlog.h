#pragma once

#include "core/audit/auditrecord.h"

#include <QString>

namespace Lucent::Core::Audit {

/// The local audit trail: one JSON object per line, appended, never rewritten. Each record
/// is a single write to a file opened for appending, so two consoles on one machine never
/// interleave their lines.
class AuditLog final
{
public:
    /// $XDG_STATE_HOME/lucent-console/audit.jsonl (~/.local/state/... without the variable).
    static QString defaultPath();

    explicit AuditLog(QString path = defaultPath());

    const QString &path() const { return m_path; }
    /// Appends @p record. On failure returns false and says why in @p error; the change it
    /// describes has already happened, so callers log this rather than undo anything.
    bool append(const AuditRecord &record, QString *error = nullptr) const;

private:
    QString m_path;
};

} // namespace Lucent::Core::Audit
