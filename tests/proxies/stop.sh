#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# stop.sh PID [PID...] : stop servers started by start-*.sh, by pid only.
#   1. SIGTERM to PID, wait up to ${XT_PROXY_STOP_TIMEOUT:-10} s, then SIGKILL;
#   2. the start scripts run each server with setsid, so PID is also its
#      process group: leftover members (dante's workers, squid's helpers, the
#      `sshd -i` behind ssh -D) get SIGTERM, then SIGKILL;
#   3. squid started with -n NAME: leftover /dev/shm/NAME-*.shm are removed.
# Temp dirs are removed by run.sh.  Exit 0, or 2 on a bad argument.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: stop.sh PID [PID...]" >&2; exit 2; }
WAIT_S=${XT_PROXY_STOP_TIMEOUT:-10}
rc=0

alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
group_alive() { ps -eo pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }

for pid in "$@"; do
  case "$pid" in ''|*[!0-9]*) echo "stop.sh: bad pid '$pid'" >&2; rc=2; continue ;; esac
  [ "$pid" -gt 1 ] || { echo "stop.sh: refusing pid $pid" >&2; rc=2; continue; }
  shm=""
  if [ -r "/proc/$pid/cmdline" ]; then
    mapfile -d '' argv <"/proc/$pid/cmdline" 2>/dev/null || argv=()
    case "${argv[0]:-}" in
      *squid*) for ((i = 1; i < ${#argv[@]}; i++)); do [ "${argv[$i]}" = -n ] && shm=${argv[$((i + 1))]:-}; done ;;
    esac
  fi
  own_group=0
  [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] && own_group=1
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    deadline=$((SECONDS + WAIT_S))
    while alive "$pid" && (( SECONDS < deadline )); do sleep 0.02; done
    if alive "$pid"; then
      echo "stop.sh: $pid still running after SIGTERM for ${WAIT_S}s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null; sleep 0.2
    fi
  fi
  if [ $own_group = 1 ]; then
    deadline=$((SECONDS + 3))
    while group_alive "$pid" && (( SECONDS < deadline )); do sleep 0.02; done
    if group_alive "$pid"; then
      kill -TERM -- "-$pid" 2>/dev/null; sleep 0.3
      group_alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null
    fi
  fi
  if [ -n "$shm" ]; then
    case "$shm" in *[!A-Za-z0-9_]*) ;; *) rm -f /dev/shm/"$shm"-*.shm 2>/dev/null ;; esac
  fi
done
exit $rc
