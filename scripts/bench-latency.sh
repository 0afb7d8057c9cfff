#!/bin/bash
# bench-latency.sh: what the six-mode verdict costs on a slow network. Puts
# tests/peer/delayproxy (DELAY_MS each way, default 50) between the client
# and the built-in demo server (scenario "healthy"), and, when PostgreSQL 15
# is installed, a real server with TLS; then prints the median wall time of
# N runs (default 7) of: one psql connection with sslmode=verify-full, psql
# once per sslmode in sequence (checking all six modes with psql),
# `pgtls-inspect --json --check verify-full` and `pgtls-inspect --json`.
# Beside each: the time with no proxy, the ratio to one psql verify-full
# connection, and the round trips (wall / 2*DELAY_MS) and one-way delays
# (wall / DELAY_MS) it costs. Everything runs on 127.0.0.1 and is stopped by
# pid on exit. Prints figures; asserts nothing.
#   scripts/bench-latency.sh [N]     env: DELAY_MS, BENCH_PG=0 (demo only)
# The proxy delays data, not the TCP handshake with it (one round trip per
# TCP connection that a real network would add).
# shellcheck disable=SC2317 # psql1, psql6 and pgi run through time_ms
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/lib.sh"
need_pgi
: "${PG_BINDIR:=/usr/lib/postgresql/15/bin}"
PSQL=$PG_BINDIR/psql
need_tool "$PSQL" timeout
N=${1:-7}
DELAY_MS=${DELAY_MS:-50}
RTT=$((2 * DELAY_MS))
MODES="disable allow prefer require verify-ca verify-full"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

DP=$abs_top_builddir/tests/peer/delayproxy
if [ ! -x "$DP" ]; then
	make -C "$abs_top_builddir" tests/peer/delayproxy >/dev/null ||
		die "cannot build $DP (make tests/peer/delayproxy)"
fi

# wait_line FILE PATTERN: up to 5 s for a line matching PATTERN in FILE.
wait_line() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# proxy PORT: start a delayproxy in front of 127.0.0.1:PORT; sets PROXY_PORT.
proxy() {
	local out=$T/proxy.$1 pid
	"$DP" 0 127.0.0.1 "$1" "$DELAY_MS" 1800 >"$out" 2>"$out.err" &
	pid=$!
	register_pid "$pid"
	wait_line "$out" '^[0-9]' || die "delayproxy did not start: $(cat "$out.err")"
	PROXY_PORT=$(head -n 1 "$out")
}

# set_port CONNINFO PORT: CONNINFO with its port= replaced.
set_port() {
	sed -E "s/(^| )port=[0-9]+/\1port=$2/" <<<"$1"
}

# time_ms CMD...: N runs; prints the median wall ms; $T/rc: the last status.
time_ms() {
	local i s e
	: >"$T/wall"
	for ((i = 0; i < N; i++)); do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 </dev/null
		echo $? >"$T/rc"
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$T/wall"
	done
	sort -n "$T/wall" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f\n", m/1000}'
}

psql1() {
	PGSSLMODE=verify-full PGCONNECT_TIMEOUT=10 timeout -k 5 60 \
		"$PSQL" -w -X -c 'select 1' -d "$1"
}

# psql6 CONNINFO: psql once per sslmode; the status is the number that failed.
psql6() {
	local m bad=0
	for m in $MODES; do
		PGSSLMODE=$m PGCONNECT_TIMEOUT=10 timeout -k 5 60 \
			"$PSQL" -w -X -c 'select 1' -d "$1" || bad=$((bad + 1))
	done
	return "$bad"
}

pgi() {
	timeout -k 5 60 "$PGI" --json "$@"
}

# bench TITLE CONNINFO PORT: the table for one server listening on PORT.
bench() {
	local title=$1 direct=$2 slow base name d w rc
	proxy "$3"
	slow=$(set_port "$direct" "$PROXY_PORT")
	echo
	echo "$title: proxy 127.0.0.1:$PROXY_PORT -> $3, ${DELAY_MS} ms each way (round trip $RTT ms), median of $N"
	printf '%-41s %9s %9s %7s %7s %7s  %s\n' "" "direct ms" "proxy ms" "x psql" \
		"RTTs" "one-way" "exit"
	base=
	for name in "psql verify-full" "psql x 6 sslmodes" \
		"pgtls-inspect --json --check verify-full" "pgtls-inspect --json (6 modes)"; do
		case $name in
		"psql verify-full") set -- psql1 ;;
		"psql x 6"*) set -- psql6 ;;
		*--check*) set -- pgi --check verify-full ;;
		*) set -- pgi ;;
		esac
		d=$(time_ms "$@" "$direct")
		w=$(time_ms "$@" "$slow")
		rc=$(cat "$T/rc")
		: "${base:=$w}"
		printf '%-41s %9s %9s %7s %7s %7s  %s\n' "$name" "$d" "$w" \
			"$(awk -v a="$w" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
			"$(awk -v a="$w" -v r="$RTT" 'BEGIN { printf "%.1f", a / r }')" \
			"$(awk -v a="$w" -v r="$DELAY_MS" 'BEGIN { printf "%.1f", a / r }')" \
			"$rc"
	done
}

# The built-in demo server.
"$PGI" --demo-serve healthy --trust >"$T/serve" 2>&1 &
register_pid $!
wait_line "$T/serve" '^conninfo: ' || die "--demo-serve did not start: $(cat "$T/serve")"
ci=$(sed -n 's/^conninfo: //p' "$T/serve")
port=$(sed -nE 's/.*(^| )port=([0-9]+).*/\2/p' <<<"$ci")
bench "demo server (healthy)" "$ci" "$port"

# A real PostgreSQL 15 with TLS, when there is one.
if [ "${BENCH_PG:-1}" != 0 ] && [ -x "$PG_BINDIR/postgres" ] &&
	command -v "$CERTTOOL" >/dev/null 2>&1; then
	. "$top/tests/pg/certs.sh"
	. "$top/tests/pg/pg.sh"
	make_certs "$T/certs" >/dev/null
	pg_start bench --ssl on --cert "$T/certs/server.chain.pem" \
		--key "$T/certs/server.key" >/dev/null
	ci="host=localhost hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$T/certs/root.crt"
	bench "PostgreSQL 15 (ssl on, trust)" "$ci" "$PGPORT_TEST"
else
	echo
	echo "(no PostgreSQL 15 server: $PG_BINDIR/postgres or $CERTTOOL missing, or BENCH_PG=0)"
fi
echo
echo "exit: the last run's status (psql x 6: how many modes failed; --check: 0 = would connect)"
finish >/dev/null
