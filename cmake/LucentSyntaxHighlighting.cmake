# KSyntaxHighlighting for Qt 6 comes either from the system (KF6SyntaxHighlighting, Debian 13
# and Ubuntu 24.04) or from scripts/setup-deps.sh, which builds KSyntaxHighlighting 5.116 with
# BUILD_WITH_QT6=ON into the user cache. That build is still called KF5SyntaxHighlighting, so
# we also make sure that what we found really links Qt 6: a Qt 5 build would load two Qt
# libraries into one process.
#
# Result: the target Lucent::SyntaxHighlighting, and LUCENT_PRIVATE_KSH_LIBRARY set to the
# shared library to ship in the .deb when the private build is used.

find_package(KF6SyntaxHighlighting QUIET)
if(KF6SyntaxHighlighting_FOUND)
    set(_lucent_ksh_target KF6::SyntaxHighlighting)
    set(LUCENT_KSH_PACKAGE KF6SyntaxHighlighting)
    set(LUCENT_KSH_VERSION "${KF6SyntaxHighlighting_VERSION}")
else()
    set(_lucent_ksh_hints "")
    if(LUCENT_DEPS_PREFIX)
        list(APPEND _lucent_ksh_hints "${LUCENT_DEPS_PREFIX}")
    endif()
    if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
        set(_lucent_cache "$ENV{XDG_CACHE_HOME}")
    else()
        set(_lucent_cache "$ENV{HOME}/.cache")
    endif()
    file(GLOB _lucent_cached LIST_DIRECTORIES true "${_lucent_cache}/lucent-console/deps/ksyntaxhighlighting-*-qt6")
    list(APPEND _lucent_ksh_hints ${_lucent_cached})

    # NO_SYSTEM_ENVIRONMENT_PATH and NO_CMAKE_SYSTEM_PATH keep CMake away from Debian's Qt 5
    # build in /usr, which carries the same package name.
    find_package(KF5SyntaxHighlighting 5.100 QUIET
        PATHS ${_lucent_ksh_hints} NO_SYSTEM_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH)
    if(KF5SyntaxHighlighting_FOUND)
        set(_lucent_ksh_target KF5::SyntaxHighlighting)
        set(LUCENT_KSH_PACKAGE KF5SyntaxHighlighting)
        set(LUCENT_KSH_VERSION "${KF5SyntaxHighlighting_VERSION}")
    endif()
endif()

if(NOT _lucent_ksh_target)
    message(FATAL_ERROR
        "KSyntaxHighlighting for Qt 6 was not found.\n"
        "Neither KF6SyntaxHighlighting (system) nor a Qt 6 build of KF5SyntaxHighlighting in the "
        "user cache (${_lucent_cache}/lucent-console/deps) is installed.\n"
        "Run scripts/setup-deps.sh, or pass -DLUCENT_DEPS_PREFIX=<prefix> of your own Qt 6 build.")
endif()

get_target_property(_lucent_ksh_links ${_lucent_ksh_target} INTERFACE_LINK_LIBRARIES)
if("${_lucent_ksh_links}" MATCHES "Qt5::")
    message(FATAL_ERROR
        "The KSyntaxHighlighting found (${_lucent_ksh_target}, ${LUCENT_KSH_VERSION}) links Qt 5 "
        "(${_lucent_ksh_links}); the console needs a Qt 6 build. Run scripts/setup-deps.sh.")
endif()

add_library(lucent_syntaxhighlighting INTERFACE)
target_link_libraries(lucent_syntaxhighlighting INTERFACE ${_lucent_ksh_target})
add_library(Lucent::SyntaxHighlighting ALIAS lucent_syntaxhighlighting)

set(LUCENT_PRIVATE_KSH_LIBRARY "")
if(LUCENT_KSH_PACKAGE STREQUAL "KF5SyntaxHighlighting")
    foreach(_config RELEASE RELWITHDEBINFO NOCONFIG DEBUG)
        get_target_property(_lucent_ksh_location ${_lucent_ksh_target} IMPORTED_LOCATION_${_config})
        if(_lucent_ksh_location)
            set(LUCENT_PRIVATE_KSH_LIBRARY "${_lucent_ksh_location}")
            get_target_property(LUCENT_PRIVATE_KSH_SONAME ${_lucent_ksh_target} IMPORTED_SONAME_${_config})
            break()
        endif()
    endforeach()
endif()

set_package_properties(${LUCENT_KSH_PACKAGE} PROPERTIES TYPE REQUIRED
    PURPOSE "YAML highlighting in the manifest views (Qt 6 build)")
message(STATUS "KSyntaxHighlighting: ${_lucent_ksh_target} ${LUCENT_KSH_VERSION} ${LUCENT_PRIVATE_KSH_LIBRARY}")

# The installed executable finds the private build through its RPATH; Debian's Qt 5 library
# of the same soname in /usr/lib never gets a say.
set(LUCENT_PRIVATE_LIBDIR "lib/lucent-console")
if(LUCENT_PRIVATE_KSH_LIBRARY)
    set(LUCENT_INSTALL_RPATH "\$ORIGIN/../${LUCENT_PRIVATE_LIBDIR}")
else()
    set(LUCENT_INSTALL_RPATH "")
endif()
