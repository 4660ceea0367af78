#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-microsocks.sh PORT [--listen 127.0.0.1|::1] [--auth USER:PASS]
# microsocks: SOCKS5 CONNECT only (a SOCKS4 request gets `05 ff`), optional
# RFC 1929 user/password, real reply codes per errno.  One listen address per
# process (default 127.0.0.1).  Prints the pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
listen=127.0.0.1; auth=""
while [ $# -gt 0 ]; do
  case $1 in
    --listen) listen=$2; shift 2 ;;
    --auth) auth=$2; shift 2 ;;
    *) p_die "unknown option $1" ;;
  esac
done
case $listen in 127.*|::1) ;; *) p_die "--listen must be a loopback address" ;; esac
ms=$(p_need microsocks) || p_die "microsocks missing: apt-get install -y microsocks"
p_setup_user; p_mkdir microsocks "$port"; p_port_free "$listen" "$port"
args=(-i "$listen" -p "$port")
if [ -n "$auth" ]; then p_split_auth "$auth"; args+=(-u "$P_AUTH_USER" -P "$P_AUTH_PASS"); fi
p_spawn "${P_DROP[@]}" "$ms" "${args[@]}"
p_wait "$listen" "$port"
p_done "$port"
