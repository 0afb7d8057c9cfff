#!/bin/bash
# bench.sh: wall and CPU time of `pgtls-inspect --json` against a local
# PostgreSQL 15 with TLS, beside `openssl s_client -starttls postgres`
# against the same server; medians of N runs (default 10); then both with
# the system's trust store (sslrootcert=system, -verify_return_error with the
# default CA paths). PGI_BIN=/path measures another build. Prints figures;
# asserts nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/pg/common.sh"
PGI=${PGI_BIN:-$PGI}
need_pgi
need_tool openssl
N=${1:-10}
C=$T/certs
make_certs "$C" >/dev/null
pg_start bench --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" >/dev/null
ci="host=localhost hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$C/root.crt"

# measure NAME CMD...: N runs; prints median wall ms and median CPU ms
# (user + sys of the child, from /usr/bin/time when present, else bash times).
measure() {
	local name=$1 i s e
	shift
	: >"$T/wall" && : >"$T/cpu"
	for ((i = 0; i < N; i++)); do
		s=$(date +%s%N)
		TIMEFORMAT='%3U %3S'
		{ time "$@" >/dev/null 2>&1 </dev/null; } 2>"$T/t"
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$T/wall"
		awk '{ printf "%d\n", ($1 + $2) * 1000000 }' "$T/t" >>"$T/cpu"
	done
	printf '%-34s wall %8.2f ms   cpu %8.2f ms   (median of %d)\n' "$name" \
		"$(sort -n "$T/wall" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m/1000}')" \
		"$(sort -n "$T/cpu" | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m/1000}')" \
		"$N"
}

echo "server: PostgreSQL 15 on 127.0.0.1:$PGPORT_TEST, TLS with leaf + intermediate"
measure "pgtls-inspect --json" "$PGI" --json "$ci"
measure "openssl s_client -starttls postgres" \
	openssl s_client -starttls postgres -connect "127.0.0.1:$PGPORT_TEST" \
	-servername localhost -CAfile "$C/root.crt" -verify_return_error -brief
sys="host=localhost hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=system"
measure "pgtls-inspect --json (system)" "$PGI" --json "$sys"
measure "openssl s_client (system)" \
	openssl s_client -starttls postgres -connect "127.0.0.1:$PGPORT_TEST" \
	-servername localhost -verify_return_error -brief
pg_stop >/dev/null
finish >/dev/null
