#!/bin/bash
# ssl=on, the server sends leaf + intermediate: pgtls-inspect must read the
# whole chain, verify it against the right root, and refuse it against an
# unrelated root and against a root file holding only the leaf.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
pg_start chain --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"

J=$T/root.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.target.host' "localhost"
assert_jq "$J" '.target.hostaddr' "127.0.0.1"
assert_jq "$J" '.target.port | tostring' "$PGPORT_TEST"
assert_jq "$J" '.target.sslrootcert' "$C/root.crt"
assert_jq "$J" '.server.sslrequest_reply' "S"
assert_jq "$J" '[.events[] | select(.dir == "send" and .kind == "SSLRequest" and .hex == "0000000804d2162f")] | length > 0' "true"
assert_jq "$J" '.tls.version | startswith("TLS1.")' "true"
# PostgreSQL 15 on OpenSSL 3 and GnuTLS 3.7 both offer TLS 1.3.
assert_jq "$J" '.tls.version' "TLS1.3"
assert_jq "$J" '.tls.sni' "localhost"
assert_jq "$J" '.tls.client_cert_requested' "false"
assert_jq "$J" '.chain | length' "2"
assert_jq "$J" '.chain[0].cn' '["localhost"]'
assert_jq "$J" '.chain[0].san_dns' '["localhost"]'
assert_jq "$J" '.chain[0].san_ip' '["127.0.0.1"]'
assert_jq "$J" '.chain[0].ca' "false"
assert_jq "$J" '.chain[0].self_signed' "false"
assert_jq "$J" '.chain[0].issuer | contains("pgtls test intermediate")' "true"
assert_jq "$J" '.chain[1].ca' "true"
assert_jq "$J" '.chain[1].self_signed' "false"
assert_jq "$J" '.chain[1].cn' '["pgtls test intermediate"]'
assert_jq "$J" '.chain[1].subject | contains("pgtls test intermediate")' "true"
assert_jq "$J" '.chain[1].issuer | contains("pgtls test root")' "true"
# SHA-256 of each certificate's DER, lowercase hex, no separators.
assert_jq "$J" '[.chain[].sha256 | test("^[0-9a-f]{64}$")] | all' "true"
assert_jq "$J" '.chain[0].sha256' "$(cert_sha256 "$C/server.crt")"
assert_jq "$J" '.chain[1].sha256' "$(cert_sha256 "$C/intermediate.crt")"
assert_jq "$J" '.trust.chain_ok' "true"
assert_jq "$J" '.trust.chain_error' "null"
assert_jq "$J" '.server.tls_startup.accepted' "true"
assert_jq "$J" '.server.tls_startup.auth' "ok"
assert_jq "$J" '.server.tls_startup.sqlstate' "null"

# An unrelated root: the chain is still read, but does not verify.
J=$T/other-root.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/other-root.crt")"
assert_jq "$J" '.server.sslrequest_reply' "S"
assert_jq "$J" '.chain | length' "2"
assert_jq "$J" '.trust.chain_ok' "false"
assert_jq "$J" '.trust.chain_error | type' "string"

# A root file with only the server's leaf: not a trust anchor for OpenSSL
# (no partial chains), so libpq refuses it; see psql-agrees.sh.
J=$T/leaf-root.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/server.crt")"
assert_jq "$J" '.chain | length' "2"
assert_jq "$J" '.trust.chain_ok' "false"
assert_jq "$J" '.trust.chain_error | type' "string"

# --check MODE: 0 when MODE connects, 1 when it fails, for scripts.
check_rc() {
	local rc=0
	timeout 30 "$PGI" --check "$1" --timeout 5 "$2" >"$T/check.out" 2>&1 || rc=$?
	echo "$rc"
}
assert_eq "--check verify-full, right root" "$(check_rc verify-full "$(pg_conninfo "sslrootcert=$C/root.crt")")" 0
assert_eq "--check verify-full, other root" "$(check_rc verify-full "$(pg_conninfo "sslrootcert=$C/other-root.crt")")" 1
assert_eq "--check prefer, other root (silent plaintext)" "$(check_rc prefer "$(pg_conninfo "sslrootcert=$C/other-root.crt")")" 0
assert_eq "--check verify-full, hostaddr only" "$(check_rc verify-full "hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/root.crt")" 1
pg_stop
# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/root.json" '["allow-plaintext","plaintext-accepted"]'
assert_findings "$T/other-root.json" '["allow-plaintext","plaintext-accepted","prefer-plaintext","require-verifies","untrusted-root"]'
assert_findings "$T/leaf-root.json" '["allow-plaintext","plaintext-accepted","prefer-plaintext","require-verifies","untrusted-root"]'
finish
