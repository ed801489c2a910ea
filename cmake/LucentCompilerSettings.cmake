set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
set(CMAKE_AUTOMOC ON)
set(CMAKE_AUTORCC ON)

if(LUCENT_USE_CCACHE)
    find_program(LUCENT_CCACHE ccache)
    if(LUCENT_CCACHE)
        set(CMAKE_CXX_COMPILER_LAUNCHER "${LUCENT_CCACHE}")
    endif()
endif()

# Applied to our own targets only: dependencies' headers are included as SYSTEM and keep
# their own warnings.
add_library(lucent_build_settings INTERFACE)
add_library(Lucent::BuildSettings ALIAS lucent_build_settings)
target_compile_options(lucent_build_settings INTERFACE -Wall -Wextra -pedantic)
if(LUCENT_WARNINGS_AS_ERRORS)
    target_compile_options(lucent_build_settings INTERFACE -Werror)
endif()
target_compile_definitions(lucent_build_settings INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_NO_CAST_FROM_BYTEARRAY
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    LUCENT_VERSION_STRING="${PROJECT_VERSION}")

if(LUCENT_SANITIZERS)
    target_compile_options(lucent_build_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(lucent_build_settings INTERFACE -fsanitize=address,undefined)
endif()
