#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <vector>

namespace Lucent::Tests {

/// Measures how long the event loop goes without running a short timer: the longest time the
/// GUI thread could not have answered input or painted, and the distribution of those gaps.
class StallProbe : public QObject
{
public:
    explicit StallProbe(int intervalMs = 1)
    {
        m_timer.setInterval(intervalMs);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double gap = m_clock.nsecsElapsed() / 1e6;
            m_clock.restart();
            m_worst = std::max(m_worst, gap);
            m_gaps.push_back(float(gap));
        });
    }
    void start()
    {
        m_worst = 0;
        m_gaps.clear();
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double worstMs() const { return m_worst; }
    /// The gap that @p percent of all gaps did not exceed (99: the 99th percentile).
    double percentileMs(double percent) const
    {
        if (m_gaps.empty())
            return 0;
        std::vector<float> sorted = m_gaps;
        const auto rank = std::min(sorted.size() - 1, size_t(double(sorted.size()) * percent / 100.0));
        std::nth_element(sorted.begin(), sorted.begin() + qsizetype(rank), sorted.end());
        return sorted[rank];
    }
    size_t samples() const { return m_gaps.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_worst = 0;
    std::vector<float> m_gaps;
};

/// Runs the event loop until @p predicate holds or @p timeoutMs pass; true when it holds. Unlike
/// QTest::qWaitFor it never sleeps between passes, so a probe running meanwhile measures the
/// code under test, not the wait.
template<typename Predicate> bool runEventsUntil(Predicate predicate, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer wake; // a pass at least every 5 ms, so the predicate is seen soon after it holds
    wake.start(5);
    while (!predicate()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

} // namespace Lucent::Tests
