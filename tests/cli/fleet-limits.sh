#!/bin/bash
# The fleet's limits. Open files: under ulimit -n 64 with --jobs at its
# maximum (1024), --jobs is lowered to what the limit leaves room for (a
# note on standard error), and a session that still meets a full descriptor
# table (host lists of six hosts, three sockets each) is put back and tried
# again: every target is reachable, never "unreachable" nor "could not look
# up local user ID", and the exit status is 0. Long lines: a targets line
# of 5,000 bytes is one target, not two; one over 65,536 bytes is one row
# that says so (exit status 2), and the lines after it are still read.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
demo_serve healthy
ci=${DEMO_CI:?the demo server did not start}
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$ci")

# 100 targets: half name the user, half leave it to the passwd entry
# (getpwuid_r opens files too)
for _ in $(seq 50); do
	echo "$ci"
	echo "${ci/user=postgres /}"
done >"$T/targets"
rc=0
(ulimit -n 64 && exec timeout 300 "$PGI" --jobs 1024 --targets "$T/targets") \
	>"$T/table" 2>"$T/err" || rc=$?
assert_eq "ulimit -n 64, --jobs 1024: exit status" "$rc" 0
assert_eq "ulimit -n 64: 100 rows that reached the server" \
	"$(grep -c "^db.example.com:$port  *S  *TLS" "$T/table")" 100
assert_eq "no unreachable row" "$(grep -c 'unreachable' "$T/table")" 0
assert_eq "no local user lookup failure" "$(grep -c 'could not look up' "$T/table")" 0
assert_contains "the note that --jobs was lowered" "$(cat "$T/err")" "--jobs 1024 lowered to"

# sessions of six hosts each hold more descriptors than the cap counts on:
# EMFILE is back-pressure, the targets are tried again
h=127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1,127.0.0.1
p=$port,$port,$port,$port,$port,$port
for _ in $(seq 30); do
	echo "host=$h port=$p sslmode=require user=postgres"
done >"$T/lists"
rc=0
(ulimit -n 64 && exec timeout 300 "$PGI" --json --jobs 1024 --targets "$T/lists") \
	>"$T/lines" 2>"$T/err" || rc=$?
assert_eq "host lists under ulimit -n 64: exit status" "$rc" 0
assert_eq "host lists: one JSON line a target" "$(wc -l <"$T/lines")" 30
assert_eq "host lists: every one reachable" \
	"$("$JQ" -s '[.[] | select(.server.reachable == true)] | length' "$T/lines")" 30

# a 5,000-byte line: one target (application_name pads it)
pad=$(printf '%*s' 4800 '' | tr ' ' a)
long="$ci application_name=$pad"
{
	echo "$long"
	echo "$ci"
} >"$T/long"
assert_eq "the long line is over 4,095 bytes" "$((${#long} > 4095))" 1
rc=0
timeout 60 "$PGI" --json --targets "$T/long" >"$T/lines" 2>"$T/err" || rc=$?
assert_eq "a 5,000-byte line: exit status" "$rc" 0
assert_eq "a 5,000-byte line is one target" "$(wc -l <"$T/lines")" 2
assert_eq "both reachable" \
	"$("$JQ" -s '[.[] | select(.server.reachable == true)] | length' "$T/lines")" 2

# over the bound: one row that says so, the next line still read
huge=$(printf '%*s' 70000 '' | tr ' ' b)
{
	echo "$ci application_name=$huge"
	echo "$ci"
} >"$T/huge"
rc=0
timeout 60 "$PGI" --targets "$T/huge" >"$T/table" 2>"$T/err" || rc=$?
assert_eq "a 70,000-byte line: exit status" "$rc" 2
assert_eq "two rows and the header" "$(wc -l <"$T/table")" 3
assert_contains "the long line's row" "$(sed -n 2p "$T/table")" "line 1 is longer than 65536 bytes: not read"
assert_eq "the next line inspected" "$(grep -c "^db.example.com:$port  *S  *TLS" "$T/table")" 1
assert_eq "no byte of it shown" "$(grep -c bbbbbbbb "$T/table")" 0
finish
