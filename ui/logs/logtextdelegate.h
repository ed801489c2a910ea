#pragma once

#include <QHash>
#include <QRawFont>
#include <QStyledItemDelegate>

#include <array>

namespace Lucent::Ui {

/// Draws the cells of the log table. Under a flood every visible row is new in every frame,
/// and laying out each line through the text engine (shaping, then eliding) was most of the
/// table's paint time. Lines of printable ASCII - nearly every log line - are drawn as glyph
/// runs from a per-font table instead: no shaping, only as many glyphs as the cell shows, and
/// an ellipsis where the line goes on. Anything else (other scripts, tabs, icons) takes the
/// style's own path, cut to what the cell's width can show.
class LogTextDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// How many characters of printable-ASCII @p text a cell @p width pixels wide shows in
    /// @p font, and whether an ellipsis follows them (-1: this font is left to the text engine).
    qsizetype visibleCharacters(const QFont &font, const QString &text, qreal width, bool *elided) const;

private:
    struct AsciiGlyphs {
        QRawFont font;
        std::array<quint32, 95> index{}; ///< glyph of each character from ' ' to '~'
        std::array<qreal, 95> advance{};
        quint32 ellipsis = 0;
        qreal ellipsisAdvance = 0;
    };
    struct AsciiRun {
        QList<quint32> indexes;
        QList<QPointF> positions;
        bool elided = false;
    };
    const AsciiGlyphs &glyphsFor(const QFont &font) const;
    static bool usable(const AsciiGlyphs &glyphs);
    static AsciiRun layout(const AsciiGlyphs &glyphs, const QString &text, qreal width);
    bool drawAscii(QPainter *painter, const QStyleOptionViewItem &cell, const QString &text) const;

    mutable QHash<QString, AsciiGlyphs> m_glyphs; ///< by QFont::key()
};

} // namespace Lucent::Ui
