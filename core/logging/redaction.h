#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace Lucent::Core::Redaction {

/// The text that stands in for a removed secret.
inline constexpr auto Marker = "<redacted>";

/// Returns @p text with credentials replaced by Marker: Authorization header values, bearer
/// tokens, JSON Web Tokens, PEM private keys, passwords in URLs, and the values of keys that
/// kubeconfig files and HTTP APIs use for secrets (token, password, client-key-data, ...).
/// Everything else is left as it was, so that a redacted log line still explains itself.
QString redact(const QString &text);

/// UTF-8 convenience for the logging sinks.
std::string redact(std::string_view utf8);

/// Returns the value to log for an HTTP header: the value itself, or Marker for headers that
/// carry credentials (Authorization, Proxy-Authorization, Cookie, X-Api-Key, ...).
QString headerValueForLog(const QString &name, const QString &value);

} // namespace Lucent::Core::Redaction
