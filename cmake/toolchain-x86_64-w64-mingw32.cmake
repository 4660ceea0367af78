# SPDX-License-Identifier: MIT
# Cross-compile for 64-bit Windows with mingw-w64; tests run under Wine.
#   cmake --preset mingw        (or -DCMAKE_TOOLCHAIN_FILE=<this file>)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(XSOCK_MINGW_TRIPLET x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${XSOCK_MINGW_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${XSOCK_MINGW_TRIPLET}-g++)
set(CMAKE_RC_COMPILER ${XSOCK_MINGW_TRIPLET}-windres)

# Libraries and headers for the target only: never the host's.  Prefixes
# given in CMAKE_PREFIX_PATH (CMocka built for mingw) are roots too.
set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_MINGW_TRIPLET} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs each test .exe as `wine test.exe` (64-bit loader: the wine64
# package).  Without Wine the build still works; only the tests cannot run.
find_program(XSOCK_WINE_EXECUTABLE NAMES wine wine64)
if(XSOCK_WINE_EXECUTABLE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE_EXECUTABLE})
endif()
