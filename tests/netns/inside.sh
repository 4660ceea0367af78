#!/bin/sh
# The namespace side of run.sh (runs as the namespace's first process).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ip link set lo up
# A Windows test runs under Wine (run.sh wine test.exe): sockets are made by
# the wineserver, so the namespace needs a wineserver of its own.  Wine
# finds its server through a directory in /tmp; a private /tmp hides the
# one outside (and the same prefix then gets a second server in here).
wine=
case $(basename "$1") in wine | wine64)
  wine=$1
  mount -t tmpfs -o mode=1777 tmpfs /tmp
  ;;
esac
work=$(mktemp -d)
cp "$here/hosts" "$work/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:3 attempts:1\n' > "$work/resolv.conf"
mount --bind "$work/hosts" /etc/hosts
mount --bind "$work/resolv.conf" /etc/resolv.conf
python3 "$here/blackhole_dns.py" > "$work/dns.out" 2>&1 &
dns=$!
for i in $(seq 50); do grep -q ready "$work/dns.out" 2>/dev/null && break; sleep 0.05; done
grep -q ready "$work/dns.out" || { echo "netns: the black-hole DNS server did not start" >&2; exit 1; }
if [ -n "$wine" ]; then
  wineserver -p >/dev/null 2>&1 </dev/null
  # start Wine's services now, away from the test's output and its timing
  "$wine" cmd /c exit 0 >/dev/null 2>&1 </dev/null || true
fi
set +e
XTEST_NETNS=1 "$@"
rc=$?
[ -z "$wine" ] || wineserver -k >/dev/null 2>&1 </dev/null
kill "$dns" 2>/dev/null
echo "netns: DNS queries received and never answered: $(grep -c query "$work/dns.out")"
rm -rf "$work"
exit $rc
