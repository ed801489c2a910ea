#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Prometheus {

using Labels = QMap<QString, QString>;

/// One point: Unix time in seconds, and the value (NaN and ±Inf included, as Prometheus
/// writes them: "NaN", "+Inf", "-Inf").
struct Sample {
    double time = 0;
    double value = 0;
};

struct Series {
    Labels labels;
    QList<Sample> samples; ///< one for an instant vector, many for a range
};

/// The data of /api/v1/query and /api/v1/query_range.
struct QueryResult {
    enum class Type { Vector, Matrix, Scalar, String };
    Type type = Type::Vector;
    QList<Series> series; ///< Vector and Matrix
    Sample scalar; ///< Scalar (and String's time)
    QString string; ///< String
    QStringList warnings;
};

/// An alert of /api/v1/alerts.
struct Alert {
    Labels labels;
    Labels annotations;
    QString state; ///< firing, pending
    QDateTime activeAt;
    QString value;
    QString name() const { return labels.value(QStringLiteral("alertname")); }
    QString severity() const { return labels.value(QStringLiteral("severity")); }
};

/// A rule of /api/v1/rules.
struct Rule {
    QString group;
    QString name;
    QString type; ///< alerting, recording
    QString query;
    QString health; ///< ok, err, unknown
    QString lastError;
    QString state; ///< for alerting rules: inactive, pending, firing
    double durationSeconds = 0;
    QList<Alert> alerts;
};

/// A scrape target of /api/v1/targets.
struct Target {
    Labels labels;
    QString scrapeUrl;
    QString health; ///< up, down, unknown
    QString lastError;
    QDateTime lastScrape;
};

} // namespace Lucent::Core::Prometheus

Q_DECLARE_METATYPE(Lucent::Core::Prometheus::QueryResult)
