# SPDX-License-Identifier: MIT
# Cross-compile for 32-bit Windows with mingw-w64.  This build proves that
# nothing truncates a SOCKET or a pointer; its tests are built, not run
# (Debian's wine64 has no 32-bit loader unless wine32 is installed).
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
