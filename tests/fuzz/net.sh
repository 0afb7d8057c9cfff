#!/bin/bash
# The network fuzzer (tests/fuzz/netfuzz.c) for a bounded number of
# iterations: a mutating PostgreSQL/TLS server on 127.0.0.1 against the
# program as built (under the sanitizers in `make distcheck`). Each
# iteration must end without a crash, a sanitizer report, a hang, an exit
# status other than 0 or 3, bad JSON or a raw control character.
# NETFUZZ_ITERATIONS and NETFUZZ_SEED choose the run; `make fuzz-net` runs
# longer from a seed of the clock.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
NF=$abs_top_builddir/tests/fuzz/netfuzz
[ -x "$NF" ] || die "$NF not built (make check builds it)"
n=${NETFUZZ_ITERATIONS:-150}
seed=${NETFUZZ_SEED:-1}
rc=0
"$NF" --pgi "$PGI" --iterations "$n" --seed "$seed" --findings "$T/findings" \
	>"$T/summary" 2>"$T/log" || rc=$?
cat "$T/summary"
assert_eq "netfuzz: no finding in $n iterations from seed $seed" "$rc" 0
if [ "$rc" != 0 ]; then
	sed 's/^/# /' "$T/log" | head -20
	for r in "$T"/findings/*/repro; do
		[ -f "$r" ] && sed 's/^/# /' "$r"
	done
	for e in "$T"/findings/*/err; do
		[ -f "$e" ] && head -c 3000 "$e" | sed 's/^/# /'
	done
fi
# the servers were reached: more connections than iterations (the TLS
# and plaintext probes each open one)
conns=$(sed -n 's/^netfuzz: [0-9]* iterations, \([0-9]*\) connections.*/\1/p' "$T/summary")
assert_eq "netfuzz: the program connected more often than once an iteration" \
	"$([ "${conns:-0}" -gt "$n" ] && echo yes)" yes
# a planted fault is caught: a "program" that prints a raw escape
printf '#!/bin/sh\nprintf "\\033[2Jboom\\n"\n' >"$T/evil"
chmod +x "$T/evil"
rc=0
"$NF" --pgi "$T/evil" --iterations 2 --findings "$T/evil-findings" >/dev/null 2>&1 || rc=$?
assert_eq "netfuzz: a raw escape in the output is a finding" "$rc" 1
assert_eq "netfuzz: the finding is kept with its seed" "$(ls "$T/evil-findings" | wc -l)" 2
finish
