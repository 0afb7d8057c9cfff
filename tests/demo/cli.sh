#!/bin/bash
# The demo's command line: list, unknown names, no terminal, and
# --demo-serve, which keeps a server up until it is told to stop and then
# leaves nothing behind.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
n=$("$JQ" '.scenarios | length' "$abs_top_srcdir/data/scenarios.json")

rc=0
"$PGI" --demo list >"$T/list" 2>&1 || rc=$?
assert_eq "--demo list: exit status" "$rc" 0
assert_eq "--demo list: one line a scenario" "$(wc -l <"$T/list")" "$n"
assert_contains "--demo list: healthy is there" "$(cat "$T/list")" "healthy"
assert_eq "--demo list: healthy's group" "$(awk '$1 == "healthy" { print $2 }' "$T/list")" "basics"
# a scenario's group is checked (it is a heading of the menu)
mkdir -p "$T/badgroup"
"$JQ" '.scenarios[0].group = "Bad\u001bGroup"' "$abs_top_srcdir/data/scenarios.json" >"$T/badgroup/scenarios.json"
rc=0
PGTLS_INSPECT_DATADIR=$T/badgroup "$PGI" --demo list >"$T/out" 2>"$T/err" || rc=$?
assert_eq "a bad group: exit status" "$rc" 2
assert_contains "a bad group: message" "$(cat "$T/err")" '"group" must be'

rc=0
"$PGI" --demo no-such-scenario >"$T/out" 2>"$T/err" || rc=$?
assert_eq "unknown scenario: exit status" "$rc" 2
assert_contains "unknown scenario: message" "$(cat "$T/err")" 'no demo scenario "no-such-scenario"'

rc=0
"$PGI" --demo </dev/null >"$T/out" 2>"$T/err" || rc=$?
assert_eq "--demo without a terminal: exit status" "$rc" 2
assert_contains "--demo without a terminal: message" "$(cat "$T/err")" "needs a scenario name"

rc=0
PGTLS_INSPECT_DATADIR=$T/nowhere "$PGI" --demo healthy >"$T/out" 2>"$T/err" || rc=$?
assert_eq "no scenario file: exit status" "$rc" 2
assert_eq "no scenario file: one line" "$(wc -l <"$T/err")" 1

# --check MODE: one line, the summary of MODE, and the exit status
check_line() {
	local name=$1 mode=$2 want_rc=$3 want=$4 rc=0
	timeout 30 "$PGI" --demo "$name" --check "$mode" >"$T/check" 2>"$T/err" || rc=$?
	assert_eq "--check $mode on $name: exit status" "$rc" "$want_rc"
	assert_eq "--check $mode on $name: one line" "$(wc -l <"$T/check")" 1
	assert_contains "--check $mode on $name: the summary" "$(cat "$T/check")" "$want"
}
check_line healthy verify-full 0 "verify-full connects: encrypted, the chain and the name verify"
check_line cloudsql-per-instance-ca verify-full 1 "verify-full fails: the certificate names my-project:my-instance, never a host name, on Google Cloud SQL (per-instance CA). Fix: sslmode=verify-ca with server-ca.pem, or use the instance's DNS name with a shared-CA instance."
check_line expired verify-full 1 "verify-full fails: the server's certificate (CN=db.example.com) expired"
check_line ssl-off prefer 0 "prefer connects in plaintext: the server answered 'N'"
check_line missing-intermediate verify-full 1 "verify-full fails: the server sends only its certificate, and its issuer, the intermediate C=US,O=Example Corp,CN=Example Corp Database Issuing CA, is in neither the chain nor"
check_line wrong-root verify-full 1 "which the root file"
assert_contains "wrong-root: what the root file holds" "$(cat "$T/check")" "(it holds CN=Some Other Root CA"

# the report: the answer first, the target's mode then verify-full
timeout 30 "$PGI" --demo expired --report >"$T/report" 2>"$T/err"
assert_contains "report line 1: the target's mode" "$(sed -n 1p "$T/report")" "prefer connects in plaintext: the server's certificate (CN=db.example.com) expired"
assert_contains "report line 2: verify-full" "$(sed -n 2p "$T/report")" "verify-full fails: the server's certificate (CN=db.example.com) expired"
assert_eq "report line 3: blank" "$(sed -n 3p "$T/report")" ""
assert_contains "report line 4: the header" "$(sed -n 4p "$T/report")" "pgtls-inspect "
# findings: the expired certificate first
assert_contains "the first finding is the root cause" "$(grep -A1 '^Findings' "$T/report" | tail -1)" "(cert-expired)"
timeout 30 "$PGI" --demo expired --json >"$T/expired.json" 2>"$T/err"
assert_jq "$T/expired.json" '.summary.mode' prefer
assert_jq "$T/expired.json" '.summary.outcome' plaintext
assert_jq "$T/expired.json" '.summary.finding' cert-expired
assert_jq "$T/expired.json" '.summary.verify_full.outcome' fails
assert_jq "$T/expired.json" '.findings[0].id' cert-expired

# a name with a comma: one backslash (RFC 4514), in the report and the JSON
timeout 30 "$PGI" --demo cloudsql-per-instance-ca --report >"$T/csql" 2>"$T/err"
assert_contains "report: the issuer with one backslash" "$(grep '^    issuer ' "$T/csql" | head -1)" 'O=Google\, Inc,'
assert_eq "report: no doubled backslash" "$(grep -c 'Google\\\\,' "$T/csql")" 0
timeout 30 "$PGI" --demo cloudsql-per-instance-ca --json >"$T/csql.json" 2>"$T/err"
assert_jq "$T/csql.json" '.chain[0].issuer | test("O=Google\\\\, Inc,")' true

# --demo-serve: up until SIGTERM, reachable by a second process, then gone
"$PGI" --demo-serve healthy >"$T/serve" 2>&1 &
pid=$!
register_pid "$pid"
for _ in $(seq 50); do
	grep -q '^conninfo: ' "$T/serve" && break
	sleep 0.1
done
ci=$(sed -n 's/^conninfo: //p' "$T/serve")
assert_contains "--demo-serve prints the conninfo" "$ci" "hostaddr=127.0.0.1"
rc=0
timeout 30 "$PGI" --json --check verify-full "$ci" >"$T/served.json" || rc=$?
assert_eq "--check verify-full against --demo-serve" "$rc" 0
assert_jq "$T/served.json" '.tls.handshake_ok' "true"
root=$(sed -n 's/.*sslrootcert=\([^ ]*\).*/\1/p' <<<"$ci")
assert_eq "the root file exists while serving" "$([ -f "$root" ] && echo yes)" yes
kill -TERM "$pid"
wait "$pid" 2>/dev/null
assert_eq "the root file is gone after SIGTERM" "$([ -e "$root" ] && echo left || echo gone)" gone
assert_eq "the server is gone after SIGTERM" "$(kill -0 "$pid" 2>/dev/null && echo up || echo gone)" gone
finish
