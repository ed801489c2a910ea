#include "core/release/serviceselection.h"

#include "core/kube/labelselector.h"

namespace Lucent::Core::Release {

namespace {

QJsonObject metadata(const QJsonObject &object)
{
    return object.value(QLatin1String("metadata")).toObject();
}

} // namespace

QString ServiceSelection::selectorText() const
{
    return Kube::selectorText(selector);
}

ServiceSelection serviceSelection(const QString &service, const QList<QJsonObject> &services,
                                  const QList<QJsonObject> &pods)
{
    ServiceSelection selection;
    for (const QJsonObject &candidate : services) {
        if (metadata(candidate).value(QLatin1String("name")).toString() != service)
            continue;
        selection.serviceFound = true;
        selection.selector
            = candidate.value(QLatin1String("spec")).toObject().value(QLatin1String("selector")).toObject();
        break;
    }
    if (!selection.serviceFound)
        return selection;
    for (const QJsonObject &pod : pods) {
        if (Kube::selectorMatches(selection.selector, metadata(pod).value(QLatin1String("labels")).toObject()))
            selection.pods.append(metadata(pod).value(QLatin1String("name")).toString());
    }
    selection.pods.sort();
    return selection;
}

} // namespace Lucent::Core::Release
