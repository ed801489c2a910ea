#include "core/kube/watchdecoder.h"

namespace Lucent::Core::Kube {

WatchDecoder::WatchDecoder(std::shared_ptr<const std::atomic<int>> currentGeneration)
    : m_currentGeneration(std::move(currentGeneration))
{
}

void WatchDecoder::restart()
{
    m_splitter.clear();
    m_failed = false;
}

void WatchDecoder::feed(const QByteArray &chunk, int generation)
{
    if (m_failed || generation != m_currentGeneration->load(std::memory_order_relaxed)) {
        Q_EMIT decoded({}, {}, generation, true);
        return;
    }
    QList<WatchEvent> events;
    QString problem;
    for (const QByteArray &line : m_splitter.feed(chunk)) {
        std::optional<WatchEvent> event = parseWatchEvent(line, &problem);
        if (!event)
            break;
        events.append(std::move(*event));
        if (events.size() == BatchEvents) {
            Q_EMIT decoded(events, {}, generation, false);
            events.clear();
        }
    }
    if (problem.isEmpty() && m_splitter.pendingBytes() > MaxWatchEventBytes) {
        problem = QStringLiteral("a watch event grew past %1 MB without ending; no object is that large, so the "
                                 "server or a proxy in between is sending something else")
                      .arg(MaxWatchEventBytes >> 20);
    }
    if (!problem.isEmpty()) {
        m_failed = true;
        m_splitter.clear();
    }
    Q_EMIT decoded(events, problem, generation, true);
}

} // namespace Lucent::Core::Kube
