#pragma once

#include <QString>

#include <spdlog/common.h>
#include <spdlog/logger.h>

#include <memory>
#include <optional>
#include <vector>

namespace Lucent::Core::Logging {

/// How the process logs. Defaults suit the desktop application; tests add their own sinks.
struct Options {
    spdlog::level::level_enum level = spdlog::level::info;
    /// Directory of the rotating log file; empty means stateDirectory().
    QString directory;
    bool console = true;
    bool file = true;
    std::size_t maxFileBytes = std::size_t{5} * 1024 * 1024;
    std::size_t maxFiles = 3;
    /// Extra sinks (tests); like the others they only ever see redacted messages.
    std::vector<spdlog::sink_ptr> extraSinks;
};

/// Parses a --log-level value (trace, debug, info, warn, error, critical, off).
std::optional<spdlog::level::level_enum> parseLevel(const QString &name);

/// $XDG_STATE_HOME/lucent-console, or ~/.local/state/lucent-console.
QString stateDirectory();

/// Sets up the sinks and routes Qt's own messages (qWarning and friends) through them.
/// Returns an error sentence when the log file cannot be opened; logging then carries on
/// without the file.
std::optional<QString> initialize(const Options &options);

/// The logger of one component, e.g. "lucent.core.kube". Loggers made before initialize()
/// are attached to the sinks when it runs.
std::shared_ptr<spdlog::logger> logger(const std::string &component);

/// Full path of the current log file, empty when file logging is off.
QString logFilePath();

/// Flushes and detaches every sink; Qt messages go back to Qt's default handler.
void shutdown();

} // namespace Lucent::Core::Logging
