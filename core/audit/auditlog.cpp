#include "core/audit/auditlog.h"

#include "core/logging/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace Lucent::Core::Audit {

QString AuditLog::defaultPath()
{
    return Logging::stateDirectory() + QStringLiteral("/audit.jsonl");
}

AuditLog::AuditLog(QString path)
    : m_path(std::move(path))
{
}

bool AuditLog::append(const AuditRecord &record, QString *error) const
{
    const QString directory = QFileInfo(m_path).absolutePath();
    QFile file(m_path);
    if (!QDir().mkpath(directory) || !file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("The audit trail %1 cannot be written (%2). Check that the folder exists and is "
                                    "writable.")
                         .arg(m_path, file.errorString());
        return false;
    }
    // Owner-only: the trail says who changed what, which is nobody else's business.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray line = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact) + '\n';
    if (file.write(line) != line.size()) {
        if (error)
            *error
                = QStringLiteral("The audit trail %1 could not be appended to (%2).").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Lucent::Core::Audit
