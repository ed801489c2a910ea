#include "ui/about/libraryversions.h"

#include "ui/yaml/syntaxrepository.h"

namespace Lucent::Ui {

QList<Lucent::Core::ComponentVersion> linkedLibraryVersions()
{
    auto versions = Lucent::Core::coreComponentVersions();
    versions.append({QStringLiteral("KSyntaxHighlighting"), QString::fromLatin1(syntaxHighlightingVersion())});
    return versions;
}

} // namespace Lucent::Ui
