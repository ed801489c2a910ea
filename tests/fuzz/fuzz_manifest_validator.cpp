// libFuzzer target: any bytes as a manifest file through the validator end to end (the YAML
// parse and its bounds, the multi-document split, the schema check against the built-in
// Kubernetes schema, every policy rule, and the report in all three formats). The Manifests
// tab runs the same code on a worker as the user types, and `validate` on files a colleague
// sends: a crash, a sanitizer report, a hang (-timeout) or a blow-up (-rss_limit_mb) is a finding.

#include "core/validation/reportformat.h"
#include "core/validation/validator.h"

#include <cstddef>
#include <cstdint>

namespace {

/// The production namespace makes the production-only rules run too.
Lucent::Core::Validation::Validator &validator()
{
    static Lucent::Core::Validation::Validator instance = [] {
        Lucent::Core::Validation::ValidationSettings settings;
        settings.productionNamespaces = {QStringLiteral("lucent-platform")};
        return Lucent::Core::Validation::Validator(settings);
    }();
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Lucent::Core::Validation;
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const ValidationResult result = validator().validate({{QStringLiteral("fuzz.yaml"), text}});
    (void)formatText(result);
    (void)formatJson(result);
    (void)formatSarif(result, QStringLiteral("/"), QStringLiteral("fuzz"));
    return 0;
}
