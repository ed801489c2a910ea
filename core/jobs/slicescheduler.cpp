#include "core/jobs/slicescheduler.h"

#include <QThreadStorage>
#include <QTimer>

namespace Lucent::Core::Jobs {

SliceScheduler::SliceScheduler(QObject *parent)
    : QObject(parent)
{
}

SliceScheduler &SliceScheduler::current()
{
    // QThreadStorage deletes the scheduler when its thread ends.
    static QThreadStorage<SliceScheduler *> schedulers;
    if (!schedulers.hasLocalData())
        schedulers.setLocalData(new SliceScheduler);
    return *schedulers.localData();
}

void SliceScheduler::request(QObject *owner, Step step)
{
    for (Task &task : m_tasks) {
        if (task.owner == owner) {
            task.step = std::move(step);
            return;
        }
    }
    m_tasks.append({owner, std::move(step)});
    schedulePass();
}

bool SliceScheduler::isPending(const QObject *owner) const
{
    return std::any_of(m_tasks.cbegin(), m_tasks.cend(), [owner](const Task &task) { return task.owner == owner; });
}

void SliceScheduler::schedulePass()
{
    if (m_passScheduled)
        return;
    m_passScheduled = true;
    QTimer::singleShot(0, this, &SliceScheduler::runPass);
}

void SliceScheduler::runPass()
{
    m_passScheduled = false;
    QElapsedTimer clock;
    clock.start();
    // Each task in turn while the budget lasts; a task that still has work goes to the back,
    // so the next pass begins with one that did not get a turn in this one.
    qsizetype turns = m_tasks.size();
    while (turns-- > 0 && !m_tasks.isEmpty() && clock.nsecsElapsed() < BudgetNs) {
        Task task = m_tasks.takeFirst();
        if (!task.owner)
            continue;
        // The step may request again for its owner (replacing itself): it is not in the list
        // while it runs, so that lands as a new entry and this one is dropped.
        const bool more = task.step(clock, BudgetNs);
        if (more && !isPending(task.owner))
            m_tasks.append(std::move(task));
    }
    m_tasks.removeIf([](const Task &task) { return !task.owner; });
    if (!m_tasks.isEmpty())
        schedulePass();
}

} // namespace Lucent::Core::Jobs
