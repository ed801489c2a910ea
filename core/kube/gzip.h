#pragma once

#include <QByteArray>

#include <optional>

namespace Lucent::Core::Kube {

/// Inflates a gzip body. Empty when it is not valid gzip or would exceed @p limit bytes
/// (a small answer that inflates to gigabytes is an attack, not a pod list).
std::optional<QByteArray> gunzip(const QByteArray &compressed, qsizetype limit = qsizetype(1) << 30);

/// The first @p bytes of a gzip body, or fewer when it inflates to less; the rest is not
/// inflated. Empty when the start is not valid gzip.
QByteArray gunzipPrefix(const QByteArray &compressed, qsizetype bytes);

} // namespace Lucent::Core::Kube
