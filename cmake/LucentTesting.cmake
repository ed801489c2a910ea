# lucent_add_test(NAME <area> SOURCES <files...> LIBRARIES <targets...> LABELS <labels...>
#                 [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value...>])
#
# One Qt Test executable per area, named tst_<area>. Tests run under the offscreen platform
# and with QStandardPaths' test mode friends (XDG_* pointed into the build tree) so that no
# test reads or writes the developer's real configuration.
function(lucent_add_test)
    cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;LIBRARIES;LABELS;ENVIRONMENT" ${ARGN})
    if(NOT ARG_NAME OR NOT ARG_SOURCES OR NOT ARG_LABELS)
        message(FATAL_ERROR "lucent_add_test needs NAME, SOURCES and LABELS")
    endif()
    set(target tst_${ARG_NAME})
    add_executable(${target} ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Qt6::Test Lucent::BuildSettings ${ARG_LIBRARIES})
    target_compile_definitions(${target} PRIVATE
        LUCENT_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
        LUCENT_SOURCE_MANIFESTS_DIR="${PROJECT_SOURCE_DIR}/manifests")
    add_test(NAME ${ARG_NAME} COMMAND ${target})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set(home "${CMAKE_CURRENT_BINARY_DIR}/home/${ARG_NAME}")
    set_tests_properties(${ARG_NAME} PROPERTIES
        LABELS "${ARG_LABELS}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;HOME=${home};XDG_CONFIG_HOME=${home}/config;XDG_STATE_HOME=${home}/state;XDG_CACHE_HOME=${home}/cache;KUBECONFIG=;${ARG_ENVIRONMENT}")
endfunction()
