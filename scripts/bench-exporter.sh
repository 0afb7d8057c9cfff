#!/bin/bash
# bench-exporter.sh: the exporter (--exporter) under a steady load of
# /probe scrapes of a demo server (healthy, on 127.0.0.1): W curl
# processes, each a serial run of SECONDS*RATE/W scrapes at RATE/W a second
# (a slow answer delays the next: the rate reached is printed). Prints the
# rate reached, the median (and 90th percentile) probe latency as the
# exporter measured it (pgtls_probe_duration_seconds) and as the client
# saw it (the whole HTTP request), the exporter's resident memory (VmRSS,
# sampled each second while the load runs: median and peak), its CPU time
# a scrape, and the answers other than 200.
# Prints figures; asserts nothing.
# Usage: scripts/bench-exporter.sh [RATE [SECONDS [W]]] (default 100 25 20).
# PGI_BIN=/path/to/pgtls-inspect measures another build.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
export abs_top_builddir=${abs_top_builddir:-$top} abs_top_srcdir=${abs_top_srcdir:-$top}
. "$top/tests/lib.sh"
PGI=${PGI_BIN:-$PGI}
need_pgi
need_tool curl awk "$JQ"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
RATE=${1:-100}
SECS=${2:-25}
W=${3:-20}

demo_serve healthy
[ -n "$DEMO_CI" ] || die "the demo server did not start"
printf 'target %s\nmax-probes 64\n' "$DEMO_CI" >"$T/exporter.conf"
exporter_start "$T/exporter.conf"
epid=$EXPORTER_PID
eport=$EXPORTER_PORT
[ -n "$eport" ] || die "the exporter did not start: $(cat "$T/exporter.err")"
url="http://127.0.0.1:$eport/probe?target=$(printf '%s' "$DEMO_CI" | "$JQ" -sRr @uri)"

# W curl processes, each a serial run of SECS*RATE/W scrapes at RATE/W a
# second (curl's --rate; its connection kept alive, as Prometheus keeps
# it); each writes "code seconds" a scrape, the bodies to files
per=$((SECS * RATE / W))
cpids=()
t0=${EPOCHREALTIME/./}
for ((k = 0; k < W; k++)); do
	for ((i = 0; i < per; i++)); do
		printf 'url = "%s"\noutput = "%s/body.%d.%d"\n' "$url" "$T" "$k" "$i"
	done >"$T/curl.$k"
	curl -s --max-time 30 --rate "$((RATE / W))/s" -K "$T/curl.$k" \
		-w '%{http_code} %{time_total}\n' >"$T/client.$k" 2>/dev/null &
	cpids+=($!)
done
: >"$T/rss"
while :; do
	alive=0
	for p in "${cpids[@]}"; do
		pid_alive "$p" && alive=1
	done
	((alive)) || break
	awk '/^VmRSS:/ { print $2 }' "/proc/$epid/status" >>"$T/rss"
	sleep 1
done
wait "${cpids[@]}" 2>/dev/null
wall=$(awk -v a="$t0" -v b="${EPOCHREALTIME/./}" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
# the exporter's CPU time (user + system, clock ticks), for the CPU a probe costs
ticks=$(awk '{ print $14 + $15 }' "/proc/$epid/stat")
hz=$(getconf CLK_TCK)

cat "$T"/client.* >"$T/all"
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
p90() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int(NR * 0.9 + 0.5)]; else print "-" }'; }
n=$(wc -l <"$T/all")
ok=$(awk '$1 == 200' "$T/all" | wc -l)
echo "exporter: $RATE scrapes/s aimed at, $W curl processes, $per scrapes each, target: demo healthy"
printf 'scrapes: %d in %ss (%.1f/s), answered 200: %d, other: %s\n' "$n" "$wall" \
	"$(awk -v n="$n" -v s="$wall" 'BEGIN { print (s > 0 ? n / s : 0) }')" "$ok" \
	"$(awk '$1 != 200 { c[$1]++ } END { for (k in c) printf "%s x%d ", k, c[k] }' "$T/all")"
printf 'probe latency (exporter, pgtls_probe_duration_seconds): median %.1f ms, p90 %.1f ms\n' \
	"$(cat "$T"/body.* 2>/dev/null | awk '/^pgtls_probe_duration_seconds / { print $2 * 1000 }' | median)" \
	"$(cat "$T"/body.* 2>/dev/null | awk '/^pgtls_probe_duration_seconds / { print $2 * 1000 }' | p90)"
printf 'request latency (client, whole HTTP request): median %.1f ms, p90 %.1f ms\n' \
	"$(awk '$1 == 200 { print $2 * 1000 }' "$T/all" | median)" \
	"$(awk '$1 == 200 { print $2 * 1000 }' "$T/all" | p90)"
printf 'exporter VmRSS: median %s KiB, peak %s KiB (%d samples, about one a second)\n' \
	"$(median <"$T/rss")" "$(sort -n "$T/rss" | tail -1)" "$(wc -l <"$T/rss")"
printf 'exporter CPU: %.1f ms a scrape (user + system over the run; %d cores online, load average %s)\n' \
	"$(awk -v t="$ticks" -v hz="$hz" -v n="$n" 'BEGIN { print n ? t * 1000 / hz / n : 0 }')" \
	"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
