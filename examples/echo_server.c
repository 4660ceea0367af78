/* SPDX-License-Identifier: MIT */
/* echo_server: echoes every connection back, one at a time.

   usage: echo_server [--host H] [--port N] [--once]
   Prints "listening on ADDR" once ready; --once stops after one client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

static void serve(xsock *c)
{
    char buf[16384];
    ptrdiff_t n;
    while ((n = xsock_recv(c, buf, sizeof buf, 30000)) > 0)
        if (xsock_send_all(c, buf, (size_t)n, 30000) != XSOCK_OK) break;
    if (n < 0) fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    long port = 0;
    int once = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
            host = argv[++i];
        else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--once") == 0)
            once = 1;
        else {
            fprintf(stderr, "usage: echo_server [--host H] [--port N] [--once]\n");
            return 2;
        }
    }
    xsock_init();
    xsock *l = NULL;
    if (port < 0 || port > 65535 || xsock_listen(&l, host, (uint16_t)port, 16) != XSOCK_OK) {
        fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
        return 1;
    }
    char addr[64];
    xsock_local_addr(l, addr, sizeof addr);
    printf("listening on %s\n", addr);
    fflush(stdout);
    do {
        xsock *c = NULL;
        int rc = xsock_accept(l, &c, XSOCK_INFINITE);
        if (rc != XSOCK_OK) {
            fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
            break;
        }
        serve(c);
        xsock_close(c);
    } while (!once);
    xsock_close(l);
    return xsock_cleanup() == 0 ? 0 : 1;
}
