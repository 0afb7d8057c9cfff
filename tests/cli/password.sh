#!/bin/bash
# The password is known, never shown: from the target (key=value and a
# URI's userinfo and query), PGPASSWORD, a service file and ~/.pgpass, the
# JSON and the text report say where libpq's password comes from
# (target.password_source, target.passfile), and no output — stdout,
# stderr, the saved event log, its replay, the fleet's table and JSON
# lines, the interface's saved files and its history — holds the
# password. Nothing listens on the port: no network.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
mkdir -p "$HOME"
PORT=$(free_port)
OUT=()

# run NAME ARGS...: --json (and --save-events) then --report, exit 3
# (nothing listens); every file written is searched at the end
run() {
	local name=$1 rc=0
	shift
	timeout 20 "$PGI" --json --timeout 1 --save-events "$T/$name.events.json" "$@" \
		>"$T/$name.json" 2>"$T/$name.json.err" </dev/null || rc=$?
	assert_eq "$name: --json exit status" "$rc" 3
	rc=0
	timeout 20 "$PGI" --report --timeout 1 "$@" >"$T/$name.txt" 2>"$T/$name.txt.err" </dev/null || rc=$?
	assert_eq "$name: --report exit status" "$rc" 3
	"$PGI" --replay "$T/$name.events.json" --json >"$T/$name.replay.json" 2>&1
	"$PGI" --replay "$T/$name.events.json" --report >"$T/$name.replay.txt" 2>&1
	OUT+=("$T/$name.json" "$T/$name.json.err" "$T/$name.events.json" "$T/$name.txt"
		"$T/$name.txt.err" "$T/$name.replay.json" "$T/$name.replay.txt")
	show_on_failure "$T/$name.json.err" "$T/$name.txt"
}

# the password line of a text report
pwline() {
	sed -n 's/^  password  *//p' "$1" | head -1
}

run kv "host=127.0.0.1 port=$PORT password=SECRETVALUE1"
assert_jq "$T/kv.json" '[.target.password_source, .target.passfile, .target.sources.password]' \
	'["password",null,"target"]'
assert_contains "kv: the warning" "$(cat "$T/kv.json.err")" \
	"pgtls-inspect sends no password unless --login is given"
assert_eq "kv: the report's line" "$(pwline "$T/kv.txt")" "from the password keyword (target)"
assert_eq "kv: the replay's line" "$(pwline "$T/kv.replay.txt")" "from the password keyword (target)"
assert_jq "$T/kv.replay.json" '.target.password_source' password

run uri "postgresql://u:SECRETVALUE2@127.0.0.1:$PORT/db?sslmode=prefer&password=SECRETVALUE3"
assert_jq "$T/uri.json" '.target.password_source' password

PGPASSWORD=SECRETVALUE4 run env "host=127.0.0.1 port=$PORT"
assert_jq "$T/env.json" '[.target.password_source, .target.sources.password]' '["PGPASSWORD","environment"]'
assert_eq "env: the report's line" "$(pwline "$T/env.txt")" "from PGPASSWORD"
assert_jq "$T/env.replay.json" '.target.password_source' PGPASSWORD

printf '[s]\nhost=127.0.0.1\nport=%s\npassword=SECRETVALUE5\n' "$PORT" >"$T/svc.conf"
PGSERVICEFILE=$T/svc.conf run service "service=s"
assert_jq "$T/service.json" '[.target.password_source, .target.sources.password]' '["password","service"]'
assert_eq "service: the report's line" "$(pwline "$T/service.txt")" "from the password keyword (service)"

# ~/.pgpass: found; refused with libpq's WARNING when others may read it
printf '127.0.0.1:%s:*:*:SECRETVALUE6\n' "$PORT" >"$HOME/.pgpass"
chmod 0600 "$HOME/.pgpass"
run pgpass "host=127.0.0.1 port=$PORT"
assert_jq "$T/pgpass.json" '[.target.password_source, .target.passfile]' \
	"[\"passfile\",\"$HOME/.pgpass\"]"
assert_eq "pgpass: the report's line" "$(pwline "$T/pgpass.txt")" "from ~/.pgpass ($HOME/.pgpass)"
assert_jq "$T/pgpass.replay.json" '[.target.password_source, .target.passfile]' \
	"[\"passfile\",\"$HOME/.pgpass\"]"
chmod 0644 "$HOME/.pgpass"
run pgpass-open "host=127.0.0.1 port=$PORT"
assert_jq "$T/pgpass-open.json" '.target.password_source' none
assert_contains "pgpass-open: libpq's WARNING" "$(cat "$T/pgpass-open.json.err")" \
	"WARNING: password file \"$HOME/.pgpass\" has group or world access; permissions should be u=rw (0600) or less"
assert_contains "pgpass-open: the report's line" "$(pwline "$T/pgpass-open.txt")" "none"
rm "$HOME/.pgpass"

# the fleet shows targets: masked
{
	echo "password=SECRETVALUE7 host=127.0.0.1 port=$PORT"
	echo "postgresql://u:SECRETVALUE8@127.0.0.1:$PORT/db"
	echo "host=127.0.0.1 nonsense=1 password='SECRET VALUE9'"
} >"$T/targets"
timeout 30 "$PGI" --timeout 1 --targets "$T/targets" >"$T/fleet.txt" 2>"$T/fleet.err"
timeout 30 "$PGI" --json --timeout 1 --targets "$T/targets" >"$T/fleet.json" 2>>"$T/fleet.err"
OUT+=("$T/fleet.txt" "$T/fleet.json" "$T/fleet.err")
assert_contains "fleet: the masked row" "$(cat "$T/fleet.txt")" "password=********"
assert_eq "fleet: JSON lines" "$(wc -l <"$T/fleet.json")" 3

# the interface: :set password and :connect with one; the history file
# keeps them masked
mkdir -p "$T/tuihome"
cat >"$T/keys" <<KEYS
:set password SECRETVALUE10
:connect host=127.0.0.1 port=$PORT password=SECRETVALUE11
:save json $T/tui.json
:save report $T/tui.txt
KEYS
rc=0
HOME=$T/tuihome TERM=dumb LINES=24 COLUMNS=80 INPUTRC=/dev/null PGTLS_INSPECT_SCRIPT=$T/keys \
	PGTLS_INSPECT_DUMPDIR=$T/tuihome timeout 60 "$PGI" --timeout 1 "host=127.0.0.1 port=$PORT" \
	</dev/null >"$T/tui.out" 2>&1 || rc=$?
assert_eq "interface: exit status" "$rc" 0
assert_jq "$T/tui.json" '.target.password_source' password
assert_contains "interface: the history keeps :set masked" \
	"$(cat "$T/tuihome/.pgtls_inspect_history" 2>&1)" "set password ********"
assert_contains "interface: the history keeps :connect masked" \
	"$(cat "$T/tuihome/.pgtls_inspect_history" 2>&1)" "connect host=127.0.0.1 port=$PORT password=********"
OUT+=("$T/tui.json" "$T/tui.txt" "$T/tui.out" "$T/tuihome/.pgtls_inspect_history")

# the check itself: each SECRETVALUE appears nowhere
found=$(grep -l 'SECRET *VALUE' "${OUT[@]}")
if [ -n "$found" ]; then
	fail "a password appears in the output: $(echo "$found" | tr '\n' ' ')"
	grep -n 'SECRET *VALUE' "${OUT[@]}" | sed 's/^/# /' | head -10
else
	pass "no password appears in ${#OUT[@]} outputs"
fi
finish
