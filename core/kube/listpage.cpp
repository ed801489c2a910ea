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

QString peekContinueToken(const QByteArray &raw, bool gzip)
{
    // Metadata (selfLink, resourceVersion, continue, remainingItemCount) is a few hundred bytes.
    constexpr qsizetype HeadBytes = 4096;
    const QByteArray head = gzip ? gunzipPrefix(raw, HeadBytes) : raw.left(HeadBytes);
    const qsizetype items = head.indexOf("\"items\"");
    const qsizetype metadata = head.indexOf("\"metadata\"");
    if (items < 0 || metadata < 0 || metadata > items)
        return {};
    const QByteArrayView before = QByteArrayView(head).first(items);
    qsizetype at = before.indexOf("\"continue\"");
    if (at < metadata)
        return {};
    at += qsizetype(sizeof "\"continue\"") - 1;
    auto skipSpaces = [&] {
        while (at < before.size()
               && (before[at] == ' ' || before[at] == '\n' || before[at] == '\r' || before[at] == '\t'))
            ++at;
    };
    skipSpaces();
    if (at >= before.size() || before[at++] != ':')
        return {};
    skipSpaces();
    if (at >= before.size() || before[at++] != '"')
        return {};
    const qsizetype end = before.indexOf('"', at);
    if (end < 0)
        return {};
    const QByteArrayView token = before.sliced(at, end - at);
    if (token.contains('\\'))
        return {}; // escaped: leave it to the decoder
    return QString::fromUtf8(token);
}

} // namespace Lucent::Core::Kube
