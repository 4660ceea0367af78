#!/bin/sh
# SPDX-License-Identifier: MIT
# The namespace side of run.sh (runs as the namespace's first process).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ip link set lo up
work=$(mktemp -d)
cp "$here/hosts" "$work/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:3 attempts:1\n' > "$work/resolv.conf"
mount --bind "$work/hosts" /etc/hosts
mount --bind "$work/resolv.conf" /etc/resolv.conf
python3 "$here/blackhole_dns.py" > "$work/dns.out" 2>&1 &
dns=$!
for i in $(seq 50); do grep -q ready "$work/dns.out" 2>/dev/null && break; sleep 0.05; done
grep -q ready "$work/dns.out" || { echo "netns: the black-hole DNS server did not start" >&2; exit 1; }
set +e
XTEST_NETNS=1 "$@"
rc=$?
kill "$dns" 2>/dev/null
echo "netns: DNS queries received and never answered: $(grep -c query "$work/dns.out")"
rm -rf "$work"
exit $rc
