/* SPDX-License-Identifier: MIT */
/* The switches in the environment, seen from outside: a child that leaks
   sockets and knows nothing of them (tests/helpers/leak_child.c) is run
   with XSOCK_REPORT / XSOCK_TRACE set, and what it wrote is checked.  The
   child is run statically linked and against the shared library / DLL
   (where the report comes from the DLL's process detach). */
#include <stdlib.h>
#include <string.h>

#include "xtest.h"

static const char *g_argv0;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what)) n++;
    return n;
}

static int run(const char *child, const char *arg, const char *const *env, const char *err)
{
    char exe[1024];
    xt_sibling_path(g_argv0, child, exe, sizeof exe);
    int rc = xt_run_child(exe, arg, env, err);
    if (rc != 0) fail_msg("%s exited %d: %s", exe, rc, slurp(err) ? slurp(err) : "(no stderr)");
    return rc;
}

/* What both builds of the child must print: three leaked sockets, named
   by site, with their counters. */
static void check_report(const char *text)
{
    print_message("%s", text);
    assert_non_null(strstr(text, "xsock: at exit: 3 sockets open"));
    assert_int_equal(count(text, "xsock: live socket "), 3);
    assert_non_null(strstr(text, " listening local=127.0.0.1:"));
    assert_non_null(strstr(text, " accepted "));
    assert_non_null(strstr(text, " connected "));
    assert_non_null(strstr(text, "leak_child.c:")); /* XSOCK_TRACK_SITES: file and line */
    assert_non_null(strstr(text, " sent=5 recv=0 "));
    assert_non_null(strstr(text, " sent=0 recv=5 "));
    assert_non_null(strstr(text, " connect="));
    assert_non_null(strstr(text, " from=listener:"));
    /* a DLL reporting from its process detach makes no OS call (Winsock
       may be gone): the kernel's figures are then left out, and said so */
    if (!strstr(text, "xsock: (process detach: no OS figures)")) assert_non_null(strstr(text, " sndbuf="));
}

static void report_on_stderr(const char *child)
{
    const char *env[] = {"XSOCK_REPORT=exit", "XSOCK_TRACE=", NULL};
    const char *err = "test_exit_report.stderr.txt";
    run(child, NULL, env, err);
    check_report(slurp(err));
    remove(err);
}

static void report_at_exit_on_stderr(void **state)
{
    (void)state;
    report_on_stderr("leak_child");
}

static void report_at_exit_from_the_shared_library(void **state)
{
    (void)state;
    report_on_stderr("leak_child_shared");
}

static void report_at_exit_to_a_file(void **state)
{
    (void)state;
    const char *file = "test_exit_report.report.txt", *err = "test_exit_report.stderr2.txt";
    remove(file);
    const char *env[] = {"XSOCK_REPORT=exit:test_exit_report.report.txt", NULL};
    run("leak_child", NULL, env, err);
    assert_null(strstr(slurp(err), "xsock:")); /* nothing on stderr */
    char *text = slurp(file);
    assert_non_null(text);
    check_report(text);
    remove(file);
    remove(err);
}

static void clean_exit_reports_none(void **state)
{
    (void)state;
    const char *err = "test_exit_report.stderr3.txt";
    const char *env[] = {"XSOCK_REPORT=exit", NULL};
    run("leak_child", "clean", env, err);
    char *text = slurp(err);
    print_message("%s", text);
    assert_non_null(strstr(text, "xsock: at exit: 0 sockets open (opened 3, closed 3"));
    assert_null(strstr(text, "live socket"));
    remove(err);
}

static void trace_to_a_file(void **state)
{
    (void)state;
    const char *file = "test_exit_report.trace.txt", *err = "test_exit_report.stderr4.txt";
    remove(file);
    const char *env[] = {"XSOCK_TRACE=test_exit_report.trace.txt", "XSOCK_REPORT=", NULL};
    run("leak_child", NULL, env, err);
    assert_null(strstr(slurp(err), "xsock")); /* no report asked for */
    char *text = slurp(file);
    assert_non_null(text);
    print_message("%s", text);
    /* listen, connect, accept, send, recv: the OS calls, one line each */
    assert_true(count(text, "xsock-trace: ") >= 10);
    assert_non_null(strstr(text, xt_is_win32() ? "xsock-trace: WSASocketW " : "xsock-trace: socket "));
    assert_non_null(strstr(text, "xsock-trace: connect "));
    assert_non_null(strstr(text, "xsock-trace: listen "));
    assert_non_null(strstr(text, "xsock-trace: send "));
    assert_non_null(strstr(text, "xsock-trace: recv "));
    remove(file);
    remove(err);
}

static void trace_and_report_on_stderr(void **state)
{
    (void)state;
    const char *err = "test_exit_report.stderr5.txt";
    const char *env[] = {"XSOCK_TRACE=stderr", "XSOCK_REPORT=exit", NULL};
    run("leak_child", NULL, env, err);
    char *text = slurp(err);
    assert_true(count(text, "xsock-trace: ") >= 10);
    assert_int_equal(count(text, "xsock: live socket "), 3);
    /* the report's own OS calls are not traced: the trace ends before it */
    assert_null(strstr(strstr(text, "xsock: at exit"), "xsock-trace: "));
    remove(err);
}

static void unknown_value_is_said(void **state)
{
    (void)state;
    const char *err = "test_exit_report.stderr6.txt";
    const char *env[] = {"XSOCK_REPORT=atexit", NULL};
    run("leak_child", "clean", env, err);
    assert_non_null(strstr(slurp(err), "XSOCK_REPORT=atexit not understood"));
    remove(err);
}

int main(int argc, char **argv)
{
    (void)argc;
    xt_crash_guard();
    g_argv0 = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_at_exit_on_stderr),
        cmocka_unit_test(report_at_exit_from_the_shared_library),
        cmocka_unit_test(report_at_exit_to_a_file),
        cmocka_unit_test(clean_exit_reports_none),
        cmocka_unit_test(trace_to_a_file),
        cmocka_unit_test(trace_and_report_on_stderr),
        cmocka_unit_test(unknown_value_is_said),
    };
    return XT_RUN(tests);
}
