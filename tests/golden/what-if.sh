#!/bin/bash
# One probe answers every mode, and other options too: a saved inspection
# replayed with another host, root file or libpq version gives new verdicts
# with no network (the chain is re-verified, the name re-checked).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ"
G=$abs_top_srcdir/tests/golden
LOG=$G/tls-chain-hostssl.events.json
OTHER=$abs_top_srcdir/tests/unit/data/other-root.pem
port=$("$JQ" -r .target.port "$LOG")
P="connection to server at \"127.0.0.1\", port $port failed: "

run() {
	local out=$1 rc=0
	shift
	"$PGI" --replay "$LOG" --json "$@" >"$out" 2>"$T/err" || rc=$?
	assert_eq "replay $*: exit status" "$rc" 0
}

run "$T/as-recorded.json"
assert_jq "$T/as-recorded.json" '.modes["verify-full"].outcome' "encrypted"
assert_jq "$T/as-recorded.json" '.modes["disable"].outcome' "fails"

# another host: only verify-full changes
run "$T/host.json" --host db.example.com
assert_jq "$T/host.json" '.target.host' "db.example.com"
assert_jq "$T/host.json" '.modes["verify-ca"].outcome' "encrypted"
assert_jq "$T/host.json" '.modes["verify-full"].error' \
	"${P}server certificate for \"localhost\" (and 1 other name) does not match host name \"db.example.com\""

# another root file: the chain no longer verifies, in every mode that
# reads it; prefer falls back to plaintext, which this server rejects
run "$T/root.json" --sslrootcert "$OTHER"
assert_jq "$T/root.json" '.modes["require"].error' "${P}SSL error: certificate verify failed"
assert_jq "$T/root.json" '.modes["prefer"].error | split("\n") | length' "2"
assert_jq "$T/root.json" '.modes["prefer"].error | split("\n")[0]' "${P}SSL error: certificate verify failed"
assert_jq "$T/root.json" '.modes["prefer"].error | split("\n")[1] | test("no encryption$")' "true"

# no root file at all: 15's and 16's wording differ
run "$T/noroot15.json" --sslrootcert "$T/absent.crt" --libpq-version 15
assert_jq "$T/noroot15.json" '.modes["require"].outcome' "encrypted"
assert_jq "$T/noroot15.json" '.modes["verify-ca"].error' \
	"${P}root certificate file \"$T/absent.crt\" does not exist
Either provide the file or change sslmode to disable server certificate verification."
run "$T/noroot16.json" --sslrootcert "$T/absent.crt" --libpq-version 16
assert_jq "$T/noroot16.json" '.modes["verify-ca"].error | split("\n")[1]' \
	"Either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification."

# what cannot change on a replay is refused
rc=0
"$PGI" --replay "$LOG" --port 1 >/dev/null 2>"$T/err" || rc=$?
assert_eq "replay --port: exit status" "$rc" 2
assert_contains "replay --port: message" "$(cat "$T/err")" "only --host, --sslmode, --sslrootcert, --sslcert, --sslkey, --sslcrl and --sslcrldir"
finish
