# Every dependency is REQUIRED: feature_summary(FATAL_ON_MISSING_REQUIRED_PACKAGES) at the end
# of the top-level file turns a missing one into a configure error that names it.

set(LUCENT_QT_COMPONENTS Core Concurrent Gui Network Widgets Charts Test)
find_package(Qt6 6.4 COMPONENTS ${LUCENT_QT_COMPONENTS})
set_package_properties(Qt6 PROPERTIES TYPE REQUIRED
    PURPOSE "Core, Network, Widgets, Charts and Test (Debian: qt6-base-dev qt6-charts-dev)")
# Qt reports a missing component as an optional package; say at once which one and why.
foreach(_lucent_component IN LISTS LUCENT_QT_COMPONENTS)
    if(NOT Qt6${_lucent_component}_FOUND)
        message(FATAL_ERROR
            "Qt 6 ${_lucent_component} was not found. Run scripts/setup-deps.sh, or install the Debian "
            "packages qt6-base-dev, libqt6opengl6-dev (Qt Charts needs it) and qt6-charts-dev.")
    endif()
endforeach()

find_package(yaml-cpp)
set_package_properties(yaml-cpp PROPERTIES TYPE REQUIRED
    PURPOSE "kubeconfig and manifest parsing (Debian: libyaml-cpp-dev)")

find_package(spdlog)
set_package_properties(spdlog PROPERTIES TYPE REQUIRED
    PURPOSE "logging to the console and a rotating file (Debian: libspdlog-dev)")

find_package(Qt6Keychain)
set_package_properties(Qt6Keychain PROPERTIES TYPE REQUIRED
    PURPOSE "Prometheus credentials in the system keychain (Debian: qtkeychain-qt6-dev)")

find_package(ZLIB)
set_package_properties(ZLIB PROPERTIES TYPE REQUIRED
    PURPOSE "gzip-compressed API answers, decoded off the GUI thread (Debian: zlib1g-dev)")

find_package(Threads)
set_package_properties(Threads PROPERTIES TYPE REQUIRED PURPOSE "the sandbox server threads")

include(LucentSyntaxHighlighting)
