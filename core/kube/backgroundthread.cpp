#include "core/kube/backgroundthread.h"

#include <QCoreApplication>
#include <QThread>

namespace Lucent::Core::Kube {

namespace {

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
        thread = new QThread;
        thread->setObjectName(QStringLiteral("lucent-parse"));
        thread->start();
        // Runs while the application object is destroyed, after the GUI's objects are gone.
        qAddPostRoutine(stopBackgroundThread);
    }
    return thread;
}

} // namespace Lucent::Core::Kube
