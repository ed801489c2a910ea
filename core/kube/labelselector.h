#pragma once

#include <QJsonObject>

namespace Lucent::Core::Kube {

/// Whether equality-based @p matchLabels (a Deployment's selector.matchLabels, a Service's
/// selector) select an object with @p labels. An empty selector selects nothing here: a
/// Service without one has no endpoints, and a Deployment cannot have one.
inline bool selectorMatches(const QJsonObject &matchLabels, const QJsonObject &labels)
{
    if (matchLabels.isEmpty())
        return false;
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

} // namespace Lucent::Core::Kube
