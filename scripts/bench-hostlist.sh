#!/bin/bash
# bench-hostlist.sh: what a three-host list costs when its first host is
# down, for psql connecting through the list and for pgtls-inspect, which
# probes every host at once and judges all six modes. Two kinds of "down":
# a port where nothing listens (connection refused at once) and the demo's
# "stall" server, which never answers the SSLRequest (libpq waits for
# connect_timeout=2, then moves on). Hosts 2 and 3 are the demo's "healthy"
# server (--trust). Prints the median wall time of N runs (default 5) of
# each; asserts nothing. Everything runs on 127.0.0.1 and is stopped by pid.
#   scripts/bench-hostlist.sh [N]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/lib.sh"
need_pgi
: "${PG_BINDIR:=/usr/lib/postgresql/15/bin}"
PSQL=$PG_BINDIR/psql
need_tool "$PSQL" timeout
N=${1:-5}
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

# serve NAME: a demo server; its port in PORT
serve() {
	local i out=$T/serve.$1
	"$PGI" --demo-serve "$1" --trust >"$out" 2>&1 &
	register_pid $!
	for ((i = 0; i < 50; i++)); do
		grep -q '^conninfo: ' "$out" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(sed -nE 's/^conninfo: .*(^| )port=([0-9]+).*/\2/p' "$out")
	[ -n "$PORT" ] || die "--demo-serve $1 did not start: $(cat "$out")"
}

# time_ms CMD...: N runs; the median wall ms
time_ms() {
	local i s e
	: >"$T/wall"
	for ((i = 0; i < N; i++)); do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 </dev/null
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$T/wall"
	done
	sort -n "$T/wall" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f\n", m/1000}'
}

psql_list() {
	PGCONNECT_TIMEOUT=2 timeout -k 5 60 "$PSQL" -w -X -c 'select 1' \
		-d "host=127.0.0.1,127.0.0.1,127.0.0.1 port=$1 user=postgres dbname=postgres sslmode=prefer"
}

pgi_list() {
	timeout -k 5 60 "$PGI" --json \
		"host=127.0.0.1,127.0.0.1,127.0.0.1 port=$1 user=postgres dbname=postgres connect_timeout=2"
}

serve healthy
H1=$PORT
serve healthy
H2=$PORT
serve stall
STALL=$PORT
DOWN=$(free_port)

printf '%-52s %10s %10s\n' "three hosts, sslmode=prefer (psql) / all six (tool)" "psql ms" "tool ms"
for first in refused stall; do
	p=$DOWN
	[ $first = stall ] && p=$STALL
	list="$p,$H1,$H2"
	printf '%-52s %10s %10s\n' "first host $first, median of $N" \
		"$(time_ms psql_list "$list")" "$(time_ms pgi_list "$list")"
done
finish
