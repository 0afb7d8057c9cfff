#!/bin/bash
# pg_hba.conf allows only hostssl: the plaintext startup is refused with
# 28000, the startup inside TLS is accepted.  Twice: once with no line for
# plaintext at all, once with an explicit hostnossl ... reject line.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
hint='host "127.0.0.1", user "postgres", database "postgres", no encryption'

pg_start hostssl --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust"
J=$T/no-entry.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.server.sslrequest_reply' "S"
assert_jq "$J" '.server.plaintext_startup.accepted' "false"
assert_jq "$J" '.server.plaintext_startup.sqlstate' "28000"
assert_jq "$J" '.server.plaintext_startup.message' "no pg_hba.conf entry for $hint"
assert_jq "$J" '.server.tls_startup.accepted' "true"
assert_jq "$J" '.server.tls_startup.auth' "ok"
assert_jq "$J" '.trust.chain_ok' "true"
pg_stop

pg_start reject --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "hostssl all all 127.0.0.1/32 trust" \
	--hba "hostnossl all all 127.0.0.1/32 reject"
J=$T/reject.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.server.plaintext_startup.accepted' "false"
assert_jq "$J" '.server.plaintext_startup.sqlstate' "28000"
assert_jq "$J" '.server.plaintext_startup.message' "pg_hba.conf rejects connection for $hint"
assert_jq "$J" '.server.tls_startup.accepted' "true"
pg_stop

# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/no-entry.json" '[]'
assert_findings "$T/reject.json" '[]'
finish
