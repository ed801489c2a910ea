// libFuzzer target: any bytes as a followed container log, cut into chunks where the input
// says: lines split, timestamps parsed, levels detected (words and JSON fields) and the lines
// stored in a small buffer that must evict, then read back.

#include "core/kube/logline.h"
#include "core/kube/watchevent.h"
#include "core/logs/logbuffer.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core;
    FuzzedDataProvider input(data, size);
    const std::size_t chunkSize = input.ConsumeIntegralInRange<std::size_t>(1, 4096);
    const bool utf8Only = input.ConsumeBool();
    const std::string log = input.ConsumeRemainingBytesAsString();
    Kube::LineSplitter splitter;
    Logs::LogBuffer buffer(64, 4096);
    for (std::size_t at = 0; at < log.size(); at += chunkSize) {
        const std::string chunk = log.substr(at, chunkSize);
        QList<Logs::IncomingLine> lines;
        for (const QByteArray &raw : splitter.feed(QByteArray(chunk.data(), qsizetype(chunk.size())))) {
            const Kube::LogLine line = Kube::parseLogLine(raw, utf8Only);
            Logs::IncomingLine incoming;
            incoming.nanos = line.nanos;
            incoming.text = utf8Only ? line.utf8 : line.text.toUtf8();
            incoming.level = Logs::detectLevel(incoming.text);
            incoming.levelKnown = true;
            lines.append(incoming);
        }
        buffer.add(lines);
        buffer.evict();
    }
    for (qsizetype i = 0; i < buffer.size(); ++i)
        (void)buffer.textString(buffer.at(i)).size();
    return 0;
}
