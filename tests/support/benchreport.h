#pragma once

#include <QFile>

#include <QJsonDocument>
#include <QJsonObject>
#include <malloc.h>

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

/// What malloc holds: the bytes handed out and not freed (arenas and mmapped blocks), and the
/// bytes freed but kept by the arenas, in MB. RSS minus the first is not the program's data.
struct HeapFigures {
    double inUseMegabytes = 0;
    double freeHeldMegabytes = 0;
};

inline HeapFigures heapFigures()
{
    const struct mallinfo2 info = mallinfo2();
    return {double(info.uordblks + info.hblkhd) / (1024.0 * 1024.0), double(info.fordblks) / (1024.0 * 1024.0)};
}

} // namespace Lucent::Tests
