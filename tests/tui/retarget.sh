#!/bin/bash
# A command that changes the target while step mode holds a probe: the
# held probe is cancelled first, and everything shown and saved afterwards
# (events, verdicts) belongs to the new target alone. :connect to a port
# where nothing listens, then :set port to it, each typed while the demo's
# probe is held after its first event.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null HOME=$T
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
dead=$(free_port)

# check NAME: the saved JSON of the second target, and the screen
check() {
	local j=$T/$1.json
	[ -s "$j" ] || { fail "$1: nothing saved"; return; }
	assert_eq "$1: the target is the new port" "$("$JQ" '.target.port' "$j")" "$dead"
	assert_eq "$1: not reachable" "$("$JQ" '.server.reachable' "$j")" false
	assert_eq "$1: prefer fails" "$("$JQ" -r '.modes.prefer.outcome' "$j")" fails
	assert_eq "$1: every mode fails" \
		"$("$JQ" '[.modes[] | select(.outcome != "fails")] | length' "$j")" 0
	assert_eq "$1: no TLS facts from the old target" "$("$JQ" '.tls' "$j")" null
	assert_eq "$1: no certificate from the old target" "$("$JQ" '.chain | length' "$j")" 0
	assert_eq "$1: no event from the old target" \
		"$("$JQ" '[.events[] | select(.kind == "SSLResponse" or .kind == "PeerCertificate" or .kind == "Connected")] | length' "$j")" 0
	assert_contains "$1: libpq's refusal for the new port" \
		"$("$JQ" -r '.modes.prefer.error' "$j")" "port $dead failed: Connection refused"
	assert_contains "$1: the screen says so" "$(cat "$T/out/$1.screen")" "port $dead failed: Connection"
	assert_contains "$1: the header names the new port" "$(head -1 "$T/out/$1.screen")" ":$dead"
	if grep -q 'connects, encrypted' "$T/out/$1.screen"; then
		fail "$1: a verdict of the old target is on screen"
	else
		pass "$1: no verdict of the old target on screen"
	fi
}

mkdir -p "$T/out"
for how in connect set; do
	if [ $how = connect ]; then
		cmd=":connect host=127.0.0.1 port=$dead sslmode=prefer"
	else
		cmd=":set port $dead"
	fi
	cat >"$T/keys" <<KEYS
<Dump held>
$cmd
S
:dump-screen $how
:save json $T/$how.json
KEYS
	rc=0
	PGTLS_INSPECT_SCRIPT=$T/keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 60 "$PGI" --demo healthy --step </dev/null >"$T/stdout" 2>&1 || rc=$?
	assert_eq "$how: exit status" "$rc" 0
	assert_contains "$how: held first" "$(cat "$T/out/held.screen")" "HELD"
	check $how
done
finish
