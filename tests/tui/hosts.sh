#!/bin/bash
# A host list in the interface, live: two demo servers (healthy, ssl-off)
# and a port where nothing listens, all on 127.0.0.1, listed as
# host=db.example.com,... port=DEAD,HEALTHY,SSLOFF. The screen has a row a
# host with what its probes found and a mark on the open host; ] [ and
# :host N open another host, whose events, chain and findings the panes
# then show; the verdicts stay the list's walk, and a mode that ended at
# another host says so; :host past the list is an error on the status
# line; a new target with fewer hosts opens host 1 again; step mode holds
# every host's probes and shows each host's state only when its events are
# all on screen; a saved log replays with its hosts; a list longer than
# the probed eight says "not probed".
# Everything at 80x24, where the verdict row must still show.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool timeout
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null HOME=$T
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
dead=$(free_port)

# conninfo VALUE KEY: the keyword's value in a demo's conninfo
kw() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
demo_serve healthy
hci=$DEMO_CI
demo_serve ssl-off
sci=$DEMO_CI
show_on_failure "$T/healthy.serve" "$T/ssl-off.serve"
[ -n "$hci" ] && [ -n "$sci" ] || die "a demo server did not start"
hp=$(kw "$hci" port)
sp=$(kw "$sci" port)
list="host=db.example.com,db.example.com,db.example.com"
list+=" hostaddr=127.0.0.1,127.0.0.1,127.0.0.1 port=$dead,$hp,$sp"
list+=" sslrootcert=$(kw "$hci" sslrootcert) passfile=$(kw "$hci" passfile)"
list+=" sslmode=verify-full"

# run NAME TARGET [OPTION...]: the interface on TARGET with the key script
# $T/NAME.keys, its screens in $T/out
run() {
	local name=$1 target=$2 rc=0
	shift 2
	mkdir -p "$T/out"
	PGTLS_INSPECT_SCRIPT=$T/$name.keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 60 "$PGI" "$@" "$target" </dev/null >"$T/$name.stdout" 2>&1 || rc=$?
	assert_eq "$name: exit status" "$rc" 0
	assert_eq "$name: nothing written to the terminal" "$(wc -c <"$T/$name.stdout")" 0
}
screen() { cat "$T/out/$1.screen" 2>/dev/null; }
# row N of a screen (1 first)
row() { sed -n "$2p" "$T/out/$1.screen" 2>/dev/null; }
# row N counted as if the answer (the summary under the header) were not
# there: the host rows and the timeline follow it
top() {
	awk -v n="$2" 'NR == 1 { if (n == 1) print; next }
		!on && /^([ >][0-9]+  |[ >] Timeline)/ { on = 1; k = 1 }
		on && ++k == n { print; exit }' "$T/out/$1.screen" 2>/dev/null
}
# the rows of the timeline: time, probe, direction, kind
# timeline rows (a mark, the time on a wide pane, the probe) and the
# ladder's (a mark, the ms, a rail: the first view in step mode)
events() { grep -cE '^[ *x] +(([0-9]+\.[0-9] +)?(setup|tls|plain|direct) |[0-9]+\.[0-9]  [│║])' "$T/out/$1.screen"; }
# the verdict row and the explanation, at 80x24 with three host rows
# the verdict row and the explanation's first row, wherever the layout puts them
verdicts() { grep -m1 '^ disable ' "$T/out/$1.screen" 2>/dev/null; }
explained() { grep -m1 '^[> ]sslmode=' "$T/out/$1.screen" 2>/dev/null; }
fits() {
	assert_eq "$1: 24 rows" "$(screen "$1" | wc -l)" 24
	assert_contains "$1: the verdict row" "$(verdicts "$1")" " disable "
	assert_contains "$1: all six modes" "$(verdicts "$1")" "verify-full"
	assert_contains "$1: the explanation" "$(explained "$1")" "sslmode=verify-full: "
}

cat >"$T/list.keys" <<KEYS
:dump-screen start
:save events $T/list.events.json
]
:dump-screen host2
j
:dump-screen host2-connected
c
:dump-screen host2-chain
<Tab><End>
:dump-screen host2-chain-end
<Tab><Tab>c
[
:dump-screen back1
:host 3
f
:dump-screen host3-findings
f
:host 9
:dump-screen host9
:host two
:dump-screen host-usage
r
:dump-screen rerun
:connect host=127.0.0.1,127.0.0.1 port=$dead,$hp sslmode=verify-full
:dump-screen fewer
:connect host=127.0.0.1 port=$dead
:dump-screen single
]
:dump-screen single-next
KEYS
run list "$list"

# one row a host, under the header
assert_contains "header: how many hosts" "$(row start 1)" "  3 hosts  "
assert_contains "row 1: open, its port" "$(top start 2)" ">1  db.example.com:$dead via 127.0.0.1"
assert_contains "row 1: unreachable" "$(top start 2)" "unreachable: Connection refused"
assert_contains "row 2: its port" "$(top start 3)" " 2  db.example.com:$hp via 127.0.0.1"
assert_contains "row 2: TLS, chain and name" "$(top start 3)" "reply S  TLS1.3  chain ok  name ok"
assert_contains "row 3: its port" "$(top start 4)" " 3  db.example.com:$sp via 127.0.0.1"
assert_contains "row 3: the server says N" "$(top start 4)" "reply N"
assert_eq "row 3: nothing more than its reply" "$(top start 4 | sed 's/.*reply N//')" ""
assert_contains "the timeline below the rows" "$(top start 5)" " Timeline"
fits start
assert_contains "host 1 open: its refused connection" "$(screen start)" "tls    · ConnectFailed"
assert_contains "verify-full ended at host 2, not the open one" "$(explained start)" \
	"sslmode=verify-full: connects, encrypted at host 2"
assert_contains "the status line names the keys" "$(row start 24)" \
	"done: 3 of 3 hosts"

# ] opens host 2: its events, its port
assert_contains "]: host 2 marked" "$(top host2 3)" ">2  db.example.com:$hp"
assert_contains "]: host 1 no longer marked" "$(top host2 2)" " 1  db.example.com:$dead"
assert_contains "]: the status says so" "$(row host2 24)" "host 2 of 3 open: db.example.com:$hp"
assert_contains "host 2's timeline: its handshake" "$(screen host2)" "tls    ← SSLResponse"
if grep -q ConnectFailed "$T/out/host2.screen"; then
	fail "host 2's timeline shows host 1's failed connection"
else
	pass "host 2's timeline has none of host 1's events"
fi
assert_contains "host 2's Connected event: its port" "$(screen host2-connected)" \
	"TCP connection to 127.0.0.1:$hp established"
assert_eq "the path ended here: no note" "$(grep -c 'at host 2' "$T/out/host2.screen")" 0
assert_eq "host 2's events on the path of verify-full" "$([ "$(screen host2 | grep -c '^\* ')" -gt 0 ] && echo yes)" yes
fits host2
assert_contains "host 2's chain" "$(screen host2-chain)" "[0] CN=db.example.com"
assert_contains "host 2's chain verifies" "$(screen host2-chain-end)" "the chain verifies"
assert_contains "[: back to host 1" "$(top back1 2)" ">1  "
assert_contains "host 3's findings, as if alone" "$(screen host3-findings)" "Findings of host 3 alone"
assert_contains "host 3's findings: no TLS" "$(screen host3-findings)" "The server does not do TLS"
assert_contains "host 3: the verdicts stay the list's" "$(explained host3-findings)" "encrypted at host 2"

# :host past the list, or not a number
assert_contains ":host 9: an error" "$(row host9 24)" "no host 9: the list has 3 hosts"
assert_contains ":host 9: host 3 stays open" "$(top host9 4)" ">3  "
assert_contains ":host two: how to use it" "$(row host-usage 24)" "host N:"

# r keeps host 3 open (it still exists); a list of two opens host 1
assert_contains "rerun: host 3 still open" "$(top rerun 4)" ">3  db.example.com:$sp"
assert_contains "rerun: probed again" "$(top rerun 4)" "reply N"
assert_contains "two hosts: header" "$(row fewer 1)" "  2 hosts  "
assert_contains "two hosts: host 1 open again" "$(top fewer 2)" ">1  127.0.0.1:$dead"
assert_contains "two hosts: host 2" "$(top fewer 3)" " 2  127.0.0.1:$hp"
assert_contains "two hosts: the timeline next" "$(top fewer 4)" " Timeline"
assert_contains "one host: no rows, the address in the header" "$(row single 1)" "127.0.0.1:$dead"
assert_contains "one host: the timeline under the header" "$(top single 2)" " Timeline"
assert_contains "one host: ] has nothing to open" "$(row single-next 24)" "the target has one host"

# the saved log, replayed: the same rows, each host's events
cat >"$T/replay.keys" <<'KEYS'
:dump-screen replay
:host 2
:dump-screen replay-2
KEYS
run replay "$T/list.events.json" --replay
assert_contains "replay: the rows" "$(top replay 2; top replay 3; top replay 4)" "$(top start 2; top start 3; top start 4)"
assert_contains "replay: the status line" "$(row replay 24)" "replayed 3 of 3 hosts"
assert_contains "replay: host 2's handshake" "$(screen replay-2)" "tls    ← SSLResponse"
fits replay-2

# step mode holds every host's probes; a host's state shows once its
# events are all on screen
cat >"$T/step.keys" <<'KEYS'
<Dump held-1>n<Dump held-2>n<Dump held-3>S
:dump-screen step-done
KEYS
run step "$list" --step
assert_contains "held" "$(screen held-1)" "HELD"
assert_eq "held: one event shown" "$(events held-1)" 1
for r in 2 3 4; do
	assert_contains "held: row $r probing" "$(top held-1 $r)" "probing... "
done
assert_eq "held: no state before its events" "$(grep -cE 'unreachable|reply ' "$T/out/held-1.screen")" 0
n=0
for f in held-1 held-2 held-3; do
	n=$((n + $(grep -oE 'probing\.\.\. [0-9]+' "$T/out/$f.screen" | awk '{s += $2} END {print s}')))
done
assert_eq "each n shows one more event, whichever host's (1+2+3)" "$n" 6
assert_contains "step done: host 1" "$(screen step-done)" "unreachable: Connection refused"
assert_contains "step done: host 2" "$(screen step-done)" "chain ok  name ok"
assert_eq "step done: every verdict drawn" "$(verdicts step-done | grep -c '…')" 0
fits step-done

# nine hosts: eight are probed; at 80x24 five rows, the last saying which
nine="host=127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1"
nine+=" port=$dead sslmode=verify-full"
cat >"$T/nine.keys" <<'KEYS'
:dump-screen nine
:host 9
:dump-screen nine-9
:host 8
:dump-screen nine-8
KEYS
run nine "$nine"
assert_contains "nine: header" "$(row nine 1)" "  9 hosts  "
assert_contains "nine: host 1 first, open" "$(top nine 2)" ">1  127.0.0.1:$dead"
# as many rows as the room under the answer lines leaves, then a row says
# which, then the timeline
assert_contains "nine: which are shown" "$(grep -E 'hosts 1-[0-9] of 9 shown' "$T/out/nine.screen")" " of 9 shown (8 probed)"
assert_contains "nine: the timeline next" "$(grep -A1 -E 'hosts 1-[0-9] of 9 shown' "$T/out/nine.screen" | tail -1)" " Timeline"
assert_contains "nine: :host 9 was not probed" "$(row nine-9 24)" "host 9 was not probed"
assert_contains "nine: host 8 open" "$(screen nine-8)" ">8  127.0.0.1:$dead"
assert_contains "nine: host 9 not probed" "$(screen nine-8)" " 9  127.0.0.1:$dead not probed"
assert_contains "nine: the verdict row" "$(verdicts nine-8)" " disable "
finish
