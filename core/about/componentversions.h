#pragma once

#include <QList>
#include <QString>

namespace Lucent::Core {

/// A library the console is built with, and the version it runs with.
struct ComponentVersion {
    QString name;
    QString version;
};

/// The console's own version, e.g. "0.1.0".
QString applicationVersion();

/// Versions of the libraries core links: Qt (the runtime library actually loaded), yaml-cpp
/// and spdlog (the versions found at configure time, which these header-versioned libraries
/// are linked at).
QList<ComponentVersion> coreComponentVersions();

} // namespace Lucent::Core
