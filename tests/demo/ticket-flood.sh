#!/bin/bash
# A server that floods NewSessionTickets after the TLS 1.3 handshake (the
# hostile-ticket-flood demo: gnutls_session_ticket_send without end, no
# answer to the StartupMessage). GnuTLS reads them inside
# gnutls_record_recv; the probe keeps at most TLS_MAX_POST_MESSAGES (100)
# of one kind, then stops with a TooMuch note and the tls-message-flood
# finding. Before the bound, ten seconds made 190,000 events and a 28 MB
# report, growing with the timeout.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

rc=0
timeout 60 "$PGI" --demo hostile-ticket-flood --json >"$T/flood.json" 2>"$T/err" || rc=$?
assert_eq "exit status" "$rc" 0
n=$("$JQ" '[.events[] | select(.kind == "NewSessionTicket")] | length' "$T/flood.json")
assert_eq "at most 100 NewSessionTicket events kept (got $n)" "$([ "${n:-999999}" -le 100 ] && echo yes)" yes
total=$("$JQ" '.events | length' "$T/flood.json")
assert_eq "at most 200 events in all (got $total)" "$([ "${total:-999999}" -le 200 ] && echo yes)" yes
assert_jq "$T/flood.json" '[.events[] | select(.kind == "TooMuch")] | length' "1"
assert_jq "$T/flood.json" '.tls.flood_kind' "NewSessionTicket"
assert_jq "$T/flood.json" '.tls.flood_count' "101"
assert_jq "$T/flood.json" '.server.tls_startup.failure' "too many messages from the server"
assert_jq "$T/flood.json" '[.findings[] | select(.id == "tls-message-flood")] | length' "1"
assert_jq "$T/flood.json" '[.findings[] | select(.id == "tls-message-flood") | .detail | test("too many NewSessionTicket messages")] | .[0]' "true"
bytes=$(wc -c <"$T/flood.json")
assert_eq "the report stays small: $bytes bytes under 1 MB" "$([ "$bytes" -lt 1000000 ] && echo yes)" yes
# the text report says so too
rc=0
timeout 60 "$PGI" --demo hostile-ticket-flood --report >"$T/flood.txt" 2>&1 || rc=$?
assert_eq "report: exit status" "$rc" 0
assert_contains "report: the finding" "$(cat "$T/flood.txt")" "The server floods TLS messages"
# a saved log replays to the same finding
timeout 60 "$PGI" --demo hostile-ticket-flood --json --save-events "$T/ev.json" >/dev/null 2>&1
rc=0
"$PGI" --replay "$T/ev.json" --json >"$T/replayed.json" 2>"$T/err" || rc=$?
assert_eq "replay: exit status" "$rc" 0
assert_jq "$T/replayed.json" '[.findings[] | select(.id == "tls-message-flood")] | length' "1"
assert_jq "$T/replayed.json" '.tls.flood_count' "101"
finish
