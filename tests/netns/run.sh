#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one test inside network and mount namespaces of its own: only `lo`,
# a hosts file with names of several addresses, and a DNS server on
# 127.0.0.1:53 that reads every query and never answers.  Nothing leaves
# the namespace.  Exits 77 (ctest SKIP) where namespaces are not permitted.
#
# usage: run.sh <test-executable> [args...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! unshare -mn true 2>/dev/null; then
  echo "SKIP: unshare -mn is not permitted here (needs root or user namespaces)" >&2
  echo "SKIP: unshare -mn is not permitted here"
  exit 77
fi
exec unshare -mn sh "$here/inside.sh" "$@"
