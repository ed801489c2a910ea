#pragma once

#include <QSyntaxHighlighter>

namespace Lucent::Ui {

/// Colours a unified diff: added lines green, removed lines red, hunk headers blue, with
/// variants for light and dark palettes. File headers ("--- a", "+++ b") stay plain.
class DiffHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffHighlighter)

public:
    explicit DiffHighlighter(QTextDocument *document, bool dark);

    /// What a line of a diff is, judged by its first characters.
    enum class LineKind { Context, Added, Removed, Hunk };
    static LineKind kindOf(const QString &line);

protected:
    void highlightBlock(const QString &text) override;

private:
    bool m_dark;
};

} // namespace Lucent::Ui
