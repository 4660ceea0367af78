/* SPDX-License-Identifier: MIT */
/* A program that uses xsock the way an application does, built against an
   installed xsock (CMake package, pkg-config) or xsock as a subproject by
   tests/consumer/run.sh.  It listens on 127.0.0.1 port 0, connects to
   itself, sends "ping" one way and "pong" the other, and checks the
   versions and that no socket is left.  Written in C89 so that it also
   proves the header compiles with -std=c89 -pedantic -Werror. */
#include <stdio.h>
#include <string.h>

#include <xsock.h>

/* the version the build system found (find_package, pkg-config) */
#ifndef CONSUMER_EXPECT_VERSION
#define CONSUMER_EXPECT_VERSION XSOCK_VERSION_STRING
#endif

static int failed(const char *what, int rc)
{
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, xsock_errname(rc), xsock_last_error_detail());
    return 1;
}

static int exchange(xsock *from, xsock *to, const char *msg)
{
    char buf[16];
    size_t len = strlen(msg);
    int rc = xsock_send_all(from, msg, len, 5000);
    if (rc != XSOCK_OK) return failed("send_all", rc);
    memset(buf, 0, sizeof buf);
    rc = xsock_recv_all(to, buf, len, 5000);
    if (rc != XSOCK_OK) return failed("recv_all", rc);
    if (memcmp(buf, msg, len) != 0) {
        fprintf(stderr, "consumer: sent \"%s\", received \"%.*s\"\n", msg, (int)len, buf);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "consumer";
    xsock *listener = NULL, *client = NULL, *server = NULL;
    int rc, port, left;
    char peer[64];

    if (strcmp(xsock_version(), XSOCK_VERSION_STRING) != 0 ||
        strcmp(XSOCK_VERSION_STRING, CONSUMER_EXPECT_VERSION) != 0) {
        fprintf(stderr, "consumer: versions differ: library %s, header %s, build system %s\n",
                xsock_version(), XSOCK_VERSION_STRING, CONSUMER_EXPECT_VERSION);
        return 1;
    }
    rc = xsock_init();
    if (rc != XSOCK_OK) return failed("init", rc);
    rc = xsock_listen(&listener, "127.0.0.1", 0, 4);
    if (rc != XSOCK_OK) return failed("listen 127.0.0.1:0", rc);
    port = xsock_local_port(listener);
    if (port <= 0) return failed("local_port", port);
    rc = xsock_connect(&client, "127.0.0.1", (uint16_t)port, 5000);
    if (rc != XSOCK_OK) return failed("connect", rc);
    rc = xsock_accept(listener, &server, 5000);
    if (rc != XSOCK_OK) return failed("accept", rc);
    rc = xsock_peer_addr(client, peer, sizeof peer);
    if (rc != XSOCK_OK) return failed("peer_addr", rc);
    if (exchange(client, server, "ping") || exchange(server, client, "pong")) return 1;
    xsock_close(server);
    xsock_close(client);
    xsock_close(listener);
    left = xsock_cleanup();
    if (left != 0) {
        fprintf(stderr, "consumer: %d socket(s) left open\n", left);
        return 1;
    }
    printf("consumer(%s): ok: xsock %s, ping/pong with %s\n", how, xsock_version(), peer);
    return 0;
}
