#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# start-squid.sh PORT [--auth USER:PASS] [--ipv4-only]
# Squid as an HTTP CONNECT proxy on 127.0.0.1:PORT and [::1]:PORT, optional
# Basic auth (basic_ncsa_auth over an apr1 password file).  No disk cache.
# Squid has its own DNS client: it is pointed at 127.0.0.1, where nothing
# answers, so no query can leave the machine (names in /etc/hosts, such as
# localhost, still resolve).  Each instance has its own service name
# (-n xsockPORT), so parallel instances do not share /dev/shm segments.
# Prints the pid.
here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"
port=${1:-}; p_check_port "$port"; shift
auth=""; v6=1
while [ $# -gt 0 ]; do
  case $1 in
    --auth) auth=$2; shift 2 ;;
    --ipv4-only) v6=0; shift ;;
    *) p_die "unknown option $1" ;;
  esac
done
squid=$(p_need squid) || p_die "squid missing: apt-get install -y squid"
p_port_free 127.0.0.1 "$port"; [ $v6 = 1 ] && p_port_free ::1 "$port"
p_setup_user; p_mkdir squid "$port"
svc="xsock$port"
{
  echo "http_port 127.0.0.1:$port"
  [ $v6 = 1 ] && echo "http_port [::1]:$port"
  cat <<CONF
visible_hostname localhost
pid_filename $P_DIR/squid.pid
cache_log $P_DIR/cache.log
access_log stdio:$P_DIR/access.log
cache_store_log none
coredump_dir $P_DIR
netdb_filename none
cache deny all
cache_mem 8 MB
memory_cache_shared off
pinger_enable off
icp_port 0
htcp_port 0
snmp_port 0
dns_nameservers 127.0.0.1
dns_timeout 1 seconds
connect_timeout 10 seconds
shutdown_lifetime 0 seconds
workers 1
CONF
  if [ -n "$auth" ]; then
    p_split_auth "$auth"
    helper=/usr/lib/squid/basic_ncsa_auth
    [ -x "$helper" ] || p_die "$helper missing (part of the squid package)"
    command -v openssl >/dev/null || p_die "openssl missing: apt-get install -y openssl"
    printf '%s:%s\n' "$P_AUTH_USER" "$(openssl passwd -apr1 "$P_AUTH_PASS")" >"$P_DIR/passwd"
    echo "auth_param basic program $helper $P_DIR/passwd"
    echo "auth_param basic children 2 startup=1 idle=1"
    echo "auth_param basic realm xsock-test-squid"
    echo "acl authed proxy_auth REQUIRED"
    echo "http_access allow authed"
  else
    echo "http_access allow all"
  fi
  echo "http_access deny all"
} >"$P_DIR/squid.conf"
p_spawn "${P_DROP[@]}" "$squid" -N -n "$svc" -f "$P_DIR/squid.conf"
if [ $v6 = 1 ]; then p_wait 127.0.0.1 "$port" ::1 "$port"; else p_wait 127.0.0.1 "$port"; fi
p_done "$port"
