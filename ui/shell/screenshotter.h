#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

class QWidget;

namespace Lucent::Ui {

/// Saves a widget to a PNG once it has its first data (or when the wait runs out), then
/// reports the outcome. Used by --screenshot for headless checks and documentation.
class Screenshotter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Screenshotter)

public:
    Screenshotter(QWidget *widget, QString path, int timeoutSeconds, QObject *parent = nullptr);

    /// Call when the first data has been painted; the picture is taken on the next turn of
    /// the event loop, after pending layout and paint events.
    void onDataArrived();

Q_SIGNALS:
    /// @p error is empty on success, else a sentence saying what failed.
    void finished(const QString &error);

private:
    static constexpr int SettleMs = 1500;
    void capture(const QString &problem);

    QPointer<QWidget> m_widget;
    QString m_path;
    QTimer m_timeout;
    bool m_done = false;
};

} // namespace Lucent::Ui
