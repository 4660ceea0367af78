# SPDX-License-Identifier: MIT
# High warnings for the project's own targets; fatal with XSOCK_WERROR (CI).
function(xsock_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
      -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla -Wformat=2 -Wundef)
    if(XSOCK_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
