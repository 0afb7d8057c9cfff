#!/bin/bash
# The panes of the interface, headless (key scripts on an in-memory screen,
# as screens.sh): the first screen of replayed inspections at 80x24, 120x40
# and 200x60 (tests/tui/expected/panes-*.screen; UPDATE_GOLDEN=1 rewrites
# them), the first screen of demo scenarios at 80x24 (all six modes and the
# failing step on screen), Tab and PgDn in the detail pane (later hex), '/'
# search with n and N, the selected row across resizes, clicks through the
# mouse handler (<Click X,Y>), Ctrl-C at the ':' line, and the text report
# instead of the interface on TERM=dumb.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
D=$abs_top_srcdir/tests/tui
G=$abs_top_srcdir/tests/golden
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
unset NO_COLOR
mkdir -p "$T/out"

# run NAME ARGS...: the interface under the key script $T/NAME.keys
run() {
	local name=$1 rc=0
	shift
	PGTLS_INSPECT_SCRIPT=$T/$name.keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 60 "$PGI" "$@" </dev/null >"$T/$name.stdout" 2>&1 || rc=$?
	assert_eq "$name: exit status" "$rc" 0
	assert_eq "$name: nothing written to the terminal" "$(wc -c <"$T/$name.stdout")" 0
}
screen() { cat "$T/out/$1.screen" 2>/dev/null; }
# the timeline's rows (left of the bar) and the detail's title (right)
timeline() { screen "$1" | sed -n 's/│.*//p'; }
# the panes' title row (under the header and the answer lines)
title_row() { screen "$1" | grep -m1 -E '^[> ] Timeline'; }
detail_title() { title_row "$1" | sed -n 's/^[^│]*│[> ]*//p' | awk '{print $1}'; }

# ---- the first screen of replays at three sizes, against expected screens
for log in tls-chain-hostssl tls-other-root client-cert-required ssl-off-scram; do
	printf '<Resize 80x24>\n:dump-screen panes-%s-80x24\n<Resize 120x40>\n:dump-screen panes-%s-120x40\n<Resize 200x60>\n:dump-screen panes-%s-200x60\n' \
		"$log" "$log" "$log" >"$T/first-$log.keys"
	run "first-$log" --replay "$G/$log.events.json"
done
for f in "$T"/out/panes-*.screen; do
	name=$(basename "$f")
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$f" "$D/expected/$name"
	if diff -u "$D/expected/$name" "$f" >"$T/diff"; then
		pass "$name matches"
	else
		fail "$name differs"
		sed 's/^/# /' "$T/diff" | head -30
	fi
done
assert_eq "every expected panes screen was produced" "$(ls "$T"/out/panes-*.screen | wc -l)" \
	"$(ls "$D"/expected/panes-*.screen | wc -l)"

# ---- the opening screen selects the failing step, not the final Close
assert_contains "other-root: the opening row is the failing step" \
	"$(timeline panes-tls-other-root-80x24)" "x plain  ← ErrorResponse"
assert_eq "other-root: the detail shows it" "$(detail_title panes-tls-other-root-80x24)" "ErrorResponse"
assert_eq "healthy log: the detail is not empty (SSLRequest)" \
	"$(detail_title panes-tls-chain-hostssl-80x24)" "SSLRequest"

# ---- at 80x24 every mode is on the verdict row and the failing step is in
# the timeline; at 60x20 verify-full keeps its place (short names)
: >"$T/modes.keys"
for m in disable allow prefer require verify-ca verify-full; do
	printf ':mode %s\n:dump-screen mode-%s\n' "$m" "$m" >>"$T/modes.keys"
done
printf '<Resize 60x20>\n:dump-screen mode-60x20\n' >>"$T/modes.keys"
run modes --replay "$G/tls-other-root.events.json"
for m in disable allow prefer require verify-ca verify-full; do
	row=$(screen "mode-$m" | grep -E '^ disable .* verify-full ')
	[ -n "$row" ] && pass "$m: all six modes on the verdict row" || fail "$m: a mode is missing"
	assert_contains "$m: explained" "$(screen "mode-$m")" "sslmode=$m: fails"
	assert_eq "$m: one failing step marked in the timeline" "$(timeline "mode-$m" | grep -c '^x ')" 1
done
assert_contains "verify-full fails at the certificate" "$(timeline mode-verify-full)" "x tls    ← Certificate"
assert_contains "60x20: verify-full still on the verdict row" "$(screen mode-60x20)" "v-full ✘"
assert_eq "60x20: nothing after Certificate is marked reached" \
	"$(timeline mode-60x20 | grep -A30 'x tls' | grep -c '^\* tls')" 0

# ---- demo scenarios, live: the first screen at 80x24 has the six modes and
# the step where the target's sslmode fails
for demo in healthy missing-intermediate wrong-host expired; do
	printf ':dump-screen demo-%s\n' "$demo" >"$T/demo-$demo.keys"
	run "demo-$demo" --demo "$demo"
	row=$(screen "demo-$demo" | grep -cE '^ disable .* verify-full ')
	assert_eq "demo $demo: the six modes on one row" "$row" 1
	assert_contains "demo $demo: the key hints" "$(screen "demo-$demo" | tail -2)" "f findings c chain L ladder Tab"
	if screen "demo-$demo" | grep -q "(this target's sslmode)" &&
		screen "demo-$demo" | grep -A1 "sslmode=.*fails  (this target's" >/dev/null &&
		screen "demo-$demo" | grep -q "sslmode=[a-z-]*: fails  (this target's"; then
		assert_eq "demo $demo: its failing step on screen" "$(timeline "demo-$demo" | grep -c '^x ')" 1
	fi
done

# ---- Tab to the detail pane, PgDn shows later bytes
cat >"$T/scroll.keys" <<'KEYS'
/Certificate<Enter>
:dump-screen scroll-top
<Tab>
:dump-screen scroll-focus
<PgDn><PgDn>
:dump-screen scroll-down
<End>
:dump-screen scroll-end
<Home>
:dump-screen scroll-home
KEYS
run scroll --replay "$G/tls-chain-hostssl.events.json"
assert_eq "search: the Certificate event selected" "$(detail_title scroll-top)" "Certificate"
assert_contains "Tab: the detail pane is marked focused" "$(title_row scroll-focus)" "│>"
assert_contains "Tab: the timeline no longer is" "$(title_row scroll-focus | cut -c1)" " "
hex_first() { screen "$1" | grep -oE '│ *[0-9a-f]{4} ' | head -1 | grep -oE '[0-9a-f]{4}'; }
[ -z "$(hex_first scroll-top)" ] || [ "$(hex_first scroll-top)" = 0000 ] &&
	pass "before PgDn: the bytes from 0000 (or below the fold)" || fail "before PgDn: $(hex_first scroll-top)"
down=$(hex_first scroll-down)
[ -n "$down" ] && [ $((16#$down)) -gt 0 ] && pass "PgDn: later bytes ($down)" || fail "PgDn did not scroll the hex ($down)"
end=$(hex_first scroll-end)
[ -n "$end" ] && [ $((16#$end)) -gt $((16#$down)) ] && pass "End: the last bytes ($end)" || fail "End: $end"
assert_eq "Home: back to the top" "$(detail_title scroll-home)" "Certificate"

# ---- '/' search in the timeline, n and N
cat >"$T/search.keys" <<'KEYS'
/ParameterStatus<Enter>
:dump-screen search-1
n
:dump-screen search-2
N
:dump-screen search-3
/nomatchanywhere<Enter>
:dump-screen search-none
KEYS
run search --replay "$G/tls-chain-hostssl.events.json"
assert_eq "search: the first match" "$(detail_title search-1)" "ParameterStatus"
t1=$(title_row search-1) t2=$(title_row search-2) t3=$(title_row search-3)
[ "$t1" != "$t2" ] && pass "n: the next match" || fail "n did not move"
assert_eq "N: back to the first match" "$t3" "$t1"
assert_contains "no match: said" "$(screen search-none | tail -1)" "no more matches"

# ---- the selected row across resizes: the event in the detail is in the
# timeline at every size
cat >"$T/resize.keys" <<'KEYS'
G<Up><Up>
:dump-screen sel-80
<Resize 60x20>
:dump-screen sel-60
<Resize 200x60>
:dump-screen sel-200
<Resize 61x16>
:dump-screen sel-61x16
<Resize 80x24>
:dump-screen sel-back
KEYS
run resize --replay "$G/tls-other-root.events.json"
for d in sel-80 sel-60 sel-200 sel-61x16 sel-back; do
	k=$(detail_title "$d")
	[ -n "$k" ] && timeline "$d" | grep -q -- "$k" && pass "$d: the selected $k is in the timeline" ||
		fail "$d: the selected row ($k) is off screen"
done

# ---- clicks: a timeline row, a verdict mode, where the first screen
# has them (the answer lines above move them)
printf ':dump-screen click-start\n' >"$T/click0.keys"
run click0 --replay "$G/tls-chain-hostssl.events.json"
ty=$(screen click-start | grep -n -m1 -E '^[> ] Timeline' | cut -d: -f1)
my=$(screen click-start | grep -n -m1 -E '^ ?dis(able)? ' | cut -d: -f1)
mx=$(screen click-start | sed -n "${my}p" | awk '{print index($0, "verify-full") ? index($0, "verify-full") : index($0, "v-full")}')
# rows and columns from 0: the third event row is 3 under the title
printf '<Click 3,%d>\n:dump-screen click-row\n<Click %d,%d>\n:dump-screen click-mode\n' \
	$((ty + 2)) $((mx + 1)) $((my - 1)) >"$T/click.keys"
run click --replay "$G/tls-chain-hostssl.events.json"
row3=$(screen click-row | sed -n "$((ty + 3))p" | sed 's/│.*//' | awk '{print $NF}')
assert_eq "click on a timeline row selects it" "$(detail_title click-row)" "$row3"
assert_contains "click on verify-full explains it" "$(screen click-mode)" "sslmode=verify-full:"

# ---- Ctrl-C at the ':' line cancels the line, the program goes on
cat >"$T/ctrlc.keys" <<'KEYS'
<Colon>set port 1<C-c>
:dump-screen ctrlc
KEYS
run ctrlc --replay "$G/tls-chain-hostssl.events.json"
if screen ctrlc | grep -q "port set\|needs a new connection"; then
	fail "Ctrl-C: the line was run"
else
	pass "Ctrl-C: the line was not run"
fi
assert_contains "Ctrl-C: the interface is still there" "$(screen ctrlc)" "Timeline"

# ---- the key table has the legend of every symbol
printf '?\n<End>\n:dump-screen legend\n' >"$T/legend.keys"
run legend --replay "$G/tls-chain-hostssl.events.json"
for sym in '\* ' 'x  ' '→ ← ·' 'E W i' 'dis pref req'; do
	screen legend | grep -q -- "$sym" && pass "legend: $sym" || fail "legend lacks $sym"
done

# ---- TERM=dumb on a terminal: the text report, and one line on stderr
if command -v script >/dev/null; then
	rc=0
	env -u PGTLS_INSPECT_SCRIPT TERM=dumb timeout 30 script -qec \
		"$PGI --replay $G/tls-other-root.events.json 2>$T/dumb.err" "$T/dumb.out" \
		</dev/null >/dev/null 2>&1 || rc=$?
	assert_eq "TERM=dumb: exit status" "$rc" 0
	assert_contains "TERM=dumb: the report on stdout" "$(cat "$T/dumb.out")" "Verdicts (as libpq"
	assert_eq "TERM=dumb: one line on stderr" "$(wc -l <"$T/dumb.err")" 1
	assert_contains "TERM=dumb: the note" "$(cat "$T/dumb.err")" "cannot show the interface"
	if grep -q $'\e\[' "$T/dumb.out"; then fail "TERM=dumb: escape sequences on stdout"; else pass "TERM=dumb: no escape sequences"; fi
else
	need_tool script
fi
finish
