# Every dependency is REQUIRED: feature_summary(FATAL_ON_MISSING_REQUIRED_PACKAGES) at the end
# of the top-level file turns a missing one into a configure error that names it.

find_package(Qt6 6.4 COMPONENTS Core Concurrent Gui Network Widgets Charts Test)
set_package_properties(Qt6 PROPERTIES TYPE REQUIRED
    PURPOSE "Core, Network, Widgets, Charts and Test (Debian: qt6-base-dev qt6-charts-dev)")

find_package(yaml-cpp)
set_package_properties(yaml-cpp PROPERTIES TYPE REQUIRED
    PURPOSE "kubeconfig and manifest parsing (Debian: libyaml-cpp-dev)")

find_package(spdlog)
set_package_properties(spdlog PROPERTIES TYPE REQUIRED
    PURPOSE "logging to the console and a rotating file (Debian: libspdlog-dev)")

include(LucentSyntaxHighlighting)
