#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace Lucent::Tests {

/// The one machine-readable line every benchmark ends with, to compare runs and commits:
/// BENCH {"name": ..., "figures": {...}}
inline void printBench(const char *name, const QJsonObject &figures)
{
    const QJsonObject line{{QStringLiteral("name"), QString::fromUtf8(name)}, {QStringLiteral("figures"), figures}};
    std::printf("BENCH %s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

/// A field of /proc/self/status in kB (VmRSS:, VmHWM:), or -1.
inline qint64 procStatusKb(const char *field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

/// Starts VmHWM over (Linux 4.0+), so that each phase's peak is its own.
inline void resetPeakMemory()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
}

} // namespace Lucent::Tests
