#!/bin/bash
# Checks the harness, not pgtls-inspect: real psql (libpq + OpenSSL) accepts
# the certificates made by certs.sh and served by pg.sh where it should, and
# refuses them where it should.  The texts asserted here are what libpq 15
# prints, word for word; the other pg tests rely on these scenarios.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_tool "$PSQL"

C=$T/certs
make_certs "$C"
O=$T/psql.out
show_on_failure "$O"

# _psql_ok DESC CONNINFO SQL WANT: psql succeeds and prints WANT.
_psql_ok() {
	local rc=0
	psql_try "$O" "$2" "$3" || rc=$?
	assert_eq "$1: psql exit status" "$rc" 0
	assert_eq "$1: psql output" "$(cat "$O")" "$4"
}

# _psql_fails DESC CONNINFO WANT-ERROR: psql fails with exactly WANT-ERROR.
_psql_fails() {
	local rc=0
	psql_try "$O" "$2" "SELECT 1" || rc=$?
	assert_eq "$1: psql exit status" "$rc" 2
	assert_eq "$1: psql error" "$(cat "$O")" "psql: error: $3"
}

export PGSSLMODE=verify-full

pg_start chain --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
_psql_ok "chain, root.crt" "$(pg_conninfo "sslrootcert=$C/root.crt")" "SELECT 1" "1"
_psql_ok "chain, root.crt, TLS in use" "$(pg_conninfo "sslrootcert=$C/root.crt")" \
	"SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()" "t|TLSv1.3"
_psql_fails "chain, other-root.crt" "$(pg_conninfo "sslrootcert=$C/other-root.crt")" \
	"$at: SSL error: certificate verify failed"
assert_contains "chain, other-root.crt: says certificate verify failed" \
	"$(cat "$O")" "certificate verify failed"
_psql_fails "chain, leaf as root" "$(pg_conninfo "sslrootcert=$C/server.crt")" \
	"$at: SSL error: certificate verify failed"
_psql_fails "chain, intermediate as root" "$(pg_conninfo "sslrootcert=$C/intermediate.crt")" \
	"$at: SSL error: certificate verify failed"
_psql_fails "chain, hostaddr only" \
	"hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/root.crt" \
	"$at: host name must be specified for a verified SSL connection"
# libpq 15 matches IP addresses against iPAddress SAN entries.
_psql_ok "chain, host=127.0.0.1 matches the IP SAN" \
	"host=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/root.crt" \
	"SELECT 1" "1"
pg_stop

pg_start selfsigned --ssl on --cert "$C/selfsigned.crt" --key "$C/selfsigned.key"
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
_psql_ok "self-signed leaf as its own root" "$(pg_conninfo "sslrootcert=$C/selfsigned.crt")" "SELECT 1" "1"
# No iPAddress SAN, so libpq 15 also checks the CN: two names, both localhost.
_psql_fails "self-signed, host=127.0.0.1 (no IP SAN)" \
	"host=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/selfsigned.crt" \
	"$at: server certificate for \"localhost\" (and 1 other name) does not match host name \"127.0.0.1\""
pg_stop

pg_start nossl --ssl off
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
_psql_fails "ssl off, verify-full" "$(pg_conninfo "sslrootcert=$C/root.crt")" \
	"$at: server does not support SSL, but SSL was required"
PGSSLMODE=prefer _psql_ok "ssl off, prefer" "$(pg_conninfo "sslrootcert=$C/root.crt")" \
	"SELECT count(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl" "0"
pg_stop

hint='host "127.0.0.1", user "postgres", database "postgres", no encryption'
pg_start hostssl --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust"
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
PGSSLMODE=disable _psql_fails "hostssl only, disable" "$(pg_conninfo)" \
	"$at: FATAL:  no pg_hba.conf entry for $hint"
_psql_ok "hostssl only, verify-full" "$(pg_conninfo "sslrootcert=$C/root.crt")" "SELECT 1" "1"
pg_stop

pg_start reject --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust" --hba "hostnossl all all 127.0.0.1/32 reject"
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
PGSSLMODE=disable _psql_fails "hostnossl reject, disable" "$(pg_conninfo)" \
	"$at: FATAL:  pg_hba.conf rejects connection for $hint"
pg_stop

pg_start clientcert --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert"
at="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"
_psql_fails "cert auth, no client cert" "$(pg_conninfo "sslrootcert=$C/root.crt")" \
	"$at: FATAL:  connection requires a valid client certificate"
_psql_ok "cert auth, client.crt" \
	"$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client.key")" \
	"SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()" "/CN=postgres"
pg_stop

finish
