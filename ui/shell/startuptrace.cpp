#include "ui/shell/startuptrace.h"

#include "ui/shell/mainwindow.h"

#include <QCoreApplication>
#include <QEvent>

#include <cstdio>
#include <ctime>

namespace Lucent::Ui {

namespace {

void mark(const char *what)
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::fprintf(stderr, "lucent-startup %s %lld\n", what,
                 static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec);
    std::fflush(stderr);
}

} // namespace

StartupTrace::StartupTrace(MainWindow *window, bool quitAfterwards)
    : QObject(window)
    , m_window(window)
    , m_quit(quitAfterwards)
{
    window->installEventFilter(this);
    connect(window, &MainWindow::firstDataArrived, this, [this] {
        m_dataArrived = true;
        m_window->update(); // the next paint is the first with the data, if nothing else asks for one
    });
}

bool StartupTrace::eventFilter(QObject *watched, QEvent *event)
{
    // A top-level widget paints itself and its children when it handles UpdateRequest: the
    // request is delivered here first, so that the time is taken once the painting is done.
    if (watched != m_window || event->type() != QEvent::UpdateRequest || (m_painted && !m_dataArrived))
        return false;
    m_window->removeEventFilter(this);
    QCoreApplication::sendEvent(m_window, event);
    if (!m_painted) {
        m_painted = true;
        mark("first-window");
    }
    if (m_dataArrived) {
        mark("live-dashboard");
        if (m_quit)
            QCoreApplication::quit();
        return true; // done: the filter stays removed
    }
    m_window->installEventFilter(this);
    return true;
}

} // namespace Lucent::Ui
