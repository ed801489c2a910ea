#pragma once

#include "core/commandline/commandline.h"

#include <cstdio>

namespace Lucent::Core {

/// "lucent-console validate": validates the paths, prints the report to @p out and
/// sentences about unusable input to @p err. Returns 0 without errors, 1 with errors and
/// 2 when the project file is broken. Needs a QCoreApplication for the project file lookup.
int runValidateCommand(const CommandLine &options, std::FILE *out, std::FILE *err);

} // namespace Lucent::Core
