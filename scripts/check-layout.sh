#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The include rules of docs/internals.md, checked on the tree:
#   - src/proxy/ is pure: nothing of src/dial/, the core's internals, the
#     backend contract or a backend
#   - the core outside src/dial/ includes nothing of src/dial/
#   - backends include the contract and their hooks, never the core's internals
#   - no _WIN32 or __linux__ outside the backends and the export macro of xsock.h
# Prints every offending line and fails on any.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
offend() { echo "check-layout: $1:"; echo "$2" | sed 's/^/    /'; fail=1; }

hits=$(grep -Hn '#include "' src/proxy/*.[ch] | grep -E '"\.\./(dial/|internal\.h|xsock_os\.h|syscalls\.h|os_hooks\.h|posix/|win32/)' || true)
[ -z "$hits" ] || offend "src/proxy/ includes beyond itself, util.h and addr.h" "$hits"

hits=$(grep -Hn '#include "' src/*.[ch] | grep -E '"dial/' || true)
[ -z "$hits" ] || offend "the core includes src/dial/" "$hits"

hits=$(grep -Hn '#include "' src/posix/*.[ch] src/win32/*.[ch] | grep -E '"\.\./(internal\.h|dial/|proxy/)' || true)
[ -z "$hits" ] || offend "a backend includes the core's internals" "$hits"

hits=$(grep -HnE '\b(_WIN32|__linux__)\b' src/*.[ch] src/proxy/*.[ch] src/dial/*.[ch] || true)
[ -z "$hits" ] || offend "platform tests in the portable core" "$hits"

[ "$fail" -eq 0 ] && echo "check-layout: the includes follow docs/internals.md"
exit "$fail"
