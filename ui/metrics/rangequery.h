#pragma once

#include "core/jobs/latestjob.h"
#include "core/prometheus/prometheuserror.h"
#include "core/prometheus/prometheustypes.h"

#include <QDateTime>
#include <QObject>

#include <functional>
#include <optional>

namespace Lucent::Core::Prometheus {
class PrometheusClient;
}

namespace Lucent::Ui {

/// One chart's range query: asked of Prometheus, its answer read on a worker thread (a busy
/// answer is megabytes of JSON, never parsed on the GUI thread), the newest run winning: a
/// newer run() or cancel() drops an older answer, even one still being read.
class RangeQuery final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangeQuery)

public:
    struct Answer {
        std::optional<Core::Prometheus::QueryResult> result; ///< none when it failed
        Core::Prometheus::PrometheusError error;
    };
    using Done = std::function<void(const Answer &answer)>;

    explicit RangeQuery(QObject *parent = nullptr);

    void run(Core::Prometheus::PrometheusClient *client, const QString &promql, const QDateTime &start,
             const QDateTime &end, qint64 stepSeconds, Done done);
    void cancel();

private:
    Core::Jobs::LatestJob<Answer> m_parse{this};
    int m_generation = 0;
};

} // namespace Lucent::Ui
