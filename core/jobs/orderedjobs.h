#pragma once

#include "core/jobs/jobfailure.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <deque>
#include <functional>

namespace Lucent::Core::Jobs {

/// Background runs that may overlap but whose results count in the order they were started:
/// the pages of one list, decoded while the next page is fetched.
///
/// start() runs `work(QPromise<T> &)` on Qt's global thread pool; `done(const T &)` is called on
/// the owner's thread, for each run in start order, as soon as it and every run before it have
/// finished. cancel() (and the owner's destruction) drops every run not yet delivered; a `done`
/// may call cancel() or start() itself. A run that throws, or delivers no result, ends the
/// sequence as a failure: `failed(const QString &)` is called once, and the runs after it are
/// dropped, because a sequence with a hole in it is not the sequence.
template<typename T> class OrderedJobs final
{
public:
    using Done = std::function<void(const T &)>;
    using Failed = std::function<void(const QString &)>;

    explicit OrderedJobs(QObject *owner, Failed failed = {})
        : m_owner(owner)
        , m_failed(std::move(failed))
    {
    }
    ~OrderedJobs() { cancel(); }
    Q_DISABLE_COPY_MOVE(OrderedJobs)

    template<typename Work> void start(Work work, Done done)
    {
        auto *watcher = new QFutureWatcher<T>(m_owner);
        m_runs.push_back({watcher, std::move(done), false});
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner, [this, watcher] { onFinished(watcher); });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }

    /// Drops every run not yet delivered; their promises report isCanceled().
    void cancel()
    {
        ++m_epoch;
        for (Run &run : m_runs) {
            if (!run.watcher)
                continue;
            run.watcher->disconnect(m_owner);
            run.watcher->cancel();
            run.watcher->deleteLater();
        }
        m_runs.clear();
    }

    /// Runs started and not yet delivered or dropped.
    int pending() const { return int(m_runs.size()); }

private:
    struct Run {
        QPointer<QFutureWatcher<T>> watcher;
        Done done;
        bool finished = false;
    };

    void onFinished(QFutureWatcher<T> *watcher)
    {
        for (Run &run : m_runs) {
            if (run.watcher == watcher)
                run.finished = true;
        }
        deliverReady();
    }

    void deliverReady()
    {
        const quint64 epoch = m_epoch;
        while (!m_runs.empty() && m_runs.front().finished && epoch == m_epoch) {
            Run run = std::move(m_runs.front());
            m_runs.pop_front();
            run.watcher->deleteLater();
            QFuture<T> future = run.watcher->future();
            QString why = failureOf(future);
            if (why.isEmpty() && (future.isCanceled() || future.resultCount() == 0))
                why = QStringLiteral("a background run ended without a result");
            if (!why.isEmpty()) {
                cancel();
                if (m_failed)
                    m_failed(why);
                else
                    qWarning("a background job failed: %s", qPrintable(why));
                return;
            }
            run.done(future.result()); // may cancel() or start() again: the epoch tells
        }
    }

    QObject *m_owner;
    Failed m_failed;
    std::deque<Run> m_runs;
    quint64 m_epoch = 0;
};

} // namespace Lucent::Core::Jobs
