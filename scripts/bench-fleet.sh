#!/bin/bash
# bench-fleet.sh: a fleet audit of 100, 1,000 and 5,000 demo endpoints
# (four built-in scenario servers on 127.0.0.1, cycled), --jobs J (default
# 32): wall time, throughput and peak memory for each N, and how they grow.
# Prints figures; asserts nothing. Usage: scripts/bench-fleet.sh [J] [N...]
# PGI_BIN=/path/to/pgtls-inspect measures another build (before and after a
# change, in one run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/lib.sh"
PGI=${PGI_BIN:-$PGI}
need_pgi
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
J=${1:-32}
shift || true
SIZES=${*:-100 1000 5000}
TIME_BIN=$(command -v /usr/bin/time) || die "needs /usr/bin/time (Debian package time)"

cis=()
for sc in healthy wrong-host expired ssl-off; do
	demo_serve "$sc"
	cis+=("$DEMO_CI")
done

printf '%7s %6s %10s %12s %14s\n' N jobs "wall s" "inspections/s" "peak RSS KiB"
prev_kb=
for n in $SIZES; do
	: >"$T/targets"
	for ((i = 0; i < n; i++)); do
		echo "${cis[$((i % ${#cis[@]}))]}" >>"$T/targets"
	done
	"$TIME_BIN" -f '%e %M' -o "$T/time" "$PGI" --json --jobs "$J" --targets "$T/targets" \
		>"$T/out" 2>/dev/null
	read -r wall kb <"$T/time"
	lines=$(wc -l <"$T/out")
	printf '%7d %6d %10.2f %12.0f %14d%s\n' "$n" "$J" "$wall" \
		"$(awk -v n="$n" -v w="$wall" 'BEGIN { print (w > 0 ? n / w : 0) }')" "$kb" \
		"$([ "$lines" = "$n" ] || echo "  ($lines results!)")"
	prev_kb=$kb
done
: "$prev_kb"
finish >/dev/null
