#!/bin/bash
# A fleet at once: several targets (arguments and --targets FILE) with
# --jobs, one JSON object a line or a summary table, --check counting the
# servers that pass; unreachable and unreadable targets are rows, not
# crashes.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
demo_serve healthy
ci=$DEMO_CI
[ -n "$ci" ] || die "demo server did not start"
dead=$(free_port)
{
	echo "# a comment, then a blank line"
	echo
	for _ in 1 2 3 4 5; do echo "$ci"; done
	echo "host=127.0.0.1 port=$dead"
} >"$T/targets"

rc=0
timeout 60 "$PGI" --json --jobs 3 --targets "$T/targets" "$ci" >"$T/lines" 2>"$T/err" || rc=$?
assert_eq "JSON lines: exit status" "$rc" 0
assert_eq "one line a target" "$(wc -l <"$T/lines")" 7
assert_eq "every line is one JSON object" "$("$JQ" -s 'length' "$T/lines")" 7
assert_eq "six reachable" "$("$JQ" -s '[.[] | select(.server.reachable == true)] | length' "$T/lines")" 6
assert_eq "one unreachable" "$("$JQ" -s '[.[] | select(.server.reachable == false)] | length' "$T/lines")" 1

rc=0
timeout 60 "$PGI" --check verify-full --jobs 2 --targets "$T/targets" >"$T/table" 2>"$T/err" || rc=$?
assert_eq "--check with one unreachable: exit status" "$rc" 1
assert_contains "table header" "$(head -1 "$T/table")" "TARGET"
assert_contains "the unreachable row" "$(cat "$T/table")" "unreachable"
assert_contains "the pass count" "$(tail -1 "$T/table")" "5 of 6 servers connect under sslmode=verify-full"
# rows show host:port as libpq resolved it, not the connection string
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$ci")
assert_eq "five rows name db.example.com:$port" "$(grep -c "^db.example.com:$port " "$T/table")" 5
assert_eq "the dead port's row is 127.0.0.1:$dead" "$(grep -c "^127.0.0.1:$dead  *unreachable" "$T/table")" 1
assert_eq "no row shows the conninfo" "$(grep -c 'sslrootcert=' "$T/table")" 0
rc=0
timeout 60 "$PGI" "host=127.0.0.1 port=$dead password=hunter2" "postgresql://u:s3cret@127.0.0.1:$dead/db" >"$T/table" 2>"$T/err" || rc=$?
assert_eq "secrets stay out of the rows" "$(grep -c 'hunter2\|s3cret' "$T/table")" 0
assert_eq "two host:port rows" "$(grep -c "^127.0.0.1:$dead " "$T/table")" 2

echo "nonsense=1" >>"$T/targets"
rc=0
timeout 60 "$PGI" --targets "$T/targets" >"$T/table" 2>"$T/err" || rc=$?
# libpq refuses the string: a row that says so, not an unreachable server
# nor a usage error
assert_eq "a refused target: exit status" "$rc" 0
assert_contains "the refused target's row" "$(cat "$T/table")" 'refused by libpq before connecting: invalid connection option "nonsense"'
finish
