#!/bin/bash
# A fleet of 1,000 targets under ThreadSanitizer: the program built with
# -fsanitize=thread inspects four demo servers, cycled, with --jobs 32 (one
# worker thread a core, each looping over its sessions). Every target gets
# its JSON line and its verdicts, and TSan reports nothing: no state is
# shared between concurrent inspections. Nor does the program import a
# function that keeps its answer in one buffer for the whole process
# (getpwuid, localtime...: their _r forms instead) or GnuTLS's global
# verification clock (each judgement is given its time: OpenSSL's
# X509_VERIFY_PARAM_set_time).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
TSAN=$abs_top_builddir/tests/tsan/pgtls-inspect-tsan
need_pgi
need_tool "$JQ" timeout "$TSAN"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
N=${FLEET_TSAN_TARGETS:-1000}

if command -v nm >/dev/null; then
	shared=$(nm -D --undefined-only "$PGI" | awk '{ sub(/@.*/, "", $2); print $2 }' |
		grep -xE 'getpw(uid|nam)|getgr(gid|nam)|(localtime|gmtime|ctime|asctime)|strtok|getlogin|gnutls_global_set_time_function' |
		tr '\n' ' ')
	assert_eq "no process-wide buffer nor global clock imported" "$shared" ""
fi

cis=()
for sc in healthy wrong-host expired ssl-off; do
	demo_serve "$sc"
	[ -n "$DEMO_CI" ] || die "demo server $sc did not start"
	cis+=("$DEMO_CI")
done
for ((i = 0; i < N; i++)); do
	echo "${cis[$((i % 4))]}"
done >"$T/targets"

rc=0
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	timeout 900 "$TSAN" --json --jobs 32 --targets "$T/targets" >"$T/lines" 2>"$T/err" || rc=$?
if grep -q 'ThreadSanitizer' "$T/err"; then
	sed -n '1,60s/^/# /p' "$T/err"
	fail "ThreadSanitizer reported a race"
else
	pass "no ThreadSanitizer report over $N inspections"
fi
assert_eq "exit status" "$rc" 0
assert_eq "one JSON line a target" "$(wc -l <"$T/lines")" "$N"
assert_eq "every target reachable" \
	"$("$JQ" -s '[.[] | select(.server.reachable == true)] | length' "$T/lines")" "$N"
# each scenario's own verdict, so no inspection took another's facts
for pair in "healthy connects" "wrong-host fails" "expired fails"; do
	set -- $pair
	port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$T/$1.serve" | head -1)
	want=$([ "$2" = connects ] && echo encrypted || echo fails)
	assert_eq "$1: verify-full $2 in each of its inspections" \
		"$("$JQ" -s --argjson p "$port" --arg w "$want" \
			'[.[] | select(.target.port == $p) | select(.modes["verify-full"].outcome != $w)] | length' "$T/lines")" 0
done
assert_eq "ssl-off: plaintext under prefer everywhere" \
	"$("$JQ" -s '[.[] | select(.server.sslrequest_reply == "N") | select(.modes.prefer.outcome != "plaintext")] | length' "$T/lines")" 0
finish
