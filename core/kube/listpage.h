#pragma once

#include "core/kube/apierror.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace Lucent::Core::Kube {

/// One page of a list answer: its items, and where the next page and the watch start.
struct ListPage {
    QList<QJsonObject> items;
    QString resourceVersion;
    QString continueToken; ///< empty on the last page
    ApiError apiError; ///< set when the answer is not a list
};

/// Decodes a list answer (gzip-compressed when @p gzip) off the GUI thread. An answer that is
/// not JSON, or has no items array, gives a Decode error naming @p operation.
ListPage decodeListPage(const QByteArray &raw, bool gzip, const QString &operation);

} // namespace Lucent::Core::Kube
