#!/bin/bash
# make-fixtures.sh: record the golden event logs from real PostgreSQL 15
# servers (run by hand when the format grows; review the diff), then write
# the expected report and JSON of each by replaying it.
#   tests/golden/make-fixtures.sh        record and render
#   tests/golden/make-fixtures.sh render only render the existing logs
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$(dirname "$here")")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/pg/common.sh"
need_pgi

record() {
	local name=$1 ci=$2
	"$PGI" --json --timeout 5 --save-events "$here/$name.events.json" "$ci" >/dev/null ||
		die "recording $name failed"
	echo "recorded $name"
}

if [ "${1:-}" != render ]; then
	C=$T/certs
	make_certs "$C" >/dev/null
	pg_start tls --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
		--hba "hostssl all all 127.0.0.1/32 trust" \
		--hba "hostnossl all all 127.0.0.1/32 reject" >/dev/null
	record tls-chain-hostssl "$(pg_conninfo "sslrootcert=$C/root.crt")"
	record tls-other-root "$(pg_conninfo "sslrootcert=$C/other-root.crt")"
	pg_stop >/dev/null
	pg_start off --ssl off --hba "host all all 127.0.0.1/32 scram-sha-256" >/dev/null
	record ssl-off-scram "$(pg_conninfo "sslrootcert=$C/root.crt")"
	pg_stop >/dev/null
	pg_start cc --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
		--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert" >/dev/null
	record client-cert-required "$(pg_conninfo "sslrootcert=$C/root.crt")"
	pg_stop >/dev/null
fi
for f in "$here"/*.events.json; do
	base=${f%.events.json}
	"$PGI" --replay "$f" --report >"$base.report.txt" || die "render $f"
	"$PGI" --replay "$f" --json >"$base.json" || die "render $f"
	echo "rendered $(basename "$base")"
done
finish
