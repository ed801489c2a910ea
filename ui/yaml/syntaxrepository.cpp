#include "ui/yaml/syntaxrepository.h"

#include <KSyntaxHighlighting/Repository>
#include <ksyntaxhighlighting_version.h>

namespace Lucent::Ui {

KSyntaxHighlighting::Repository &syntaxRepository()
{
    static KSyntaxHighlighting::Repository repository;
    return repository;
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
