#include "core/kube/listpage.h"

#include "core/kube/gzip.h"
#include "core/kube/kuberequest.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Lucent::Core::Kube {

ListPage decodeListPage(const QByteArray &raw, bool gzip, const QString &operation)
{
    ListPage page;
    QJsonParseError parseError{};
    const QJsonDocument document
        = QJsonDocument::fromJson(gzip ? gunzip(raw, MaxAnswerBytes).value_or(QByteArray()) : raw, &parseError);
    const QJsonObject root = document.object();
    if (parseError.error != QJsonParseError::NoError || !root.value(QLatin1String("items")).isArray()) {
        page.apiError = ApiError::decode(parseError.error != QJsonParseError::NoError
                                             ? QStringLiteral("the list is not JSON: %1").arg(parseError.errorString())
                                             : QStringLiteral("the list has no items array"),
                                         operation);
        return page;
    }
    const QJsonObject metadata = root.value(QLatin1String("metadata")).toObject();
    page.resourceVersion = metadata.value(QLatin1String("resourceVersion")).toString();
    page.continueToken = metadata.value(QLatin1String("continue")).toString();
    const QJsonArray items = root.value(QLatin1String("items")).toArray();
    page.items.reserve(items.size());
    for (const auto &item : items)
        page.items.append(item.toObject());
    return page;
}

} // namespace Lucent::Core::Kube
