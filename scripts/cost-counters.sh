#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cost-counters.sh [BASE_REF] : what the per-socket counters cost.  Builds
# the static library of BASE_REF (default: the commit before the counters,
# 6f6627a) and of the work tree (release flags), links
# scripts/cost-counters/cost.c against each, and prints for a timed
# connect + accept + two closes and for a 64-byte round trip
# (send_all + recv_all each way, one thread):
#   - user-space instructions per operation (callgrind; exact: the slope
#     between two iteration counts, so set-up cancels out);
#   - time per operation (median of 5 runs, before and after alternating;
#     noisy on a shared machine);
#   - sizeof(struct xsock), the heap record of each socket.
# Needs cmake, ninja, cc, valgrind.  Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base_ref=${1:-6f6627a}
command -v valgrind >/dev/null || { echo "cost-counters: SKIPPED: valgrind missing" >&2; exit 77; }
work=$root/build/cost
mkdir -p "$work"
rm -rf "$work/base-src"
mkdir -p "$work/base-src"
git -C "$root" archive "$base_ref" | tar -x -C "$work/base-src"

lib() { # SRC BUILD
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
    -DXSOCK_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$2" --target xsock_static -j2 >/dev/null
}
lib "$work/base-src" "$work/base-build"
lib "$root" "$work/now-build"

cat >"$work/sizeof.c" <<'EOF'
#include <stdio.h>
#include "internal.h"
int main(void) { printf("%zu\n", sizeof(struct xsock)); return 0; }
EOF
for v in base now; do
  src=$root; [ $v = base ] && src=$work/base-src
  cc -std=c11 -O2 -I"$root/include" -o "$work/cost-$v" "$root/scripts/cost-counters/cost.c" \
    "$work/$v-build/libxsock.a" -lpthread
  cc -std=c11 -I"$src/src" -I"$src/include" -o "$work/sizeof-$v" "$work/sizeof.c"
done

ir() { # VARIANT MODE N
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1.$2.$3" "$work/cost-$1" "$2" "$3" \
    >/dev/null 2>&1
  awk '/^(summary|totals):/ { print $2; exit }' "$work/cg.$1.$2.$3"
}
# before and after alternate, 5 runs each: the median of each (the machine's
# load drifts; alternating keeps it out of the ratio)
timing() { # MODE N -> "median_before median_after"
  : >"$work/t.base"; : >"$work/t.now"
  for _ in 1 2 3 4 5; do
    "$work/cost-base" "$1" "$2" | awk '{ print $2 }' >>"$work/t.base"
    "$work/cost-now" "$1" "$2" | awk '{ print $2 }' >>"$work/t.now"
  done
  echo "$(sort -n "$work/t.base" | sed -n 3p) $(sort -n "$work/t.now" | sed -n 3p)"
}

echo "| | before ($base_ref) | after (work tree) | change |"
echo "|---|---|---|---|"
for m in "connect 200 400 3000" "rtt 1000 2000 20000"; do
  set -- $m
  b1=$(ir base "$1" "$2"); b2=$(ir base "$1" "$3")
  n1=$(ir now "$1" "$2"); n2=$(ir now "$1" "$3")
  bi=$(( (b2 - b1) / ($3 - $2) )); ni=$(( (n2 - n1) / ($3 - $2) ))
  read -r bt nt < <(timing "$1" "$4")
  name=$([ "$1" = connect ] && echo "connect + accept + 2 closes" || echo "64 B round trip (4 calls)")
  echo "| $name: instructions/op | $bi | $ni | +$(( ni - bi )) ($(awk -v a="$bi" -v b="$ni" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')) |"
  echo "| $name: ns/op, median of 5 alternating runs | $bt | $nt | $(awk -v a="$bt" -v b="$nt" 'BEGIN { printf "%.3f", b / a }') (ratio) |"
done
echo "| sizeof(struct xsock), bytes | $("$work/sizeof-base") | $("$work/sizeof-now") | +$(( $("$work/sizeof-now") - $("$work/sizeof-base") )) |"
