// libFuzzer target: any text as a matcher typed into the silence dialog. A matcher that parses
// must read back as itself: the console shows matchers as text, and an engineer copies that
// text into a new silence. A difference is a finding (abort), as is a crash or a hang.

#include "core/prometheus/silence.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core::Prometheus;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const auto matcher = SilenceMatcher::parse(text, &error);
    if (!matcher)
        return 0;
    (void)matcher->matches({{QStringLiteral("app"), QStringLiteral("wallet-service")}});
    QString again;
    const auto reread = SilenceMatcher::parse(matcher->toString(), &again);
    if (!reread || reread->name != matcher->name || reread->value != matcher->value
        || reread->isRegex != matcher->isRegex || reread->isEqual != matcher->isEqual)
        std::abort();
    return 0;
}
