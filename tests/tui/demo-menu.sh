#!/bin/bash
# The demo's menu (--demo without NAME): at 80x24 and 120x40 it fits
# (screens in tests/tui/expected/demo-menu/), a search narrows it, Enter
# opens a scenario whose header names it, q comes back to the menu, ] and
# [ open the next and previous scenario, q in the menu quits. Live in
# tmux: q back to the menu and ] stop the scenario's server (its port no
# longer listens, its threads are joined, its temporary directory is
# gone), and nothing is left once the program quits. UPDATE_GOLDEN=1
# rewrites the expected screens (review the diff).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
D=$abs_top_srcdir/tests/tui/expected/demo-menu
J=$abs_top_srcdir/data/scenarios.json
n=$("$JQ" '.scenarios | length' "$J")
# the scenarios in the menu's order: group by group, groups in the order of
# their first scenario
order=$("$JQ" -r '.scenarios as $s
	| reduce $s[].group as $g ([]; if index([$g]) then . else . + [$g] end)
	| .[] as $g | $s[] | select(.group == $g) | .name' "$J")
first=$(sed -n 1p <<<"$order")
second=$(sed -n 2p <<<"$order")
# the search: the scenarios whose name, title or lesson hold the text
q=wildcard
matches=$(jq_q() { "$JQ" -r --arg q "$q" '.scenarios as $s
	| reduce $s[].group as $g ([]; if index([$g]) then . else . + [$g] end)
	| .[] as $g | $s[] | select(.group == $g)
	| select([.name, .title, .teaches] | map(ascii_downcase | contains($q)) | any)
	| .name' "$J"; }; jq_q)
nmatch=$(grep -c . <<<"$matches")
hit=$(sed -n 1p <<<"$matches")
[ "$nmatch" -ge 1 ] && [ "$nmatch" -lt "$n" ] || die "the search text \"$q\" should narrow the list"

screen() { cat "$T/out/$1.screen" 2>/dev/null; }
row() { sed -n "$2p" "$T/out/$1.screen" 2>/dev/null; }
# the temporary directory a scenario's screen names (its root file)
tmpdir_of() { screen "$1" | grep -o '/tmp/pgtls-demo-[A-Za-z0-9]*' | head -1; }

mkdir -p "$T/out"
cat >"$T/menu.keys" <<KEYS
<Dump menu-80x24>
<Down><Down>
<Dump menu-down2>
<End>
<Dump menu-end>
<Home>
/$q
<Dump menu-searching>
<Enter>
<Dump menu-searched>
<Resize 160x40>
<Enter>
<Dump opened>
q
<Dump back>
<Esc><Home><Enter>
<Dump first>
]
<Dump next>
[
<Dump prev>
q
<Resize 120x40>
<Dump menu-120x40>
<Resize 80x24>
q
KEYS
rc=0
PGTLS_INSPECT_SCRIPT=$T/menu.keys PGTLS_INSPECT_DUMPDIR=$T/out \
	timeout 60 "$PGI" --demo </dev/null >"$T/stdout" 2>&1 || rc=$?
assert_eq "menu: exit status" "$rc" 0
assert_eq "menu: nothing written to the terminal" "$(wc -c <"$T/stdout")" 0

# the menu fits 80x24: every row within 80 columns, a heading, the lesson
assert_eq "80x24: 24 rows" "$(screen menu-80x24 | wc -l)" 24
assert_eq "80x24: no row wider than 80" "$(screen menu-80x24 | wc -L | awk '{ print ($1 > 80) }')" 0
assert_contains "80x24: the title row" "$(row menu-80x24 1)" "pgtls-inspect demo: $n scenarios"
assert_contains "80x24: the first group's heading" "$(row menu-80x24 2)" "$("$JQ" -r --arg f "$first" '.scenarios[] | select(.name == $f) | .group' "$J")"
assert_contains "80x24: the first scenario selected" "$(row menu-80x24 3)" "> $first"
assert_contains "80x24: its lesson in full" "$(screen menu-80x24 | tr '\n' ' ' | tr -s ' ')" \
	"$("$JQ" -r --arg f "$first" '.scenarios[] | select(.name == $f) | .teaches | split(" ") | .[-4:] | join(" ")' "$J")"
assert_contains "80x24: where the selection is" "$(screen menu-80x24)" "1 of $n"
assert_contains "Down Down: the third scenario" "$(screen menu-down2)" "3 of $n"
assert_contains "End: the last scenario" "$(screen menu-end)" "$n of $n"
assert_contains "End: its row" "$(screen menu-end)" "> $(sed -n "${n}p" <<<"$order")"
assert_eq "120x40: 40 rows" "$(screen menu-120x40 | wc -l)" 40
# the search narrows the list to the scenarios that hold the text
assert_contains "search: the line" "$(row menu-searching 24)" "/$q"
assert_contains "search: how many match" "$(screen menu-searched)" "1 of $nmatch"
assert_eq "search: the rows are the matches" \
	"$(screen menu-searched | sed -n 's/^ [> ] \([a-z0-9-]*\)  .*/\1/p')" "$matches"
# Enter opens the match; its header names it; the probe ran
assert_contains "Enter: the header names the scenario" "$(row opened 2)" " demo $hit: "
assert_contains "Enter: the verdicts" "$(screen opened)" "sslmode="
assert_contains "q: back to the menu" "$(row back 1)" "pgtls-inspect demo:"
assert_contains "q: the search kept" "$(screen back)" "1 of $nmatch"
assert_contains "Esc Home Enter: the first scenario" "$(row first 2)" " demo $first: "
assert_contains "]: the next scenario" "$(row next 2)" " demo $second: "
assert_contains "[: the previous scenario" "$(row prev 2)" " demo $first: "
# every scenario's temporary directory is gone once the program is
for s in opened first next prev; do
	d=$(tmpdir_of "$s")
	[ -n "$d" ] || { fail "$s: the screen names no temporary directory"; continue; }
	[ ! -e "$d" ] && pass "$s: $d removed" || fail "$s: $d left behind"
done

# the menu's screens, against the expected ones
for name in menu-80x24 menu-down2 menu-end menu-searched menu-120x40 back; do
	[ "${UPDATE_GOLDEN:-}" = 1 ] && mkdir -p "$D" && cp "$T/out/$name.screen" "$D/"
	if diff -u "$D/$name.screen" "$T/out/$name.screen" >"$T/diff"; then
		pass "$name.screen matches"
	else
		fail "$name.screen differs"
		sed 's/^/# /' "$T/diff" | head -40
	fi
done

# ---- live, in tmux: switching scenarios stops the one before ----
TMUX_CMD=${TMUX_BIN:-tmux}
if ! command -v "$TMUX_CMD" >/dev/null 2>&1; then
	echo "# no tmux: the live part is not run"
	finish
fi
TM="$TMUX_CMD -L pgtls-demomenu-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; _cleanup' EXIT
tscreen() { $TM capture-pane -p -t t 2>/dev/null; }
wait_for() {
	local i=0
	until tscreen | grep -q -- "$1"; do
		i=$((i + 1))
		[ $i -gt 500 ] && return 1
		sleep 0.02
	done
}
# the port and temporary directory of the scenario on screen
port_of() { tscreen | sed -n '1s/.*:\([0-9][0-9]*\) via 127\.0\.0\.1.*/\1/p'; }
dir_of() { tscreen | grep -o '/tmp/pgtls-demo-[A-Za-z0-9]*' | head -1; }
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
tasks() { ls "/proc/$pid/task" 2>/dev/null | wc -l; }

$TM new-session -d -s t -x 160 -y 40 \
	"exec env -u LINES -u COLUMNS TERM=screen LC_ALL=C.UTF-8 HOME=$HOME PGTLS_INSPECT_DATADIR=$PGTLS_INSPECT_DATADIR $PGI --demo"
$TM set-option -t t remain-on-exit on
pid=$($TM display-message -p -t t '#{pane_pid}')
register_pid "$pid"
wait_for "pgtls-inspect demo:" || { tscreen | sed 's/^/# /'; die "the menu did not open"; }
base=$(tasks)
$TM send-keys -t t Enter
wait_for "done: " || { tscreen | sed 's/^/# /'; die "$first did not open"; }
p1=$(port_of)
d1=$(dir_of)
[ -n "$p1" ] && [ -n "$d1" ] || { tscreen | sed 's/^/# /'; die "no port or directory on the screen"; }
listening "$p1" && pass "$first listens on $p1" || fail "$first does not listen on $p1"
$TM send-keys -t t ']'
wait_for " demo $second: " || fail "] did not open $second"
# the header of the new scenario: another port and directory
for _ in $(seq 250); do
	p2=$(port_of)
	d2=$(dir_of)
	[ -n "$p2" ] && [ "$p2" != "$p1" ] && [ -n "$d2" ] && [ "$d2" != "$d1" ] && break
	sleep 0.02
done
[ -n "$d2" ] && [ "$d2" != "$d1" ] || { tscreen | sed 's/^/# /'; fail "]: no new port or directory on the screen"; }
echo "# $first: port $p1, $d1; $second: port $p2, $d2"
listening "$p1" && fail "]: $first's port $p1 still listens" || pass "]: $first's server stopped"
[ -e "$d1" ] && fail "]: $d1 left behind" || pass "]: $first's directory removed"
$TM send-keys -t t q
wait_for "pgtls-inspect demo:" || fail "q did not return to the menu"
sleep 0.2
listening "$p2" && fail "q: $second's port $p2 still listens" || pass "q: $second's server stopped"
[ -e "$d2" ] && fail "q: $d2 left behind" || pass "q: $second's directory removed"
assert_eq "q: the server's threads joined" "$(tasks)" "$base"
$TM send-keys -t t q
for _ in $(seq 100); do pid_alive "$pid" || break; sleep 0.05; done
pid_alive "$pid" && fail "q in the menu: pid $pid still runs" || pass "q in the menu quits (pid $pid gone)"
finish
