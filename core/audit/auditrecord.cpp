#include "core/audit/auditrecord.h"

#include "core/logging/redaction.h"

#include <QDir>

namespace Lucent::Core::Audit {

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded: return QStringLiteral("succeeded");
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::Denied: return QStringLiteral("denied");
    }
    return {};
}

QJsonObject AuditRecord::toJson() const
{
    const QDateTime when = time.isValid() ? time : QDateTime::currentDateTimeUtc();
    QJsonObject json{{QStringLiteral("time"), when.toUTC().toString(Qt::ISODateWithMs)},
                     {QStringLiteral("outcome"), outcomeName(outcome)}};
    const std::pair<const char *, const QString *> fields[]
        = {{"user", &user},     {"context", &context}, {"namespace", &namespaceName}, {"verb", &verb},
           {"object", &object}, {"uid", &uid},         {"detail", &detail},           {"message", &message}};
    for (const auto &[key, value] : fields) {
        if (!value->isEmpty())
            json.insert(QLatin1String(key), Redaction::redact(*value));
    }
    return json;
}

QString localUserName()
{
    return qEnvironmentVariable("USER", qEnvironmentVariable("LOGNAME", QDir::home().dirName()));
}

} // namespace Lucent::Core::Audit
