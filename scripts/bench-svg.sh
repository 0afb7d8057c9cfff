#!/bin/bash
# bench-svg.sh: the SVG ladder and the HTML page of the 50-certificate
# hostile chain (the demo scenario hostile-long-chain), their size, the
# tool's own write time and Chromium's render time. The scenario is
# inspected once and its event log saved; the log is then replayed (no
# network) N times (default 50) with --svg, with --html and with neither
# (--check prefer, the baseline): the write time is the difference of the
# fastest runs. Chromium (CHROMIUM=..., default chromium) renders each to a PNG
# screenshot at 1280x2000, three times; the wall time is the median and
# includes the browser's start. PGI_BIN=/path measures another build.
# Prints figures; asserts nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PGI=${PGI_BIN:-$top/src/pgtls-inspect}
CHROMIUM=${CHROMIUM:-chromium}
N=${1:-50}
export PGTLS_INSPECT_DATADIR=${PGTLS_INSPECT_DATADIR:-$top/data}
T=$(mktemp -d "${TMPDIR:-/tmp}/pgtls-bench-svg.XXXXXX")
trap 'rm -rf "$T"' EXIT
log=$T/chain50.events.json
"$PGI" --demo hostile-long-chain --save-events "$log" --check prefer >/dev/null 2>&1
[ -s "$log" ] || { echo "could not save the scenario's event log"; exit 1; }
echo "log: $(jq '.chain | length' "$log") certificates, $(jq '.events | length' "$log") events"

now() { date +%s%N; }
# stats ARGS...: the fastest and the median milliseconds of N replays with
# ARGS (the fastest is the least disturbed by the machine's other work)
stats() {
	local i start t=()
	for ((i = 0; i < N; i++)); do
		start=$(now)
		"$PGI" --replay "$log" "$@" >/dev/null 2>&1
		t+=($((($(now) - start) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.2f %.2f\n", a[1] / 1000, a[int((NR + 1) / 2)] / 1000}'
}
read -r bmin bmed < <(stats --check prefer)
read -r smin smed < <(stats --check prefer --svg "$T/chain50.svg")
read -r s3min s3med < <(stats --check prefer --svg "$T/chain50-3.svg" --svg-scale 3)
read -r hmin hmed < <(stats --check prefer --html "$T/chain50.html")
printf 'replay alone (--check prefer): fastest %.2f ms, median %.2f ms (of %d runs)\n' "$bmin" "$bmed" "$N"
printf 'SVG:  %d bytes; a run with it fastest %.2f ms, median %.2f ms: written in about %.2f ms (fastest less fastest)\n' \
	"$(stat -c %s "$T/chain50.svg")" "$smin" "$smed" "$(echo "$smin - $bmin" | bc -l)"
printf 'SVG --svg-scale 3: %d bytes; fastest %.2f ms, median %.2f ms\n' \
	"$(stat -c %s "$T/chain50-3.svg")" "$s3min" "$s3med"
printf 'HTML: %d bytes; a run with it fastest %.2f ms, median %.2f ms: written in about %.2f ms\n' \
	"$(stat -c %s "$T/chain50.html")" "$hmin" "$hmed" "$(echo "$hmin - $bmin" | bc -l)"

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	echo "Chromium ($CHROMIUM) not found: no render times"
	exit 0
fi
# render FILE: median wall milliseconds of three screenshots
render() {
	local t=() i start
	for i in 1 2 3; do
		rm -f "$T/shot.png"
		start=$(now)
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
			--no-first-run --user-data-dir="$T/profile" --window-size=1280,2000 \
			--screenshot="$T/shot.png" "file://$1" >/dev/null 2>&1
		t+=($((($(now) - start) / 1000000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
blank=$T/blank.html
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body></body></html>\n' >"$blank"
b=$(render "$blank")
s=$(render "$T/chain50.svg")
h=$(render "$T/chain50.html")
echo "Chromium screenshot at 1280x2000 (median of 3, wall time, browser start included):"
echo "  an empty page: $b ms; the SVG: $s ms (+$((s - b)) ms); the HTML page: $h ms (+$((h - b)) ms)"
