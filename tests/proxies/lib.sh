# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lib.sh - helpers sourced by start-*.sh (not run on its own).  Adapted from
# the loopback proxy peers the project measured before writing these tests.
#
# Contract of every start-NAME.sh PORT [options]:
#   * writes its config, logs and pid file into a fresh temp dir
#     ${XT_PROXY_TMP:-${TMPDIR:-/tmp}}/NAME-PORT.XXXXXX (path on stderr);
#   * starts the server bound to loopback only (127.0.0.1 and, unless
#     --ipv4-only, ::1) on PORT, in a session of its own (setsid: the pid is
#     also the process-group id), stdin /dev/null, output in the temp dir;
#   * waits until every address accepts TCP, then prints ONLY the pid;
#   * when run by real root, runs the server as nobody (setpriv): sshd and
#     squid insist on it.  Otherwise it runs as the calling user.
# stop.sh PID ends it.  Exit 1 on any failure, after printing the log tail.
# Knobs: XT_PROXY_START_TIMEOUT (s, default 15), XT_PROXY_KEEP=1 (keep dirs).

set -euo pipefail

P_SELF=$(basename "$0")
P_TIMEOUT=${XT_PROXY_START_TIMEOUT:-15}
P_NAME=proxy
P_DIR=
P_PID=
P_DROP=()
P_USER=$(id -un)
P_AUTH_USER=
P_AUTH_PASS=

p_die() {
  echo "$P_SELF: $*" >&2
  if [ -n "${P_DIR:-}" ] && [ "${XT_PROXY_KEEP:-0}" != 1 ]; then rm -rf "$P_DIR"; fi
  exit 1
}

p_check_port() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (( $1 > 1023 && $1 < 65536 )) ||
    p_die "usage: $P_SELF PORT [options]  (bad port '${1:-}')"
}

# p_need NAME : the path of an executable, from PATH, else /usr/sbin or /sbin
# (not in a normal user's PATH on Debian).  Empty output if not found.
p_need() {
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /sbin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done
  return 1
}

# uid 0 in the initial user namespace (not the mapped root of `unshare -r`,
# where setpriv to nobody cannot work)
p_real_root() {
  [ "$(id -u)" = 0 ] || return 1
  awk 'NR==1 { exit !($1 == 0 && $2 == 0 && $3 == 4294967295) }' /proc/self/uid_map
}

p_setup_user() {
  P_DROP=()
  P_USER=$(id -un)
  p_real_root || return 0
  command -v setpriv >/dev/null || p_die "setpriv missing: apt-get install -y util-linux"
  P_DROP=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups)
  P_USER=nobody
}

p_mkdir() { # NAME PORT
  P_NAME=$1
  local parent=${XT_PROXY_TMP:-${TMPDIR:-/tmp}}
  P_DIR=$(mktemp -d "$parent/$1-$2.XXXXXX") || p_die "mktemp failed in $parent"
  chmod 755 "$P_DIR"
  if [ ${#P_DROP[@]} -gt 0 ]; then chown "$P_USER:$(id -gn "$P_USER")" "$P_DIR"; fi
}

p_alive() { # PID: running (a zombie counts as dead; pid 1 may not reap)
  [ -r "/proc/$1/status" ] || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

p_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

p_port_free() { # HOST PORT
  if p_port_open "$1" "$2"; then p_die "port $1:$2 already accepts connections"; fi
}

p_split_auth() { # USER:PASS (the password may contain ':')
  [[ "$1" == *:* ]] || p_die "--auth wants USER:PASS"
  P_AUTH_USER=${1%%:*}
  P_AUTH_PASS=${1#*:}
  [ -n "$P_AUTH_USER" ] || p_die "--auth: empty user name"
}

# p_spawn CMD... : detached, in its own session.  setsid (we are not a group
# leader) and setpriv exec in place, so $! is the server's own pid.
p_spawn() {
  setsid "$@" </dev/null >>"$P_DIR/server.log" 2>&1 &
  P_PID=$!
  echo "$P_PID" >"$P_DIR/pid"
}

p_fail() {
  echo "$P_SELF: $1; last log lines from $P_DIR:" >&2
  tail -n 15 "$P_DIR"/*.log >&2 2>/dev/null || true
  if p_alive "$P_PID"; then kill -TERM -- "-$P_PID" 2>/dev/null || kill -TERM "$P_PID" 2>/dev/null || true; fi
  [ "${XT_PROXY_KEEP:-0}" = 1 ] || rm -rf "$P_DIR"
  exit 1
}

# p_wait HOST PORT [HOST PORT ...] : until all accept; fails if the server died
p_wait() {
  local deadline=$((SECONDS + P_TIMEOUT)) h p
  while [ $# -ge 2 ]; do
    h=$1 p=$2; shift 2
    until p_port_open "$h" "$p"; do
      p_alive "$P_PID" || p_fail "server exited before $h:$p accepted"
      (( SECONDS < deadline )) || p_fail "timeout (${P_TIMEOUT}s) waiting for $h:$p"
      sleep 0.01
    done
  done
  # a server that lost the bind race could see another process's port open
  p_alive "$P_PID" || p_fail "server exited after start"
}

p_done() {
  echo "$P_SELF: $P_NAME pid=$P_PID port=$1 user=$P_USER dir=$P_DIR" >&2
  echo "$P_PID"
}
