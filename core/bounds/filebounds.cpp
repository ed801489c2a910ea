#include "core/bounds/filebounds.h"

#include <QFile>

#include <sys/stat.h>

namespace Lucent::Core::FileBounds {

namespace {

QString sizeText(qsizetype bytes)
{
    return bytes >= (qsizetype(1) << 20) ? QStringLiteral("%1 MB").arg(bytes >> 20)
                                         : QStringLiteral("%1 KB").arg(bytes >> 10);
}

// Only regular files and pipes hold a document; a device never ends and a folder has no bytes.
QString kindProblem(const QString &path)
{
    struct stat status {
    };
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return {}; // QFile says why below, in its words
    if (S_ISDIR(status.st_mode))
        return QStringLiteral("is a folder, not a file");
    if (S_ISREG(status.st_mode) || S_ISFIFO(status.st_mode))
        return {};
    return QStringLiteral("is a device or socket, not a file");
}

} // namespace

std::optional<QByteArray> read(const QString &path, qsizetype maxBytes, QString *error)
{
    if (!QFile::exists(path)) {
        *error = QStringLiteral("does not exist");
        return std::nullopt;
    }
    if (const QString problem = kindProblem(path); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot be read (%1)").arg(file.errorString());
        return std::nullopt;
    }
    // In slices, so that memory follows the file and not the bound.
    QByteArray data;
    char slice[64 * 1024];
    for (;;) {
        const qint64 got = file.read(slice, sizeof slice);
        if (got < 0) {
            *error = QStringLiteral("cannot be read (%1)").arg(file.errorString());
            return std::nullopt;
        }
        if (got == 0)
            break;
        if (data.size() + got > maxBytes) {
            *error = QStringLiteral("is larger than %1, more than any file of its kind holds").arg(sizeText(maxBytes));
            return std::nullopt;
        }
        data.append(slice, got);
    }
    return data;
}

} // namespace Lucent::Core::FileBounds
