#include "core/logging/redaction.h"

#include <QRegularExpression>

#include <array>

namespace Lucent::Core::Redaction {

namespace {

struct Rule {
    QRegularExpression pattern;
    QString replacement;
};

// Key names whose values are secrets, in the spellings that kubeconfig, exec credential
// plugins, OAuth responses and our own configuration use.
constexpr auto SecretKeys = "token|id-token|refresh-token|access-token|access_token|refresh_token|id_token|"
                            "password|passwd|secret|client-key-data|client-key|api-key|apikey|api_key|"
                            "private-key|private_key|clientKeyData|bearerToken";

const std::array<Rule, 7> &rules()
{
    using Opt = QRegularExpression::PatternOption;
    const auto keys = QString::fromLatin1(SecretKeys);
    const auto marker = QString::fromLatin1(Marker);
    static const std::array<Rule, 7> table{{
        // PEM private keys, whatever their algorithm; the whole block goes.
        {QRegularExpression(QStringLiteral("-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----"),
                            Opt::DotMatchesEverythingOption),
         QStringLiteral("-----BEGIN \\1PRIVATE KEY----- ") + marker + QStringLiteral(" -----END \\1PRIVATE KEY-----")},
        // Header lines: keep the scheme word so the reader knows what kind of credential it was.
        {QRegularExpression(
             QStringLiteral(
                 "\\b((?:proxy-)?authorization)(\\s*[:=]\\s*)(?:(bearer|basic|negotiate|digest)\\s+)?[^\\s,;\"']+"),
             Opt::CaseInsensitiveOption),
         QStringLiteral("\\1\\2\\3 ") + marker},
        {QRegularExpression(QStringLiteral("\\b(bearer|basic)\\s+(?!<redacted>)[A-Za-z0-9._~+/=-]{8,}"),
                            Opt::CaseInsensitiveOption),
         QStringLiteral("\\1 ") + marker},
        // JSON Web Tokens (service-account and OIDC tokens) wherever they stand.
        {QRegularExpression(QStringLiteral("\\beyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*")), marker},
        // "key": "value" (JSON) and key: value (YAML), key=value (query strings, env).
        {QRegularExpression(QStringLiteral("(\"(?:") + keys + QStringLiteral(")\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\""),
                            Opt::CaseInsensitiveOption),
         QStringLiteral("\\1\"") + marker + QStringLiteral("\"")},
        {QRegularExpression(QStringLiteral("(?<![\\w-])((?:") + keys
                                + QStringLiteral(")\\s*[:=]\\s*)(?![\\s\"]|<redacted>)[^\\s,;&}]+"),
                            Opt::CaseInsensitiveOption),
         QStringLiteral("\\1") + marker},
        // scheme://user:password@host
        {QRegularExpression(QStringLiteral("\\b([a-z][a-z0-9+.-]*://[^/\\s:@]+):[^/\\s@]+@"),
                            Opt::CaseInsensitiveOption),
         QStringLiteral("\\1:") + marker + QStringLiteral("@")},
    }};
    return table;
}

} // namespace

QString redact(const QString &text)
{
    QString result = text;
    for (const auto &rule : rules())
        result.replace(rule.pattern, rule.replacement);
    return result;
}

std::string redact(std::string_view utf8)
{
    const QString in = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size()));
    return redact(in).toStdString();
}

QString headerValueForLog(const QString &name, const QString &value)
{
    static const QStringList secretHeaders{
        QStringLiteral("authorization"), QStringLiteral("proxy-authorization"), QStringLiteral("cookie"),
        QStringLiteral("set-cookie"),    QStringLiteral("x-api-key"),           QStringLiteral("x-auth-token"),
    };
    if (secretHeaders.contains(name.trimmed().toLower()))
        return QString::fromLatin1(Marker);
    return redact(value);
}

} // namespace Lucent::Core::Redaction
