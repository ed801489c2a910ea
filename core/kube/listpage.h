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

/// The continue token of a list answer, read from the metadata at its start without decoding
/// the items (the API server writes a list's metadata before its items), so that the next page
/// can be asked for while this one decodes. Empty when there is none, or when it is not a
/// plain string there; the decoded page is the authority either way.
QString peekContinueToken(const QByteArray &raw, bool gzip);

} // namespace Lucent::Core::Kube
