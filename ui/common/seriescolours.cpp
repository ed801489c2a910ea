#include "ui/common/seriescolours.h"

namespace Lucent::Ui {

namespace {

/// FNV-1a over the UTF-16 text: unlike qHash, not seeded per process.
quint32 stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return hash;
}

} // namespace

const QList<QColor> &SeriesColours::palette()
{
    // Distinct in hue and readable on white and on the dark theme's base; no red.
    static const QList<QColor> colours{
        QColor(0x1f, 0x77, 0xb4), // blue
        QColor(0x2c, 0xa0, 0x2c), // green
        QColor(0xff, 0x7f, 0x0e), // orange
        QColor(0x94, 0x67, 0xbd), // purple
        QColor(0x17, 0xbe, 0xcf), // cyan
        QColor(0xbc, 0xbd, 0x22), // olive
        QColor(0xe3, 0x77, 0xc2), // pink
        QColor(0x8c, 0x56, 0x4b), // brown
        QColor(0x7f, 0x7f, 0x7f), // grey
        QColor(0x39, 0x3b, 0x79), // indigo
    };
    return colours;
}

SeriesColours &SeriesColours::shared()
{
    static SeriesColours colours;
    return colours;
}

QColor SeriesColours::colourOf(const QString &name)
{
    const QList<QColor> &colours = palette();
    if (const auto it = m_slots.constFind(name); it != m_slots.cend())
        return colours[*it];
    int preferred = int(stableHash(name) % quint32(colours.size()));
    if (name == QLatin1String("blue"))
        preferred = 0;
    else if (name == QLatin1String("green"))
        preferred = 1;
    int slot = preferred;
    for (int step = 0; step < colours.size(); ++step) {
        const int candidate = (preferred + step) % int(colours.size());
        if (!m_holders.contains(candidate)) {
            slot = candidate;
            break;
        }
    }
    m_slots.insert(name, slot);
    if (!m_holders.contains(slot))
        m_holders.insert(slot, name); // a full palette shares the preferred slot; the first holder keeps it
    return colours[slot];
}

} // namespace Lucent::Ui
