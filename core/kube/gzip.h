#pragma once

#include <QByteArray>

#include <optional>

namespace Lucent::Core::Kube {

/// Inflates a gzip body. Empty when it is not valid gzip or would exceed @p limit bytes
/// (a small answer that inflates to gigabytes is an attack, not a pod list).
std::optional<QByteArray> gunzip(const QByteArray &compressed, qsizetype limit = qsizetype(1) << 30);

} // namespace Lucent::Core::Kube
