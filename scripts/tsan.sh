#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The threaded tests under ThreadSanitizer (clang): the accounting under 8
# threads, the abandoned resolver thread, the in-process fake proxies.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DXSOCK_SANITIZE=thread -DXSOCK_WERROR=ON -DXSOCK_BUILD_BENCH=OFF >/dev/null
cmake --build build/tsan -j 2
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
for t in test_threads test_resolver test_happy_eyeballs test_proxy_fake test_io test_accounting test_deadlines; do
  echo "tsan: $t"
  ./build/tsan/tests/$t >build/tsan/$t.log 2>&1 || { cat build/tsan/$t.log; exit 1; }
done
echo "tsan: no data races"
