#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every native test under valgrind with --track-fds=yes and fails on
# any memory error, definite leak, or descriptor left open at exit that the
# test did not inherit.  Uses the release preset's build (no sanitizers).
# Timing assertions have the tolerance of the real run; valgrind slows
# calls, so a slow machine may need XTEST_SLOW=1 (not needed here).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j 2 >/dev/null
out=build/valgrind
mkdir -p "$out"
fail=0
for t in build/release/tests/test_*; do
  name=$(basename "$t")
  log="$out/$name.log"
  if ! valgrind --track-fds=yes --leak-check=full --errors-for-leak-kinds=definite \
       --error-exitcode=99 "$t" >"$log" 2>&1; then
    echo "valgrind: $name FAILED (see $log)"; fail=1; continue
  fi
  # descriptors open at exit other than the inherited ones
  leaked=$(awk '/Open (file descriptor|AF_INET|AF_INET6|AF_UNIX)/{fd=$0; getline; if ($0 !~ /inherited from parent/) print fd}' "$log")
  if [ -n "$leaked" ]; then
    echo "valgrind: $name leaked descriptors:"; echo "$leaked"; fail=1
  else
    echo "valgrind: $name ok ($(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log"), $(grep -o 'FILE DESCRIPTORS: [0-9]* open' "$log" | tail -1) at exit, all inherited)"
  fi
done
exit $fail
