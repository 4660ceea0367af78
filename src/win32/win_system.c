/* SPDX-License-Identifier: MIT */
/* Process-wide services of the Winsock backend: WSAStartup/WSACleanup,
   clock, locks, the OS's own count of socket handles, code addresses. */
#include "win_calls.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

#include "../os_hooks.h"
#include "../xsock_os.h"

/* ---- WSAStartup / WSACleanup -------------------------------------------- */

/* The core calls these once per first xsock_init and last xsock_cleanup,
   so every WSAStartup here is matched by one WSACleanup.  They are process
   set-up, like the clock and the locks, not socket calls: they stay out of
   the syscall table, so os_calls and the trace are the same on every OS
   (a first constructor with bad arguments makes no counted call). */
int xsock_os_init(void)
{
    WSADATA data;
    int r = WSAStartup(MAKEWORD(2, 2), &data);
    if (r != 0) {
        int rc = xsock__w32_fail_code(r);
        return rc < XSOCK_EOS ? XSOCK_EOS : rc;
    }
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
        WSACleanup();
        xsock__set_os_error(WSAVERNOTSUPPORTED);
        return XSOCK_EOS;
    }
    return XSOCK_OK;
}

void xsock_os_cleanup(void)
{
    WSACleanup();
}

const char *xsock_os_backend_name(void)
{
    return "win32";
}

/* ---- Clock ---------------------------------------------------------------- */

static atomic_llong g_qpc_freq; /* counts per second; 0 until first read */

uint64_t xsock_os_monotonic_ns(void)
{
    LARGE_INTEGER now;
    long long freq = atomic_load_explicit(&g_qpc_freq, memory_order_relaxed);
    if (XSOCK__UNLIKELY(freq == 0)) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f); /* never fails since Windows XP */
        freq = f.QuadPart;
        atomic_store_explicit(&g_qpc_freq, freq, memory_order_relaxed);
    }
    QueryPerformanceCounter(&now);
    uint64_t c = (uint64_t)now.QuadPart, f = (uint64_t)freq;
    /* split so that c * 1e9 cannot overflow */
    return c / f * 1000000000ull + c % f * 1000000000ull / f;
}

/* ---- Locks ---------------------------------------------------------------- */

static SRWLOCK g_locks[XSOCK_OS_LOCK_COUNT_] = {SRWLOCK_INIT, SRWLOCK_INIT, SRWLOCK_INIT};

void xsock_os_lock(int which)
{
    AcquireSRWLockExclusive(&g_locks[which]);
}

void xsock_os_unlock(int which)
{
    ReleaseSRWLockExclusive(&g_locks[which]);
}

/* ---- The OS's count of socket handles --------------------------------------
 *
 * GetProcessHandleCount returns 0 under Wine, so the handle table itself
 * is read: NtQuerySystemInformation lists every handle of the system with
 * its owner and object type.  A socket is a "File" object (an AFD
 * endpoint on Windows; Wine's sockets are File objects too), so the count
 * is this process's File handles that are not disk files or character
 * devices: sockets, plus pipes such as redirected standard streams, which
 * stay constant.  Tests compare deltas.  Under Wine the handles are
 * probed instead (see wine_socket_handles). */

#define W_SystemHandleInformation 16
#define W_SystemExtendedHandleInformation 64
#define W_ObjectTypeInformation 2
#define W_STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)

/* SystemExtendedHandleInformation: full process ids and handle values. */
typedef struct xsock__w32_handle_ex {
    PVOID Object;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR HandleValue;
    ULONG GrantedAccess;
    USHORT CreatorBackTraceIndex;
    USHORT ObjectTypeIndex;
    ULONG HandleAttributes;
    ULONG Reserved;
} xsock__w32_handle_ex;
typedef struct xsock__w32_handles_ex {
    ULONG_PTR NumberOfHandles;
    ULONG_PTR Reserved;
    xsock__w32_handle_ex Handles[1];
} xsock__w32_handles_ex;

/* SystemHandleInformation: 16-bit process ids and handle values. */
typedef struct xsock__w32_handle {
    USHORT UniqueProcessId;
    USHORT CreatorBackTraceIndex;
    UCHAR ObjectTypeIndex;
    UCHAR HandleAttributes;
    USHORT HandleValue;
    PVOID Object;
    ULONG GrantedAccess;
} xsock__w32_handle;
typedef struct xsock__w32_handles {
    ULONG NumberOfHandles;
    xsock__w32_handle Handles[1];
} xsock__w32_handles;

typedef struct xsock__w32_type_info { /* PUBLIC_OBJECT_TYPE_INFORMATION */
    UNICODE_STRING TypeName;
    ULONG Reserved[22];
} xsock__w32_type_info;

/* One handle of this process, whichever table it came from. */
typedef struct handle_ref {
    HANDLE handle;
    unsigned type;
} handle_ref;

static atomic_ulong g_snapshot_size = 1u << 16; /* the last size that sufficed */
static atomic_int g_file_type = -1;              /* object type index of "File" */

/* This process's handles: *refs is malloc'ed; -1 if the table is unreadable. */
static long own_handles(handle_ref **refs)
{
    const ULONG_PTR pid = GetCurrentProcessId();
    int classes[2] = {W_SystemExtendedHandleInformation, W_SystemHandleInformation};
    for (int c = 0; c < 2; c++) {
        ULONG size = atomic_load(&g_snapshot_size);
        void *buf = NULL;
        NTSTATUS st;
        for (;;) {
            void *bigger = realloc(buf, size);
            if (!bigger) {
                free(buf);
                return -1;
            }
            buf = bigger;
            ULONG needed = 0;
            st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)classes[c], buf, size, &needed);
            if (st != W_STATUS_INFO_LENGTH_MISMATCH || size >= (1u << 30)) break;
            /* the table may grow between calls: leave room */
            size = needed > size ? needed + needed / 4 : size * 2;
        }
        if (st < 0) {
            free(buf);
            continue; /* try the older class */
        }
        atomic_store(&g_snapshot_size, size);
        long n = 0;
        if (classes[c] == W_SystemExtendedHandleInformation) {
            const xsock__w32_handles_ex *t = buf;
            handle_ref *out = malloc((t->NumberOfHandles + 1) * sizeof *out);
            if (!out) {
                free(buf);
                return -1;
            }
            for (ULONG_PTR i = 0; i < t->NumberOfHandles; i++) {
                if (t->Handles[i].UniqueProcessId != pid) continue;
                out[n].handle = (HANDLE)t->Handles[i].HandleValue;
                out[n].type = t->Handles[i].ObjectTypeIndex;
                n++;
            }
            *refs = out;
        } else {
            const xsock__w32_handles *t = buf;
            handle_ref *out = malloc(((size_t)t->NumberOfHandles + 1) * sizeof *out);
            if (!out) {
                free(buf);
                return -1;
            }
            for (ULONG i = 0; i < t->NumberOfHandles; i++) {
                if (t->Handles[i].UniqueProcessId != (USHORT)pid) continue;
                out[n].handle = (HANDLE)(ULONG_PTR)t->Handles[i].HandleValue;
                out[n].type = t->Handles[i].ObjectTypeIndex;
                n++;
            }
            *refs = out;
        }
        free(buf);
        return n;
    }
    return -1;
}

/* 1 if `h` is a "File" object, 0 if another object, -1 if no handle. */
static int handle_kind(HANDLE h)
{
    union {
        xsock__w32_type_info info;
        char bytes[512];
    } u;
    ULONG len = 0;
    static const WCHAR file[] = L"File";
    if (NtQueryObject(h, (OBJECT_INFORMATION_CLASS)W_ObjectTypeInformation, &u, sizeof u, &len) < 0)
        return -1;
    return u.info.TypeName.Buffer && u.info.TypeName.Length == sizeof file - sizeof file[0] &&
           memcmp(u.info.TypeName.Buffer, file, sizeof file - sizeof file[0]) == 0;
}

static int is_file_type(HANDLE h)
{
    return handle_kind(h) == 1;
}

/* Sockets are FILE_TYPE_PIPE on Windows and Wine: a File handle that is
   no disk file or character device. */
static int is_socket_like(HANDLE h)
{
    DWORD ft = GetFileType(h);
    return ft != FILE_TYPE_DISK && ft != FILE_TYPE_CHAR;
}

/* Wine 8's server crashes (SIGSEGV in its get_system_handles request)
   when the system handle table is read while another process starts or
   exits: seen in about one of three parallel runs of the test suite, which
   then lost its wineserver.  Under Wine, then, this process's handles are
   found by probing handle values instead of reading the system's table:
   Wine hands out the lowest free slot (4, 8, 12, ...), so a long run of
   values that name no handle ends the table. */
#define WINE_PROBE_GAP 256

static int running_on_wine(void)
{
    static atomic_int wine = -1;
    int w = atomic_load(&wine);
    if (w < 0) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        w = ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
        atomic_store(&wine, w);
    }
    return w;
}

static long wine_socket_handles(void)
{
    long count = 0;
    unsigned gap = 0;
    for (ULONG_PTR v = 4; gap < WINE_PROBE_GAP; v += 4) {
        int kind = handle_kind((HANDLE)v);
        if (kind < 0) {
            gap++;
            continue;
        }
        gap = 0;
        if (kind == 1 && is_socket_like((HANDLE)v)) count++;
    }
    return count;
}

/* The index of the "File" object type, learnt once from this process's
   own handles (the index differs between Windows versions and Wine). */
static int file_type_index(const handle_ref *refs, long n)
{
    int known = atomic_load(&g_file_type);
    if (known >= 0) return known;
    for (long i = 0; i < n; i++) {
        int tried = 0;
        for (long j = 0; j < i && !tried; j++) tried = refs[j].type == refs[i].type;
        if (tried || !is_file_type(refs[i].handle)) continue;
        atomic_store(&g_file_type, (int)refs[i].type);
        return (int)refs[i].type;
    }
    return -1;
}

long xsock_os_handle_count(void)
{
    handle_ref *refs = NULL;
    DWORD saved = GetLastError();
    if (running_on_wine()) {
        long count = wine_socket_handles();
        SetLastError(saved);
        return count;
    }
    long n = own_handles(&refs);
    long count = -1;
    int type = n >= 0 ? file_type_index(refs, n) : -1;
    if (type >= 0) {
        count = 0;
        for (long i = 0; i < n; i++) {
            if ((int)refs[i].type == type && is_socket_like(refs[i].handle)) count++;
        }
    }
    free(refs);
    SetLastError(saved);
    return count;
}

/* ---- Code addresses --------------------------------------------------------- */

void xsock_os_describe_code(const void *pc, char *buf, size_t len)
{
    HMODULE mod = NULL;
    WCHAR path[MAX_PATH];
    if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                               GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           (LPCWSTR)pc, &mod) &&
        mod) {
        DWORD k = GetModuleFileNameW(mod, path, MAX_PATH);
        if (k > 0 && k < MAX_PATH) {
            const WCHAR *name = path;
            for (const WCHAR *p = path; *p; p++)
                if (*p == L'\\' || *p == L'/') name = p + 1;
            char name8[MAX_PATH * 3];
            if (WideCharToMultiByte(CP_UTF8, 0, name, -1, name8, (int)sizeof name8, NULL, NULL) > 0) {
                /* the call site is just before the return address */
                snprintf(buf, len, "%s+0x%llx", name8,
                         (unsigned long long)((const char *)pc - (const char *)mod - 1));
                return;
            }
        }
    }
    snprintf(buf, len, "0x%llx", (unsigned long long)(uintptr_t)pc);
}
