#include "core/bounds/yamlbounds.h"

#include <yaml-cpp/yaml.h>

#include <utility>
#include <vector>

namespace Lucent::Core::YamlBounds {

QString problem(const YAML::Node &root, int maxDepth, qint64 maxNodes)
{
    // An explicit stack: the walk that guards the recursive ones must not recurse itself.
    std::vector<std::pair<YAML::Node, int>> pending{{root, 0}};
    qint64 nodes = 0;
    while (!pending.empty()) {
        auto [node, depth] = std::move(pending.back());
        pending.pop_back();
        if (++nodes > maxNodes)
            return QStringLiteral("the YAML expands to more than %1 nodes: its aliases (*name) repeat anchored "
                                  "nodes (&name) inside each other, as a \"billion laughs\" document does. Write the "
                                  "values out, or remove the nested aliases.")
                .arg(maxNodes);
        if (depth > maxDepth)
            return QStringLiteral("the YAML nests deeper than %1 levels, or an alias (*name) refers to a node that "
                                  "contains it, which never ends. Remove the alias from inside its own anchor (&name).")
                .arg(maxDepth);
        if (node.IsMap()) {
            for (auto it = node.begin(); it != node.end(); ++it) {
                pending.emplace_back(it->first, depth + 1);
                pending.emplace_back(it->second, depth + 1);
            }
        } else if (node.IsSequence()) {
            for (auto it = node.begin(); it != node.end(); ++it)
                pending.emplace_back(*it, depth + 1);
        }
    }
    return {};
}

} // namespace Lucent::Core::YamlBounds
