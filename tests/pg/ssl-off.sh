#!/bin/bash
# ssl=off: the server answers N to the SSLRequest; no TLS, no chain, and the
# plaintext startup is accepted.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi

C=$T/certs
make_certs "$C"
pg_start nossl --ssl off

J=$T/ssl-off.json
pgi_json "$J" "$(pg_conninfo "sslrootcert=$C/root.crt")"
assert_jq "$J" '.server.sslrequest_reply' "N"
assert_jq "$J" '[.events[] | select(.dir == "send" and .kind == "SSLRequest" and .hex == "0000000804d2162f")] | length > 0' "true"
assert_jq "$J" '.tls' "null"
assert_jq "$J" '.chain' "[]"
assert_jq "$J" '.server.plaintext_startup.accepted' "true"
assert_jq "$J" '.server.plaintext_startup.auth' "ok"
assert_jq "$J" '.server.plaintext_startup.sqlstate' "null"

pg_stop
# the findings each inspection must report (src/model/explain.c)
assert_findings "$T/ssl-off.json" '["plaintext-accepted","ssl-refused"]'
finish
