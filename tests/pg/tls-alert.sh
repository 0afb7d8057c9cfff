#!/bin/bash
# A handshake that fails is a result, not a crash: the server allows at most
# TLS 1.2, the client (ssl_min_protocol_version=TLSv1.3, as libpq reads it)
# at least 1.3. The alert and GnuTLS's reason are recorded, no chain is
# invented, and the plaintext probe still reports its own answer. With the
# range open, the same server negotiates TLS 1.2.
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
pg_start tls12 --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--conf "ssl_max_protocol_version = 'TLSv1.2'"

J=$T/min13.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt ssl_min_protocol_version=TLSv1.3")"
assert_jq "$J" '.server.sslrequest_reply' "S"
assert_jq "$J" '.tls.handshake_ok' "false"
assert_jq "$J" '.tls.alert' "Error in protocol version"
assert_jq "$J" '.tls.error | test("alert")' "true"
assert_jq "$J" '[.events[] | select(.probe == "tls" and .kind == "Alert")] | length' "1"
assert_jq "$J" '[.events[] | select(.kind == "ClientHello")] | length' "1"
assert_jq "$J" '.chain' "[]"
assert_jq "$J" '.trust.chain_ok' "null"
assert_jq "$J" '.server.tls_startup' "null"
assert_jq "$J" '.server.plaintext_startup.accepted' "true"

J=$T/open.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.tls.handshake_ok' "true"
assert_jq "$J" '.tls.version' "TLS1.2"
assert_jq "$J" '.tls.kx | type' "string"
assert_jq "$J" '.trust.chain_ok' "true"
assert_jq "$J" '[.events[] | select(.kind == "ServerKeyExchange")] | length' "1"
# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/min13.json" '["allow-plaintext","plaintext-accepted","prefer-plaintext","tls-version"]'
assert_findings "$T/open.json" '["allow-plaintext","plaintext-accepted"]'
finish
