#!/bin/bash
# bench-fleet.sh: a fleet audit of 100, 1,000 and 5,000 demo endpoints
# (four built-in scenario servers on 127.0.0.1, cycled), --jobs J (default
# 32): wall time, throughput and peak memory (/usr/bin/time's maximum
# resident set size) for each N, in JSON-lines mode and in table mode, and
# how memory grows with N (KiB a target over the smallest N: the targets are
# read as the inspections go and a JSON line keeps nothing, so the JSON
# figure stays near 0; the table keeps one compact row a target).
# Prints figures; asserts nothing. Usage: scripts/bench-fleet.sh [J] [N...]
# MODES="json table" (the default) or one of them.
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

printf '%-6s %7s %6s %10s %12s %14s %14s\n' mode N jobs "wall s" "inspections/s" \
	"peak RSS KiB" "KiB/target+"
for mode in ${MODES:-json table}; do
	first_n= first_kb=
	for n in $SIZES; do
		: >"$T/targets"
		for ((i = 0; i < n; i++)); do
			echo "${cis[$((i % ${#cis[@]}))]}" >>"$T/targets"
		done
		"$TIME_BIN" -f '%e %M' -o "$T/time" "$PGI" $([ "$mode" = json ] && echo --json) \
			--jobs "$J" --targets "$T/targets" >"$T/out" 2>/dev/null
		read -r wall kb <"$T/time"
		# the table has a header line
		lines=$(wc -l <"$T/out")
		[ "$mode" = json ] || lines=$((lines - 1))
		: "${first_n:=$n}" "${first_kb:=$kb}"
		printf '%-6s %7d %6d %10.2f %12.0f %14d %14s%s\n' "$mode" "$n" "$J" "$wall" \
			"$(awk -v n="$n" -v w="$wall" 'BEGIN { print (w > 0 ? n / w : 0) }')" "$kb" \
			"$(awk -v n="$n" -v k="$kb" -v n0="$first_n" -v k0="$first_kb" \
				'BEGIN { if (n > n0) printf "%.3f", (k - k0) / (n - n0); else print "-" }')" \
			"$([ "$lines" = "$n" ] || echo "  ($lines results!)")"
	done
done
finish >/dev/null
