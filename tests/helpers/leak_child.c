/* SPDX-License-Identifier: MIT */
/* A program that leaks sockets and knows nothing of the report: run by
   test_exit_report with XSOCK_REPORT / XSOCK_TRACE in its environment.
   usage: leak_child [clean]   (clean: close everything before exiting) */
#define XSOCK_TRACK_SITES
#include <stdio.h>
#include <string.h>
#include <xsock.h>

int main(int argc, char **argv)
{
    int clean = argc > 1 && strcmp(argv[1], "clean") == 0;
    xsock *l = NULL, *c = NULL, *a = NULL;
    char buf[5];
    if (xsock_listen(&l, "127.0.0.1", 0, 4) != XSOCK_OK ||
        xsock_connect(&c, "127.0.0.1", (uint16_t)xsock_local_port(l), 2000) != XSOCK_OK ||
        xsock_accept(l, &a, 2000) != XSOCK_OK || xsock_send_all(c, "hello", 5, 2000) != XSOCK_OK ||
        xsock_recv_all(a, buf, 5, 2000) != XSOCK_OK) {
        printf("leak_child: %s\n", xsock_last_error_detail());
        return 1;
    }
    if (clean) {
        xsock_close(a);
        xsock_close(c);
        xsock_close(l);
    }
    printf("leak_child: done\n");
    return 0; /* no xsock_cleanup: the leaks go unnoticed but for the environment */
}
