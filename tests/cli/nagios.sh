#!/bin/bash
# --nagios: the monitoring plugin's answer against the demo servers. One
# status line "PGTLS STATUS - text | perfdata" whose every performance
# data item follows the plugin guidelines' grammar, and the exit status
# 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN: the certificates' days against
# -w and -c (judged with --at near the demo leaf's notAfter), --check MODE
# failing, no certificate, an unreachable server, and usage errors.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout date
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

num='-?[0-9]+(\.[0-9]+)?'
range="@?((~|$num)?:)?($num)?"
label="('[^'=]+'|[^' =]+)"
item="^$label=($num|U)(s|ms|us|%|B|KB|MB|TB|c)?(;($range)?(;($range)?(;($num)?(;($num)?)?)?)?)?$"

# run NAME STATUS ARGS...: the plugin's exit status is STATUS, its first
# line has the plugin's shape with STATUS's word, and every performance
# data item parses; the output is left in $T/out.
run() {
	local name=$1 want=$2 rc=0 words=(OK WARNING CRITICAL UNKNOWN)
	shift 2
	timeout 60 "$PGI" --nagios "$@" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq "$name: exit status" "$rc" "$want"
	local line
	line=$(head -1 "$T/out")
	if [[ $line =~ ^PGTLS\ ${words[$want]}\ -\ [^|]+(\ \|\ (.*))?$ ]]; then
		pass "$name: the status line's shape"
	else
		fail "$name: the status line's shape: $line"
	fi
	[ "$want" = 3 ] && return
	local perf=${BASH_REMATCH[2]} bad=""
	for it in $perf; do
		[[ $it =~ $item ]] || bad="$bad $it"
	done
	assert_eq "$name: the performance data parse" "$bad" ""
	assert_contains "$name: days, time, errors, warnings" "$perf" "time="
	assert_eq "$name: one '|' in the first line" "$(tr -cd '|' <<<"$line")" "|"
}

# the value of item $1 in the first line of $T/out
perf() {
	head -1 "$T/out" | sed -n "s/.* | .*\\b$1=\\([^;]*\\);.*/\\1/p"
}

run "healthy" 0 --demo healthy
assert_contains "healthy: the target's sslmode decides" "$(head -1 "$T/out")" "prefer connects"
assert_contains "healthy: the leaf's expiry" "$(head -1 "$T/out")" "Certificate CN=db.example.com expires in"
days=$(perf days)
[ "$days" -gt 20 ] 2>/dev/null && pass "healthy: days over 20 ($days)" || fail "healthy: days over 20 ($days)"
assert_contains "healthy: the default thresholds" "$(head -1 "$T/out")" "days=$days;20:;15:;;"
assert_eq "healthy: the long output lists the warnings" \
	"$(tail -n +2 "$T/out" | grep -cv '^warning: ')" 0

# --at: judged 10 and 2 days before the leaf's notAfter (the demo makes
# its certificates at start, so a later run's are a little later still)
na=$(timeout 60 "$PGI" --demo healthy --json | "$JQ" -r '.chain[0].not_after')
end=$(date -u -d "$na" +%s) || die "cannot read notAfter $na"
at() { date -u -d "@$((end - $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
run "10 days left, -w 30 -c 5" 1 --demo healthy --at "$(at 10)" -w 30 -c 5
assert_eq "10 days left: days" "$(perf days)" 10
assert_contains "10 days left: thresholds" "$(head -1 "$T/out")" "days=10;30:;5:;;"
run "10 days left, -w 9" 0 --demo healthy --at "$(at 10)" --warning 9 --critical 5
run "2 days left" 2 --demo healthy --at "$(at 2)" -w 30 -c 5 --check verify-full
assert_contains "2 days left: the expiry first" "$(head -1 "$T/out")" "PGTLS CRITICAL - Certificate CN=db.example.com expires in 2 days"
assert_contains "2 days left: verify-full still connects" "$(head -1 "$T/out")" "verify-full connects"
run "two days past notAfter" 2 --demo healthy --at "$(at -2)" -c 0 -w 0
assert_contains "past notAfter: expired" "$(head -1 "$T/out")" "expired"
[ "$(perf days)" -lt 0 ] 2>/dev/null && pass "past notAfter: days negative" || fail "past notAfter: days negative ($(perf days))"

# --check MODE decides which mode must connect
run "wrong-host, prefer" 0 --demo wrong-host
run "wrong-host, --check verify-full" 2 --demo wrong-host --check verify-full
assert_contains "wrong-host: libpq's cause" "$(head -1 "$T/out")" "PGTLS CRITICAL - verify-full fails: host \"postgres.example.com\" is not among the certificate's names"
assert_eq "wrong-host: the errors count" "$(perf errors)" 1
run "healthy, --check verify-full" 0 --demo healthy --check verify-full
run "expired" 2 --demo expired
[ "$(perf days)" -lt 0 ] 2>/dev/null && pass "expired: days negative" || fail "expired: days negative ($(perf days))"
assert_contains "expired: the finding in the long output" "$(tail -n +2 "$T/out")" "error: Certificate expired"
run "ssl-off" 2 --demo ssl-off
assert_contains "ssl-off: no certificate" "$(head -1 "$T/out")" "No certificate was received from the server."
assert_eq "ssl-off: days undetermined" "$(perf days)" U
dead=$(free_port)
run "unreachable" 2 "host=127.0.0.1 port=$dead"
assert_contains "unreachable: the cause" "$(head -1 "$T/out")" "Connection refused"
run "no answer to the SSLRequest" 2 --demo stall
assert_contains "stall: the cause" "$(head -1 "$T/out")" "no answer to the SSLRequest"

# server text: escaped, no '|' but the performance data's
run "hostile-names" 0 --demo hostile-names
assert_eq "hostile-names: no escape character" "$(head -1 "$T/out" | tr -cd '\033' | wc -c)" 0

# a saved log judged again
timeout 60 "$PGI" --demo healthy --json >"$T/healthy.json"
run "replay" 0 --replay "$T/healthy.json"
run "replay at 2 days left" 2 --replay "$T/healthy.json" --at "$(at 2)"

# usage errors: UNKNOWN on standard output, exit 3
run "-w under -c" 3 --demo healthy -w 5 -c 10
assert_contains "-w under -c: why" "$(cat "$T/out")" "-w 5 is under -c 10"
run "-w not a number" 3 --demo healthy -w soon
run "-c without a value" 3 --demo healthy -c
run "an unknown option" 3 --bogus --demo healthy
run "--nagios with --json" 3 --json --demo healthy
run "a string libpq refuses" 3 "nonsense=1"
run "an unknown scenario" 3 --demo no-such-scenario
run "--demo without a name" 3 --demo </dev/null
run "several targets" 3 127.0.0.1 127.0.0.2
assert_eq "usage: nothing on standard error" "$(cat "$T/err")" ""
rc=0
"$PGI" -w 10 --demo healthy >"$T/out" 2>"$T/err" || rc=$?
assert_eq "-w without --nagios: exit status" "$rc" 2
assert_contains "-w without --nagios: why" "$(cat "$T/err")" "-w and -c go with --nagios"
finish
