#include "core/about/componentversions.h"

#include <spdlog/version.h>

#include <QtGlobal>

namespace Lucent::Core {

QString applicationVersion()
{
    return QStringLiteral(LUCENT_VERSION_STRING);
}

QList<ComponentVersion> coreComponentVersions()
{
    return {
        {QStringLiteral("Qt"), QString::fromLatin1(qVersion())},
        // yaml-cpp has no version API; CMake passes the version of the package it linked.
        {QStringLiteral("yaml-cpp"), QStringLiteral(LUCENT_YAML_CPP_VERSION)},
        {QStringLiteral("spdlog"),
         QStringLiteral("%1.%2.%3").arg(SPDLOG_VER_MAJOR).arg(SPDLOG_VER_MINOR).arg(SPDLOG_VER_PATCH)},
    };
}

} // namespace Lucent::Core
