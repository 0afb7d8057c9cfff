#!/bin/bash
# Host lists (host=a,b port=1,2, hostaddr lists), beside real psql 15 and
# psql 18, against real PostgreSQL 15 servers: one port where nothing
# listens, one server with ssl=off, one with a certificate from a root the
# client does not trust, a good one, and a primary with a streaming standby
# for target_session_attrs over a list. libpq walks the list in
# PQconnectPoll: a connection that cannot be made, SQLSTATE 57P03 and a
# target_session_attrs mismatch move on to the next host; anything else (an
# 'N' under require, a chain that does not verify) ends the attempt, and
# the message has one "connection to server at" block per host tried. Each
# case: psql's output asserted word for word, and pgtls-inspect's verdict
# (as libpq 15 and 18) compared with it.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# shellcheck source=tests/pg/said.sh
. "$(cd "$(dirname "$0")" && pwd)/said.sh"
C=$T/certs
make_certs "$C"
TLS=(--ssl on --cert "$C/server.chain.pem" --key "$C/server.key")

DOWN=$(free_port)
DOWN2=$(free_port)
pg_start off --ssl off
OFF=$PGPORT_TEST
pg_start good "${TLS[@]}"
GOOD=$PGPORT_TEST
pg_start primary "${TLS[@]}" \
	--hba "host replication postgres 127.0.0.1/32 trust" \
	--hba "host all all 127.0.0.1/32 trust" \
	--conf "wal_level = replica" --conf "max_wal_senders = 4" --conf "hot_standby = on"
PP=$PGPORT_TEST
pg_standby standby
pg_start standby --existing "${TLS[@]}" --conf "hot_standby = on"
SP=$PGPORT_TEST
for _ in $(seq 150); do
	[ "$("$PSQL" -w -X -A -t -q -d "host=127.0.0.1 port=$SP user=postgres dbname=postgres sslmode=disable" \
		-c "SELECT pg_is_in_recovery()" 2>&1)" = t ] && break
	sleep 0.1
done

H2="host=127.0.0.1,127.0.0.1 user=postgres dbname=postgres"
ROOT="sslrootcert=$C/root.crt"
OTHER="sslrootcert=$C/other-root.crt"
RUNNING=$'\n\tIs the server running on that host and accepting TCP/IP connections?'
at() { echo "connection to server at \"127.0.0.1\", port $1 failed: $2"; }

# the first host is down: every mode goes on to the second
said down-good-disable "$H2 port=$DOWN,$GOOD $ROOT" disable plaintext =
said down-good-prefer "$H2 port=$DOWN,$GOOD $ROOT" prefer encrypted =
said down-good-verify-ca "$H2 port=$DOWN,$GOOD $ROOT" verify-ca encrypted =
said down-good-hostaddr "host=a.invalid,b.invalid hostaddr=127.0.0.1,127.0.0.1 user=postgres dbname=postgres port=$DOWN,$GOOD $ROOT" \
	require encrypted =
said hostaddr-empty-entry "host=a.invalid,127.0.0.1 hostaddr=127.0.0.1, user=postgres dbname=postgres port=$DOWN,$GOOD $ROOT" \
	prefer encrypted =

# both down: one block per host
said down-down "$H2 port=$DOWN,$DOWN2" prefer \
	"fails: $(at "$DOWN" "Connection refused")$RUNNING
$(at "$DOWN2" "Connection refused")$RUNNING" =

# 'N' under require ends the attempt at the first host
said off-good-require "$H2 port=$OFF,$GOOD $ROOT" require \
	"fails: $(at "$OFF" "server does not support SSL, but SSL was required")" =
said off-good-prefer "$H2 port=$OFF,$GOOD $ROOT" prefer plaintext =
said down-off-good-require "host=127.0.0.1,127.0.0.1,127.0.0.1 user=postgres dbname=postgres port=$DOWN,$OFF,$GOOD $ROOT" require \
	"fails: $(at "$DOWN" "Connection refused")$RUNNING
$(at "$OFF" "server does not support SSL, but SSL was required")" =

# a chain that does not verify ends it too (prefer falls back in clear on
# the same host, which lets it in)
said untrusted-good-verify-full "$H2 port=$GOOD,$GOOD $OTHER" verify-full \
	"fails: $(at "$GOOD" "SSL error: certificate verify failed")" =
said untrusted-good-prefer "$H2 port=$GOOD,$GOOD $OTHER" prefer plaintext =

# target_session_attrs over a list (trust: the server reports its state)
said tsa-primary-standby "$H2 port=$PP,$SP target_session_attrs=standby" prefer encrypted =
said tsa-standby-primary "$H2 port=$SP,$PP target_session_attrs=primary" prefer encrypted =
said tsa-primary-primary "$H2 port=$PP,$PP target_session_attrs=standby" prefer \
	"fails: $(at "$PP" "server is not in hot standby mode")
$(at "$PP" "server is not in hot standby mode")" =
said tsa-prefer-standby "$H2 port=$PP,$PP target_session_attrs=prefer-standby" prefer encrypted =
said tsa-standby-standby-rw "$H2 port=$SP,$SP target_session_attrs=read-write" disable \
	"fails: $(at "$SP" "session is read-only")
$(at "$SP" "session is read-only")" =

# where each mode ended, and every host's facts in the JSON
pgi_json "$T/list.json" "$H2 port=$DOWN,$GOOD $ROOT"
assert_jq "$T/list.json" '.hosts_listed' 2
assert_jq "$T/list.json" '.hosts | length' 1
assert_jq "$T/list.json" '.server.reachable' false
assert_jq "$T/list.json" '.hosts[0].server.reachable' true
assert_jq "$T/list.json" '.hosts[0].target.port' "$GOOD"
assert_jq "$T/list.json" '.modes.prefer.host' 1
pgi_json "$T/off.json" "$H2 port=$OFF,$GOOD $ROOT"
assert_jq "$T/off.json" '.modes.require.host' 0
assert_jq "$T/off.json" '.hosts[0].server.sslrequest_reply' S

# load_balance_hosts=random (16+): an order that changes the outcome
pgi_json "$T/lb.json" "$H2 port=$OFF,$GOOD $ROOT load_balance_hosts=random"
assert_jq "$T/lb.json" '.modes.require.caveat | test("load_balance_hosts=random")' true
assert_jq "$T/lb.json" '.modes.disable.caveat' null

said_total
finish
