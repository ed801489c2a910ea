#pragma once

#include <QObject>

namespace Lucent::Ui {

class MainWindow;

/// For the start-up benchmark: prints to stderr when the window has first been painted, and
/// when it has first been painted holding live data (after MainWindow::firstDataArrived), as
///     lucent-startup first-window <ns>
///     lucent-startup live-dashboard <ns>
/// on the monotonic clock (CLOCK_MONOTONIC), which the benchmark reads before it starts the
/// process. With @p quitAfterwards the application quits after the second line.
class StartupTrace final : public QObject
{
    Q_OBJECT

public:
    StartupTrace(MainWindow *window, bool quitAfterwards);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    MainWindow *m_window;
    bool m_quit;
    bool m_painted = false;
    bool m_dataArrived = false;
};

} // namespace Lucent::Ui
