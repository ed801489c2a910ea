#pragma once

#include <QDateTime>
#include <QString>

#include <algorithm>

namespace Lucent::Ui {

/// How long ago @p since was, as kubectl's AGE column says it: 45s, 12m, 5h, 3d.
inline QString ageText(const QDateTime &since)
{
    if (!since.isValid())
        return {};
    const qint64 seconds = since.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 120)
        return QStringLiteral("%1s").arg(std::max<qint64>(0, seconds));
    if (seconds < 2 * 3600)
        return QStringLiteral("%1m").arg(seconds / 60);
    if (seconds < 2 * 86400)
        return QStringLiteral("%1h").arg(seconds / 3600);
    return QStringLiteral("%1d").arg(seconds / 86400);
}

} // namespace Lucent::Ui
