#!/bin/bash
# --pcap against a real PostgreSQL 15 with TLS (trust authentication, a
# chain of leaf and intermediate): tshark, told only which port is
# PostgreSQL's, decrypts the TLS probe with the capture's own Decryption
# Secrets Block and shows the StartupMessage and the server's
# Authentication request (and what follows it) inside TLS, leaves no TLS
# application data undecoded, finds no TCP problem, and reads the
# certificate subjects the tool reports; sslkeylogfile's lines decrypt the
# capture with its own secrets removed. The tshark output is in the log.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
. "$abs_top_srcdir/tests/tshark.sh"
need_pgi
need_tool "$PSQL" tshark editcap

C=$T/certs
make_certs "$C"
pg_start pcap --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "host all postgres 127.0.0.1/32 trust" \
	--hba "host all pw_user 127.0.0.1/32 password"
pg_role pw_user 'clear secret'

pgi_json "$T/pg.json" "$(pg_conninfo "sslkeylogfile=$T/keys.log")" --pcap "$T/pg.pcapng"
assert_jq "$T/pg.json" '.tls.version' "TLS1.3"
assert_eq "the capture is its owner's only" "$(stat -c %a "$T/pg.pcapng")" 600
check_capture pg15 "$T/pg.pcapng" "$PGPORT_TEST" "$T/pg.json"
# trust: AuthenticationOk, then the server's parameters, inside TLS
m=$(cat "$T/pg15.messages")
assert_contains "pg15: the server's parameters, decrypted" \
	"$(echo "$m" | awk -F'|' -v p="$PGPORT_TEST" '$2 ~ /:tls:pgsql/ && $3 == p { print $5 }')" "Parameter status"
# the plaintext probe's StartupMessage is there too, in the clear
assert_eq "pg15: the plaintext probe's StartupMessage, not inside TLS" \
	"$(echo "$m" | awk -F'|' -v p="$PGPORT_TEST" '$2 !~ /:tls:/ && $4 == p && $5 ~ /Startup message/' | wc -l)" 1
# the server's version as tshark decodes it from the decrypted ParameterStatus
v=$(tshark -n -r "$T/pg.pcapng" -d "tcp.port==$PGPORT_TEST,pgsql" -Y 'pgsql.parameter_name == "server_version" && tls' \
	-T fields -e pgsql.parameter_name -e pgsql.parameter_value 2>/dev/null | head -1)
echo "# tshark: $v"
assert_contains "pg15: tshark reads server_version from inside TLS" "$v" "$("$JQ" -r '.server.tls_startup.server_version' "$T/pg.json")"

# one decrypted StartupMessage and the server's first answer, as tshark
# shows them (for the record)
echo "# tshark -r pg.pcapng -d tcp.port==$PGPORT_TEST,pgsql -Y 'tls && pgsql' -O pgsql (first lines):"
tshark -n -r "$T/pg.pcapng" -d "tcp.port==$PGPORT_TEST,pgsql" -Y 'tls && pgsql' -O pgsql 2>/dev/null |
	grep -E '^Frame|^Transport Layer|^PostgreSQL|^    (Type|Length|Parameter|Authentication)|^        (Parameter|Value)' |
	head -24 | sed 's/^/#   /'

# the key log file alone decrypts it
editcap --discard-all-secrets "$T/pg.pcapng" "$T/bare.pcapng" 2>/dev/null
check_capture pg15-keylog "$T/bare.pcapng" "$PGPORT_TEST" "$T/pg.json" -o "tls.keylog_file:$T/keys.log"

# --login: a password that went inside TLS keeps its connection's keys out
# of the capture; one in the clear is '*' there
unset PGPASSWORD
export PGPASSWORD='clear secret'
pgi_json "$T/login.json" "$(pg_conninfo "user=pw_user")" --login --pcap "$T/login.pcapng"
assert_jq "$T/login.json" '.server.tls_startup.login_sent' true
assert_eq "--login over TLS: the password is nowhere in the capture" "$(grep -ac 'clear secret' "$T/login.pcapng")" 0
n=$(pcap_messages "$T/login.pcapng" "$PGPORT_TEST" | awk -F'|' '$2 ~ /:tls:pgsql/' | wc -l)
assert_eq "--login over TLS: that connection's keys are not in the capture (nothing decrypts)" "$n" 0
pgi_json "$T/clear.json" "$(pg_conninfo "user=pw_user sslmode=disable")" --login=any --pcap "$T/clear.pcapng"
assert_jq "$T/clear.json" '.server.plaintext_startup.login_sent' true
assert_eq "--login=any in the clear: the password is nowhere in the capture" "$(grep -ac 'clear secret' "$T/clear.pcapng")" 0
pw=$(tshark -n -r "$T/clear.pcapng" -d "tcp.port==$PGPORT_TEST,pgsql" -Y 'pgsql.type == "Password message"' -T fields -e pgsql.password 2>/dev/null)
assert_eq "--login=any in the clear: the capture's PasswordMessage holds '*'s" "$pw" "************"
unset PGPASSWORD
finish
