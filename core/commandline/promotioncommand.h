#pragma once

#include "core/commandline/commandline.h"

#include <cstdio>

namespace Lucent::Core {

/// Parses "promotion status|resume|abort|history [options]" (@p arguments start with the
/// program name, followed by the subcommand).
CommandLine parsePromotion(const QStringList &arguments);

/// Runs a "promotion" subcommand:
/// - status: who holds the environment's promotion lock and what its journal says;
/// - resume: completes an interrupted promotion from the cluster's journal (from any machine);
/// - abort: rolls an interrupted promotion back;
/// - history: the promotions this machine ran in the environment, from the local journals.
/// Exit codes as for promote. Needs a QCoreApplication.
int runPromotionCommand(const CommandLine &options, std::FILE *out, std::FILE *err);

} // namespace Lucent::Core
