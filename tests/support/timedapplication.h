#pragma once

#include <QCoreApplication>
#ifdef QT_WIDGETS_LIB
#include <QApplication>
#endif
#include <QElapsedTimer>
#include <QEvent>
#include <QHash>
#include <QMetaObject>
#include <QThread>

#include <algorithm>
#include <cstdio>

namespace Lucent::Tests {

/// An application that times every event it delivers at the top level, by receiver class and
/// event type, to name what a stall was made of (LUCENT_BENCH_EVENTS=1 prints the longest).
template<typename Base> class Timed : public Base
{
public:
    using Base::Base;

    bool notify(QObject *receiver, QEvent *event) override
    {
        // Only the GUI thread's deliveries (other threads deliver through here too).
        if (!m_enabled || QThread::currentThread() != this->thread())
            return Base::notify(receiver, event);
        if (m_depth > 0) {
            ++m_depth;
            const bool result = Base::notify(receiver, event);
            --m_depth;
            return result;
        }
        QByteArray className = receiver->metaObject()->className();
        // A timer or a reply says little by itself: its owner says whose work it was.
        if (receiver->parent())
            className += QByteArray(" in ") + receiver->parent()->metaObject()->className();
        const int type = event->type();
        ++m_depth;
        QElapsedTimer clock;
        clock.start();
        const bool result = Base::notify(receiver, event);
        const double ms = clock.nsecsElapsed() / 1e6;
        --m_depth;
        Cost &cost = m_costs[className + " / event " + QByteArray::number(type)];
        cost.worstMs = std::max(cost.worstMs, ms);
        cost.totalMs += ms;
        ++cost.count;
        return result;
    }

    void setEnabled(bool enabled) { m_enabled = enabled; }
    void reset() { m_costs.clear(); }
    /// The @p count deliveries that took longest, worst first.
    void print(int count) const
    {
        QList<QPair<QByteArray, Cost>> sorted;
        for (auto it = m_costs.cbegin(); it != m_costs.cend(); ++it)
            sorted.append({it.key(), it.value()});
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto &a, const auto &b) { return a.second.worstMs > b.second.worstMs; });
        for (int i = 0; i < std::min<int>(count, int(sorted.size())); ++i)
            std::printf("    %-70s worst %6.1f ms, total %8.1f ms, %lld times\n", sorted[i].first.constData(),
                        sorted[i].second.worstMs, sorted[i].second.totalMs, sorted[i].second.count);
    }

private:
    struct Cost {
        double worstMs = 0;
        double totalMs = 0;
        long long count = 0;
    };
    QHash<QByteArray, Cost> m_costs;
    int m_depth = 0;
    bool m_enabled = false;
};

#ifdef QT_WIDGETS_LIB
using TimedApplication = Timed<QApplication>;
#endif
using TimedCoreApplication = Timed<QCoreApplication>;

} // namespace Lucent::Tests
