#include "ui/common/usagedelegate.h"

#include "ui/common/itemroles.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace Lucent::Ui {

namespace {

void drawSparkline(QPainter *painter, const QRectF &area, const QVariantList &values, const QColor &colour)
{
    if (values.size() < 2)
        return;
    double top = 0;
    for (const auto &v : values)
        top = std::max(top, v.toDouble());
    if (top <= 0)
        top = 1;
    QPainterPath path;
    for (int i = 0; i < values.size(); ++i) {
        const QPointF point(area.left() + area.width() * i / (values.size() - 1),
                            area.bottom() - area.height() * std::clamp(values[i].toDouble() / top, 0.0, 1.0));
        if (i == 0)
            path.moveTo(point);
        else
            path.lineTo(point);
    }
    painter->setPen(QPen(colour, 1.2));
    painter->drawPath(path);
}

void drawBar(QPainter *painter, const QRectF &area, double fraction, const QColor &track, const QColor &fill)
{
    const QRectF bar(area.left(), area.center().y() - 3, area.width(), 6);
    painter->setPen(Qt::NoPen);
    painter->setBrush(track);
    painter->drawRoundedRect(bar, 2, 2);
    painter->setBrush(fill);
    painter->drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * std::clamp(fraction, 0.0, 1.0), bar.height()),
                             2, 2);
}

} // namespace

void UsageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant history = index.data(UsageHistoryRole);
    const QVariant fraction = index.data(UsageFractionRole);
    if (!history.isValid() && !fraction.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem textOption = option;
    textOption.rect.setRight(option.rect.right() - PictureWidth - 6);
    QStyledItemDelegate::paint(painter, textOption, index);
    const QRectF area(option.rect.right() - PictureWidth - 2, option.rect.top() + 4, PictureWidth,
                      option.rect.height() - 8);
    const bool selected = option.state & QStyle::State_Selected;
    const QColor ink = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Highlight);
    QColor track = option.palette.color(QPalette::Text);
    track.setAlphaF(0.15);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (history.isValid())
        drawSparkline(painter, area, history.toList(), ink);
    else
        drawBar(painter, area, fraction.toDouble(), track, ink);
    painter->restore();
}

QSize UsageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(UsageHistoryRole).isValid() || index.data(UsageFractionRole).isValid())
        size.rwidth() += PictureWidth + 8;
    return size;
}

} // namespace Lucent::Ui
