#!/bin/bash
# The ladder (L, t): replayed logs at 80x24 and 120x40, each screen equal
# to tests/tui/expected-ladder/NAME.screen (UPDATE_GOLDEN=1 rewrites them:
# review the diff); the current step's narration, lane switching with t,
# a mode whose failure is marked; and step mode live against the demo,
# where the ladder is the first view and each n reveals one arrow.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
D=$abs_top_srcdir/tests/tui
LOG_OK=$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json
LOG_BAD=$abs_top_srcdir/tests/golden/tls-other-root.events.json
export TERM=dumb LC_ALL=C.UTF-8 INPUTRC=/dev/null
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
unset NO_COLOR
mkdir -p "$T/out"

# run SIZE NAME KEYS PGI-ARGS...: the interface at COLSxLINES with KEYS
run() {
	local size=$1 name=$2 keys=$3 rc=0
	shift 3
	printf '%b' "$keys" >"$T/$name.keys"
	COLUMNS=${size%x*} LINES=${size#*x} PGTLS_INSPECT_SCRIPT=$T/$name.keys \
		PGTLS_INSPECT_DUMPDIR=$T/out timeout 60 "$PGI" "$@" </dev/null >"$T/$name.stdout" 2>&1 || rc=$?
	assert_eq "$name: exit status" "$rc" 0
}
screen() { cat "$T/out/$1.screen"; }
row() { sed -n "$2p" "$T/out/$1.screen"; }
# the ladder's arrows: a mark, the milliseconds, a rail
arrows() { grep -cE '^[ *x] +[0-9]+\.[0-9]  [│║]' "$T/out/$1.screen"; }

run 80x24 r80 'L\ng\n:dump-screen ladder-80\njjj\n:dump-screen ladder-80-reply\nt\n:dump-screen ladder-80-plain\nt\n:dump-screen ladder-80-tls\nL\n:dump-screen ladder-80-back\n' --replay "$LOG_OK"
run 120x40 r120 'L\nG\n:dump-screen ladder-120-end\n' --replay "$LOG_OK"
run 80x24 bad 'L6\n:dump-screen ladder-80-verify-full\n1\n:dump-screen ladder-80-disable\n' --replay "$LOG_BAD"

assert_contains "L opens the ladder" "$(screen ladder-80)" " Ladder: [TLS] plaintext"
assert_contains "client on the left, server on the right" "$(screen ladder-80)" "client (libpq)"
assert_contains "a send arrow points right" "$(screen ladder-80)" "│─ SSLRequest ─"
assert_contains "a receive arrow points left" "$(screen ladder-80)" "│◀─ SSLResponse"
assert_contains "the ClientHello decoded" "$(screen ladder-80)" "ClientHello TLS1.3 SNI localhost ALPN postgresql"
assert_contains "the ServerHello decoded" "$(screen ladder-80)" "ServerHello TLS1.3 TLS_AES_256_GCM_SHA384 secp256r1"
assert_contains "the narration of the reply" "$(tr '\n' ' ' <"$T/out/ladder-80-reply.screen" | tr -s ' ')" \
	"The server answered 'S': it will do TLS. libpq now sends a ClientHello;"
assert_contains "t: the plaintext probe" "$(screen ladder-80-plain)" "TLS [plaintext]"
assert_eq "t: the plaintext probe's own arrows" "$(grep -c 'ClientHello' "$T/out/ladder-80-plain.screen")" 0
assert_contains "t: the startup in clear text" "$(screen ladder-80-plain)" "StartupMessage 3.0"
assert_contains "t again: back to TLS" "$(screen ladder-80-tls)" "[TLS] plaintext"
assert_contains "L again: the timeline" "$(screen ladder-80-back)" " Timeline"
assert_contains "after the handshake: encrypted" "$(screen ladder-120-end)" "║◀─ ReadyForQuery idle"
assert_contains "after the handshake: marked TLS" "$(grep ReadyForQuery "$T/out/ladder-120-end.screen")" "║ TLS"
assert_eq "before the handshake: not marked" "$(grep -c 'SSLRequest.*TLS$' "$T/out/ladder-120-end.screen")" 0
# verify-full fails in the TLS probe at the chain: the steps up to the
# Certificate marked, the Certificate crossed (selecting the mode opens it)
assert_eq "verify-full: one step crossed" "$(grep -cE '^x +[0-9]' "$T/out/ladder-80-verify-full.screen")" 1
assert_contains "verify-full: the Certificate crossed" "$(grep -E '^x +[0-9]' "$T/out/ladder-80-verify-full.screen")" "Certificate"
assert_eq "verify-full: nothing past it marked" "$(grep -cE '^[*x] .*(StartupMessage|Terminate)' "$T/out/ladder-80-verify-full.screen")" 0
assert_eq "disable: nothing of the TLS probe marked" "$(grep -cE '^[*x] +[0-9.]+  ║' "$T/out/ladder-80-disable.screen")" 0

n=0
for f in "$T"/out/ladder-*.screen; do
	name=$(basename "$f")
	n=$((n + 1))
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$f" "$D/expected-ladder/$name"
	if diff -u "$D/expected-ladder/$name" "$f" >"$T/diff"; then
		pass "$name matches"
	else
		fail "$name differs"
		sed 's/^/# /' "$T/diff" | head -40
	fi
done
assert_eq "every expected ladder screen was produced" "$n" "$(ls "$D"/expected-ladder/*.screen | wc -l)"

# step mode, live: the ladder first, one more event a step, shown in its
# lane (the probes run side by side), each narrated
# The probes run at once, so how many of the plaintext and direct probes'
# events come before the TLS probe's reply depends on scheduling: step on
# (up to 40 steps, more than the scenario's events) until it is narrated.
keys=''
for s in $(seq 1 40); do keys="$keys<Dump step-$s>n"; done
run 80x24 step "${keys}S\n:dump-screen step-done\n" \
	--demo healthy --step
assert_contains "step mode: the ladder first" "$(screen step-1)" " Ladder: [TLS]"
assert_eq "step 1: one arrow" "$(arrows step-1)" 1
assert_eq "step 2: two arrows" "$(arrows step-2)" 2
for s in 1 2 3 4 5 6 7 8; do
	assert_eq "step $s: at most $s arrows" "$([ "$(arrows step-$s)" -le $s ] && echo yes)" yes
	assert_contains "step $s: held" "$(screen step-$s)" "HELD"
	assert_contains "step $s: narrated" "$(grep '^> ' "$T/out/step-$s.screen")" "> "
	[ $s -gt 1 ] && ! cmp -s "$T/out/step-$s.screen" "$T/out/step-$((s - 1)).screen" &&
		pass "step $s: a new arrow" || { [ $s = 1 ] || fail "step $s: the screen did not change"; }
done
assert_contains "the server's 'S' narrated on some step" \
	"$(cat "$T"/out/step-*.screen | tr '\n' ' ')" "The server answered 'S': it will do TLS."
# the lane shown is the last stepped event's, which depends on scheduling
assert_contains "the demo's ladder at the end" "$(screen step-done)" " Ladder: "
finish
