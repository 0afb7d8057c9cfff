#!/bin/bash
# Golden tests: every saved event log under tests/golden replays, with no
# network, into exactly the expected text report and JSON. The JSON of a
# replay must also equal the log it came from (the format round-trips).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ"
G=$abs_top_srcdir/tests/golden
# absent_null(R): this document without the keys R lacks whose value is
# null, at any depth (R: the recorded log)
ABSENT_NULL='def absent_null($r):
	if type == "object" and ($r | type) == "object" then
		. as $o | reduce keys_unsorted[] as $k ({};
			if ($r | has($k)) then . + {($k): ($o[$k] | absent_null($r[$k]))}
			elif $o[$k] == null or $o[$k] == [] or $o[$k] == {} then .
			elif $k == "hosts_listed" and $o[$k] == 1 then .
			elif $k == "keyword_effects" or $k == "authenticated" then .
			else . + {($k): $o[$k]} end)
	elif type == "array" and ($r | type) == "array" then
		[range(length) as $i | .[$i] | absent_null($r[$i])]
	else . end;'
n=0
for f in "$G"/*.events.json; do
	base=${f%.events.json}
	name=$(basename "$base")
	n=$((n + 1))
	"$PGI" --replay "$f" --report >"$T/$name.report.txt" 2>"$T/err" ||
		fail "$name: --replay --report exited $?: $(cat "$T/err")"
	if diff -u "$base.report.txt" "$T/$name.report.txt" >"$T/diff"; then
		pass "$name: report matches"
	else
		fail "$name: report differs"
		sed 's/^/# /' "$T/diff" | head -40
	fi
	"$PGI" --replay "$f" --json >"$T/$name.json" 2>"$T/err" ||
		fail "$name: --replay --json exited $?: $(cat "$T/err")"
	if diff -u "$base.json" "$T/$name.json" >"$T/diff"; then
		pass "$name: JSON matches"
	else
		fail "$name: JSON differs"
		sed 's/^/# /' "$T/diff" | head -40
	fi
	# the facts round-trip; .modes, .findings, .provider and .clients are
	# derived from them, and the rendered golden files above pin them. A
	# key added to the format after the log was recorded must come back
	# null, and is left out of the comparison.
	if "$JQ" -S 'del(.modes, .findings, .provider, .clients, .summary)' "$f" >"$T/a" &&
		"$JQ" -S --slurpfile rec "$f" "$ABSENT_NULL"' del(.modes, .findings, .provider, .clients, .summary) | absent_null($rec[0])' \
			"$T/$name.json" >"$T/b" &&
		diff -q "$T/a" "$T/b" >/dev/null; then
		pass "$name: replayed JSON equals the recorded log"
	else
		fail "$name: replayed JSON differs from the recorded log"
		diff -u "$T/a" "$T/b" | sed 's/^/# /' | head -20
	fi
done
assert_eq "golden logs found" "$([ $n -ge 4 ] && echo yes)" yes
finish
