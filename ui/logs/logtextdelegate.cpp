#include "ui/logs/logtextdelegate.h"

#include <QApplication>
#include <QGlyphRun>
#include <QPainter>

namespace Lucent::Ui {

namespace {

bool isPrintableAscii(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f; });
}

} // namespace

const LogTextDelegate::AsciiGlyphs &LogTextDelegate::glyphsFor(const QFont &font) const
{
    const QString key = font.key();
    auto it = m_glyphs.find(key);
    if (it != m_glyphs.end())
        return it.value();
    AsciiGlyphs glyphs;
    glyphs.font = QRawFont::fromFont(font);
    QString printable;
    for (char16_t c = 0x20; c < 0x7f; ++c)
        printable.append(QChar(c));
    const QList<quint32> indexes = glyphs.font.glyphIndexesForString(printable);
    const QList<QPointF> advances = glyphs.font.advancesForGlyphIndexes(indexes);
    for (qsizetype i = 0; i < indexes.size() && i < qsizetype(glyphs.index.size()); ++i) {
        glyphs.index[size_t(i)] = indexes[i];
        glyphs.advance[size_t(i)] = advances.value(i).x();
    }
    const QList<quint32> ellipsis = glyphs.font.glyphIndexesForString(QString(QChar(0x2026)));
    glyphs.ellipsis = ellipsis.value(0);
    glyphs.ellipsisAdvance = glyphs.font.advancesForGlyphIndexes(ellipsis).value(0).x();
    return m_glyphs.insert(key, glyphs).value();
}

bool LogTextDelegate::usable(const AsciiGlyphs &glyphs)
{
    // A font without these glyphs (index 0) or an ellipsis is left to the text engine.
    return glyphs.font.isValid() && glyphs.ellipsis != 0 && glyphs.index['a' - 0x20] != 0;
}

LogTextDelegate::AsciiRun LogTextDelegate::layout(const AsciiGlyphs &glyphs, const QString &text, qreal width)
{
    AsciiRun run;
    run.indexes.reserve(std::min<qsizetype>(text.size(), 512));
    run.positions.reserve(run.indexes.capacity());
    qreal x = 0;
    qsizetype i = 0;
    for (; i < text.size(); ++i) {
        const auto c = size_t(text[i].unicode() - 0x20);
        if (x + glyphs.advance[c] > width)
            break;
        run.indexes.append(glyphs.index[c]);
        run.positions.append(QPointF(x, 0));
        x += glyphs.advance[c];
    }
    if (i == text.size())
        return run;
    // The line goes on: room for an ellipsis after the last glyph that leaves it.
    while (!run.indexes.isEmpty() && x + glyphs.ellipsisAdvance > width) {
        run.indexes.removeLast();
        run.positions.removeLast();
        x = run.positions.isEmpty()
            ? 0
            : run.positions.constLast().x() + glyphs.advance[size_t(text[run.indexes.size() - 1].unicode() - 0x20)];
    }
    run.indexes.append(glyphs.ellipsis);
    run.positions.append(QPointF(x, 0));
    run.elided = true;
    return run;
}

qsizetype LogTextDelegate::visibleCharacters(const QFont &font, const QString &text, qreal width, bool *elided) const
{
    const AsciiGlyphs &glyphs = glyphsFor(font);
    if (!usable(glyphs))
        return -1;
    const AsciiRun run = layout(glyphs, text, width);
    *elided = run.elided;
    return run.indexes.size() - (run.elided ? 1 : 0);
}

bool LogTextDelegate::drawAscii(QPainter *painter, const QStyleOptionViewItem &cell, const QString &text) const
{
    const AsciiGlyphs &glyphs = glyphsFor(cell.font);
    if (!usable(glyphs))
        return false;
    const QWidget *widget = cell.widget;
    const QStyle *style = widget ? widget->style() : QApplication::style();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    const QRect area = cell.rect.adjusted(margin, 0, -margin, 0);
    const AsciiRun laidOut = layout(glyphs, text, area.width());
    const QPalette::ColorGroup group = !(cell.state & QStyle::State_Enabled) ? QPalette::Disabled
        : (cell.state & QStyle::State_Active)                                ? QPalette::Normal
                                                                             : QPalette::Inactive;
    painter->save();
    painter->setPen(
        cell.palette.color(group, (cell.state & QStyle::State_Selected) ? QPalette::HighlightedText : QPalette::Text));
    painter->setClipRect(cell.rect, Qt::IntersectClip);
    QGlyphRun run;
    run.setRawFont(glyphs.font);
    run.setGlyphIndexes(laidOut.indexes);
    run.setPositions(laidOut.positions);
    const qreal lineHeight = glyphs.font.ascent() + glyphs.font.descent();
    const qreal baseline = area.top() + (area.height() - lineHeight) / 2 + glyphs.font.ascent();
    painter->drawGlyphRun(QPointF(area.left(), std::round(baseline)), run);
    painter->restore();
    return true;
}

void LogTextDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem cell = option;
    initStyleOption(&cell, index);
    const QWidget *widget = cell.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    const bool plain
        = !(cell.features & (QStyleOptionViewItem::HasDecoration | QStyleOptionViewItem::HasCheckIndicator))
        && (cell.displayAlignment & Qt::AlignHorizontal_Mask) != Qt::AlignRight
        && (cell.displayAlignment & Qt::AlignHorizontal_Mask) != Qt::AlignHCenter && isPrintableAscii(cell.text);
    if (plain) {
        const QString text = std::exchange(cell.text, QString());
        style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, widget); // background, selection, focus
        if (text.isEmpty() || drawAscii(painter, cell, text))
            return;
        cell.text = text;
    }
    // The style's path, with only as many characters as the narrowest glyph lets the cell show.
    const int narrowest = std::max(1, cell.fontMetrics.horizontalAdvance(QLatin1Char('i')));
    const qsizetype fits = cell.rect.width() / narrowest + 2; // one more, so that elision still shows
    if (cell.text.size() > fits)
        cell.text.truncate(fits);
    style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, widget);
}

} // namespace Lucent::Ui
