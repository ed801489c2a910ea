# Project options. Every one carries the LUCENT_ prefix so that they group together in
# cmake-gui and never collide with a dependency's options.
option(LUCENT_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
option(LUCENT_USE_CCACHE "Compile through ccache when it is installed" ON)
option(LUCENT_SANITIZERS "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
set(LUCENT_DEPS_PREFIX "" CACHE PATH
    "Where scripts/setup-deps.sh installed privately built dependencies (default: the user cache)")

add_feature_info(WarningsAsErrors LUCENT_WARNINGS_AS_ERRORS "compiler warnings fail the build")
add_feature_info(Sanitizers LUCENT_SANITIZERS "AddressSanitizer and UndefinedBehaviorSanitizer")
