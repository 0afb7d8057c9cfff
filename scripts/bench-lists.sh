#!/bin/bash
# bench-lists.sh [PGTLS_INSPECT]: the wall time of a --targets list of
# 10,000, 20,000 and 40,000 names (127.0.0.1 on a port where nothing
# listens, --timeout 1), the list read into one string list. Long lists
# must cost linear work: each figure should about double the one before.
# Asserts nothing; everything stays on 127.0.0.1.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
pgi=${1:-$here/src/pgtls-inspect}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a port nothing listens on: bound and closed again
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for n in 10000 20000 40000; do
	yes "127.0.0.1:$port" | head -n "$n" >"$tmp/targets"
	start=$(date +%s%N)
	rc=0
	timeout 900 "$pgi" --targets "$tmp/targets" --timeout 1 --json >"$tmp/out" 2>"$tmp/err" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	printf '%6d names: %8d ms (exit %d, %d lines)\n' "$n" "$ms" "$rc" "$(wc -l <"$tmp/out")"
done
