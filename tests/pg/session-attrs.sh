#!/bin/bash
# target_session_attrs, beside real psql 15 and psql 18, against a real
# PostgreSQL 15 primary (TLS on) and a streaming standby of it (pg_basebackup
# -R). After AuthenticationOk a server of 14 or later reports in_hot_standby
# and default_transaction_read_only (ParameterStatus), and libpq's
# CONNECTION_CHECK_TARGET takes the session or leaves it: "session is
# read-only", "session is not read-only", "server is in hot standby mode",
# "server is not in hot standby mode"; prefer-standby takes any server in a
# second pass. Each value against each server alone, as the trust user
# postgres (pgtls-inspect is let in too and reads those parameters: its
# verdict must be what psql did) and as a SCRAM role (psql has PGPASSWORD;
# the tool, which sends no password, cannot see the parameters: its verdict
# must be unknown, with a caveat, where the session's state decides).
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# shellcheck source=tests/pg/said.sh
. "$(cd "$(dirname "$0")" && pwd)/said.sh"
C=$T/certs
make_certs "$C"
TLS=(--ssl on --cert "$C/server.chain.pem" --key "$C/server.key")

pg_start primary "${TLS[@]}" \
	--hba "host replication postgres 127.0.0.1/32 trust" \
	--hba "host all scram_u 127.0.0.1/32 scram-sha-256" \
	--hba "host all all 127.0.0.1/32 trust" \
	--conf "wal_level = replica" --conf "max_wal_senders = 4" --conf "hot_standby = on"
PP=$PGPORT_TEST
PRIMARY_PID=$PGPID_TEST
"$PSQL" -w -X -q -v ON_ERROR_STOP=1 -d "host=127.0.0.1 port=$PP user=postgres dbname=postgres sslmode=disable" \
	-c "SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_u LOGIN PASSWORD 'scram-pw'" ||
	die "could not create scram_u"
pg_standby standby
pg_start standby --existing "${TLS[@]}" --conf "hot_standby = on"
SP=$PGPORT_TEST

# sql PORT SQL: one value, as postgres, without TLS
sql() {
	"$PSQL" -w -X -A -t -q -d "host=127.0.0.1 port=$1 user=postgres dbname=postgres sslmode=disable" \
		-c "$2" 2>&1
}
for _ in $(seq 150); do
	[ "$(sql "$SP" "SELECT pg_is_in_recovery()")" = t ] &&
		[ "$(sql "$SP" "SELECT status FROM pg_stat_wal_receiver")" = streaming ] && break
	sleep 0.1
done
assert_eq "the standby is in recovery" "$(sql "$SP" "SELECT pg_is_in_recovery()")" t
assert_eq "the standby streams from the primary" "$(sql "$SP" "SELECT status FROM pg_stat_wal_receiver")" streaming
assert_eq "the primary is not in recovery" "$(sql "$PP" "SELECT pg_is_in_recovery()")" f

# want ATTRS primary|standby MODE: what psql prints for ATTRS against that
# server alone, under sslmode MODE (disable or prefer)
want() {
	local port=$PP ok=encrypted why=''
	[ "$3" = disable ] && ok=plaintext
	[ "$2" = standby ] && port=$SP
	case $1/$2 in
	read-write/standby) why="session is read-only" ;;
	read-only/primary) why="session is not read-only" ;;
	primary/standby) why="server is in hot standby mode" ;;
	standby/primary) why="server is not in hot standby mode" ;;
	esac
	if [ -n "$why" ]; then
		printf 'fails: connection to server at "127.0.0.1", port %s failed: %s' "$port" "$why"
	else
		echo "$ok"
	fi
}

for attrs in any read-write read-only primary standby prefer-standby; do
	for server in primary standby; do
		port=$PP
		[ $server = standby ] && port=$SP
		for m in disable prefer; do
			ci="host=localhost hostaddr=127.0.0.1 port=$port dbname=postgres target_session_attrs=$attrs"
			w=$(want $attrs $server $m)
			said "$attrs-$server-trust-$m" "$ci user=postgres" $m "$w" =
			# any, and prefer-standby against one server, never depend on
			# the session's state: the tool can say what libpq does
			case $attrs in
			any | prefer-standby)
				said "$attrs-$server-scram-$m" "$ci user=scram_u" $m "$w" = PGPASSWORD=scram-pw
				;;
			*)
				TOOL_SAYS=unknown said "$attrs-$server-scram-$m" "$ci user=scram_u" $m "$w" = \
					PGPASSWORD=scram-pw
				;;
			esac
		done
	done
done

# Host lists are a later step of the tool: what psql 15 and 18 do with two
# servers is only recorded here (the primary first, then the standby, and
# the other way round), with the port of the server that took the session.
record() {
	local v
	echo "# record: '$1'"
	for v in 15 18; do
		SQL="SELECT inet_server_port()" psql_said $v "$1" "$T/record.$v"
		sed "s/^/#   psql $v | /" "$T/record.$v.out"
	done
}
H2="host=127.0.0.1,127.0.0.1 user=postgres dbname=postgres"
record "$H2 port=$PP,$SP target_session_attrs=standby"
record "$H2 port=$SP,$PP target_session_attrs=primary"
record "$H2 port=$PP,$PP target_session_attrs=standby"
record "$H2 port=$PP,$PP target_session_attrs=prefer-standby"
record "$H2 port=$SP,$SP target_session_attrs=read-write sslmode=disable"

pg_stop
stop_pid "$PRIMARY_PID" INT 15
pid_alive "$PRIMARY_PID" && die "the primary (pid $PRIMARY_PID) survived"
said_total
finish
