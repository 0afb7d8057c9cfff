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
