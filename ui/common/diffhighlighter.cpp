#include "ui/common/diffhighlighter.h"

namespace Lucent::Ui {

DiffHighlighter::DiffHighlighter(QTextDocument *document, bool dark)
    : QSyntaxHighlighter(document)
    , m_dark(dark)
{
}

DiffHighlighter::LineKind DiffHighlighter::kindOf(const QString &line)
{
    if (line.startsWith(QLatin1String("+++")) || line.startsWith(QLatin1String("---")))
        return LineKind::Context;
    if (line.startsWith(QLatin1String("@@")))
        return LineKind::Hunk;
    if (line.startsWith(QLatin1Char('+')))
        return LineKind::Added;
    if (line.startsWith(QLatin1Char('-')))
        return LineKind::Removed;
    return LineKind::Context;
}

void DiffHighlighter::highlightBlock(const QString &text)
{
    QTextCharFormat format;
    switch (kindOf(text)) {
    case LineKind::Context: return;
    case LineKind::Added:
        format.setForeground(m_dark ? QColor(0x8f, 0xdc, 0x9a) : QColor(0x1a, 0x7f, 0x37));
        format.setBackground(m_dark ? QColor(0x1f, 0x3a, 0x26) : QColor(0xe6, 0xff, 0xec));
        break;
    case LineKind::Removed:
        format.setForeground(m_dark ? QColor(0xff, 0xa1, 0x98) : QColor(0xb3, 0x1d, 0x28));
        format.setBackground(m_dark ? QColor(0x45, 0x1f, 0x22) : QColor(0xff, 0xeb, 0xe9));
        break;
    case LineKind::Hunk: format.setForeground(m_dark ? QColor(0x79, 0xb8, 0xff) : QColor(0x05, 0x50, 0xae)); break;
    }
    setFormat(0, int(text.size()), format);
}

} // namespace Lucent::Ui
