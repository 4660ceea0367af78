/* SPDX-License-Identifier: MIT */
/* The same work as Probe.java through xsock: a timed connect (2 s), direct
   or through a SOCKS5 proxy, and a close.  With PROBE_REPORT set, the
   per-socket report is printed before the close (between two marker lines
   on stderr); the OS calls come from XSOCK_TRACE.
   usage: probe HOST PORT [SOCKS_HOST SOCKS_PORT] */
#define XSOCK_TRACK_SITES
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

static void rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM", 5) || !strncmp(line, "VmRSS", 5)) printf("probe: %s", line);
    if (f) fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: probe HOST PORT [SOCKS_HOST SOCKS_PORT]\n");
        return 2;
    }
    xsock_dialer *d = xsock_dialer_new();
    char url[300];
    xsock_dialer_set_timeout(d, 2000);
    if (argc == 5) {
        snprintf(url, sizeof url, "socks5://%s:%s", argv[3], argv[4]);
        xsock_dialer_set_proxy(d, url);
    }
    xsock *s = NULL;
    int rc = xsock_dial(d, &s, argv[1], (uint16_t)atoi(argv[2]));
    if (rc != XSOCK_OK) {
        fprintf(stderr, "probe: %s\n", xsock_last_error_detail());
        return 1;
    }
    if (getenv("PROBE_REPORT")) {
        fprintf(stderr, "probe: report begins\n");
        fflush(stderr);
        xsock_report_live(stdout);
        fflush(stdout);
        fprintf(stderr, "probe: report ends\n");
        fflush(stderr);
    }
    xsock_close(s);
    xsock_dialer_free(d);
    rss();
    return 0;
}
