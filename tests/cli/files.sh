#!/bin/bash
# Files at paths the user gives (src/util/ufile): nothing waits on a FIFO
# (--save-events, --replay, --svg, --pcap, the interface's save and
# export-chain, the history file), a --replay log is bounded (16 MiB), a
# write that fails is said and never reported as done (/dev/full), and a
# --save-events that fails still leaves the report on stdout (exit 4).
# Every run is under `timeout 10`: a hang fails (124) rather than blocks.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout mkfifo
LOG=$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json
PORT=$(free_port)
TARGET="host=127.0.0.1 port=$PORT user=u dbname=d"
mkfifo "$T/fifo"

# run OUT ARGS...: the tool under timeout 10, stdout in OUT, stderr in $T/err;
# its exit status in RC
run() {
	local out=$1
	shift
	RC=0
	PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data HOME=$T/home timeout -k 2 10 "$PGI" "$@" >"$out" 2>"$T/err" </dev/null || RC=$?
}
mkdir -p "$T/home"

for opt in --save-events --svg --html --pcap; do
	run "$T/out" --json --timeout 1 "$opt" "$T/fifo" "$TARGET"
	assert_eq "$opt FIFO: refused at once, exit 2" "$RC" 2
	assert_contains "$opt FIFO: why" "$(cat "$T/err")" "cannot write $T/fifo: a FIFO"
	assert_eq "$opt FIFO: one line" "$(wc -l <"$T/err")" 1
done

run "$T/out" --replay "$T/fifo" --json
assert_eq "--replay FIFO: refused at once, exit 2" "$RC" 2
assert_contains "--replay FIFO: why" "$(cat "$T/err")" "cannot read $T/fifo: a FIFO"

run "$T/out" --replay /dev/zero --json
assert_eq "--replay a device: exit 2" "$RC" 2
assert_contains "--replay a device: why" "$(cat "$T/err")" "a device"

# a 20 MB log: refused before it is parsed
{
	printf '{"pad":"'
	head -c 20000000 /dev/zero | tr '\0' 'a'
	printf '"}\n'
} >"$T/big.json"
run "$T/out" --replay "$T/big.json" --json
assert_eq "--replay 20 MB: exit 2" "$RC" 2
assert_contains "--replay 20 MB: why" "$(cat "$T/err")" "cannot read $T/big.json: larger than 16 MiB"
assert_eq "--replay 20 MB: one line" "$(wc -l <"$T/err")" 1

# --save-events that cannot be written: the report still on stdout, the
# error on stderr, exit 4
run "$T/out" --demo rds-by-ip --json --save-events /dev/full
assert_eq "--save-events /dev/full: exit 4" "$RC" 4
assert_contains "--save-events /dev/full: said" "$(cat "$T/err")" "could not write /dev/full"
assert_jq "$T/out" '.target != null' "true"
run "$T/out" --replay "$LOG" --report --svg /dev/full
assert_eq "--svg /dev/full: exit 4" "$RC" 4
assert_contains "--svg /dev/full: the report still written" "$(cat "$T/out")" "sslmode"

# the interface: save and export-chain to a FIFO, export-chain to
# /dev/full, and a FIFO as the history file
mkfifo "$T/home/.pgtls_inspect_history"
cat >"$T/keys" <<KEYS
:dump-screen start
:save json $T/fifo
:dump-screen save-fifo
:export-chain $T/fifo
:dump-screen chain-fifo
:export-chain /dev/full
:dump-screen chain-full
:export-chain $T/chain.pem
:dump-screen chain-ok
KEYS
RC=0
HOME=$T/home TERM=dumb LINES=30 COLUMNS=200 LC_ALL=C.UTF-8 INPUTRC=/dev/null \
	PGTLS_INSPECT_SCRIPT=$T/keys PGTLS_INSPECT_DUMPDIR=$T \
	timeout -k 2 10 "$PGI" --replay "$LOG" </dev/null >"$T/tui.out" 2>&1 || RC=$?
assert_eq "interface with a FIFO as history: ends, exit 0" "$RC" 0
assert_contains "history FIFO: said" "$(cat "$T/start.screen" 2>/dev/null)" "no command history"
assert_contains "save to a FIFO: refused" "$(cat "$T/save-fifo.screen" 2>/dev/null)" "a FIFO"
assert_contains "export-chain to a FIFO: refused" "$(cat "$T/chain-fifo.screen" 2>/dev/null)" "a FIFO"
assert_contains "export-chain to /dev/full: failure said" "$(cat "$T/chain-full.screen" 2>/dev/null)" "could not write /dev/full"
assert_contains "export-chain to a file: done" "$(cat "$T/chain-ok.screen" 2>/dev/null)" "wrote"
assert_contains "export-chain to a file: PEM" "$(head -1 "$T/chain.pem" 2>/dev/null)" "BEGIN CERTIFICATE"
assert_eq "the history FIFO is still a FIFO" "$([ -p "$T/home/.pgtls_inspect_history" ] && echo yes)" yes
finish
