#pragma once

// Pictures of widgets as tests draw them: checked (a grab of the whole widget) and, for the
// README and for reviews, saved when LUCENT_SCREENSHOT_DIR is set.

#include <QCoreApplication>
#include <QPixmap>
#include <QWidget>

namespace Lucent::Tests {

/// Grabs @p widget as it is drawn now, and with LUCENT_SCREENSHOT_DIR set
/// (scripts/docs-screenshot.sh) saves the picture as <dir>/<name>-<LUCENT_THEME>.png for the
/// README. True when the grab is a picture of the whole widget (not null, the widget's size)
/// and, when asked for, saved.
inline bool shoot(QWidget *widget, const char *name)
{
    const QString dir = qEnvironmentVariable("LUCENT_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QCoreApplication::processEvents(); // the last layout and paint before a picture for the README
    const QPixmap shot = widget->grab();
    if (shot.isNull() || shot.deviceIndependentSize().toSize() != widget->size()) {
        qWarning("%s: the grab is %dx%d (device pixel ratio %g), the widget %dx%d", name, shot.width(), shot.height(),
                 shot.devicePixelRatio(), widget->width(), widget->height());
        return false;
    }
    if (dir.isEmpty())
        return true;
    const QString theme = qEnvironmentVariable("LUCENT_THEME", QStringLiteral("light"));
    const QString path = QStringLiteral("%1/%2-%3.png").arg(dir, QLatin1String(name), theme);
    if (shot.save(path))
        return true;
    qWarning("%s: cannot save %s", name, qPrintable(path));
    return false;
}

} // namespace Lucent::Tests
