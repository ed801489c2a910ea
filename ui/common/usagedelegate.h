#pragma once

#include <QStyledItemDelegate>

namespace Lucent::Ui {

/// A figure with a picture of it: the cell's text on the left, and on the right a sparkline of
/// UsageHistoryRole (a pod's CPU over the last minutes) or a bar of UsageFractionRole (its
/// memory against its limit). A cell without either is painted as usual.
class UsageDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// Width of the picture, beside the text.
    static constexpr int PictureWidth = 56;
};

} // namespace Lucent::Ui
