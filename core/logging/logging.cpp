#include "core/logging/logging.h"

#include "core/logging/redactingsink.h"

#include <QDir>
#include <QMutex>
#include <QStandardPaths>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace Lucent::Core::Logging {

namespace {

struct State {
    QMutex mutex;
    spdlog::sink_ptr sink; // the RedactingSink every logger writes to
    spdlog::level::level_enum level = spdlog::level::info;
    QString filePath;
    QtMessageHandler previousHandler = nullptr;
};

State &state()
{
    static State s;
    return s;
}

constexpr auto Pattern = "%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v";

spdlog::level::level_enum levelForQt(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return spdlog::level::debug;
    case QtInfoMsg: return spdlog::level::info;
    case QtWarningMsg: return spdlog::level::warn;
    case QtCriticalMsg: return spdlog::level::err;
    case QtFatalMsg: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

void qtMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *category = context.category && *context.category ? context.category : "qt";
    logger(std::string("lucent.qt.") + category)->log(levelForQt(type), message.toStdString());
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

std::optional<spdlog::level::level_enum> parseLevel(const QString &name)
{
    const QString n = name.trimmed().toLower();
    const std::pair<const char *, spdlog::level::level_enum> levels[] = {
        {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},  {"info", spdlog::level::info},
        {"warn", spdlog::level::warn},         {"warning", spdlog::level::warn}, {"error", spdlog::level::err},
        {"critical", spdlog::level::critical}, {"off", spdlog::level::off},
    };
    for (const auto &[label, level] : levels) {
        if (n == QLatin1String(label))
            return level;
    }
    return std::nullopt;
}

QString stateDirectory()
{
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.local/state");
    return base + QStringLiteral("/lucent-console");
}

std::optional<QString> initialize(const Options &options)
{
    std::optional<QString> problem;
    std::vector<spdlog::sink_ptr> targets;
    if (options.console)
        targets.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());

    QString filePath;
    if (options.file) {
        const QString dir = options.directory.isEmpty() ? stateDirectory() : options.directory;
        filePath = dir + QStringLiteral("/lucent-console.log");
        if (!QDir().mkpath(dir)) {
            problem = QStringLiteral("Cannot create the log directory %1; logging to the terminal only. "
                                     "Check its permissions or set XDG_STATE_HOME.")
                          .arg(dir);
            filePath.clear();
        } else {
            try {
                targets.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    filePath.toStdString(), options.maxFileBytes, options.maxFiles));
            } catch (const spdlog::spdlog_ex &e) {
                problem = QStringLiteral("Cannot open the log file %1 (%2); logging to the terminal only.")
                              .arg(filePath, QString::fromStdString(e.what()));
                filePath.clear();
            }
        }
    }
    for (const auto &extra : options.extraSinks)
        targets.push_back(extra);

    auto sink = std::make_shared<RedactingSink>(std::move(targets));
    sink->set_pattern(Pattern);

    auto &s = state();
    {
        QMutexLocker lock(&s.mutex);
        s.sink = sink;
        s.level = options.level;
        s.filePath = filePath;
    }
    // Loggers created earlier (static initialisers, tests) move to the new sinks.
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger> &l) {
        l->sinks().assign(1, sink);
        l->set_level(options.level);
    });
    spdlog::flush_on(spdlog::level::warn);
    QtMessageHandler previous = qInstallMessageHandler(qtMessageHandler);
    if (previous != qtMessageHandler)
        s.previousHandler = previous;
    return problem;
}

std::shared_ptr<spdlog::logger> logger(const std::string &component)
{
    auto &s = state();
    QMutexLocker lock(&s.mutex);
    if (auto existing = spdlog::get(component))
        return existing;
    std::vector<spdlog::sink_ptr> sinks;
    if (s.sink)
        sinks.push_back(s.sink);
    auto created = std::make_shared<spdlog::logger>(component, sinks.begin(), sinks.end());
    created->set_level(s.level);
    spdlog::register_logger(created);
    return created;
}

QString logFilePath()
{
    auto &s = state();
    QMutexLocker lock(&s.mutex);
    return s.filePath;
}

void shutdown()
{
    auto &s = state();
    qInstallMessageHandler(s.previousHandler);
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger> &l) { l->flush(); });
    spdlog::drop_all();
    QMutexLocker lock(&s.mutex);
    s.sink.reset();
    s.filePath.clear();
}

} // namespace Lucent::Core::Logging
