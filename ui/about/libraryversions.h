#pragma once

#include "core/about/componentversions.h"

namespace Lucent::Ui {

/// Every library the console links that a bug report should name: core's (Qt, yaml-cpp,
/// spdlog) and KSyntaxHighlighting.
QList<Lucent::Core::ComponentVersion> linkedLibraryVersions();

} // namespace Lucent::Ui
