#!/usr/bin/env bash
# tests/fuzz/smoke.sh: `make fuzz-smoke`. For each fuzz target: replay the
# crashes found before (tests/fuzz/regressions/TARGET/), then fuzz for
# FUZZ_SECONDS from the seed corpus (tests/fuzz/corpus/TARGET/, read only:
# new inputs go to a temporary directory) with tests/fuzz/TARGET.dict when
# there is one. Prints one line per target,
# "fuzz-smoke: PASS: TARGET ..." or "fuzz-smoke: FAIL: TARGET ...", and exits
# 1 when any failed. Crash inputs are kept in BUILDDIR/tests/fuzz/artifacts/.
#
# usage: smoke.sh SRCDIR BUILDDIR SECONDS TARGET...
set -u
srcdir=$1 builddir=$2 secs=$3
shift 3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgtls-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
art="$builddir/tests/fuzz/artifacts"
mkdir -p "$art"
failed=0
for t in "$@"; do
	bin="$builddir/tests/fuzz/fuzz-$t"
	log="$art/$t.log"
	: >"$log"
	if [ ! -x "$bin" ]; then
		echo "fuzz-smoke: FAIL: $t (not built: $bin)"
		failed=1
		continue
	fi
	# known crashes first: each file runs once and must pass
	reg=("$srcdir/tests/fuzz/regressions/$t"/*)
	nreg=0
	if [ -e "${reg[0]}" ]; then
		nreg=${#reg[@]}
		if ! HOME="$tmp" PGTLS_FUZZ_SRCDIR="$srcdir" "$bin" "${reg[@]}" >>"$log" 2>&1; then
			echo "fuzz-smoke: FAIL: $t (a regression input crashes again; see $log)"
			tail -n 40 "$log" | sed 's/^/# /'
			failed=1
			continue
		fi
	fi
	mkdir -p "$tmp/$t"
	dict=()
	[ -f "$srcdir/tests/fuzz/$t.dict" ] && dict=(-dict="$srcdir/tests/fuzz/$t.dict")
	if HOME="$tmp" PGTLS_FUZZ_SRCDIR="$srcdir" "$bin" -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$art/$t-" "$tmp/$t" "$srcdir/tests/fuzz/corpus/$t" \
		>>"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "fuzz-smoke: PASS: $t ($nreg regressions, ${runs:-?} runs in ${secs}s, ${cov:-cov: ?})"
	else
		echo "fuzz-smoke: FAIL: $t (crash; input and log in $art/)"
		{ grep -m1 -A40 'ERROR: \|runtime error:' "$log"; grep 'Test unit written' "$log"; } |
			sed 's/^/# /'
		failed=1
	fi
done
exit "$failed"
