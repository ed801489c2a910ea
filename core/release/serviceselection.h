#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace Lucent::Core::Release {

/// What a Service's selector picks now: the pods that would receive its traffic.
struct ServiceSelection {
    bool serviceFound = false;
    QJsonObject selector; ///< spec.selector
    QStringList pods; ///< names, sorted

    /// "app=wallet-service,color=blue"
    QString selectorText() const;
};

/// The Service named @p service among @p services, and which of @p pods its selector
/// selects. A Service without a selector selects nothing (it has no endpoints).
ServiceSelection serviceSelection(const QString &service, const QList<QJsonObject> &services,
                                  const QList<QJsonObject> &pods);

} // namespace Lucent::Core::Release
