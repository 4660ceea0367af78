#!/bin/sh
# SPDX-License-Identifier: MIT
# The ctest fixture of the Wine run: one persistent wineserver for all the
# tests of a run, started away from ctest's pipes (a server started by a
# test keeps the test's stderr open for seconds after it ends).
#
#   wine-fixture.sh start   stop any server of this prefix, make the prefix
#                           if it is new, start the persistent server
#   wine-fixture.sh stop    stop it and wait until it is gone
#
# WINEPREFIX must be set; WINEARCH (win32 for the 32-bit build, which a
# 64-bit prefix cannot run) matters when the prefix is made.  "Gone" means no process is left in the server's
# directory (/tmp/wine-XXXXXX/server-DEV-INODE of the prefix): `wineserver
# -k` returns before the server has exited, and a test that reaches a
# server on its way out fails with "wineserver crashed" (seen in back-to-
# back runs).
set -u
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all

server_dir_suffix() {
    [ -d "$WINEPREFIX" ] || return 1
    # shellcheck disable=SC2046
    printf 'server-%x-%x' $(stat -L -c '%d %i' "$WINEPREFIX")
}

wait_gone() {
    suffix=$(server_dir_suffix) || return 0
    i=0
    while [ $i -lt 200 ]; do
        busy=
        for p in /proc/[0-9]*; do
            case $(readlink "$p/cwd" 2>/dev/null) in *"/$suffix") busy=1; break ;; esac
        done
        [ -z "$busy" ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    echo "wine-fixture: the wineserver of $WINEPREFIX did not exit" >&2
    return 1
}

stop() {
    wineserver -k >/dev/null 2>&1 </dev/null
    wait_gone
}

start_once() {
    stop || return 1
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        # a new prefix: its first Wine process makes it; that server does
        # not stay, so let it go before the persistent one starts
        wine cmd /c exit 0 >/dev/null 2>&1 </dev/null
        wait_gone || return 1
    fi
    wineserver -p >/dev/null 2>&1 </dev/null
    # Wine's services start now, not inside the first test, and show that
    # the server answers.  Output to a file: the services it starts live on
    # and would hold a pipe open.
    log="$WINEPREFIX/../wine-fixture.log"
    wine cmd /c exit 0 >"$log" 2>&1 </dev/null && return 0
    echo "wine-fixture: the first Wine process failed: $(cat "$log")" >&2
    return 1
}

# A prefix that cannot run anything is made again, when it is one of ours
# (build/*/wineprefix): one made before wine32:i386 was installed ("could
# not load kernel32.dll", toolchain notes), or of the other architecture
# than WINEARCH asks.
broken_prefix() {
    case $WINEPREFIX in */wineprefix) ;; *) return 1 ;; esac
    grep -Eqi 'kernel32\.dll|WINEARCH|64-bit installation|32-bit installation' "$WINEPREFIX/../wine-fixture.log" 2>/dev/null
}

case ${1:-} in
start)
    # Once in a few dozen back-to-back runs the first process after a
    # restart met a server that was not there: Wine's start-up, not a
    # test, so the fixture (never a test) tries once more, loudly.
    start_once && exit 0
    if broken_prefix; then
        echo "wine-fixture: $WINEPREFIX cannot run programs: making it again" >&2
        stop
        rm -rf "$WINEPREFIX"
    else
        echo "wine-fixture: starting again" >&2
    fi
    start_once
    ;;
stop)
    stop
    ;;
*)
    echo "usage: wine-fixture.sh start|stop" >&2
    exit 2
    ;;
esac
