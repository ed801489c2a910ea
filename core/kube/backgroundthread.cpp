#include "core/kube/backgroundthread.h"

#include <QCoreApplication>
#include <QThread>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace Lucent::Core::Kube {

namespace {

// Nice 10 weighs about a tenth of the GUI thread's nice 0: when the cores are contended (a
// flood being parsed while the window paints), the scheduler lets the GUI thread run first
// instead of handing out time slices of several milliseconds in turn. With a core to spare,
// it makes no difference.
class ParsingThread final : public QThread
{
protected:
    void run() override
    {
#if defined(Q_OS_LINUX)
        setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
        exec();
    }
};

QThread *&threadSlot()
{
    static QThread *thread = nullptr;
    return thread;
}

void stopBackgroundThread()
{
    QThread *&thread = threadSlot();
    if (!thread)
        return;
    thread->quit();
    thread->wait();
    delete thread;
    thread = nullptr;
}

} // namespace

QThread *backgroundThread()
{
    Q_ASSERT(QCoreApplication::instance() && QThread::currentThread() == QCoreApplication::instance()->thread());
    QThread *&thread = threadSlot();
    if (!thread) {
        thread = new ParsingThread;
        thread->setObjectName(QStringLiteral("lucent-parse"));
        thread->start();
        // Runs while the application object is destroyed, after the GUI's objects are gone.
        qAddPostRoutine(stopBackgroundThread);
    }
    return thread;
}

} // namespace Lucent::Core::Kube
