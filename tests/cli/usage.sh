#!/bin/bash
# Bad input gets one clear line on stderr and exit 2, never a crash or a
# hang; --help and --version answer on stdout.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool timeout

# bad DESC WANT_SUBSTRING ARGS...: exit 2, exactly one line on stderr that
# contains WANT, nothing on stdout.
bad() {
	local desc=$1 want=$2 rc=0
	shift 2
	timeout 10 "$PGI" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	assert_eq "$desc: exit status" "$rc" 2
	assert_eq "$desc: one line on stderr" "$(wc -l <"$T/err")" 1
	assert_contains "$desc: message" "$(cat "$T/err")" "$want"
	assert_eq "$desc: nothing on stdout" "$(wc -c <"$T/out")" 0
}

bad "bad port" 'invalid port number: "99999"' "127.0.0.1:99999"
bad "bad --sslmode" '--sslmode wants disable, allow' --sslmode strict 127.0.0.1

# refused DESC MESSAGE TARGET: a connection string libpq refuses before
# connecting is no usage error: a full report says so (exit 0), every
# sslmode fails with libpq's message, --check says fails (exit 1).
refused() {
	local desc=$1 want=$2 target=$3 rc=0
	timeout 10 "$PGI" --report "$target" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	assert_eq "$desc: exit status" "$rc" 0
	assert_contains "$desc: the report says it is refused" "$(cat "$T/out")" "Refused before connecting"
	assert_contains "$desc: libpq's message" "$(cat "$T/out")" "$want"
	rc=0
	timeout 10 "$PGI" --json "$target" >"$T/out.json" 2>"$T/err" </dev/null || rc=$?
	assert_eq "$desc: --json exit status" "$rc" 0
	assert_jq "$T/out.json" '[.modes[] | .outcome] | unique' '["fails"]'
	assert_jq "$T/out.json" '[.modes[] | .error == $ENV.WANT_ERR] | all' true
	assert_jq "$T/out.json" '.events | length' 0
	rc=0
	timeout 10 "$PGI" --check prefer "$target" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	assert_eq "$desc: --check exit status" "$rc" 1
}

WANT_ERR='invalid connection option "foo"' refused "unknown keyword" 'invalid connection option "foo"' "host=127.0.0.1 foo=bar"
WANT_ERR='invalid integer value "abc" for connection option "port"' refused "bad port keyword" '"port"' "host=127.0.0.1 port=abc"
WANT_ERR='invalid percent-encoded token: "db%zz"' refused "broken URI escape" 'invalid percent-encoded token' "postgresql://127.0.0.1/db%zz"
WANT_ERR='invalid URI query parameter: "nope"' refused "unknown URI parameter" 'invalid URI query parameter: "nope"' "postgresql://127.0.0.1/db?nope=1"
WANT_ERR='unterminated quoted string in connection info string' refused "unterminated quote" 'unterminated quoted string' "host='127.0.0.1"
WANT_ERR='missing "=" after "port" in connection info string' refused "missing =" 'missing "=" after "port"' "host=127.0.0.1 port"
WANT_ERR='invalid sslmode value: "strict"' refused "bad sslmode" 'invalid sslmode value: "strict"' "host=127.0.0.1 sslmode=strict"
WANT_ERR='invalid SSL protocol version range' refused "inverted range" 'invalid SSL protocol version range' "host=127.0.0.1 ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2"
WANT_ERR='could not match 2 host names to 1 hostaddr values' refused "hostaddr count" 'could not match 2 host names' "host=a,b hostaddr=127.0.0.1"
bad "unknown option" 'unknown option --frobnicate' --frobnicate
bad "option without value" 'needs a value' --port
bad "several targets and --replay" 'several targets go with neither --replay' --replay x.json 127.0.0.1 127.0.0.2
bad "--jobs 0" '--jobs wants a number from 1 to 1024' --jobs 0 127.0.0.1 127.0.0.2
bad "unreadable --targets" 'cannot read' --targets /nonexistent/list
bad "two outputs" 'only one of --json and --report' --json --report 127.0.0.1
bad "bad timeout" '--timeout wants whole seconds' --timeout 0 127.0.0.1
bad "Unix socket dir" 'Unix-domain sockets are not supported' "host=/var/run/postgresql"
WANT_ERR='could not parse network address "localhost": Name or service not known' refused "hostaddr not numeric" 'could not parse network address "localhost"' "hostaddr=localhost port=1"
bad "flag given a value" 'option --json=1 takes no value' --json=1 127.0.0.1
bad "unwritable --save-events" "cannot write $T/no/such/dir/x.json" --save-events "$T/no/such/dir/x.json" 127.0.0.1
bad "bad --check" '--check wants an sslmode' --check strict 127.0.0.1
bad "bad --libpq-version" '--libpq-version wants 15, 16, 17 or 18' --libpq-version 14 127.0.0.1
bad "replay missing file" "$T/nope.json" --replay "$T/nope.json"
bad "replay plus target" '--replay takes no TARGET' --replay x.json 127.0.0.1
bad "bad --login value" '--login takes no value, or =any, not "all"' --login=all 127.0.0.1
bad "--login with --replay" '--login needs a connection, not --replay' --login --replay x.json
bad "--login with --demo-serve" '--login goes with an inspection, not --demo-serve' --login --demo-serve expired
bad "--login with --demo" '--login needs a real server, not --demo' --login --demo expired

rc=0
"$PGI" --help >"$T/out" 2>&1 || rc=$?
assert_eq "--help exit status" "$rc" 0
assert_contains "--help text" "$(cat "$T/out")" "Usage: pgtls-inspect"
rc=0
"$PGI" --version >"$T/out" 2>&1 || rc=$?
assert_eq "--version exit status" "$rc" 0
assert_contains "--version text" "$(cat "$T/out")" "pgtls-inspect "

# A huge connect_timeout (libpq has no upper bound) is clamped, not
# overflowed: nothing listens, so exit 3 at once.
PORT=$(free_port)
rc=0
PGCONNECT_TIMEOUT=2147484 timeout 20 "$PGI" --json "host=127.0.0.1 port=$PORT" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "huge connect_timeout: exit status" "$rc" 3
assert_eq "huge connect_timeout: nothing on stderr" "$(cat "$T/err")" ""

# A password in the target is never used: a warning says so.
PORT=$(free_port)
rc=0
"$PGI" --json --timeout 2 "postgresql://u:secret@127.0.0.1:$PORT/db" >"$T/out" 2>"$T/err" || rc=$?
assert_eq "password target: exit status (nothing listens)" "$rc" 3
assert_contains "password target: warning" "$(cat "$T/err")" "password"
if grep -q secret "$T/out" "$T/err"; then
	fail "password target: the password appears in the output"
else
	pass "password target: the password appears nowhere"
fi
finish
