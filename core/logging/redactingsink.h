#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <vector>

namespace Lucent::Core {

/// A spdlog sink that removes credentials from every message before passing it on to the
/// sinks it wraps. All of the console's loggers write through one of these, so a secret that
/// a caller forgot to redact still never reaches the terminal or the log file.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit RedactingSink(std::vector<spdlog::sink_ptr> targets);

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override;
    void flush_() override;
    void set_pattern_(const std::string &pattern) override;
    void set_formatter_(std::unique_ptr<spdlog::formatter> formatter) override;

private:
    std::vector<spdlog::sink_ptr> m_targets;
};

} // namespace Lucent::Core
