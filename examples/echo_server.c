/* SPDX-License-Identifier: MIT */
/* echo_server: echoes every connection back, one at a time.

   usage: echo_server [--host H] [--port N] [--once] [--banner TEXT]
   Prints "listening on ADDR" once ready; --once stops after one client;
   --banner sends TEXT and a newline to each client first, as a server
   that speaks first does (SMTP, SSH, FTP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xsock.h>

#include "args.h"

static const char usage_text[] =
    "usage: echo_server [--host H] [--port N] [--once] [--banner TEXT]\n"
    "\n"
    "Echoes every connection back, one client at a time.\n"
    "\n"
    "  --host H       address to listen on (default 127.0.0.1)\n"
    "  --port N       port to listen on, 0 for any free one (default 0);\n"
    "                 the address is printed as \"listening on ADDR\"\n"
    "  --once         stop after the first client\n"
    "  --banner TEXT  send TEXT and a newline to each client before echoing\n"
    "  -h, --help     print this help and exit\n";

static void serve(xsock *c, const char *banner)
{
    char buf[16384];
    ptrdiff_t n = 0;
    if (banner) {
        size_t len = strlen(banner);
        if (xsock_send_all(c, banner, len, 30000) != XSOCK_OK || xsock_send_all(c, "\n", 1, 30000) != XSOCK_OK) {
            fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
            return;
        }
    }
    while ((n = xsock_recv(c, buf, sizeof buf, 30000)) > 0)
        if (xsock_send_all(c, buf, (size_t)n, 30000) != XSOCK_OK) break;
    if (n < 0) fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *banner = NULL, *opt;
    uint16_t port = 0;
    int once = 0;
    args_cursor a;
    args_begin(&a, "echo_server", usage_text, argc, argv);
    while ((opt = args_next_option(&a)) != NULL) {
        if (strcmp(opt, "--host") == 0)
            host = args_value(&a, opt);
        else if (strcmp(opt, "--port") == 0)
            port = args_port(&a, opt, args_value(&a, opt), 1);
        else if (strcmp(opt, "--once") == 0)
            once = 1;
        else if (strcmp(opt, "--banner") == 0)
            banner = args_value(&a, opt);
        else
            args_unknown_option(&a, opt);
    }
    int npos;
    args_positionals(&a, 0, 0, "nothing", &npos);

    xsock_init();
    xsock *l = NULL;
    if (xsock_listen(&l, host, port, 16) != XSOCK_OK) {
        fprintf(stderr, "echo_server: %s\n", xsock_last_error_detail());
        xsock_cleanup();
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
        serve(c, banner);
        xsock_close(c);
    } while (!once);
    xsock_close(l);
    return xsock_cleanup() == 0 ? 0 : 1;
}
