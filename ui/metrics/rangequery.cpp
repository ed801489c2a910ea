#include "ui/metrics/rangequery.h"

#include "core/prometheus/prometheusclient.h"
#include "core/prometheus/prometheusresponse.h"

namespace Lucent::Ui {

RangeQuery::RangeQuery(QObject *parent)
    : QObject(parent)
{
}

void RangeQuery::run(Core::Prometheus::PrometheusClient *client, const QString &promql, const QDateTime &start,
                     const QDateTime &end, qint64 stepSeconds, Done done)
{
    using Core::Prometheus::PrometheusReply;
    const int generation = ++m_generation;
    PrometheusReply *reply = client->queryRange(promql, start, end, stepSeconds);
    connect(reply, &PrometheusReply::finished, this, [this, reply, generation, done = std::move(done)] {
        if (generation != m_generation)
            return;
        m_parse.start(
            [body = reply->body(), status = reply->httpStatus(), error = reply->error()](QPromise<Answer> &promise) {
                Answer answer;
                answer.error = error;
                if (!error.isError())
                    answer.result = Core::Prometheus::PrometheusResponse::query(body, status, &answer.error);
                promise.addResult(std::move(answer));
            },
            done);
    });
}

void RangeQuery::cancel()
{
    ++m_generation;
    m_parse.cancel();
}

} // namespace Lucent::Ui
