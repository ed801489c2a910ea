// libFuzzer target: any bytes as an answer of Alertmanager's v2 silence API. The first byte
// chooses the endpoint (list, create, expire) and the HTTP status. Every silence read is shown
// and matched as the Alerts tab does, and encoded again as a new silence would be.

#include "core/prometheus/silence.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core::Prometheus;
    if (size == 0)
        return 0;
    static const int statuses[] = {200, 400, 404, 500};
    const int status = statuses[(data[0] >> 2) % 4];
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    PrometheusError error;
    switch (data[0] % 3) {
    case 0: {
        const auto silences = AlertmanagerResponse::silences(body, status, &error);
        if (!silences)
            break;
        const Labels labels{{QStringLiteral("namespace"), QStringLiteral("lucent-staging")},
                            {QStringLiteral("app"), QStringLiteral("wallet-service")}};
        for (const Silence &silence : *silences) {
            (void)silence.matchersText();
            (void)silence.covers(labels);
            (void)silence.appliesToNamespace(QStringLiteral("lucent-staging"));
            (void)AlertmanagerResponse::encode(silence);
        }
        break;
    }
    case 1: (void)AlertmanagerResponse::createdSilence(body, status, &error); break;
    default: (void)AlertmanagerResponse::expired(body, status, &error); break;
    }
    if (error.isError())
        (void)error.sentence();
    return 0;
}
