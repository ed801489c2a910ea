#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>

namespace Lucent::Tests {

/// Measures how long the event loop goes without running a short timer: the longest time the
/// GUI thread could not have answered input or painted.
class StallProbe : public QObject
{
public:
    explicit StallProbe(int intervalMs = 1)
    {
        m_timer.setInterval(intervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const double gap = m_clock.nsecsElapsed() / 1e6;
            m_clock.restart();
            m_worst = std::max(m_worst, gap);
        });
    }
    void start()
    {
        m_worst = 0;
        m_clock.start();
        m_timer.start();
    }
    double worstMs() const { return m_worst; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    double m_worst = 0;
};

} // namespace Lucent::Tests
