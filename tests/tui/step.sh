#!/bin/bash
# Step mode, live against a demo server: --step holds the probes after each
# network event until n (or Space) is pressed, so a class can guess what
# comes next; S lets the rest run at once.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
export TERM=dumb LINES=24 COLUMNS=80 LC_ALL=C.UTF-8 INPUTRC=/dev/null
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
cat >"$T/keys" <<'KEYS'
<Dump held-1>n<Dump held-2>n<Dump held-3>S
:dump-screen done
KEYS
mkdir -p "$T/out"
rc=0
PGTLS_INSPECT_SCRIPT=$T/keys PGTLS_INSPECT_DUMPDIR=$T/out \
	timeout 60 "$PGI" --demo healthy --step </dev/null >"$T/stdout" 2>&1 || rc=$?
assert_eq "exit status" "$rc" 0
for f in held-1 held-2 held-3 done; do
	[ -f "$T/out/$f.screen" ] || fail "no $f screen"
done
events() { grep -cE '^[ *x] +[0-9]+\.[0-9] ' "$T/out/$1.screen"; }
assert_eq "held after the first event" "$(events held-1)" 1
assert_eq "one more after n" "$(events held-2)" 2
assert_eq "and one more" "$(events held-3)" 3
assert_contains "the status says it is held" "$(cat "$T/out/held-1.screen")" "HELD"
assert_contains "no verdicts while held" "$(sed -n 18p "$T/out/held-1.screen")" "..."
# as many as the pane holds under the answer (the summary) at 80x24
assert_eq "all events once step mode is off" "$([ "$(events done)" -ge 10 ] && echo yes)" yes
assert_contains "verdicts at the end" "$(cat "$T/out/done.screen")" "verify-full"
assert_eq "every verdict drawn at the end" "$(grep -c '\.\.\.' "$T/out/done.screen")" 0
finish
