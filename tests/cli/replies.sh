#!/bin/bash
# Every answer to the SSLRequest is classified, with a bounded wait: 'N'
# (real servers show it in tests/pg), and here the ones only a hostile or
# broken peer gives: silence (timeout), an ErrorResponse, another byte, 'S'
# with unencrypted bytes after it, an immediate close, a refused connection.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
# fake MODE: fakepg in MODE, its port in PORT
fake() {
	fakepg_start "$1"
}

inspect() {
	local out=$1 rc=0
	shift
	timeout -k 2 20 "$PGI" --json "$@" "host=127.0.0.1 port=$PORT user=u dbname=d" >"$out" 2>"$T/err" || rc=$?
	echo "$rc"
}

fake silent
start=$(date +%s)
rc=$(inspect "$T/silent.json" --timeout 2)
took=$(($(date +%s) - start))
assert_eq "silent: exit status" "$rc" 0
assert_jq "$T/silent.json" '.server.sslrequest_reply' "timeout"
assert_jq "$T/silent.json" '.server.plaintext_startup.failure' "timeout expired"
assert_jq "$T/silent.json" '.tls' "null"
assert_jq "$T/silent.json" '[.events[] | select(.kind == "Timeout")] | length' "2"
assert_eq "silent: gave up after the timeout, not long after" "$([ "$took" -ge 1 ] && [ "$took" -le 5 ] && echo yes)" yes

fake error
rc=$(inspect "$T/error.json")
assert_eq "error: exit status" "$rc" 0
assert_jq "$T/error.json" '.server.sslrequest_reply' "E"
assert_jq "$T/error.json" '.server.sslrequest_error.sqlstate' "53300"
assert_jq "$T/error.json" '.server.sslrequest_error.message' "sorry, too many clients already"
assert_jq "$T/error.json" '.server.plaintext_startup.sqlstate' "28000"
assert_jq "$T/error.json" '.server.plaintext_startup.message' "fake: plaintext startup rejected"

fake byte:H
rc=$(inspect "$T/other.json")
assert_jq "$T/other.json" '.server.sslrequest_reply' "other"
assert_jq "$T/other.json" '.server.sslrequest_reply_byte' "72"
assert_jq "$T/other.json" '.tls' "null"

fake extra
rc=$(inspect "$T/extra.json" --timeout 3)
assert_jq "$T/extra.json" '.server.sslrequest_reply' "S"
assert_jq "$T/extra.json" '.server.bytes_after_reply' "7"
assert_jq "$T/extra.json" '.server.bytes_after_reply_hex' "67617262616765"
assert_jq "$T/extra.json" '[.events[] | select(.kind == "DataAfterSSLResponse")] | length' "1"
assert_jq "$T/extra.json" '.tls.handshake_ok' "false"
assert_jq "$T/extra.json" '.tls.error | test("during the TLS handshake")' "true"

fake close
rc=$(inspect "$T/close.json")
assert_jq "$T/close.json" '.server.sslrequest_reply' "closed"
assert_jq "$T/close.json" '.tls' "null"

# A name with several addresses: each probe tries them in order, as libpq
# does, so a refused ::1 (where localhost has it) does not end the probe.
fake byte:N
rc=0
timeout -k 2 20 "$PGI" --json "host=localhost port=$PORT user=u dbname=d" >"$T/multi.json" 2>"$T/err" || rc=$?
assert_eq "localhost: exit status" "$rc" 0
assert_jq "$T/multi.json" '.server.sslrequest_reply' "N"
assert_jq "$T/multi.json" '.server.connect.tls.address' "127.0.0.1:$PORT"
assert_jq "$T/multi.json" '[.events[] | select(.kind == "ConnectFailed" and (.summary | test("127.0.0.1")))] | length' "0"

# Nothing listens: exit 3, the reason from the OS, no reply.
PORT=$(free_port)
rc=$(inspect "$T/refused.json")
assert_eq "refused: exit status" "$rc" 3
assert_jq "$T/refused.json" '.server.reachable' "false"
assert_jq "$T/refused.json" '.server.connect.tls.error' "Connection refused"
assert_jq "$T/refused.json" '.server.sslrequest_reply' "null"
finish
