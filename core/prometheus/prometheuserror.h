#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Lucent::Core::Prometheus {

/// Why a Prometheus request failed: the API's own error (errorType and error), an HTTP
/// answer without one, the transport, or an answer that is not the API's shape.
struct PrometheusError {
    enum class Kind { None, Api, Http, Transport, Decode };
    Kind kind = Kind::None;
    int httpStatus = 0;
    QString errorType; ///< bad_data, execution, timeout, canceled, unavailable, internal, not_found
    QString message; ///< Prometheus' own text, shown as it is (e.g. a PromQL parse error)
    QStringList warnings;
    QString server = QStringLiteral("Prometheus"); ///< who answered: Prometheus or Alertmanager

    bool isError() const { return kind != Kind::None; }
    QString sentence() const;
};

} // namespace Lucent::Core::Prometheus

Q_DECLARE_METATYPE(Lucent::Core::Prometheus::PrometheusError)
