// libFuzzer target: any bytes as an answer of Prometheus' HTTP API. The first byte chooses the
// endpoint (query, alerts, rules, targets, label values, series) and the HTTP status; the rest
// is the body, decoded as the console decodes it, with the error sentence when it fails.

#include "core/prometheus/prometheusresponse.h"

#include <cstddef>
#include <cstdint>

namespace {

using namespace Lucent::Core::Prometheus;

template<typename Result> void readAnswer(Result result, const PrometheusError &error)
{
    if (!result)
        (void)error.sentence();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    static const int statuses[] = {200, 400, 422, 503};
    const int status = statuses[(data[0] >> 3) % 4];
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    PrometheusError error;
    switch (data[0] % 6) {
    case 0: {
        const auto result = PrometheusResponse::query(body, status, &error);
        if (result)
            for (const auto &series : result->series)
                for (const auto &sample : series.samples)
                    (void)sample.value;
        readAnswer(result, error);
        break;
    }
    case 1: readAnswer(PrometheusResponse::alerts(body, status, &error), error); break;
    case 2: readAnswer(PrometheusResponse::rules(body, status, &error), error); break;
    case 3: readAnswer(PrometheusResponse::targets(body, status, &error), error); break;
    case 4: readAnswer(PrometheusResponse::labelValues(body, status, &error), error); break;
    default: readAnswer(PrometheusResponse::series(body, status, &error), error); break;
    }
    (void)PrometheusResponse::parseValue(QString::fromUtf8(body.left(64)));
    return 0;
}
