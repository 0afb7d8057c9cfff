#!/bin/bash
# Handshake failures in libpq's words, beside real psql (libpq 15 on
# OpenSSL): tests/peer/fakepg answers the SSLRequest with 'S' and the
# ClientHello with no TLS at all (an ErrorResponse, an HTTP status line, an
# HTTP request, a CONNECT: OpenSSL's ssl3_get_record judges the first record
# header) or with one bare fatal alert, for every alert OpenSSL has a reason
# string for and a few it has none for ("SSL error code N"). The plaintext
# startup is refused (28000), so prefer and allow show both attempts. For
# each, pgtls-inspect --libpq-version 15 must print exactly what psql prints
# under all six sslmodes (tests/pg/agree.sh), or under prefer and require
# for the bulk of the alert numbers.
#
# Ends with "# agreement: A of N scenario×mode pairs" and fails unless A = N.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"
FAKE=$abs_top_builddir/tests/peer/fakepg
[ -x "$FAKE" ] || die "fakepg not built: $FAKE"

C=$T/certs
make_certs "$C"
SQL="SELECT 1" # never reached: fakepg accepts no startup
# shellcheck source=tests/pg/agree.sh
. "$(cd "$(dirname "$0")" && pwd)/agree.sh"
agree_with_18

# with_fake NAME MODE [CONNINFO-EXTRA]: fakepg in MODE, compared by agree.
with_fake() {
	local name=$1 mode=$2 extra=${3:-} pid port
	: >"$T/port"
	"$FAKE" "$mode" 120 >"$T/port" 2>"$T/fake.err" &
	pid=$!
	register_pid "$pid"
	for _ in $(seq 50); do
		[ -s "$T/port" ] && break
		sleep 0.1
	done
	port=$(cat "$T/port")
	if [ -z "$port" ]; then
		fail "$name: fakepg did not start: $(cat "$T/fake.err")"
		return
	fi
	agree "$name" "host=127.0.0.1 port=$port user=u dbname=d${extra:+ $extra}"
	stop_pid "$pid" INT 5
}

# not TLS: 'E' (and any byte whose next one is not 3) is "wrong version
# number" with the protocol hint; a request line or CONNECT has its own
with_fake error-after-hello s-then:error
with_fake error-after-hello-root s-then:error "sslrootcert=$C/root.crt"
with_fake http-status-after-hello "s-then:HTTP/1.1 400 Bad Request"
with_fake http-request-after-hello "s-then:GET / HTTP/1.0"
with_fake connect-after-hello "s-then:CONNECT db.example.com:5432 HTTP/1.1"

# alerts: all six modes for a few, then OpenSSL's whole table (ssl/ssl_err.c)
# and numbers without a string under prefer (the alert, then the plaintext
# attempt) and require (the alert alone), where only the alert's line differs
for n in 116 70 121; do
	with_fake "alert-$n" "s-alert:$n"
done
with_fake alert-70-range s-alert:70 "ssl_min_protocol_version=TLSv1.3"
MODES="prefer require"
for n in 10 20 21 22 30 40 41 42 43 44 45 46 47 48 49 50 51 60 71 80 86 90 \
	100 109 110 111 112 113 114 115 120 0 255; do
	with_fake "alert-$n" "s-alert:$n"
done

echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -gt 0 ] || fail "no scenario×mode pair was compared"
finish
