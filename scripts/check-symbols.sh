#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The static library defines no global symbol outside xsock_ / xsock__
# (DESIGN.md, Packaging): an application may define px_connect or
# w32_send of its own and still link libxsock.a.
#
#   scripts/check-symbols.sh [NM] LIBRARY.a ...
#   scripts/check-symbols.sh build/release/libxsock.a
#   scripts/check-symbols.sh x86_64-w64-mingw32-nm build/mingw/libxsock.a
#   scripts/check-symbols.sh i686-w64-mingw32-nm build/mingw-i686/libxsock.a   (C names are _name there)
#
# Compiler-made wrappers of our own names are allowed: mingw's
# `.refptr.NAME` (address tables of extern data) and `__emutls_v.NAME`
# (thread-local variables), as long as NAME itself is ours.  Prints every
# global defined symbol and fails on any other.
set -euo pipefail
nm_tool=nm
if [ $# -ge 1 ] && [[ "$1" != *.a ]]; then
    nm_tool=$1
    shift
fi
[ $# -ge 1 ] || { echo "usage: $0 [NM] LIBRARY.a ..." >&2; exit 2; }
command -v "$nm_tool" >/dev/null || { echo "check-symbols: $nm_tool not found" >&2; exit 1; }

fail=0
for lib in "$@"; do
    [ -f "$lib" ] || { echo "check-symbols: $lib does not exist" >&2; exit 1; }
    # "ADDRESS TYPE NAME" lines of the global defined symbols
    syms=$("$nm_tool" -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
    # 32-bit Windows decorates every C name with a leading underscore
    case $(basename "$nm_tool") in i?86-w64-mingw32-nm) syms=$(printf '%s\n' "$syms" | sed 's/^_//') ;; esac
    total=$(printf '%s\n' "$syms" | grep -c . || true)
    stray=$(printf '%s\n' "$syms" | sed -E 's/^(\.refptr\.|__emutls_v\.)+//' | grep -Ev '^xsock_' | grep . || true)
    if [ -n "$stray" ]; then
        echo "check-symbols: $lib defines $(printf '%s\n' "$stray" | wc -l) global symbol(s) outside xsock_/xsock__:" >&2
        printf '  %s\n' $stray >&2
        fail=1
    else
        internal=$(printf '%s\n' "$syms" | grep -Ec '^xsock__' || true)
        echo "check-symbols: $lib ($nm_tool): $total global symbols: $((total - internal)) xsock_*, $internal xsock__* (or compiler wrappers of them), none other"
    fi
done
exit $fail
