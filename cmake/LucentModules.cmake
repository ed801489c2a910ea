# lucent_add_core_module(<name> [HEADER_ONLY] SOURCES <files...> [DEPENDS <modules...>]
#                        [PUBLIC_LIBRARIES <targets...>] [PRIVATE_LIBRARIES <targets...>])
#
# One static library per folder of core/, named lucent_core_<name>, that sees only the
# headers of the modules it DEPENDS on. Each module's headers are reachable through a folder
# of its own in the build tree (build/modules/<name>/core/<name> links to core/<name>), never
# through the source root, so an include of a module that is not a dependency fails to
# compile ("No such file or directory") instead of quietly growing a cycle. Dependencies are
# linked PUBLIC, which makes a module's include path the closure of what it depends on.
# HEADER_ONLY makes an interface library (templates only) that follows the same rules.
function(lucent_add_core_module name)
    cmake_parse_arguments(ARG "HEADER_ONLY" "" "SOURCES;DEPENDS;PUBLIC_LIBRARIES;PRIVATE_LIBRARIES" ${ARGN})
    set(target lucent_core_${name})
    set(headers "${CMAKE_BINARY_DIR}/modules/${name}")
    file(MAKE_DIRECTORY "${headers}/core")
    file(CREATE_LINK "${CMAKE_CURRENT_SOURCE_DIR}/${name}" "${headers}/core/${name}" SYMBOLIC)
    list(TRANSFORM ARG_DEPENDS PREPEND "lucent_core_" OUTPUT_VARIABLE dependencies)
    if(ARG_HEADER_ONLY)
        add_library(${target} INTERFACE ${ARG_SOURCES})
        add_library(Lucent::Core::${name} ALIAS ${target})
        target_include_directories(${target} INTERFACE "${headers}")
        target_link_libraries(${target} INTERFACE Qt6::Core ${dependencies} ${ARG_PUBLIC_LIBRARIES})
        set_property(GLOBAL APPEND PROPERTY LUCENT_CORE_MODULES ${target})
        return()
    endif()
    add_library(${target} STATIC ${ARG_SOURCES})
    add_library(Lucent::Core::${name} ALIAS ${target})
    target_include_directories(${target} PUBLIC "${headers}")
    target_link_libraries(${target}
        PUBLIC Qt6::Core ${dependencies} ${ARG_PUBLIC_LIBRARIES}
        PRIVATE Lucent::BuildSettings ${ARG_PRIVATE_LIBRARIES})
    set_property(GLOBAL APPEND PROPERTY LUCENT_CORE_MODULES ${target})
endfunction()
