#!/bin/bash
# fakepg_start (tests/lib.sh), which replies.sh and login.sh use: the port
# it gives is the new fakepg's, even when that one is slow to start (here
# 6 s, as under the sanitizers on a loaded machine) and the one before it
# still runs: never the previous server's port, never a part of one.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout

fakepg_start byte:N
first=$PORT
FAKEPG_START_DELAY_MS=6000 fakepg_start byte:H
second=$PORT
assert_eq "a second fakepg has a port of its own" "$([ "$second" != "$first" ] && echo yes)" yes
rc=0
timeout -k 2 20 "$PGI" --json "host=127.0.0.1 port=$second user=u dbname=d" >"$T/h.json" 2>"$T/err" || rc=$?
assert_eq "the slow one answers: exit status" "$rc" 0
assert_jq "$T/h.json" '.server.sslrequest_reply' "other"
assert_jq "$T/h.json" '.server.sslrequest_reply_byte' "72"
rc=0
timeout -k 2 20 "$PGI" --json "host=127.0.0.1 port=$first user=u dbname=d" >"$T/n.json" 2>"$T/err" || rc=$?
assert_jq "$T/n.json" '.server.sslrequest_reply' "N"
finish
