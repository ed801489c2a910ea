#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// How much of a file the console reads. Every file it opens was named by someone else: a
// kubeconfig, the certificate it points at, lucent.yaml, a manifest a colleague sent. A path
// to /dev/zero, a folder or a multi-gigabyte log must give a sentence, not a frozen worker
// or an exhausted memory.
namespace Lucent::Core::FileBounds {

/// Manifests, kubeconfigs, lucent.yaml, journals: far beyond the largest CRD bundle (a few MB).
constexpr qsizetype MaxDocumentBytes = qsizetype(64) << 20;
/// Certificates, keys and token files: a CA bundle of every public root is about 250 KB.
constexpr qsizetype MaxCredentialBytes = qsizetype(4) << 20;

/// The contents of @p path, or empty with @p error set to what is wrong ("does not exist",
/// "is a folder", "is a device", "is larger than 64 MB", the system's reason it cannot be
/// read), worded to follow "The file X ". Pipes are read (process substitution is a real
/// way to pass a kubeconfig), up to the same bound.
std::optional<QByteArray> read(const QString &path, qsizetype maxBytes, QString *error);

} // namespace Lucent::Core::FileBounds
