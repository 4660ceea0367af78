/* SPDX-License-Identifier: MIT */
/* Kernel-side figures of one socket (xsock_os_socket_stats), asked on
   demand only: SO_SNDBUF/SO_RCVBUF with getsockopt, FIONREAD with
   ioctlsocket, and SIO_TCP_INFO (version 0) with WSAIoctl where the OS has
   it (Windows 10 1703 and later).  Wine 8 has no SIO_TCP_INFO: the call
   fails and state, RTT, retransmits, congestion window and MSS stay
   unknown.  Every call goes through the syscall table. */
#include "win_calls.h"

#include <stddef.h>
#include <string.h>

#include "../xsock_os.h"

#ifndef SIO_TCP_INFO
#define SIO_TCP_INFO _WSAIORW(IOC_VENDOR, 39)
#endif

/* TCP_INFO_v0 as Microsoft documents it (mstcpip.h declares it only for
   NTDDI_VERSION >= NTDDI_WIN10_RS2). */
typedef struct w32_tcp_info_v0 {
    int State; /* TCPSTATE */
    ULONG Mss;
    ULONG64 ConnectionTimeMs;
    BOOLEAN TimestampsEnabled;
    ULONG RttUs;
    ULONG MinRttUs;
    ULONG BytesInFlight;
    ULONG Cwnd;
    ULONG SndWnd;
    ULONG RcvWnd;
    ULONG RcvBuf;
    ULONG64 BytesOut;
    ULONG64 BytesIn;
    ULONG BytesReordered;
    ULONG BytesRetrans;
    ULONG FastRetrans;
    ULONG DupAcksIn;
    ULONG TimeoutEpisodes;
    UCHAR SynRetrans;
} w32_tcp_info_v0;

static const char *const tcp_states[] = {"CLOSED",     "LISTEN",    "SYN_SENT",  "SYN_RECV",
                                         "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT",
                                         "CLOSING",     "LAST_ACK",  "TIME_WAIT"};

static int64_t int_opt(SOCKET s, int name)
{
    int v = 0, len = sizeof v;
    if (xsock__w32_getsockopt(s, SOL_SOCKET, name, (char *)&v, &len) != 0 || len != sizeof v) return -1;
    return v;
}

int xsock_os_socket_stats(xsock_native h, xsock_os_kstats *out)
{
    SOCKET s = (SOCKET)h;
    out->sndbuf = int_opt(s, SO_SNDBUF);
    out->rcvbuf = int_opt(s, SO_RCVBUF);
    u_long avail = 0;
    if (xsock__w32_ioctlsocket(s, FIONREAD, &avail) == 0) out->unread = (int64_t)avail;

    DWORD version = 0, got = 0;
    w32_tcp_info_v0 ti;
    memset(&ti, 0, sizeof ti);
    if (xsock__w32_WSAIoctl(s, SIO_TCP_INFO, &version, sizeof version, &ti, sizeof ti, &got) == 0 &&
        got >= offsetof(w32_tcp_info_v0, SynRetrans)) {
        if (ti.State >= 0 && (size_t)ti.State < sizeof tcp_states / sizeof tcp_states[0])
            out->state = tcp_states[ti.State];
        out->mss = ti.Mss;
        out->rtt_us = ti.RttUs;
        out->unsent = ti.BytesInFlight;
        out->cwnd_bytes = ti.Cwnd;
        out->retransmits = (int64_t)ti.FastRetrans + ti.TimeoutEpisodes;
    }
    return XSOCK_OK;
}

/* A DLL's atexit handlers run from its DLL_PROCESS_DETACH; during
   ExitProcess, Winsock must not be called any more. */
int xsock_os_process_exiting(void)
{
    typedef BOOLEAN(WINAPI * shutdown_fn)(void);
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    FARPROC p = ntdll ? GetProcAddress(ntdll, "RtlDllShutdownInProgress") : NULL;
    shutdown_fn fn;
    if (!p) return 0;
    memcpy(&fn, &p, sizeof fn);
    return fn() != 0;
}
