# SPDX-License-Identifier: MIT
# Cross-compile for 32-bit Windows with mingw-w64; tests run under 32-bit
# Wine (Debian: wine32:i386) in a WINEARCH=win32 prefix of their own.
#   cmake --preset mingw-i686  (or -DCMAKE_TOOLCHAIN_FILE=<this file>)
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)
set(XSOCK_MINGW_TRIPLET i686-w64-mingw32)

set(CMAKE_C_COMPILER ${XSOCK_MINGW_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${XSOCK_MINGW_TRIPLET}-g++)
set(CMAKE_RC_COMPILER ${XSOCK_MINGW_TRIPLET}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${XSOCK_MINGW_TRIPLET} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs each test .exe as `wine test.exe`; the wrapper starts the
# 32-bit loader for a 32-bit exe, which needs wine32:i386.  Without Wine the
# build still works; only the tests cannot run.
find_program(XSOCK_WINE_EXECUTABLE NAMES wine)
if(XSOCK_WINE_EXECUTABLE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_WINE_EXECUTABLE})
endif()
