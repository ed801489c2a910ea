#pragma once

class QPalette;

namespace KSyntaxHighlighting {
class Repository;
class SyntaxHighlighter;
} // namespace KSyntaxHighlighting

namespace Lucent::Ui {

/// The process-wide KSyntaxHighlighting repository. Loading the definitions takes a moment,
/// so every view shares one, created on first use on the GUI thread.
KSyntaxHighlighting::Repository &syntaxRepository();

/// Gives @p highlighter the default light or dark theme, whichever suits @p palette's base
/// colour, and rehighlights when that changes the theme.
void applyPaletteTheme(KSyntaxHighlighting::SyntaxHighlighter *highlighter, const QPalette &palette);

/// The KSyntaxHighlighting version the console is linked with.
const char *syntaxHighlightingVersion();

} // namespace Lucent::Ui
