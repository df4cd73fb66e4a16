# Run after an integration suite is built: lists its gtest suites and writes
# one ctest test per suite (`<area>.<Suite>`, filter `Suite.*`) into OUT. One
# process per suite lets a suite share one checkoutd, one database and one
# vhost across its tests; ctest still runs suites side by side.
#
# -D BIN=<executable> -D OUT=<file> -D AREA=<area> -D TIMEOUT=<s>
# -D SERIAL=<regex of suites that must run alone> -D LABEL=<label>
execute_process(COMMAND "${BIN}" --gtest_list_tests
                OUTPUT_VARIABLE listing RESULT_VARIABLE rc TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --gtest_list_tests failed (${rc}): ${listing}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z0-9_/]+)\\.")
    set(suite "${CMAKE_MATCH_1}")
    string(REPLACE "/" "_" name "${suite}")
    set(props "LABELS ${LABEL} TIMEOUT ${TIMEOUT}")
    if(NOT SERIAL STREQUAL "" AND suite MATCHES "${SERIAL}")
      string(APPEND props " RUN_SERIAL TRUE")
    endif()
    string(APPEND script "add_test(\"${AREA}.${name}\" \"${BIN}\" \"--gtest_filter=${suite}.*\")\n"
                         "set_tests_properties(\"${AREA}.${name}\" PROPERTIES ${props})\n")
  endif()
endforeach()
if(script STREQUAL "")
  message(FATAL_ERROR "${BIN} lists no tests")
endif()
file(WRITE "${OUT}" "${script}")
