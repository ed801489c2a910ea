// libFuzzer target: any bytes as the body of a watch, cut into network chunks at places the
// input chooses, through the line splitter, the event decoder, the Status of ERROR events and
// the pod summary of every object. A watch body comes from the API server or whatever sits
// between it and us.

#include "core/kube/apierror.h"
#include "core/kube/podstatus.h"
#include "core/kube/watchevent.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core::Kube;
    FuzzedDataProvider input(data, size);
    const std::size_t chunkSize = input.ConsumeIntegralInRange<std::size_t>(1, 4096);
    const std::string body = input.ConsumeRemainingBytesAsString();
    LineSplitter splitter;
    for (std::size_t at = 0; at < body.size(); at += chunkSize) {
        const std::string chunk = body.substr(at, chunkSize);
        for (const QByteArray &line : splitter.feed(QByteArray(chunk.data(), qsizetype(chunk.size())))) {
            QString error;
            const auto event = parseWatchEvent(line, &error);
            if (!event) {
                (void)error.size();
                continue;
            }
            if (event->type == WatchEvent::Type::Error)
                (void)ApiError::fromStatus(event->object, QStringLiteral("WATCH /api/v1/pods")).sentence();
            else
                (void)PodStatus::of(event->object).status.size();
        }
    }
    (void)splitter.pendingBytes();
    return 0;
}
