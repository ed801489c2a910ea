#include "core/prometheus/silence.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace Lucent::Core::Prometheus {

namespace {

QString quoted(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QDateTime timeOf(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

// Alertmanager names itself in its errors; a failed answer becomes a typed error here.
bool failed(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    if (httpStatus >= 200 && httpStatus < 300)
        return false;
    error->server = QStringLiteral("Alertmanager");
    error->httpStatus = httpStatus;
    QJsonParseError parseError{};
    // A bare JSON string is not a document for QJsonDocument; wrap it in an array to read it.
    const QJsonDocument wrapped = QJsonDocument::fromJson("[" + body + "]", &parseError);
    const QJsonValue value = parseError.error == QJsonParseError::NoError ? wrapped.array().first() : QJsonValue();
    if (value.isString() || (value.isObject() && value.toObject().contains(QLatin1String("message")))) {
        error->kind = PrometheusError::Kind::Api;
        error->errorType
            = httpStatus == 404 || httpStatus >= 500 ? QStringLiteral("failed") : QStringLiteral("rejected");
        error->message
            = value.isString() ? value.toString() : value.toObject().value(QLatin1String("message")).toString();
        return true;
    }
    error->kind = PrometheusError::Kind::Http;
    error->message = QString::fromUtf8(body.left(200)).simplified();
    return true;
}

void decodeFailure(PrometheusError *error, const QString &what)
{
    error->kind = PrometheusError::Kind::Decode;
    error->server = QStringLiteral("Alertmanager");
    error->message = what;
}

} // namespace

QString SilenceMatcher::toString() const
{
    const QString op = isRegex ? (isEqual ? QStringLiteral("=~") : QStringLiteral("!~"))
                               : (isEqual ? QStringLiteral("=") : QStringLiteral("!="));
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.:/-]+$"));
    return name + op + (plain.match(value).hasMatch() ? value : quoted(value));
}

std::optional<SilenceMatcher> SilenceMatcher::parse(const QString &text, QString *error)
{
    static const QRegularExpression syntax(
        QStringLiteral(R"re(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$)re"));
    const QRegularExpressionMatch match = syntax.match(text);
    if (!match.hasMatch()) {
        *error = QStringLiteral("'%1' is not a matcher; write label=value, label!=value, label=~regex or "
                                "label!~regex.")
                     .arg(text.trimmed());
        return std::nullopt;
    }
    SilenceMatcher matcher;
    matcher.name = match.captured(1);
    const QString op = match.captured(2);
    matcher.isRegex = op.endsWith(QLatin1Char('~'));
    matcher.isEqual = op.startsWith(QLatin1Char('='));
    QString value = match.captured(3);
    if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"'))) {
        value = value.mid(1, value.size() - 2);
        value.replace(QLatin1String("\\\""), QLatin1String("\"")).replace(QLatin1String("\\\\"), QLatin1String("\\"));
    }
    matcher.value = value;
    if (matcher.isRegex && !QRegularExpression(QStringLiteral("^(?:%1)$").arg(matcher.value)).isValid()) {
        *error = QStringLiteral("the regular expression of '%1' is not valid.").arg(text.trimmed());
        return std::nullopt;
    }
    return matcher;
}

bool SilenceMatcher::matches(const Labels &labels) const
{
    const QString actual = labels.value(name); // a missing label matches as the empty string
    bool equal = false;
    if (isRegex) // Alertmanager anchors its regular expressions
        equal = QRegularExpression(QStringLiteral("^(?:%1)$").arg(value)).match(actual).hasMatch();
    else
        equal = actual == value;
    return equal == isEqual;
}

bool Silence::covers(const Labels &labels) const
{
    if (!isActive() || matchers.isEmpty())
        return false;
    for (const SilenceMatcher &matcher : matchers) {
        if (!matcher.matches(labels))
            return false;
    }
    return true;
}

bool Silence::appliesTo(const Labels &scope) const
{
    return std::all_of(matchers.cbegin(), matchers.cend(), [&](const SilenceMatcher &matcher) {
        return !scope.contains(matcher.name) || matcher.matches(scope);
    });
}

QString Silence::matchersText() const
{
    QStringList parts;
    for (const SilenceMatcher &matcher : matchers)
        parts.append(matcher.toString());
    return parts.join(QLatin1String(", "));
}

std::optional<QList<Silence>> AlertmanagerResponse::silences(const QByteArray &body, int httpStatus,
                                                             PrometheusError *error)
{
    if (failed(body, httpStatus, error))
        return std::nullopt;
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray()) {
        decodeFailure(error, QStringLiteral("the silence list is not a JSON array"));
        return std::nullopt;
    }
    QList<Silence> result;
    for (const QJsonValue &entry : document.array()) {
        const QJsonObject object = entry.toObject();
        Silence silence;
        silence.id = object.value(QLatin1String("id")).toString();
        silence.state = object.value(QLatin1String("status")).toObject().value(QLatin1String("state")).toString();
        silence.startsAt = timeOf(object.value(QLatin1String("startsAt")));
        silence.endsAt = timeOf(object.value(QLatin1String("endsAt")));
        silence.updatedAt = timeOf(object.value(QLatin1String("updatedAt")));
        silence.createdBy = object.value(QLatin1String("createdBy")).toString();
        silence.comment = object.value(QLatin1String("comment")).toString();
        for (const QJsonValue &m : object.value(QLatin1String("matchers")).toArray()) {
            const QJsonObject mo = m.toObject();
            // isEqual came with Alertmanager 0.22; older servers mean "equal" when it is absent.
            silence.matchers.append(
                {mo.value(QLatin1String("name")).toString(), mo.value(QLatin1String("value")).toString(),
                 mo.value(QLatin1String("isRegex")).toBool(), mo.value(QLatin1String("isEqual")).toBool(true)});
        }
        if (silence.id.isEmpty() || !silence.endsAt.isValid()) {
            decodeFailure(error, QStringLiteral("a silence has no id or end time"));
            return std::nullopt;
        }
        result.append(silence);
    }
    return result;
}

std::optional<QString> AlertmanagerResponse::createdSilence(const QByteArray &body, int httpStatus,
                                                            PrometheusError *error)
{
    if (failed(body, httpStatus, error))
        return std::nullopt;
    const QString id = QJsonDocument::fromJson(body).object().value(QLatin1String("silenceID")).toString();
    if (id.isEmpty()) {
        decodeFailure(error, QStringLiteral("the answer names no silenceID"));
        return std::nullopt;
    }
    return id;
}

bool AlertmanagerResponse::expired(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    return !failed(body, httpStatus, error);
}

QByteArray AlertmanagerResponse::encode(const Silence &silence)
{
    QJsonArray matchers;
    for (const SilenceMatcher &matcher : silence.matchers)
        matchers.append(QJsonObject{{QStringLiteral("name"), matcher.name},
                                    {QStringLiteral("value"), matcher.value},
                                    {QStringLiteral("isRegex"), matcher.isRegex},
                                    {QStringLiteral("isEqual"), matcher.isEqual}});
    QJsonObject object{{QStringLiteral("matchers"), matchers},
                       {QStringLiteral("startsAt"), silence.startsAt.toUTC().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("endsAt"), silence.endsAt.toUTC().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("createdBy"), silence.createdBy},
                       {QStringLiteral("comment"), silence.comment}};
    if (!silence.id.isEmpty()) // an id updates that silence instead of adding one
        object.insert(QStringLiteral("id"), silence.id);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace Lucent::Core::Prometheus
