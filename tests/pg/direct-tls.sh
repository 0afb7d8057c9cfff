#!/bin/bash
# sslnegotiation=direct (libpq 17+): the ClientHello is the first thing on
# the wire. A PostgreSQL 15 server reads it as a startup packet of absurd
# length and closes, so require and stricter fail with the EOF text of the
# libpq version (17: the old BIO's "SSL SYSCALL error: EOF detected"; 18:
# "SSL error: unexpected eof while reading", fe-secure-openssl.c pgtls_open_client);
# weaker modes are refused before connecting; 15 and 16 do not know the
# keyword at all.
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
pg_start direct --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
CI_D=$(pg_conninfo "sslrootcert=$C/root.crt sslnegotiation=direct")
P="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed: "

J=$T/v18.json
pgi_json "$J" "$CI_D" --libpq-version 18
assert_jq "$J" '[.events[] | select(.probe == "direct" and .kind == "ClientHello")] | length' "1"
assert_jq "$J" '[.events[] | select(.probe == "direct" and .kind == "SSLRequest")] | length' "0"
assert_jq "$J" '.direct_tls.handshake_ok' "false"
assert_jq "$J" '.direct_tls.failure_kind' "eof"
assert_jq "$J" '.modes["require"].error' "${P}SSL error: unexpected eof while reading"
assert_jq "$J" '.modes["verify-full"].error' "${P}SSL error: unexpected eof while reading"
assert_jq "$J" '.modes["prefer"].error' 'weak sslmode "prefer" may not be used with sslnegotiation=direct (use "require", "verify-ca", or "verify-full")'
assert_jq "$J" '.modes["prefer"].outcome' "fails"

J=$T/v17.json
pgi_json "$J" "$CI_D" --libpq-version 17
assert_jq "$J" '.modes["verify-ca"].error' "${P}SSL SYSCALL error: EOF detected"

J=$T/v15.json
pgi_json "$J" "$CI_D" --libpq-version 15
assert_jq "$J" '[.modes[].error] | unique' '["invalid connection option \"sslnegotiation\""]'

# without the keyword there is no direct probe
J=$T/plain.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.direct_tls' "null"
assert_jq "$J" '[.events[] | select(.probe == "direct")] | length' "0"
# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/v18.json" '["direct-tls-unsupported","plaintext-accepted"]'
assert_findings "$T/plain.json" '["allow-plaintext","plaintext-accepted"]'
finish
