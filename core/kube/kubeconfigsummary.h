#pragma once

#include "core/kube/kubeconfig.h"

namespace Lucent::Core::Kube {

/// A YAML description of one context, its cluster and how its user authenticates, for
/// display. It is built from the parsed model, which holds no credentials, so it cannot
/// show a token or key even by mistake. Empty when the context is unknown.
QString contextSummaryYaml(const Kubeconfig &config, const QString &contextName);

} // namespace Lucent::Core::Kube
