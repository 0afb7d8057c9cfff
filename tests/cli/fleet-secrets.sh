#!/bin/bash
# Secrets in target lines never reach the fleet's output: neither the table
# nor the JSON lines (reachable, unreachable, refused and unreadable rows,
# the JSON line's target and target_input), for every keyword libpq keeps
# secret (password, sslpassword) and a URI's user:password@. A line longer
# than 4,095 bytes whose password straddles that byte is one target, so no
# half of it ("ssword=...") is shown as a target of its own.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_tool "$JQ" timeout
need_pgi
dead=$(free_port)
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
demo_serve healthy
ci=${DEMO_CI:?the demo server did not start}

prefix="$ci application_name="
pad=$(printf '%*s' $((4092 - ${#prefix})) '' | tr ' ' a)
straddle="$prefix$pad password=hunterS1"
assert_eq "the password starts 4,093 bytes in" "${straddle:4092:3}" " pa"
{
	echo "$ci password=hunterA1 sslpassword=hunterA2"
	echo "host=127.0.0.1 port=$dead password='hunter A3' sslpassword=hunterA4"
	echo "postgresql://u:hunterB1@127.0.0.1:$dead/db?sslpassword=hunterB2"
	echo "postgresql://u:hunterC1@127.0.0.1:$dead/db?password=hunterC2&sslmode=bogus"
	echo "nonsense=1 password=hunterD1 sslpassword = hunterD2"
	echo "postgresql://u:hunterE1@[::1:$dead/db"
	echo "$straddle"
	echo "$ci password=hunterF1 application_name=$(printf '%*s' 70000 '' | tr ' ' f)"
} >"$T/targets"

rc=0
timeout 120 "$PGI" --json --targets "$T/targets" >"$T/lines" 2>"$T/err" || rc=$?
assert_eq "JSON lines: exit status (one line too long to read)" "$rc" 2
assert_eq "JSON lines: one a target" "$(wc -l <"$T/lines")" 8
assert_eq "every line is JSON" "$("$JQ" -s length "$T/lines")" 8
assert_eq "no secret in the JSON lines" "$(grep -c hunter "$T/lines")" 0
assert_eq "nor on standard error" "$(grep -c hunter "$T/err")" 0
assert_eq "the unreadable line is named by its number" \
	"$("$JQ" -r 'select(.target_input) | .target_input' "$T/lines")" "(line 8)"
rc=0
timeout 120 "$PGI" --targets "$T/targets" >"$T/table" 2>"$T/err" || rc=$?
assert_eq "table: exit status" "$rc" 2
assert_eq "table: a row a target" "$(($(wc -l <"$T/table") - 1))" 8
assert_eq "no secret in the table" "$(grep -c hunter "$T/table")" 0
assert_eq "nor on standard error" "$(grep -c hunter "$T/err")" 0
assert_eq "no half line shown as a target" "$(grep -c '^ssword' "$T/table")" 0
assert_contains "the refused rows mask their secrets" "$(cat "$T/table")" \
	'nonsense=1 password=******** sslpassword = ******** refused by libpq'
finish
