#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, -DXSOCK_FUZZ=ON, build dir build/fuzz)
# and runs each one for a few seconds on its seed corpus.  Exits nonzero if
# a target fails to build or finds a crash, a leak, a sanitizer report or a
# broken invariant.  See fuzz/README.md for long runs.
#
#   scripts/fuzz-smoke.sh                 every target, FUZZ_SECONDS each (default 10)
#   scripts/fuzz-smoke.sh fuzz_socks5     only the named targets
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 scripts/fuzz-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-10}
jobs=${FUZZ_JOBS:-2}
build=build/fuzz
cc=${CC:-clang}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_proxy_url fuzz_socks4 fuzz_socks5 fuzz_http_connect fuzz_no_proxy)
fi

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "fuzz-smoke: $cc not found (libFuzzer needs clang; Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 1
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC="$cc" cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXSOCK_FUZZ=ON -DXSOCK_WERROR=ON \
    -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" --target "${targets[@]/#/xsock_}" -j "$jobs"   # targets are xsock_fuzz_*

failed=()
for t in "${targets[@]}"; do
  work="$build/work/$t"        # new inputs go here; the seed corpus stays untouched
  art="$build/artifacts/$t/"
  mkdir -p "$work" "$art"
  log="$build/$t.log"
  echo "== $t: ${seconds}s"
  if "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$art" -print_final_stats=1 "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units)' "$log" | tr '\n' ' '
    echo
  else
    echo "fuzz-smoke: $t FAILED (log: $log, reproducer in $art):" >&2
    grep -E 'ERROR|SUMMARY|contract|invariant|Test unit written' "$log" | head -20 >&2 || true
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz-smoke: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz-smoke: all ${#targets[@]} targets ran ${seconds}s without a finding"
