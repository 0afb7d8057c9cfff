#!/bin/bash
# --pcap and the key log, against the demo's healthy scenario, read by
# Debian's tshark:
#  (a) --pcap FILE: tshark, told nothing but which port is PostgreSQL's,
#      decrypts the TLS probe with the capture's own Decryption Secrets Block
#      and shows the StartupMessage and the server's Authentication request
#      inside TLS, and the certificate subjects the tool reports; the file
#      is mode 0600; a replay has no bytes to capture; `save pcap FILE` in
#      the interface writes the same;
#  (c) sslkeylogfile=FILE and SSLKEYLOGFILE: the NSS key log lines, appended,
#      mode 0600, their client randoms those of the capture's ClientHellos,
#      and tshark decrypts the capture with its secrets removed and
#      -o tls.keylog_file:FILE instead; a FIFO, a device and a directory are
#      refused at once with one error.
# The tshark output of one decrypted capture is printed in the log.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
. "$abs_top_srcdir/tests/tshark.sh"
need_pgi
need_tool "$JQ" timeout tshark editcap
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

# (a) the demo's healthy scenario, captured
rc=0
timeout 60 "$PGI" --demo healthy --json --pcap "$T/healthy.pcapng" >"$T/healthy.json" 2>"$T/healthy.err" || rc=$?
show_on_failure "$T/healthy.err"
assert_eq "--demo healthy --pcap: exit status" "$rc" 0
port=$("$JQ" -r '.target.port' "$T/healthy.json")
assert_eq "the capture is its owner's only (it holds the TLS secrets)" "$(stat -c %a "$T/healthy.pcapng")" 600
assert_eq "capinfos-like: tshark reads the file" "$(tshark -r "$T/healthy.pcapng" 2>/dev/null | wc -l | awk '$1 > 10 { print "many" }')" many
check_capture healthy "$T/healthy.pcapng" "$port" "$T/healthy.json"
# the TCP framing: the real ports, a handshake, our FIN
m=$(tshark -n -r "$T/healthy.pcapng" -T fields -E separator='|' -e tcp.srcport -e tcp.dstport -e tcp.flags.str 2>/dev/null)
assert_eq "the first packet is a SYN to the scenario's port" "$(echo "$m" | head -1 | cut -d'|' -f2)" "$port"
assert_contains "the first packet's flags" "$(echo "$m" | head -1 | cut -d'|' -f3)" "S"
# every connection the tool made (TLS probe, plaintext probe) begins and ends
assert_eq "one SYN a connection, one FIN from us a connection" \
	"$(echo "$m" | awk -F'|' -v p="$port" '$2 == p && $3 ~ /S/ { s++ } $2 == p && $3 ~ /F/ { f++ } END { print (s == f && s >= 2) ? 1 : 0 }')" 1
# without the secrets tshark reads nothing inside TLS
editcap --discard-all-secrets "$T/healthy.pcapng" "$T/nosecrets.pcapng" 2>/dev/null
n=$(pcap_messages "$T/nosecrets.pcapng" "$port" | awk -F'|' '$2 ~ /:tls:pgsql/' | wc -l)
assert_eq "with its secrets removed, nothing inside TLS decodes (the test can fail)" "$n" 0

# a replay carries no bytes
"$PGI" --demo healthy --json --save-events "$T/events.json" >/dev/null 2>&1
rc=0
"$PGI" --replay "$T/events.json" --pcap "$T/replay.pcapng" --json >/dev/null 2>"$T/err" || rc=$?
assert_eq "--replay --pcap: exit status" "$rc" 2
assert_contains "--replay --pcap: why" "$(cat "$T/err")" "--pcap needs a live inspection"
rc=0
"$PGI" --pcap "$T/no/such/dir/x.pcapng" --json 127.0.0.1:1 >/dev/null 2>"$T/err" || rc=$?
assert_eq "--pcap to a path that cannot be written: exit status" "$rc" 2
assert_contains "--pcap to a path that cannot be written: why" "$(cat "$T/err")" "cannot write $T/no/such/dir/x.pcapng"

rc=0
"$PGI" --pcap "$T/fleet.pcapng" --json 127.0.0.1:1 127.0.0.1:2 >/dev/null 2>"$T/err" || rc=$?
assert_eq "--pcap with several targets: exit status" "$rc" 2
assert_contains "--pcap with several targets: why" "$(cat "$T/err")" "--pcap"

# save pcap FILE in the interface
cat >"$T/tui.keys" <<KEYS
:save pcap $T/tui.pcapng
:dump-screen saved
KEYS
rc=0
PGTLS_INSPECT_SCRIPT=$T/tui.keys PGTLS_INSPECT_DUMPDIR=$T \
	timeout 60 "$PGI" --demo healthy </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "save pcap in the interface: exit status" "$rc" 0
assert_contains "save pcap: the status line" "$(tail -1 "$T/saved.screen" 2>/dev/null)" "wrote $T/tui.pcapng"
tport=$(tshark -n -r "$T/tui.pcapng" -c 1 -T fields -e tcp.dstport 2>/dev/null)
n=$(pcap_messages "$T/tui.pcapng" "$tport" | awk -F'|' '$2 ~ /:tls:pgsql/ && $5 ~ /Startup message/' | wc -l)
assert_eq "save pcap: tshark decrypts the StartupMessage" "$n" 1
cat >"$T/tui-replay.keys" <<KEYS
:save pcap $T/tui-replay.pcapng
:dump-screen replay-saved
KEYS
PGTLS_INSPECT_SCRIPT=$T/tui-replay.keys PGTLS_INSPECT_DUMPDIR=$T \
	timeout 30 "$PGI" --replay "$T/events.json" </dev/null >/dev/null 2>&1
assert_contains "save pcap of a replay: the error" "$(tail -1 "$T/replay-saved.screen" 2>/dev/null)" "no bytes to capture"

# (c) sslkeylogfile: the demo's server, kept up, and its conninfo
demo_serve healthy
[ -n "$DEMO_CI" ] || die "demo-serve healthy did not start: $(cat "$T/healthy.serve")"
dport=$(echo "$DEMO_CI" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
umask 022
rc=0
timeout 60 "$PGI" --json --pcap "$T/keyed.pcapng" "$DEMO_CI sslkeylogfile=$T/keys.log" \
	>"$T/keyed.json" 2>"$T/keyed.err" || rc=$?
show_on_failure "$T/keyed.err" "$T/keys.log"
assert_eq "sslkeylogfile: exit status" "$rc" 0
assert_eq "sslkeylogfile: mode 0600 despite umask 022" "$(stat -c %a "$T/keys.log")" 600
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
	assert_eq "sslkeylogfile: one $label line" "$(grep -c "^$label [0-9a-f]\{64\} [0-9a-f]\{64,96\}\$" "$T/keys.log")" 1
done
assert_eq "sslkeylogfile: every line in NSS key log format" \
	"$(grep -cv '^[A-Z_0-9]* [0-9a-f]\{64\} [0-9a-f]\{32,\}$' "$T/keys.log")" 0
randoms=$(tshark -n -r "$T/keyed.pcapng" -Y 'tls.handshake.type == 1' -T fields -e tls.handshake.random 2>/dev/null | tr -d ':' | sort -u)
assert_eq "sslkeylogfile: the lines' client random is the ClientHello's" \
	"$(awk '{ print $2 }' "$T/keys.log" | sort -u)" "$randoms"
editcap --discard-all-secrets "$T/keyed.pcapng" "$T/keyed-bare.pcapng" 2>/dev/null
check_capture keylogfile "$T/keyed-bare.pcapng" "$dport" "$T/keyed.json" -o "tls.keylog_file:$T/keys.log"
assert_jq "$T/keyed.json" '[.events[] | select(.kind == "KeyLogFailed")] | length' 0
# appended, never truncated
timeout 60 "$PGI" --json "$DEMO_CI sslkeylogfile=$T/keys.log" >/dev/null 2>&1
assert_eq "sslkeylogfile: a second run appends" "$(grep -c '^CLIENT_TRAFFIC_SECRET_0 ' "$T/keys.log")" 2
# SSLKEYLOGFILE, when the keyword is not given
rc=0
SSLKEYLOGFILE=$T/env.log timeout 60 "$PGI" --demo healthy --json >/dev/null 2>&1 || rc=$?
assert_eq "SSLKEYLOGFILE: exit status" "$rc" 0
assert_eq "SSLKEYLOGFILE: the lines" "$(grep -c '^SERVER_TRAFFIC_SECRET_0 ' "$T/env.log" 2>/dev/null)" 1
assert_eq "SSLKEYLOGFILE: the demo's server writes none of its own (one set of lines)" \
	"$(wc -l <"$T/env.log")" "$(grep -c . "$T/env.log")"
SSLKEYLOGFILE=$T/env-loses.log timeout 60 "$PGI" --json "$DEMO_CI sslkeylogfile=$T/kw-wins.log" >/dev/null 2>&1
assert_eq "the keyword wins over SSLKEYLOGFILE" "$([ -s "$T/kw-wins.log" ] && [ ! -e "$T/env-loses.log" ] && echo yes)" yes

# refusals: at once, one clear error, no traffic
mkfifo "$T/fifo"
refused() {
	local desc=$1 path=$2 rc=0 start end
	shift 2
	start=$(date +%s)
	timeout 20 "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	end=$(date +%s)
	assert_eq "$desc: exit status (124 would be a hang)" "$rc" 2
	assert_eq "$desc: one line" "$(wc -l <"$T/err")" 1
	assert_contains "$desc: the error" "$(cat "$T/err")" "could not open SSL key logging file \"$path\""
	assert_eq "$desc: at once" "$((end - start < 5))" 1
}
refused "sslkeylogfile=FIFO" "$T/fifo" "$PGI" --json "$DEMO_CI sslkeylogfile=$T/fifo"
assert_contains "sslkeylogfile=FIFO: says why" "$(cat "$T/err")" "not a regular file"
refused "SSLKEYLOGFILE=FIFO" "$T/fifo" env SSLKEYLOGFILE="$T/fifo" "$PGI" --demo healthy --json
# a FIFO with a reader (this shell, which holds it open) is refused too
exec 3<>"$T/fifo"
refused "sslkeylogfile=FIFO with a reader" "$T/fifo" "$PGI" --json "$DEMO_CI sslkeylogfile=$T/fifo"
exec 3>&-
refused "sslkeylogfile=/dev/null" /dev/null "$PGI" --json "$DEMO_CI sslkeylogfile=/dev/null"
refused "sslkeylogfile=a directory" "$T" "$PGI" --json "$DEMO_CI sslkeylogfile=$T"
# the keyword is followed, not listed as inert
assert_jq "$T/keyed.json" '.target.keyword_effects.sslkeylogfile.effect' modelled
finish
