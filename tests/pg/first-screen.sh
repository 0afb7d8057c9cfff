#!/bin/bash
# The interface's first screen at 80x24 against a real PostgreSQL 15, before
# any key: the answer (the target's sslmode, the root cause, the fix) under
# the header, for three cases users hit: verify-full with a root file that
# does not hold the server's CA, require against ssl=off, and disable
# against a pg_hba.conf that takes only hostssl. Each screen is printed in
# the log.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
C=$T/certs
make_certs "$C"
export TERM=dumb LC_ALL=C.UTF-8 INPUTRC=/dev/null COLUMNS=80 LINES=24
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
mkdir -p "$T/out"

# first NAME CONNINFO WANT...: the first screen of CONNINFO holds each WANT
# on the rows above the panes
first() {
	local name=$1 ci=$2 rc=0 w
	shift 2
	printf ':dump-screen %s\n' "$name" >"$T/$name.keys"
	PGTLS_INSPECT_SCRIPT=$T/$name.keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 60 "$PGI" --timeout 5 "$ci" </dev/null >"$T/$name.out" 2>&1 || rc=$?
	assert_eq "$name: exit status" "$rc" 0
	sed 's/^/#   | /' "$T/out/$name.screen"
	# the rows between the header and the panes' title
	local top
	top=$(awk 'NR > 1 && /^([> ] Timeline| Ladder)/ { exit } NR > 1' "$T/out/$name.screen" | tr '\n' ' ' | tr -s ' ')
	for w in "$@"; do
		assert_contains "$name: above the panes" "$top" "$w"
	done
}

pg_start tls --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
first wrong-root "$(pg_conninfo "sslmode=verify-full sslrootcert=$C/other-root.crt")" \
	"verify-full fails:" "Fix:"
pg_stop
pg_start off --ssl off
first ssl-off "$(pg_conninfo "sslmode=require")" "require and verify-full fail:" "Fix: ssl = on"
pg_stop
pg_start hostssl --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust" --hba "hostnossl all all 127.0.0.1/32 reject"
first hostssl-disable "$(pg_conninfo "sslmode=disable")" "disable fails:" "Fix: sslmode=require, which connects encrypted"
pg_stop
finish
