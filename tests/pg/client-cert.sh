#!/bin/bash
# ssl_ca_file = the client CA and hba "cert": the server asks for a client
# certificate and names its CA; without one the TLS startup is refused (28000),
# with client.crt/client.key it is accepted.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
pg_start clientcert --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert"

J=$T/no-client-cert.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.server.sslrequest_reply' "S"
assert_jq "$J" '.tls.client_cert_requested' "true"
assert_jq "$J" '.tls.client_ca_names' '["CN=pgtls test client CA"]'
assert_jq "$J" '.trust.chain_ok' "true"
assert_jq "$J" '.server.tls_startup.accepted' "false"
assert_jq "$J" '.server.tls_startup.sqlstate' "28000"
assert_jq "$J" '.server.tls_startup.message' "connection requires a valid client certificate"

J=$T/client-cert.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt sslkey=$C/client.key")"
assert_jq "$J" '.target.sslcert' "$C/client.crt"
assert_jq "$J" '.target.sslkey' "$C/client.key"
assert_jq "$J" '.tls.client_cert_requested' "true"
assert_jq "$J" '.server.tls_startup.accepted' "true"
assert_jq "$J" '.server.tls_startup.auth' "ok"
assert_jq "$J" '.server.tls_startup.sqlstate' "null"

pg_stop
# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/client-cert.json" '["client-cert-requested"]'
assert_findings "$T/no-client-cert.json" '["client-cert-requested","startup-rejected"]'
finish
