#!/bin/bash
# Real psql (libpq 15) under every sslmode beside
# pgtls-inspect's verdicts, scenario by scenario.  A scenario is one server
# configuration plus one set of client options and environment.  The tool
# gets the sslmode-independent conninfo once and predicts all six modes in
# .modes; psql runs six times with PGSSLMODE set.  For each mode psql either
# connects (pg_stat_ssl says whether the session is encrypted) or fails with
# status 2; .modes[MODE].outcome must say the same, and .modes[MODE].error must
# be exactly what psql printed after "psql: error: " (continuation lines
# included, joined with "\n"; only psql's one trailing newline is dropped), or
# null when psql connected.
#
# Ends with "# agreement: A of N scenario×mode pairs" and fails unless A = N.
# MODES_AGREE_PSQL_ONLY=1 runs the psql half only (no pgtls-inspect), prints
# what psql said and exits 77: for checking the scenarios themselves.
# shellcheck disable=SC2016 # the single-quoted $names are jq's
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
PSQL_ONLY=${MODES_AGREE_PSQL_ONLY:-0}
[ "$PSQL_ONLY" = 1 ] || need_pgi
need_tool "$PSQL"

C=$T/certs
make_certs "$C"
# Leaves for the name rules, all signed by the intermediate (sent with it).
make_leaf "$C" cnonly 'cn = "localhost"'
make_leaf "$C" othername 'cn = "db.example.com"' 'dns_name = "db.example.com"' \
	'dns_name = "db-replica.example.com"' 'ip_address = "10.1.2.3"'
make_leaf "$C" wildcard 'cn = "*.example.com"' 'dns_name = "*.example.com"'
make_leaf "$C" dnsip 'cn = "pgtls dnsip"' 'dns_name = "127.0.0.1"'
make_leaf "$C" expired 'cn = "localhost"' 'dns_name = "localhost"' \
	'ip_address = "127.0.0.1"' 'activation_date = "2019-01-01 00:00:00 UTC"' \
	'expiration_date = "2020-01-01 00:00:00 UTC"'
cat "$C/root.crt" "$C/intermediate.crt" >"$C/root+intermediate.crt"
cp "$C/client.key" "$C/client-0644.key"
chmod 0644 "$C/client-0644.key" "$C/root+intermediate.crt"

# shellcheck source=tests/pg/agree.sh
. "$(cd "$(dirname "$0")" && pwd)/agree.sh"
# every scenario beside psql 15 and psql 18
[ "$PSQL_ONLY" = 1 ] || agree_with_18

U="user=postgres dbname=postgres"

# Leaf CN=localhost, SAN DNS:localhost IP:127.0.0.1, sent with the intermediate.
pg_start chain --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
P="port=$PGPORT_TEST $U"
agree chain-root "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree chain-host-localhost "host=localhost $P sslrootcert=$C/root.crt"
agree chain-host-ip "host=127.0.0.1 $P sslrootcert=$C/root.crt"
agree chain-hostaddr-only "hostaddr=127.0.0.1 $P sslrootcert=$C/root.crt"
agree chain-other-root "$(pg_conninfo "sslrootcert=$C/other-root.crt")"
agree chain-leaf-root "$(pg_conninfo "sslrootcert=$C/server.crt")"
agree chain-intermediate-root "$(pg_conninfo "sslrootcert=$C/intermediate.crt")"
agree chain-rootcert-missing "$(pg_conninfo "sslrootcert=$C/absent.crt")"
agree chain-rootcert-env "$(pg_conninfo)" "PGSSLROOTCERT=$C/root.crt"
agree chain-rootcert-conninfo-over-env "$(pg_conninfo "sslrootcert=$C/other-root.crt")" \
	"PGSSLROOTCERT=$C/root.crt"
mkdir -p "$HOME/.postgresql"
cp "$C/root.crt" "$HOME/.postgresql/root.crt"
agree chain-rootcert-home "host=localhost $P"
rm -rf "$HOME/.postgresql"
agree chain-no-root-file "host=localhost $P"
agree chain-rootcert-system "$(pg_conninfo "sslrootcert=system")"
pg_stop

# The same leaf without the intermediate.
pg_start leafonly --ssl on --cert "$C/server.crt" --key "$C/server.key"
agree leafonly-root "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree leafonly-root+intermediate "$(pg_conninfo "sslrootcert=$C/root+intermediate.crt")"
pg_stop

# Self-signed leaf CN=localhost, SAN DNS:localhost (no IP SAN).
pg_start selfsigned --ssl on --cert "$C/selfsigned.crt" --key "$C/selfsigned.key"
agree selfsigned "$(pg_conninfo "sslrootcert=$C/selfsigned.crt")"
agree selfsigned-host-ip "host=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/selfsigned.crt"
pg_stop

# CN=localhost, no subjectAltName.
pg_start cnonly --ssl on --cert "$C/cnonly.chain.pem" --key "$C/cnonly.key"
agree cnonly-localhost "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree cnonly-host-ip "host=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
pg_stop

# CN=db.example.com, SAN DNS:db.example.com DNS:db-replica.example.com IP:10.1.2.3.
pg_start othername --ssl on --cert "$C/othername.chain.pem" --key "$C/othername.key"
agree othername-localhost "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree othername-host-db "host=db.example.com hostaddr=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
pg_stop

# CN and SAN DNS *.example.com.
pg_start wildcard --ssl on --cert "$C/wildcard.chain.pem" --key "$C/wildcard.key"
agree wildcard-one-label "host=a.example.com hostaddr=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
agree wildcard-two-labels "host=a.b.example.com hostaddr=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
pg_stop

# SAN dNSName "127.0.0.1" (a string, not an iPAddress).
pg_start dnsip --ssl on --cert "$C/dnsip.chain.pem" --key "$C/dnsip.key"
agree dnsip-host-ip "host=127.0.0.1 port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
agree dnsip-localhost "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

# The chain leaf's names, expired in 2020.
pg_start expired --ssl on --cert "$C/expired.chain.pem" --key "$C/expired.key"
agree expired-root "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree expired-no-root-file "$(pg_conninfo)"
pg_stop

pg_start nossl --ssl off
agree nossl "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

pg_start nossl-reject --ssl off --hba "host all all 127.0.0.1/32 reject"
agree nossl-reject "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

pg_start hostssl --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust"
agree hostssl-only "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree hostssl-only-other-root "$(pg_conninfo "sslrootcert=$C/other-root.crt")"
pg_stop

pg_start hostnossl --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostnossl all all 127.0.0.1/32 trust"
agree hostnossl-only "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

pg_start reject --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "host all all 127.0.0.1/32 reject"
agree reject-all "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

pg_start noentry --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "local all all trust"
agree no-hba-entry "$(pg_conninfo "sslrootcert=$C/root.crt")"
pg_stop

# The server asks for a client certificate (ssl_ca_file); TLS needs "cert".
pg_start clientcert --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert"
agree clientcert-none "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree clientcert-ok "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client.key")"
agree clientcert-key-0644 "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client-0644.key")"
agree clientcert-key-missing "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/absent.key")"
pg_stop

# The same, but plaintext is let in too.
pg_start clientcert-or-plain --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert" \
	--hba "hostnossl all all 127.0.0.1/32 trust"
agree clientcert-or-plain-none "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree clientcert-or-plain-ok "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client.key")"
agree clientcert-or-plain-key-0644 "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client-0644.key")"
# A certificate from a CA the server does not trust: OpenSSL's server ends
# the handshake with alert 48 (unknown_ca). In TLS 1.3 the client reads it
# only after its own handshake, on the first read: no fallback even under
# prefer; in TLS 1.2 it fails the handshake, and prefer goes on in clear.
agree clientcert-or-plain-wrong-ca "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/server.crt sslkey=$C/server.key")"
agree clientcert-or-plain-wrong-ca-tls12 "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/server.crt sslkey=$C/server.key ssl_max_protocol_version=TLSv1.2")"
pg_stop

pg_start tls13 --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--conf "ssl_min_protocol_version = 'TLSv1.3'"
agree tls13-default "$(pg_conninfo "sslrootcert=$C/root.crt")"
agree tls13-client-max12 "host=localhost port=$PGPORT_TEST $U sslrootcert=$C/root.crt ssl_max_protocol_version=TLSv1.2"
pg_stop

pg_start tls13-sslonly --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--conf "ssl_min_protocol_version = 'TLSv1.3'" --hba "hostssl all all 127.0.0.1/32 trust"
agree tls13-sslonly-client-max12 "$(pg_conninfo "sslrootcert=$C/root.crt ssl_max_protocol_version=TLSv1.2")"
pg_stop

if [ "$PSQL_ONLY" = 1 ]; then
	[ "$_failed" = 0 ] || finish
	skip "MODES_AGREE_PSQL_ONLY=1: psql half only, no agreement computed"
fi
echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -gt 0 ] || fail "no scenario×mode pair was compared"
finish
