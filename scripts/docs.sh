#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The API reference from include/xsock.h with Doxygen (Debian's doxygen):
# HTML in build/docs/html and man pages (man3) in build/docs/man.  Fails on
# any Doxygen warning (WARN_AS_ERROR in docs/Doxyfile): an undocumented
# public function, a @param that names no parameter, a broken reference.
# Also fails when docs/design.md differs from the shared contract, where
# that is present (../shared/DESIGN.md of the project).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v doxygen >/dev/null || { echo "docs.sh: doxygen not found (apt-get install doxygen)" >&2; exit 1; }
out=$PWD/build/docs
rm -rf "$out"
mkdir -p "$out"
XSOCK_VERSION=$(sed -n 's/^#define XSOCK_VERSION_STRING "\([^"]*\)".*/\1/p' include/xsock.h)
export XSOCK_VERSION XSOCK_DOCS_OUT=$out
if ! (cd docs && doxygen Doxyfile) >"$out/doxygen.log" 2>&1; then
    cat "$out/doxygen.log" >&2
    echo "docs.sh: Doxygen warnings are errors (docs/Doxyfile): document what it names" >&2
    exit 1
fi
[ -f "$out/html/xsock_8h.html" ] || { echo "docs.sh: no html/xsock_8h.html" >&2; exit 1; }
# every XSOCK_API function has its entry in the reference
missing=
for f in $(grep -E '^XSOCK_API ' include/xsock.h | sed -E 's/\(.*//; s/.*[ *]//' | sort -u); do
    grep -q "$f" "$out/html/xsock_8h.html" || missing="$missing $f"
done
[ -z "$missing" ] || { echo "docs.sh: not in the reference:$missing" >&2; exit 1; }
shared=../shared/DESIGN.md
if [ -f "$shared" ] && ! cmp -s "$shared" docs/design.md; then
    echo "docs.sh: docs/design.md differs from $shared: copy it (cp $shared docs/design.md)" >&2
    exit 1
fi
echo "docs.sh: API reference of $(grep -cE '^XSOCK_API ' include/xsock.h) functions, no warning: $out/html/index.html, $(ls "$out/man/man3" | wc -l) man pages in $out/man/man3"
