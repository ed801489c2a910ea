#pragma once

#include "core/commandline/commandline.h"

#include <cstdio>

namespace Lucent::Core {

/// Exit codes of "lucent-console promote", as documented in its --help and the README.
enum PromoteExit {
    Promoted = 0,
    FailedRolledBack = 1, ///< failed (or refused by validation) and every Service serves its old colour
    UsageOrConfiguration = 2,
    Paused = 3, ///< the analysis was inconclusive (--on-inconclusive pause): resume or abort decides
    LockHeld = 4, ///< another promotion holds the namespace's lock; nothing was changed
    Forbidden = 5, ///< a permission the promotion needs is missing (named); nothing was changed
    Inconsistent = 6, ///< the rollback failed: a human must act; the message says what is left
};

/// Parses "promote [options]", or "rollback [options]" with @p rollback (@p arguments start
/// with the program name).
CommandLine parsePromote(const QStringList &arguments, bool rollback = false);

/// Runs a blue-green promotion (or a rollback: a promotion back to the standby colour's
/// image) headless: plans it from the cluster, prints the plan, checks
/// the confirmation, runs the engine and prints one line per event (JSON lines with
/// --output json). Ctrl+C aborts and rolls back. Needs a QCoreApplication.
int runPromoteCommand(const CommandLine &options, std::FILE *out, std::FILE *err);

} // namespace Lucent::Core
