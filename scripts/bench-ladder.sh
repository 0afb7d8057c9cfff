#!/bin/bash
# bench-ladder.sh: the ladder's redraw time on a 50-certificate chain. A
# saved event log (tests/golden/tls-chain-hostssl) is rewritten so the
# server sends 50 certificates: the Certificate message holds 50 (TLS 1.3
# form) and 50 PeerCertificate events follow the handshake. The interface
# replays it under a key script on an in-memory screen: N keys (default
# 400), each a full redraw, in the ladder with the Certificate message the
# current step (every redraw decodes its 50 certificates for the label),
# and the same in the timeline for comparison; at 80x24 and 120x40.
# PGI_BIN=/path measures another build. Prints figures; asserts nothing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
PGI=${PGI_BIN:-$top/src/pgtls-inspect}
N=${1:-400}
T=$(mktemp -d "${TMPDIR:-/tmp}/pgtls-bench-ladder.XXXXXX")
trap 'rm -rf "$T"' EXIT
src=$top/tests/golden/tls-chain-hostssl.events.json
log=$T/chain50.events.json
# 50 certificates, the two of the log in turn; the Certificate message in
# TLS 1.3's form: context 00, list length, each certificate's length, DER,
# no extensions
jq --argjson n 50 '
	def hex2: [(. / 16 | floor), (. % 16)] | map("0123456789abcdef"[.:. + 1]) | join("");
	def u24: [(. / 65536 | floor), ((. / 256 | floor) % 256), (. % 256)] | map(hex2) | join("");
	[.events[] | select(.kind == "PeerCertificate")] as $certs
	| [range(0; $n) | $certs[. % ($certs | length)] | .hex] as $ders
	| ($ders | map((length / 2 | u24) + . + "0000") | join("")) as $list
	| ("00" + ($list | length / 2 | u24) + $list) as $msg
	| ([range(0; $n) as $i | $certs[$i % ($certs | length)]
		| .summary = "certificate \($i): \(.summary | sub("^certificate [0-9]+: "; ""))"]) as $peer
	| .events = ([.events[] | select(.kind != "PeerCertificate")
		| if .kind == "Certificate" then .hex = $msg | .summary = "Certificate (\($msg | length / 2) bytes)" else . end]
		| (map(.kind) | index("HandshakeDone")) as $h
		| .[0:$h + 1] + $peer + .[$h + 1:])
' "$src" >"$log" || { echo "could not build the log (jq)"; exit 1; }
echo "log: $(jq '[.events[] | select(.kind == "PeerCertificate")] | length' "$log") PeerCertificate events, Certificate message of $(jq -r '.events[] | select(.kind == "Certificate") | .hex | length / 2' "$log") bytes, $(jq '.events | length' "$log") events"

# keys FIRST: FIRST, then the Certificate message selected (its row: the
# 8th of the TLS lane), then N redraws (j and k in turn)
keys() {
	{
		printf '%s' "$1"
		for ((i = 0; i < N; i++)); do
			[ $((i % 2)) = 0 ] && printf 'j' || printf 'k'
		done
		printf '\n:dump-screen last\n'
	} >"$T/keys"
}
# run SIZE: seconds for the script
run() {
	local start end
	start=$(date +%s.%N)
	COLUMNS=${1%x*} LINES=${1#*x} TERM=dumb LC_ALL=C.UTF-8 INPUTRC=/dev/null \
		PGTLS_INSPECT_SCRIPT=$T/keys PGTLS_INSPECT_DUMPDIR=$T \
		"$PGI" --replay "$log" </dev/null >/dev/null 2>&1
	end=$(date +%s.%N)
	echo "$end - $start" | bc -l
}
for size in 80x24 120x40; do
	keys 'Lgjjjjjjj'
	l=$(run $size)
	grep -q 'Certificate 50 certs' "$T/last.screen" && lab=yes || lab=no
	keys 'gjjjjjjjjjjj'
	b=$(run $size)
	printf '%s: ladder %d redraws %.3f s (%.3f ms each; label "Certificate 50 certs" drawn: %s); timeline %.3f s (%.3f ms each)\n' \
		"$size" "$N" "$l" "$(echo "$l * 1000 / $N" | bc -l)" "$lab" "$b" "$(echo "$b * 1000 / $N" | bc -l)"
done
