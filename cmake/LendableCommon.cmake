# One INTERFACE target carries the language standard, warnings and strict Qt defines;
# every Lendable target links it (qBittorrent's CommonConfig is the model).
add_library(lendable_options INTERFACE)
add_library(Lendable::Options ALIAS lendable_options)
target_compile_features(lendable_options INTERFACE cxx_std_20)
target_compile_options(lendable_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(LENDABLE_WERROR)
    target_compile_options(lendable_options INTERFACE -Werror)
endif()
target_compile_definitions(lendable_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    LENDABLE_VERSION="${PROJECT_VERSION}")
if(LENDABLE_FUZZ)
    # Coverage feedback for libFuzzer in every library the fuzz target links, not only in
    # the target itself (without it the fuzzer runs blind).
    target_compile_options(lendable_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(LENDABLE_SANITIZE)
    target_compile_options(lendable_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(lendable_options INTERFACE -fsanitize=address,undefined)
endif()

# lendable_add_test(NAME name SOURCES ... LIBS ... LABELS unit|integration|gui|vm|e2e [TIMEOUT s])
# One Qt Test executable per class or flow.
function(lendable_add_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE Qt6::Test Lendable::Options ${T_LIBS})
    set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES
        LABELS "${T_LABELS}"
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LENDABLE_SOURCE_DIR=${PROJECT_SOURCE_DIR};LENDABLE_BINARY_DIR=${CMAKE_BINARY_DIR};${T_ENV}")
endfunction()
