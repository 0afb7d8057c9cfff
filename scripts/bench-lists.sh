#!/bin/bash
# bench-lists.sh [PGTLS_INSPECT [STRLIST_C]]: the wall time of a --targets
# list of 10,000, 20,000 and 40,000 names (127.0.0.1 on a port where
# nothing listens, --timeout 1), the list read into one string list; then
# the string list alone (STRLIST_C, default src/util/strlist.c) built with
# AddressSanitizer, whose realloc always copies: a realloc a name made it
# quadratic there. Long lists must cost linear work: each figure should
# about double the one before. Asserts nothing; all stays on 127.0.0.1.
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

# the string list alone, under AddressSanitizer
sl=${2:-$here/src/util/strlist.c}
cat >"$tmp/sl.c" <<'C'
#include "util/strlist.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv)
{
	int want = atoi(argv[1]), n = 0;
	char **l = NULL, b[32];
	struct timespec a, z;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < want; i++) {
		snprintf(b, sizeof(b), "127.0.0.1:%d", i);
		strlist_add(&l, &n, b);
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	printf("%6d names: %8.1f ms (strlist_add under AddressSanitizer)\n", want,
	       (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6);
	strlist_free(l);
	return 0;
}
C
if ${CC:-cc} -O1 -fsanitize=address -I"$here" -I"$here/src" -o "$tmp/sl" "$tmp/sl.c" "$sl" \
	"$here/src/util/xalloc.c" 2>"$tmp/cc.err"; then
	for n in 10000 20000 40000; do
		"$tmp/sl" "$n"
	done
else
	echo "(no AddressSanitizer build: $(head -1 "$tmp/cc.err"))"
fi
