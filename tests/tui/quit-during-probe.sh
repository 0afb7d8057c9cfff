#!/bin/bash
# Keys work while a probe runs: against a server that accepts and then
# never answers, with --timeout 3600, q ends the interface at once (the
# loop waits on the keys and the probe together) and the terminal is
# restored. Ctrl-C ends it as SIGINT ends a program (the pane's shell goes
# with it, so tmux keeps the dead pane to look at). The figure is printed;
# the bound asserted is one second, against the hour the probe would
# otherwise wait.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "${TMUX_BIN:-tmux}" "$abs_top_builddir/tests/peer/fakepg"
TMUX_CMD="${TMUX_BIN:-tmux}"
cleanup_tmux() {
	for k in q C-c; do $TMUX_CMD -L "pgtls-quit-$$-$k" kill-server 2>/dev/null || :; done
}
trap 'cleanup_tmux; _cleanup' EXIT

"$abs_top_builddir/tests/peer/fakepg" silent 120 >"$T/port" &
register_pid $!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(head -1 "$T/port")
[ -n "$port" ] || die "fakepg did not start"

screen() { $TM capture-pane -p -t t 2>/dev/null; }
wait_for() {
	local i=0
	until screen | grep -q -- "$1"; do
		i=$((i + 1))
		[ $i -gt "${2:-100}" ] && return 1
		sleep 0.02
	done
}

for key in q C-c; do
	TM="$TMUX_CMD -L pgtls-quit-$$-$key -f /dev/null"
	$TM new-session -d -s t -x 80 -y 24 \
		"env TERM=screen LC_ALL=C.UTF-8 HOME=$T $PGI --timeout 3600 'host=127.0.0.1 port=$port sslmode=prefer'; echo EXITED \$?; sleep 30"
	wait_for "SSLRequest" 500 || { screen | sed 's/^/# /'; die "$key: the probe did not start"; }
	assert_contains "$key: the probe is still running" "$(screen)" "Timeline (live)"
	t0=$(date +%s%N)
	$TM set-option -t t remain-on-exit on
	$TM send-keys -t t $key
	gone() { [ "$($TM display-message -p -t t '#{pane_dead}' 2>/dev/null)" = 1 ] || screen | grep -q EXITED; }
	i=0
	until gone || [ $i -gt 50 ]; do sleep 0.02; i=$((i + 1)); done
	if gone; then
		ms=$((($(date +%s%N) - t0) / 1000000))
		echo "# $key to exit during a probe: $ms ms"
		pass "$key ends the interface within a second during a probe"
	else
		fail "$key did not end the interface within a second"
	fi
	if [ $key = q ]; then
		assert_contains "$key: exit status" "$(screen)" "EXITED 0"
	else
		assert_eq "$key: ended by SIGINT" "$($TM display-message -p -t t '#{pane_dead_signal}')" 2
	fi
	if screen | grep -q "Timeline"; then
		fail "$key: the interface is still on screen"
	else
		pass "$key: the terminal is restored"
	fi
	$TM kill-server 2>/dev/null
done
finish
