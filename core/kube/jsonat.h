#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1String>

#include <initializer_list>

namespace Lucent::Core::Kube {

/// The value at @p path in @p object ({"metadata", "labels", "app"}); undefined where a key is
/// missing or a value on the way is not an object.
inline QJsonValue jsonAt(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonValue value = object;
    for (const char *key : path)
        value = value.toObject().value(QLatin1String(key));
    return value;
}

} // namespace Lucent::Core::Kube
