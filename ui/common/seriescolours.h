#pragma once

#include <QColor>
#include <QHash>
#include <QString>

namespace Lucent::Ui {

/// One colour per version (or per colour of a blue-green pair, or per any series name)
/// across every chart of the console: "2.1.0" is the same colour in the request rate, the
/// error ratio and the latency, and "blue" and "green" are blue and green. Each name prefers
/// a slot from a stable hash of its text, so a name keeps its colour from one run to the
/// next; a slot another name already holds moves it to the next free one, so that the names
/// on screen together never share a colour while the palette lasts. Red is left out: it
/// means a threshold or an error.
class SeriesColours
{
public:
    /// The colours handed out, in slot order.
    static const QList<QColor> &palette();
    /// The console's shared assignment.
    static SeriesColours &shared();

    QColor colourOf(const QString &name);

private:
    QHash<QString, int> m_slots; ///< name -> slot
    QHash<int, QString> m_holders; ///< slot -> name
};

} // namespace Lucent::Ui
