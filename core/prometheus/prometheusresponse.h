#pragma once

#include "core/prometheus/prometheuserror.h"
#include "core/prometheus/prometheustypes.h"

#include <QByteArray>

#include <optional>

namespace Lucent::Core::Prometheus {

/// Parses the JSON envelope of the Prometheus HTTP API ({"status","data","errorType",
/// "error","warnings"}) and its payloads. Each returns nothing and fills @p error when the
/// answer is an error or not the API's shape.
class PrometheusResponse final
{
public:
    static std::optional<QueryResult> query(const QByteArray &body, int httpStatus, PrometheusError *error);
    static std::optional<QList<Alert>> alerts(const QByteArray &body, int httpStatus, PrometheusError *error);
    static std::optional<QList<Rule>> rules(const QByteArray &body, int httpStatus, PrometheusError *error);
    static std::optional<QList<Target>> targets(const QByteArray &body, int httpStatus, PrometheusError *error);
    static std::optional<QStringList> labelValues(const QByteArray &body, int httpStatus, PrometheusError *error);
    static std::optional<QList<Labels>> series(const QByteArray &body, int httpStatus, PrometheusError *error);

    /// Prometheus writes sample values as strings: "1.5", "NaN", "+Inf", "-Inf".
    static std::optional<double> parseValue(const QString &text);
    /// The query_range step for @p rangeSeconds drawn @p widthPixels wide: about a point a
    /// pixel, never finer than 1 s, and never more than 11,000 points (Prometheus' limit).
    static qint64 stepFor(qint64 rangeSeconds, int widthPixels);
};

} // namespace Lucent::Core::Prometheus
