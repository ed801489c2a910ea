#pragma once

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

} // namespace Lucent::Tests
