#!/bin/bash
# try-local.sh: start a throw-away PostgreSQL 15 on 127.0.0.1 with TLS (a
# leaf and an intermediate made by certtool), inspect it with pgtls-inspect,
# and stop it. Arguments are passed to pgtls-inspect (default: --report).
# Until the built-in demo exists, this is the quickest way to see the tool.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/pg/common.sh"
need_pgi
C=$T/certs
make_certs "$C" >/dev/null
pg_start demo --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust" \
	--hba "hostnossl all all 127.0.0.1/32 reject" >/dev/null
[ $# -gt 0 ] || set -- --report
rc=0
"$PGI" "$@" "host=localhost hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/root.crt" || rc=$?
pg_stop >/dev/null
exit $rc
