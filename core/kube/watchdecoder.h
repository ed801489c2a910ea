#pragma once

#include "core/kube/watchevent.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace Lucent::Core::Kube {

/// The decoding half of a watch, living on the background thread: it cuts the stream into
/// lines and decodes them into events, which go back to the cache in batches. Chunks are fed
/// in order through queued calls; each feed answers with one or more decoded() batches, the
/// last one flagged, so the cache knows when nothing is in flight.
class WatchDecoder final : public QObject
{
    Q_OBJECT

public:
    /// Events per decoded() batch: enough to make the crossing cheap, few enough that a
    /// batch is one slice of the GUI thread's work.
    static constexpr qsizetype BatchEvents = 256;

    explicit WatchDecoder(std::shared_ptr<const std::atomic<int>> currentGeneration);

    /// Decodes @p chunk unless @p generation is no longer the cache's (it stopped meanwhile).
    void feed(const QByteArray &chunk, int generation);
    /// A new watch: the half line of the old one and its failure are forgotten.
    void restart();

Q_SIGNALS:
    /// @p problem, when set, is why the stream cannot go on (a line that is not an event, or
    /// one longer than any object); nothing after it is decoded until restart().
    void decoded(const QList<Lucent::Core::Kube::WatchEvent> &events, const QString &problem, int generation,
                 bool lastOfChunk);

private:
    std::shared_ptr<const std::atomic<int>> m_currentGeneration;
    LineSplitter m_splitter;
    bool m_failed = false;
};

} // namespace Lucent::Core::Kube

Q_DECLARE_METATYPE(Lucent::Core::Kube::WatchEvent)
