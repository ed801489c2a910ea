#include "core/logging/redactingsink.h"

#include "core/logging/redaction.h"

namespace Lucent::Core {

RedactingSink::RedactingSink(std::vector<spdlog::sink_ptr> targets)
    : m_targets(std::move(targets))
{
}

void RedactingSink::sink_it_(const spdlog::details::log_msg &msg)
{
    const std::string clean = Redaction::redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    for (const auto &target : m_targets) {
        if (target->should_log(copy.level))
            target->log(copy);
    }
}

void RedactingSink::flush_()
{
    for (const auto &target : m_targets)
        target->flush();
}

void RedactingSink::set_pattern_(const std::string &pattern)
{
    for (const auto &target : m_targets)
        target->set_pattern(pattern);
}

void RedactingSink::set_formatter_(std::unique_ptr<spdlog::formatter> formatter)
{
    for (const auto &target : m_targets)
        target->set_formatter(formatter->clone());
}

} // namespace Lucent::Core
