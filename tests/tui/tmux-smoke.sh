#!/bin/bash
# The real terminal path, once: the interface in tmux against a demo
# server, a few keys, an unknown command, then q; and SIGTERM, after which
# the terminal must be usable again (the shell's own output appears).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "${TMUX_BIN:-tmux}"
TM="${TMUX_BIN:-tmux} -L pgtls-test-$$ -f /dev/null"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
cleanup_tmux() { $TM kill-server 2>/dev/null || :; }
trap 'cleanup_tmux; _cleanup' EXIT

wait_for() {
	local i=0
	until $TM capture-pane -p -t t 2>/dev/null | grep -q -- "$1"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			$TM capture-pane -p -t t 2>/dev/null | sed 's/^/# /'
			return 1
		fi
		sleep 0.1
	done
}

$TM new-session -d -s t -x 80 -y 24 \
	"env TERM=screen LC_ALL=C.UTF-8 HOME=$HOME $PGI --demo healthy; echo EXITED \$?; sleep 30"
wait_for "verify-full" && pass "the interface shows the verdicts" || fail "no verdicts on screen"
$TM send-keys -t t c
wait_for "Certificate chain" && pass "c shows the chain" || fail "c did not show the chain"
$TM send-keys -t t : bogus Enter
wait_for "unknown command: bogus" && pass "unknown command reported" || fail "no unknown-command message"
# Ctrl-C at the ':' line cancels the line; the program goes on
$TM send-keys -t t : "set port 1"
wait_for ":set port 1" || fail "the : line did not open"
$TM send-keys -t t C-c
sleep 0.3
if $TM capture-pane -p -t t | grep -q "EXITED"; then
	fail "Ctrl-C at the prompt ended the program"
else
	pass "Ctrl-C at the prompt did not end the program"
fi
if $TM capture-pane -p -t t | grep -q ":set port 1"; then
	fail "Ctrl-C left the line open"
else
	pass "Ctrl-C cancelled the line"
fi
$TM send-keys -t t q
wait_for "EXITED 0" && pass "q quits with status 0" || fail "q did not quit"
if $TM capture-pane -p -t t | grep -q "Timeline"; then
	fail "the interface is still on screen after q"
else
	pass "the terminal is restored after q"
fi
$TM kill-server 2>/dev/null

$TM new-session -d -s t -x 80 -y 24 \
	"env TERM=screen LC_ALL=C.UTF-8 HOME=$HOME $PGI --demo healthy; echo EXITED \$?; sleep 30"
wait_for "verify-full" || fail "the interface did not start"
$TM send-keys -t t : "mode history-marker" Enter
wait_for "mode:" || :
shell=$($TM display-message -p -t t '#{pane_pid}')
pid=$(pgrep -P "$shell" -f pgtls-inspect | head -1)
[ -n "$pid" ] && kill -TERM "$pid"
wait_for "EXITED 143" && pass "SIGTERM ends it" || fail "SIGTERM did not end it"
if $TM capture-pane -p -t t | grep -q "Timeline"; then
	fail "the interface is still on screen after SIGTERM"
else
	pass "the terminal is restored after SIGTERM"
fi
assert_contains "the history is saved on SIGTERM" "$(cat "$HOME/.pgtls_inspect_history" 2>/dev/null)" \
	"mode history-marker"
finish
