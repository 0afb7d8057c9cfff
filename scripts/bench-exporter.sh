#!/bin/bash
# bench-exporter.sh: the exporter (--exporter) under a steady load of
# /probe scrapes of a demo server (healthy, on 127.0.0.1): W client loops
# of curl, each aiming at RATE/W scrapes a second, for SECONDS. Prints the
# rate reached, the median (and 90th percentile) probe latency as the
# exporter measured it (pgtls_probe_duration_seconds) and as the client
# saw it (the whole HTTP request), the exporter's resident memory (VmRSS,
# sampled each second: median and peak) and the answers other than 200.
# Prints figures; asserts nothing.
# Usage: scripts/bench-exporter.sh [RATE [SECONDS [W]]] (default 100 25 10).
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
W=${3:-10}

demo_serve healthy
[ -n "$DEMO_CI" ] || die "the demo server did not start"
printf 'target %s\nmax-probes 64\n' "$DEMO_CI" >"$T/exporter.conf"
exporter_start "$T/exporter.conf"
epid=$EXPORTER_PID
eport=$EXPORTER_PORT
[ -n "$eport" ] || die "the exporter did not start: $(cat "$T/exporter.err")"
url="http://127.0.0.1:$eport/probe?target=$(printf '%s' "$DEMO_CI" | "$JQ" -sRr @uri)"

# one client loop: a scrape every W/RATE seconds, on a fixed schedule
# (a late scrape is not made up for); each line: code, client seconds,
# the exporter's pgtls_probe_duration_seconds
client() {
	local k=$1 period start next now body
	period=$(awk -v w="$W" -v r="$RATE" 'BEGIN { printf "%.6f", w / r }')
	start=${EPOCHREALTIME/./}
	next=$((start + k * ${period/./} / W))
	while :; do
		now=${EPOCHREALTIME/./}
		((now - start >= SECS * 1000000)) && break
		if ((next > now)); then
			sleep "$(awk -v d=$((next - now)) 'BEGIN { printf "%.6f", d / 1e6 }')"
		fi
		next=$((next + 10#${period/./}))
		body=$(curl -s --max-time 10 -w '\n%{http_code} %{time_total}' "$url")
		printf '%s %s\n' "$(tail -n1 <<<"$body")" \
			"$(sed -n 's/^pgtls_probe_duration_seconds //p' <<<"$body")"
	done >"$T/client.$k"
}

cpids=()
for ((k = 0; k < W; k++)); do
	client "$k" &
	cpids+=($!)
done
: >"$T/rss"
for ((s = 0; s < SECS; s++)); do
	sleep 1
	awk '/^VmRSS:/ { print $2 }' "/proc/$epid/status" >>"$T/rss"
done
wait "${cpids[@]}" 2>/dev/null
# the exporter's CPU time (user + system, clock ticks), for the CPU a probe costs
ticks=$(awk '{ print $14 + $15 }' "/proc/$epid/stat")
hz=$(getconf CLK_TCK)

cat "$T"/client.* >"$T/all"
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
p90() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int(NR * 0.9 + 0.5)]; else print "-" }'; }
n=$(wc -l <"$T/all")
ok=$(awk '$1 == 200' "$T/all" | wc -l)
echo "exporter: $RATE scrapes/s aimed at, $W client loops, ${SECS}s, target: demo healthy"
printf 'scrapes: %d (%.1f/s), answered 200: %d, other: %s\n' "$n" \
	"$(awk -v n="$n" -v s="$SECS" 'BEGIN { print n / s }')" "$ok" \
	"$(awk '$1 != 200 { c[$1]++ } END { for (k in c) printf "%s x%d ", k, c[k] }' "$T/all")"
printf 'probe latency (exporter, pgtls_probe_duration_seconds): median %.1f ms, p90 %.1f ms\n' \
	"$(awk '$1 == 200 && NF >= 3 { print $3 * 1000 }' "$T/all" | median)" \
	"$(awk '$1 == 200 && NF >= 3 { print $3 * 1000 }' "$T/all" | p90)"
printf 'request latency (client, whole HTTP request): median %.1f ms, p90 %.1f ms\n' \
	"$(awk '$1 == 200 { print $2 * 1000 }' "$T/all" | median)" \
	"$(awk '$1 == 200 { print $2 * 1000 }' "$T/all" | p90)"
printf 'exporter VmRSS: median %s KiB, peak %s KiB (%d samples, one a second)\n' \
	"$(median <"$T/rss")" "$(sort -n "$T/rss" | tail -1)" "$(wc -l <"$T/rss")"
printf 'exporter CPU: %.1f ms a scrape (user + system over the run; %d cores online, load average %s)\n' \
	"$(awk -v t="$ticks" -v hz="$hz" -v n="$n" 'BEGIN { print n ? t * 1000 / hz / n : 0 }')" \
	"$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
