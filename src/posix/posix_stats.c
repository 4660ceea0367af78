/* SPDX-License-Identifier: MIT */
/* Kernel-side figures of one socket (xsock_os_socket_stats), asked on
   demand only: SO_SNDBUF/SO_RCVBUF, the queues (SIOCOUTQ/SIOCINQ on Linux,
   FIONREAD elsewhere) and Linux's TCP_INFO.  Each call goes through the
   syscall table ("getsockopt", "ioctl"), so it is traced and counted. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#if defined(__linux__)
#include <linux/sockios.h>
#endif

#include "../xsock_os.h"
#include "posix_calls.h"

static int64_t int_opt(int fd, int level, int name)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (xsock__px_getsockopt(fd, level, name, &v, &len) != 0 || len != sizeof v) return -1;
    return v;
}

static int64_t int_ioctl(int fd, unsigned long req)
{
    int v = 0;
    return xsock__px_ioctl_int(fd, req, &v) == 0 && v >= 0 ? v : -1;
}

#if defined(__linux__) && defined(TCP_INFO)
static const char *const linux_states[] = {
    NULL,          "ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1", "FIN_WAIT2",
    "TIME_WAIT",   "CLOSED",      "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING"};

static void tcp_info(int fd, xsock_os_kstats *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (xsock__px_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0) return;
    if (len < offsetof(struct tcp_info, tcpi_total_retrans) + sizeof ti.tcpi_total_retrans) return;
    if (ti.tcpi_state < sizeof linux_states / sizeof linux_states[0])
        out->state = linux_states[ti.tcpi_state];
    if (out->state && !strcmp(out->state, "LISTEN")) return; /* no peer: no RTT, window, MSS */
    out->rtt_us = ti.tcpi_rtt;
    out->rttvar_us = ti.tcpi_rttvar;
    out->retransmits = ti.tcpi_total_retrans;
    out->mss = ti.tcpi_snd_mss;
    out->cwnd_bytes = (int64_t)ti.tcpi_snd_cwnd * ti.tcpi_snd_mss;
}
#endif

int xsock_os_socket_stats(xsock_native h, xsock_os_kstats *out)
{
    int fd = (int)h;
    out->sndbuf = int_opt(fd, SOL_SOCKET, SO_SNDBUF);
    out->rcvbuf = int_opt(fd, SOL_SOCKET, SO_RCVBUF);
#if defined(SIOCOUTQ) && defined(SIOCINQ)
#if defined(__linux__) && defined(TCP_INFO)
    tcp_info(fd, out);
#endif
    /* on a listening socket Linux reports the accept queue here: not bytes */
    if (!out->state || strcmp(out->state, "LISTEN") != 0) {
        out->unsent = int_ioctl(fd, SIOCOUTQ);
        out->unread = int_ioctl(fd, SIOCINQ);
    }
#else
    out->unread = int_ioctl(fd, FIONREAD);
#endif
    return XSOCK_OK;
}

int xsock_os_process_exiting(void)
{
    return 0; /* atexit handlers run before anything is torn down */
}
