#pragma once

#include <QString>

namespace YAML {
class Node;
}

// What a parsed YAML document may expand to before anything walks it. yaml-cpp resolves an
// alias by sharing the anchored node: an alias inside its own anchor makes a cycle, and nested
// aliases ("billion laughs") a graph whose walk is exponential. Every reader of outside YAML
// (manifests, kubeconfigs, lucent.yaml) asks here first, so that no recursive walk of theirs
// ever meets such a graph.
namespace Lucent::Core::YamlBounds {

/// Deeper than any manifest or kubeconfig nests (a CRD's schema is about 30 levels); a cycle
/// reaches it at once.
constexpr int MaxDepth = 256;
/// Nodes after alias expansion: ten times a large CRD, walked in well under a second.
constexpr qint64 MaxNodes = 1'000'000;

/// Empty when @p root stays within the bounds; else a sentence saying which was crossed and
/// what it usually means. Walks without recursion, and stops at the first bound crossed.
QString problem(const YAML::Node &root, int maxDepth = MaxDepth, qint64 maxNodes = MaxNodes);

} // namespace Lucent::Core::YamlBounds
