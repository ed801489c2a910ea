#include "core/prometheus/prometheusresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace Lucent::Core::Prometheus {

namespace {

constexpr qint64 MaxPointsPerSeries = 11000;

// The envelope: success gives data; error gives errorType and error. Warnings come with both.
std::optional<QJsonValue> envelope(const QByteArray &body, int httpStatus, PrometheusError *error,
                                   QStringList *warnings = nullptr)
{
    QJsonParseError parseError{};
    const QJsonObject root = QJsonDocument::fromJson(body, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !root.contains(QLatin1String("status"))) {
        error->kind = httpStatus >= 400 ? PrometheusError::Kind::Http : PrometheusError::Kind::Decode;
        error->httpStatus = httpStatus;
        error->message = httpStatus >= 400 ? QString::fromUtf8(body.left(200)).simplified()
                                           : QStringLiteral("the answer is not the Prometheus API's JSON");
        return std::nullopt;
    }
    QStringList found;
    const QJsonArray list = root.value(QLatin1String("warnings")).toArray();
    for (const auto &warning : list)
        found.append(warning.toString());
    if (warnings)
        *warnings = found;
    if (root.value(QLatin1String("status")).toString() != QLatin1String("success")) {
        error->kind = PrometheusError::Kind::Api;
        error->httpStatus = httpStatus;
        error->errorType = root.value(QLatin1String("errorType")).toString();
        error->message = root.value(QLatin1String("error")).toString();
        error->warnings = found;
        return std::nullopt;
    }
    return root.value(QLatin1String("data"));
}

Labels labelsOf(const QJsonObject &object)
{
    Labels labels;
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

std::optional<Sample> sampleOf(const QJsonValue &value)
{
    const QJsonArray pair = value.toArray();
    if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isString())
        return std::nullopt;
    const auto number = PrometheusResponse::parseValue(pair[1].toString());
    if (!number)
        return std::nullopt;
    return Sample{pair[0].toDouble(), *number};
}

std::nullopt_t decodeError(PrometheusError *error, const QString &what)
{
    error->kind = PrometheusError::Kind::Decode;
    error->message = what;
    return std::nullopt;
}

QDateTime timeOf(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

Alert alertOf(const QJsonObject &object)
{
    return {labelsOf(object.value(QLatin1String("labels")).toObject()),
            labelsOf(object.value(QLatin1String("annotations")).toObject()),
            object.value(QLatin1String("state")).toString(), timeOf(object.value(QLatin1String("activeAt"))),
            object.value(QLatin1String("value")).toString()};
}

} // namespace

QString PrometheusError::sentence() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::Api:
        if (errorType == QLatin1String("bad_data"))
            return QStringLiteral("%1 cannot run this query: %2").arg(server, message);
        if (errorType == QLatin1String("timeout") || errorType == QLatin1String("canceled"))
            return QStringLiteral("The query took too long for %1 (%2). Shorten the range or simplify it.")
                .arg(server, message);
        if (errorType == QLatin1String("rejected"))
            return QStringLiteral("%1 refused the request: %2").arg(server, message);
        return QStringLiteral("%1 answered with an error (%2): %3").arg(server, errorType, message);
    case Kind::Http:
        return QStringLiteral("%1 answered HTTP %2 (%3). Check the %1 URL of the environment.")
            .arg(server)
            .arg(httpStatus)
            .arg(message);
    case Kind::Transport:
        return QStringLiteral("%1 cannot be reached (%2). Check that it runs and that the URL in lucent.yaml "
                              "is right; the rest of the console keeps working.")
            .arg(server, message);
    case Kind::Decode:
        return QStringLiteral("%1's answer could not be read (%2). Is the URL a %1 server?").arg(server, message);
    }
    return {};
}

std::optional<double> PrometheusResponse::parseValue(const QString &text)
{
    if (text == QLatin1String("NaN"))
        return std::numeric_limits<double>::quiet_NaN();
    if (text == QLatin1String("+Inf") || text == QLatin1String("Inf"))
        return std::numeric_limits<double>::infinity();
    if (text == QLatin1String("-Inf"))
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double value = text.toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

qint64 PrometheusResponse::stepFor(qint64 rangeSeconds, int widthPixels)
{
    const qint64 perPixel = (rangeSeconds + std::max(widthPixels, 1) - 1) / std::max(widthPixels, 1);
    // points = range / step + 1 must stay within the limit.
    const qint64 forLimit = (rangeSeconds + MaxPointsPerSeries - 2) / (MaxPointsPerSeries - 1);
    return std::max<qint64>({1, perPixel, forLimit});
}

std::optional<QueryResult> PrometheusResponse::query(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    QueryResult result;
    const auto data = envelope(body, httpStatus, error, &result.warnings);
    if (!data)
        return std::nullopt;
    const QJsonObject object = data->toObject();
    const QString type = object.value(QLatin1String("resultType")).toString();
    const QJsonValue payload = object.value(QLatin1String("result"));
    if (type == QLatin1String("vector") || type == QLatin1String("matrix")) {
        result.type = type == QLatin1String("vector") ? QueryResult::Type::Vector : QueryResult::Type::Matrix;
        const QJsonArray list = payload.toArray();
        for (const auto &entry : list) {
            const QJsonObject item = entry.toObject();
            Series series{labelsOf(item.value(QLatin1String("metric")).toObject()), {}};
            if (result.type == QueryResult::Type::Vector) {
                const auto sample = sampleOf(item.value(QLatin1String("value")));
                if (!sample)
                    return decodeError(error, QStringLiteral("a vector sample is not [time, \"value\"]"));
                series.samples.append(*sample);
            } else {
                const QJsonArray values = item.value(QLatin1String("values")).toArray();
                series.samples.reserve(values.size());
                for (const auto &value : values) {
                    const auto sample = sampleOf(value);
                    if (!sample)
                        return decodeError(error, QStringLiteral("a matrix sample is not [time, \"value\"]"));
                    series.samples.append(*sample);
                }
            }
            result.series.append(series);
        }
        return result;
    }
    if (type == QLatin1String("scalar")) {
        const auto sample = sampleOf(payload);
        if (!sample)
            return decodeError(error, QStringLiteral("a scalar is not [time, \"value\"]"));
        result.type = QueryResult::Type::Scalar;
        result.scalar = *sample;
        return result;
    }
    if (type == QLatin1String("string")) {
        const QJsonArray pair = payload.toArray();
        if (pair.size() != 2)
            return decodeError(error, QStringLiteral("a string result is not [time, \"text\"]"));
        result.type = QueryResult::Type::String;
        result.scalar.time = pair[0].toDouble();
        result.string = pair[1].toString();
        return result;
    }
    return decodeError(error, QStringLiteral("unknown resultType '%1'").arg(type));
}

std::optional<QList<Alert>> PrometheusResponse::alerts(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    const auto data = envelope(body, httpStatus, error);
    if (!data)
        return std::nullopt;
    QList<Alert> alerts;
    const QJsonArray list = data->toObject().value(QLatin1String("alerts")).toArray();
    for (const auto &entry : list)
        alerts.append(alertOf(entry.toObject()));
    return alerts;
}

std::optional<QList<Rule>> PrometheusResponse::rules(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    const auto data = envelope(body, httpStatus, error);
    if (!data)
        return std::nullopt;
    QList<Rule> rules;
    const QJsonArray groups = data->toObject().value(QLatin1String("groups")).toArray();
    for (const auto &groupValue : groups) {
        const QJsonObject group = groupValue.toObject();
        const QJsonArray list = group.value(QLatin1String("rules")).toArray();
        for (const auto &ruleValue : list) {
            const QJsonObject r = ruleValue.toObject();
            Rule rule{group.value(QLatin1String("name")).toString(),
                      r.value(QLatin1String("name")).toString(),
                      r.value(QLatin1String("type")).toString(),
                      r.value(QLatin1String("query")).toString(),
                      r.value(QLatin1String("health")).toString(),
                      r.value(QLatin1String("lastError")).toString(),
                      r.value(QLatin1String("state")).toString(),
                      r.value(QLatin1String("duration")).toDouble(),
                      {}};
            const QJsonArray alerts = r.value(QLatin1String("alerts")).toArray();
            for (const auto &alert : alerts)
                rule.alerts.append(alertOf(alert.toObject()));
            rules.append(rule);
        }
    }
    return rules;
}

std::optional<QList<Target>> PrometheusResponse::targets(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    const auto data = envelope(body, httpStatus, error);
    if (!data)
        return std::nullopt;
    QList<Target> targets;
    const QJsonArray list = data->toObject().value(QLatin1String("activeTargets")).toArray();
    for (const auto &entry : list) {
        const QJsonObject t = entry.toObject();
        targets.append({labelsOf(t.value(QLatin1String("labels")).toObject()),
                        t.value(QLatin1String("scrapeUrl")).toString(), t.value(QLatin1String("health")).toString(),
                        t.value(QLatin1String("lastError")).toString(), timeOf(t.value(QLatin1String("lastScrape")))});
    }
    return targets;
}

std::optional<QStringList> PrometheusResponse::labelValues(const QByteArray &body, int httpStatus,
                                                           PrometheusError *error)
{
    const auto data = envelope(body, httpStatus, error);
    if (!data)
        return std::nullopt;
    if (!data->isArray())
        return decodeError(error, QStringLiteral("label values are not a list"));
    QStringList values;
    const QJsonArray list = data->toArray();
    for (const auto &value : list)
        values.append(value.toString());
    return values;
}

std::optional<QList<Labels>> PrometheusResponse::series(const QByteArray &body, int httpStatus, PrometheusError *error)
{
    const auto data = envelope(body, httpStatus, error);
    if (!data)
        return std::nullopt;
    if (!data->isArray())
        return decodeError(error, QStringLiteral("series are not a list"));
    QList<Labels> series;
    const QJsonArray list = data->toArray();
    for (const auto &value : list)
        series.append(labelsOf(value.toObject()));
    return series;
}

} // namespace Lucent::Core::Prometheus
