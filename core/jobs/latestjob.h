#pragma once

#include "core/jobs/jobfailure.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

namespace Lucent::Core::Jobs {

/// The console's one pattern for background work: a job of which only the newest run matters.
///
/// start() runs `work(QPromise<T> &)` on Qt's global thread pool and hands its result to
/// `done(const T &)` on the owner's thread. Starting again cancels the run before it, and so do
/// cancel() and the owner's destruction: the older run's promise reports isCanceled(), so long
/// work can stop early, and whatever it still delivers is dropped. A view or cache therefore
/// never hears from a run it no longer wants, without generation counters of its own.
///
/// A run that throws is a failure, never the end of the process: `failed(const QString &)` gets
/// the exception's text on the owner's thread (by default a warning in the log), and nothing
/// is delivered.
///
/// Hold one as a member of the owner (a QObject), one per kind of work.
template<typename T> class LatestJob final
{
public:
    explicit LatestJob(QObject *owner)
        : m_owner(owner)
    {
    }
    ~LatestJob() { cancel(); }
    Q_DISABLE_COPY_MOVE(LatestJob)

    template<typename Work, typename Done> void start(Work work, Done done)
    {
        start(std::move(work), std::move(done),
              [](const QString &why) { qWarning("a background job failed: %s", qPrintable(why)); });
    }

    template<typename Work, typename Done, typename Failed> void start(Work work, Done done, Failed failed)
    {
        cancel();
        auto *watcher = new QFutureWatcher<T>(m_owner);
        m_watcher = watcher;
        QObject::connect(watcher, &QFutureWatcherBase::finished, m_owner,
                         [this, watcher, done = std::move(done), failed = std::move(failed)] {
                             watcher->deleteLater();
                             if (watcher != m_watcher)
                                 return;
                             m_watcher = nullptr;
                             QFuture<T> future = watcher->future();
                             if (const QString why = failureOf(future); !why.isEmpty())
                                 failed(why);
                             else if (!future.isCanceled() && future.resultCount() > 0)
                                 done(future.result());
                         });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }

    /// Cancels the run under way, if any; its result will not be delivered.
    void cancel()
    {
        if (!m_watcher)
            return;
        QFutureWatcher<T> *watcher = m_watcher;
        m_watcher = nullptr;
        watcher->disconnect(m_owner);
        watcher->cancel();
        watcher->deleteLater();
    }

    bool isRunning() const { return !m_watcher.isNull(); }

private:
    QObject *m_owner;
    QPointer<QFutureWatcher<T>> m_watcher;
};

} // namespace Lucent::Core::Jobs
