/* SPDX-License-Identifier: MIT */
/* One version in one place: the header's XSOCK_VERSION_* (which CMake
   reads for project(VERSION)), xsock_version() of the library linked, and
   the CMake project version this test was configured with all agree. */
#include <stdio.h>
#include <string.h>

#include "xtest.h"

#ifndef XTEST_CMAKE_VERSION
#error "tests/CMakeLists.txt passes XTEST_CMAKE_VERSION (PROJECT_VERSION)"
#endif

static void header_parts_make_the_string(void **state)
{
    char buf[64];
    (void)state;
    snprintf(buf, sizeof buf, "%d.%d.%d", XSOCK_VERSION_MAJOR, XSOCK_VERSION_MINOR,
             XSOCK_VERSION_PATCH);
    assert_string_equal(buf, XSOCK_VERSION_STRING);
}

static void runtime_is_the_header(void **state)
{
    (void)state;
    assert_non_null(xsock_version());
    assert_string_equal(xsock_version(), XSOCK_VERSION_STRING);
    /* a static string: the same pointer every call */
    assert_ptr_equal(xsock_version(), xsock_version());
}

static void cmake_is_the_header(void **state)
{
    (void)state;
    assert_string_equal(XTEST_CMAKE_VERSION, XSOCK_VERSION_STRING);
}

int main(void)
{
    xt_crash_guard();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_parts_make_the_string),
        cmocka_unit_test(runtime_is_the_header),
        cmocka_unit_test(cmake_is_the_header),
    };
    return XT_RUN(tests);
}
