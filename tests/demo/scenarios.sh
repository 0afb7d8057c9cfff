#!/bin/bash
# Every built-in scenario (data/scenarios.json) inspected by --demo NAME,
# with no database anywhere: the six verdicts must be the ones the scenario
# file promises (libpq 18), and each scenario's own facts must hold. The
# temporary root file of a demo is gone when the program ends.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
S=$abs_top_srcdir/data/scenarios.json
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
n=$("$JQ" '.scenarios | length' "$S") || die "cannot read $S"
assert_eq "at least 25 scenarios" "$([ "$n" -ge 25 ] && echo yes)" yes

for ((i = 0; i < n; i++)); do
	name=$("$JQ" -r ".scenarios[$i].name" "$S")
	j=$T/$name.json
	rc=0
	timeout 60 "$PGI" --demo "$name" --json >"$j" 2>"$T/$name.err" || rc=$?
	assert_eq "$name: exit status" "$rc" 0
	[ "$rc" = 0 ] || { sed 's/^/# /' "$T/$name.err"; continue; }
	want=$("$JQ" -c ".scenarios[$i].expect" "$S")
	got=$("$JQ" -c '.modes | map_values(.outcome)' "$j")
	if "$JQ" -n -e --argjson w "$want" --argjson g "$got" '$w == $g' >/dev/null; then
		pass "$name: the six verdicts"
	else
		fail "$name: the six verdicts"
		printf '#   want: %s\n#   got:  %s\n' "$want" "$got"
		"$JQ" -r '.modes | to_entries[] | "#   \(.key): \(.value.error // "")"' "$j" | head -12
	fi
	assert_jq "$j" '.scenario.name' "$name"
	assert_eq "$name: the findings" "$("$JQ" -c '[.findings[].id] | unique' "$j")" \
		"$("$JQ" -c ".scenarios[$i].findings | unique" "$S")"
	# the scenario's own facts: {"jq filter": expected value}
	while IFS= read -r filter; do
		value=$("$JQ" -c --arg k "$filter" ".scenarios[$i].facts[\$k]" "$S")
		got=$("$JQ" -c "$filter" "$j" 2>&1)
		assert_eq "$name: $filter" "$got" "$value"
	done < <("$JQ" -r ".scenarios[$i].facts // {} | keys_unsorted[]" "$S")
	root=$("$JQ" -r '.target.sslrootcert' "$j")
	if [ -e "$(dirname "$root")" ]; then
		fail "$name: the demo left $(dirname "$root") behind"
	fi
done
finish
