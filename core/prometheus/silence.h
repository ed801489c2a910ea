#pragma once

#include "core/prometheus/prometheuserror.h"
#include "core/prometheus/prometheustypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace Lucent::Core::Prometheus {

/// One label matcher of a silence: name=value, name!=value, name=~regex, name!~regex.
struct SilenceMatcher {
    QString name;
    QString value;
    bool isRegex = false;
    bool isEqual = true;

    QString toString() const;
    /// Parses the matcher syntax above ("app=wallet-service", "pod=~wallet-.*"); a value may
    /// be double-quoted. Fills @p error with a sentence when the text is not a matcher.
    static std::optional<SilenceMatcher> parse(const QString &text, QString *error);
    bool matches(const Labels &labels) const;
};

/// A silence of Alertmanager's v2 API.
struct Silence {
    QString id; ///< empty for a new silence
    QList<SilenceMatcher> matchers;
    QDateTime startsAt;
    QDateTime endsAt;
    QDateTime updatedAt;
    QString createdBy;
    QString comment;
    QString state; ///< active, pending, expired

    bool isActive() const { return state == QLatin1String("active"); }
    /// Whether this silence, while active, mutes an alert with @p labels.
    bool covers(const Labels &labels) const;
    QString matchersText() const;
    /// Whether the silence can mute alerts of an environment whose alerts carry @p scope
    /// (its namespace by default; lucent.yaml's alertLabels): every matcher on a scope label
    /// allows the environment's value. Environments often share one Alertmanager.
    bool appliesTo(const Labels &scope) const;
    bool appliesToNamespace(const QString &ns) const { return appliesTo({{QStringLiteral("namespace"), ns}}); }
};

/// Reads Alertmanager's v2 answers. Its errors come as a JSON string ("silence not found"),
/// as {"code","message"} from request validation, or as plain text.
class AlertmanagerResponse final
{
public:
    static std::optional<QList<Silence>> silences(const QByteArray &body, int httpStatus, PrometheusError *error);
    /// The new silence's id from POST /api/v2/silences.
    static std::optional<QString> createdSilence(const QByteArray &body, int httpStatus, PrometheusError *error);
    /// Success of DELETE /api/v2/silence/{id}.
    static bool expired(const QByteArray &body, int httpStatus, PrometheusError *error);
    static QByteArray encode(const Silence &silence);
};

} // namespace Lucent::Core::Prometheus
