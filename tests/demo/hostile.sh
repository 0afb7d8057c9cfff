#!/bin/bash
# Hostile servers (the hostile-* demo scenarios): every one ends within its
# connect_timeout plus a margin, with bounded memory (each probe keeps at
# most 1000 server messages or 4 MiB of them, one message of at most 1 MiB
# and a 2 MiB read buffer; the whole process stays far below 256 MiB), and
# what the server says reaches the report, the JSON and the interface's
# screen escaped. Verdicts and findings per scenario are asserted by
# scenarios.sh from data/scenarios.json.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
S=$abs_top_srcdir/data/scenarios.json
TIME_BIN=$(command -v /usr/bin/time || true)
# AddressSanitizer's shadow memory and quarantine (make distcheck) say
# nothing about the program's own bound: measure memory on plain builds
asan=0
grep -q __asan_init "$PGI" 2>/dev/null && asan=1
[ -n "$TIME_BIN" ] || [ "${CI:-}" != true ] || fail "/usr/bin/time is missing"

for name in $("$JQ" -r '.scenarios[] | select(.name | startswith("hostile-")) | .name' "$S"); do
	limit=$("$JQ" -r --arg n "$name" '.scenarios[] | select(.name == $n) | .conninfo' "$S" |
		sed -n 's/.*connect_timeout=\([0-9]*\).*/\1/p')
	limit=$((${limit:-10} + 3))
	start=$(date +%s%N)
	rc=0
	if [ -n "$TIME_BIN" ]; then
		timeout 60 "$TIME_BIN" -f '%M' -o "$T/$name.rss" "$PGI" --demo "$name" --json \
			>"$T/$name.json" 2>"$T/$name.err" || rc=$?
	else
		timeout 60 "$PGI" --demo "$name" --json >"$T/$name.json" 2>"$T/$name.err" || rc=$?
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	assert_eq "$name: exit status" "$rc" 0
	assert_eq "$name: done within ${limit}s (took ${ms} ms)" "$([ "$ms" -le $((limit * 1000)) ] && echo yes)" yes
	if [ -s "$T/$name.rss" ] && [ "$asan" = 0 ]; then
		kb=$(tail -1 "$T/$name.rss")
		assert_eq "$name: peak memory ${kb} KiB under 256 MiB" "$([ "$kb" -lt 262144 ] && echo yes)" yes
	fi
	"$JQ" -e . "$T/$name.json" >/dev/null 2>&1 && pass "$name: valid JSON" || fail "$name: valid JSON"
done

# escapes in names and messages: shown escaped everywhere
no_raw() {
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$2" || LC_ALL=C grep -q $'\xe2\x80\xae' "$2" ||
		LC_ALL=C grep -q $'\xc2\x9b' "$2"; then
		fail "$1: raw control characters or a bidi override reached the output"
	else
		pass "$1: nothing raw"
	fi
}
for name in hostile-names hostile-escapes; do
	"$PGI" --demo "$name" --report >"$T/$name.txt" 2>&1
	no_raw "$name report" "$T/$name.txt"
	no_raw "$name JSON" "$T/$name.json"
	assert_contains "$name: the escape shown escaped" "$(cat "$T/$name.txt")" '\x1b[2J'
	mkdir -p "$T/screens"
	printf 'c\n:dump-screen %s-chain\nf\n:dump-screen %s-findings\n<Right><Right><Right>\n:dump-screen %s-require\n' \
		"$name" "$name" "$name" >"$T/$name.keys"
	TERM=dumb LINES=40 COLUMNS=120 LC_ALL=C.UTF-8 PGTLS_INSPECT_SCRIPT=$T/$name.keys \
		PGTLS_INSPECT_DUMPDIR=$T/screens timeout 60 "$PGI" --demo "$name" </dev/null >/dev/null 2>&1
	for f in "$T"/screens/"$name"-*.screen; do
		no_raw "$(basename "$f")" "$f"
	done
done
assert_contains "the CN's escape on the chain screen" "$(cat "$T/screens/hostile-names-chain.screen")" '\x1b[2J'
assert_contains "the message's escape in the verdict pane" "$(cat "$T/screens/hostile-escapes-require.screen")" '\x1b[2J'
assert_jq "$T/hostile-escapes.json" '.server.plaintext_startup.message | contains("\\x1b[2J")' "true"
assert_jq "$T/hostile-escapes.json" '.server.plaintext_startup.message | contains("\\xe2\\x80\\xae")' "true"
finish
