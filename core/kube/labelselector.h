#pragma once

#include <QJsonObject>
#include <QStringList>

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

/// "app=wallet-service,color=blue": @p matchLabels as kubectl prints a selector.
inline QString selectorText(const QJsonObject &matchLabels)
{
    QStringList parts;
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value().toString());
    return parts.join(QLatin1Char(','));
}

} // namespace Lucent::Core::Kube
