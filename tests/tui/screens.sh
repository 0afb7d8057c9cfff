#!/bin/bash
# The interface, headless: key scripts (tests/tui/*.keys) drive it on an
# in-memory screen over replayed event logs (no network), and every screen
# dump must equal tests/tui/expected/NAME.screen. UPDATE_GOLDEN=1 rewrites
# the expected files (review the diff).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ"
D=$abs_top_srcdir/tests/tui
LOG_OK=$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json
LOG_BAD=$abs_top_srcdir/tests/golden/tls-other-root.events.json
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null
unset NO_COLOR

run() {
	local keys=$1 log=$2 rc=0
	mkdir -p "$T/out"
	PGTLS_INSPECT_SCRIPT=$D/$keys.keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 30 "$PGI" --replay "$log" </dev/null >"$T/$keys.stdout" 2>&1 || rc=$?
	assert_eq "$keys: exit status" "$rc" 0
	assert_eq "$keys: nothing written to the terminal" "$(wc -c <"$T/$keys.stdout")" 0
}

run navigate "$LOG_OK"
run modes "$LOG_BAD"
run chain "$LOG_BAD"
run cmdline "$LOG_OK"
run set "$LOG_OK"
run resize "$LOG_OK"

n=0
for f in "$T"/out/*.screen; do
	name=$(basename "$f")
	n=$((n + 1))
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$f" "$D/expected/$name"
	fi
	if diff -u "$D/expected/$name" "$f" >"$T/diff"; then
		pass "$name matches"
	else
		fail "$name differs"
		sed 's/^/# /' "$T/diff" | head -40
	fi
done
# (panes-*.screen are panes.sh's)
assert_eq "every expected screen was produced" "$n" "$(ls "$D"/expected/*.screen | grep -vc /panes-)"
# save and export-chain write files from inside the interface
cat >"$T/save.keys" <<KEYS
:save json $T/saved.json
:save report $T/saved.txt
:save svg $T/saved.svg
:save html $T/saved.html
:export-chain $T/chain.pem
:save bogus $T/x
:dump-screen save-usage
KEYS
rc=0
PGTLS_INSPECT_SCRIPT=$T/save.keys PGTLS_INSPECT_DUMPDIR=$T \
	timeout 30 "$PGI" --replay "$LOG_OK" </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "save: exit status" "$rc" 0
assert_jq "$T/saved.json" '.modes["verify-full"].outcome' "encrypted"
assert_contains "saved report" "$(cat "$T/saved.txt")" "Verdicts (as libpq 18 would act)"
assert_eq "exported chain: two certificates" "$(grep -c 'BEGIN CERTIFICATE' "$T/chain.pem")" 2
assert_contains "saved SVG" "$(cat "$T/saved.svg")" 'id="verdict-verify-full"'
assert_contains "saved page" "$(cat "$T/saved.html")" '<section id="sec-ladder">'
assert_contains "save with a bad kind" "$(tail -1 "$T/save-usage.screen")" "save report|json|events|svg|html|pcap FILE"

# the history of the command line is kept across runs
assert_contains "history file" "$(cat "$HOME/.pgtls_inspect_history" 2>/dev/null)" "set host db.example.com"
finish
