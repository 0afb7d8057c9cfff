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
$TM kill-server 2>/dev/null

# the mouse (xterm's reports, as the terminal sends them: ESC [ M, then the
# button, the column and the row, each plus 32, from 1) and resizes
$TM new-session -d -s t -x 80 -y 24 \
	"env TERM=screen LC_ALL=C.UTF-8 HOME=$HOME $PGI --demo healthy; echo EXITED \$?; sleep 30"
wait_for "verify-full" || fail "the interface did not start"
# byte N+32 as the terminal sends it
mouse_byte() { printf "\\$(printf %o $(($1 + 32)))"; }
click() {
	$TM send-keys -t t -l "$(printf '\033[M')$(mouse_byte 0)$(mouse_byte "$1")$(mouse_byte "$2")"
	$TM send-keys -t t -l "$(printf '\033[M')$(mouse_byte 3)$(mouse_byte "$1")$(mouse_byte "$2")"
}
$TM capture-pane -p -t t >"$T/cap"
y=$(grep -n -m1 -E '^ ?(disable|dis) ' "$T/cap" | cut -d: -f1)
x=$(sed -n "${y}p" "$T/cap" | awk '{ print index($0, "verify-full") }')
[ -n "$y" ] && [ "$x" -gt 0 ] || fail "no verify-full on the verdict row"
click "$x" "$y"
wait_for " sslmode=verify-full: " && pass "a click on verify-full explains it" ||
	fail "the click did not select verify-full"
$TM resize-window -t t -x 120 -y 40
wait_for "verify-full" && pass "120x40: the verdicts redrawn" || fail "120x40: no verdicts"
assert_contains "120x40: the answer first" "$($TM capture-pane -p -t t | sed -n 2,4p)" "prefer connects"
$TM resize-window -t t -x 60 -y 20
sleep 0.5
assert_contains "60x20: verify-full still on the verdict row" \
	"$($TM capture-pane -p -t t | grep -E '^ ?(disable|dis) ')" "v-full"
$TM send-keys -t t q
wait_for "EXITED 0" && pass "q after the resizes" || fail "q did not quit after the resizes"
finish
