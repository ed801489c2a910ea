// libFuzzer target: any bytes as a kubeconfig file through the loader (the YAML and its bounds,
// clusters, users, contexts, exec and auth-provider entries, every problem's sentence), then
// every context through the connection resolver (inline certificates, keys, proxy URLs). A
// kubeconfig comes from wherever KUBECONFIG points: a crash, a sanitizer report, a hang or a
// blow-up is a finding.

#include "core/kube/clusterconnection.h"
#include "core/kube/kubeconfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using Lucent::Core::Kube::ConnectionResolver;
    using Lucent::Core::Kube::Kubeconfig;
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const Kubeconfig config = Kubeconfig::parse(text, QStringLiteral("fuzz.yaml"));
    for (const auto &problem : config.problems)
        (void)problem.sentence();
    for (const auto &context : config.contexts) {
        QString error;
        (void)ConnectionResolver::resolve(config, context.name, &error);
    }
    return 0;
}
