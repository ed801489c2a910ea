#include "ui/yaml/syntaxrepository.h"

#include "ui/common/palette.h"

#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#include <ksyntaxhighlighting_version.h>

#include <QPalette>

namespace Lucent::Ui {

KSyntaxHighlighting::Repository &syntaxRepository()
{
    static KSyntaxHighlighting::Repository repository;
    return repository;
}

void applyPaletteTheme(KSyntaxHighlighting::SyntaxHighlighter *highlighter, const QPalette &palette)
{
    const bool dark = isDark(palette);
    const auto theme = syntaxRepository().defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                                            : KSyntaxHighlighting::Repository::LightTheme);
    if (theme.name() == highlighter->theme().name())
        return;
    highlighter->setTheme(theme);
    highlighter->rehighlight();
}

const char *syntaxHighlightingVersion()
{
    // KF6 spells the macro in capitals; the Qt 6 build of 5.116 keeps the KF5 spelling.
#if defined(KSYNTAXHIGHLIGHTING_VERSION_STRING)
    return KSYNTAXHIGHLIGHTING_VERSION_STRING;
#else
    return SyntaxHighlighting_VERSION_STRING;
#endif
}

} // namespace Lucent::Ui
