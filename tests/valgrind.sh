#!/bin/bash
# valgrind memcheck over the program's main paths: replay into JSON and into
# the text report, two built-in demo scenarios (servers in threads inside
# the process, a real TLS handshake) and one bad input. Each run must end
# with its usual exit status and no memcheck error, definite and indirect
# leaks included ("possibly lost" and "still reachable" are not errors).
# An AddressSanitizer build cannot run under valgrind: there the same
# commands run bare and LeakSanitizer does the checking.
#
# --run-libc-freeres=no: glibc's exit-time cleanup of getaddrinfo_a's request
# pool (gai_misc.c free_res) frees pool slots it never initialised, which
# memcheck reports as a conditional jump in free() inside __libc_freeres; it
# is glibc's, not ours, and glibc only runs that cleanup under valgrind.
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
need_pgi
need_tool timeout "$JQ"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
golden=$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json

asan=0
if grep -q __asan_init "$PGI" 2>/dev/null; then
	asan=1
	echo "# $PGI is built with AddressSanitizer: LeakSanitizer checks instead of valgrind"
	export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
else
	need_tool valgrind
fi

n=0
# run DESC WANT_STATUS ARGS...: pgtls-inspect ARGS under memcheck
run() {
	local desc=$1 want=$2 rc=0
	shift 2
	n=$((n + 1))
	local log="$T/vg-$n.log"
	show_on_failure "$log"
	if [ "$asan" = 1 ]; then
		timeout 300 "$PGI" "$@" >"$T/out-$n" 2>"$log" </dev/null || rc=$?
		assert_eq "$desc: exit status (LeakSanitizer)" "$rc" "$want"
		return
	fi
	timeout 600 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --track-fds=no --run-libc-freeres=no --log-file="$log" \
		"$PGI" "$@" >"$T/out-$n" 2>"$T/err-$n" </dev/null || rc=$?
	assert_eq "$desc: exit status (99: valgrind found errors)" "$rc" "$want"
	if grep -q 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|indirectly lost: [1-9]\|Invalid \|uninitialised' "$log"; then
		fail "$desc: memcheck report is clean"
	else
		pass "$desc: memcheck report is clean"
	fi
}

run "replay --json" 0 --replay "$golden" --json
if "$JQ" -e . "$T/out-$n" >/dev/null 2>&1; then
	pass "replay --json: valid JSON"
else
	fail "replay --json: valid JSON"
fi
run "replay --report" 0 --replay "$golden" --report
run "demo healthy --json" 0 --demo healthy --json
run "demo wrong-root --report" 0 --demo wrong-root --report
# bad input: a log whose second event is malformed, so the loader fails
# after it has allocated (the error path must free what it built)
printf '%s' '{"target":{"host":"h","hosts":["h"]},"events":[{"dir":"recv","kind":"SSLResponse","probe":"tls","summary":"S","hex":"53","t_ms":1},{"dir":"sideways"}]}' >"$T/bad.json"
run "bad input: malformed event log" 2 --replay "$T/bad.json" --json
finish
