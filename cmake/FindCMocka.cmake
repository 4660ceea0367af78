# SPDX-License-Identifier: MIT
# Finds CMocka: the system package on Linux, or a build for the target
# (mingw) given with -DCMOCKA_ROOT=<prefix>.  Defines CMocka::CMocka.
find_path(CMOCKA_INCLUDE_DIR cmocka.h)
find_library(CMOCKA_LIBRARY NAMES cmocka-static cmocka)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CMocka REQUIRED_VARS CMOCKA_LIBRARY CMOCKA_INCLUDE_DIR)
if(CMocka_FOUND AND NOT TARGET CMocka::CMocka)
  add_library(CMocka::CMocka UNKNOWN IMPORTED)
  set_target_properties(CMocka::CMocka PROPERTIES
    IMPORTED_LOCATION "${CMOCKA_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}")
  if(CMOCKA_LIBRARY MATCHES "cmocka-static")
    set_target_properties(CMocka::CMocka PROPERTIES INTERFACE_COMPILE_DEFINITIONS CMOCKA_STATIC)
  endif()
endif()
