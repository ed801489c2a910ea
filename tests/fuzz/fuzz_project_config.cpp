// libFuzzer target: any bytes as lucent.yaml through the project file's parser (the YAML and
// its bounds, environments, the validation rules' settings, the promotion section with its
// analysis metrics and smoke test). A project file is shared in a repository and read at every
// start: a crash, a sanitizer report, a hang or a blow-up is a finding.

#include "core/environment/projectconfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using Lucent::Core::Environment::ProjectConfig;
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const ProjectConfig project = ProjectConfig::parse(text, QStringLiteral("lucent.yaml"));
    for (const auto &problem : project.problems)
        (void)problem.sentence();
    (void)project.validationSettings();
    return 0;
}
