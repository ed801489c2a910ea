#include "ui/shell/screenshotter.h"

#include <QPixmap>
#include <QWidget>

namespace Lucent::Ui {

Screenshotter::Screenshotter(QWidget *widget, QString path, int timeoutSeconds, QObject *parent)
    : QObject(parent)
    , m_widget(widget)
    , m_path(std::move(path))
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(timeoutSeconds * 1000);
    connect(&m_timeout, &QTimer::timeout, this, [this, timeoutSeconds] {
        capture(tr("No data arrived within %1 s; the screenshot shows the window as it was.").arg(timeoutSeconds));
    });
    m_timeout.start();
}

void Screenshotter::onDataArrived()
{
    // The tabs that load after the first data (a chart's answer, a log's first lines) and lay
    // themselves out on later turns of the event loop get a moment to be drawn complete.
    QTimer::singleShot(SettleMs, this, [this] { capture({}); });
}

void Screenshotter::capture(const QString &problem)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    if (!m_widget) {
        Q_EMIT finished(tr("The window closed before the screenshot was taken."));
        return;
    }
    const QPixmap picture = m_widget->grab();
    if (!picture.save(m_path, "PNG")) {
        Q_EMIT finished(
            tr("Cannot write the screenshot to %1; check that its folder exists and is writable.").arg(m_path));
        return;
    }
    Q_EMIT finished(problem);
}

} // namespace Lucent::Ui
