#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

namespace Lucent::Core::Jobs {

/// One budget per turn of the event loop for the GUI thread's sliced work (a log flood being
/// stored, watch events being applied, a filter being run over held lines).
///
/// Why it exists: Qt delivers, in one pass of the event loop, every event that was posted
/// before the pass began (only events posted during the pass wait for the next one). Work
/// that bounds itself per task - "a few milliseconds, then post the rest" - is therefore not
/// bounded per pass: ten streams each posting a 4 ms slice, plus a model's slice, ran back to
/// back in one pass, and the window neither painted nor answered input for 40 ms and more.
/// Here every sliced task of a thread takes its turn inside one shared pass, which stops
/// when the budget is spent; the pass after it starts with the task that came next (round
/// robin), so none starves.
class SliceScheduler final : public QObject
{
    Q_OBJECT

public:
    /// Work for at most this long per pass, over all tasks: a third of a 60 Hz frame, leaving
    /// the rest for painting and input.
    static constexpr qint64 BudgetNs = 5'000'000;

    /// Does some work; returns true while more remains. It should return soon after
    /// @p clock passes @p deadlineNs (checking between chunks of well under a millisecond).
    using Step = std::function<bool(const QElapsedTimer &clock, qint64 deadlineNs)>;

    /// The scheduler of the calling thread (created on first use, deleted with the thread).
    static SliceScheduler &current();

    /// Runs @p step in the coming passes until it returns false. Requesting again while one
    /// is pending for @p owner replaces it; the step is dropped when @p owner is destroyed.
    void request(QObject *owner, Step step);
    bool isPending(const QObject *owner) const;

private:
    explicit SliceScheduler(QObject *parent = nullptr);
    void schedulePass();
    void runPass();

    struct Task {
        QPointer<QObject> owner;
        Step step;
    };
    QList<Task> m_tasks;
    bool m_passScheduled = false;
};

} // namespace Lucent::Core::Jobs
