// libFuzzer target: any bytes as a followed container log, cut into chunks where the input
// says, through what the background thread does with them (LogChunkParser: lines split,
// timestamps parsed, a resume's overlap dropped after a restart the input places; then the
// LineClassifier: levels from words and JSON fields, a filter's verdict) and the lines stored
// in a small buffer that must evict (merging late lines in place), then read back.

#include "core/kube/logchunkparser.h"
#include "core/logs/lineclassifier.h"
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
    const std::size_t restartAt = input.ConsumeIntegral<std::size_t>();
    const std::string log = input.ConsumeRemainingBytesAsString();
    Logs::LineClassifier classifier;
    Logs::LogFilter filter;
    filter.include = QStringLiteral(R"("status":(4|5)\d\d|error)");
    filter.highlight = QStringLiteral("latency_ms\":8\\d");
    classifier.setFilter(filter, 1);
    Kube::LogChunkParser parser(utf8Only, nullptr, std::make_shared<std::atomic<quint32>>(0));
    Logs::LogBuffer buffer(64, 4096);
    for (std::size_t at = 0; at < log.size(); at += chunkSize) {
        if (at / chunkSize == restartAt % 64)
            parser.restart(true); // a resume: the lines up to the last timestamp come again
        const std::string chunk = log.substr(at, chunkSize);
        QList<Kube::LogLine> parsed = parser.parse(QByteArray(chunk.data(), qsizetype(chunk.size())));
        classifier.annotate(parsed);
        QList<Logs::IncomingLine> lines;
        for (const Kube::LogLine &line : std::as_const(parsed)) {
            Logs::IncomingLine incoming;
            incoming.nanos = line.nanos;
            incoming.text = utf8Only ? line.utf8 : line.text.toUtf8();
            incoming.level = Logs::LogLevel(line.level);
            incoming.levelKnown = true;
            incoming.flags = line.marks;
            lines.append(incoming);
        }
        buffer.add(lines);
        buffer.evict();
    }
    for (qsizetype i = 0; i < buffer.size(); ++i)
        (void)buffer.textString(buffer.at(i)).size();
    return 0;
}
