// libFuzzer target: any bytes as a kubeconfig file through the loader (the YAML and its bounds,
// clusters, users, contexts, exec and auth-provider entries, every problem's sentence). A
// kubeconfig comes from wherever KUBECONFIG points: a crash, a sanitizer report, a hang or a
// blow-up is a finding.

#include "core/kube/kubeconfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using Lucent::Core::Kube::Kubeconfig;
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const Kubeconfig config = Kubeconfig::parse(text, QStringLiteral("fuzz.yaml"));
    for (const auto &problem : config.problems)
        (void)problem.sentence();
    return 0;
}
