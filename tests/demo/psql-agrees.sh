#!/bin/bash
# Where psql can be pointed at a scenario (--demo-serve ... --trust, so that
# an accepted startup needs no password), real psql 15 and psql 18 under all
# six sslmodes must agree with pgtls-inspect --libpq-version 15 and 18 against
# the same running server: outcome and error text, word for word.
. "$(cd "$(dirname "$0")" && pwd)/../pg/common.sh"
need_pgi
need_tool "$PSQL"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
S=$abs_top_srcdir/data/scenarios.json
SQL="SELECT 1" # the demo server answers any query with the session's state
# shellcheck source=tests/pg/agree.sh
. "$abs_top_srcdir/tests/pg/agree.sh"
agree_with_18

# the hostile servers are for the robustness tests (tests/demo/hostile.sh):
# a dripping or flooding server would only measure psql's patience
for name in $("$JQ" -r '.scenarios[] | select(.name | startswith("hostile-") | not) | .name' "$S"); do
	: >"$T/serve"
	"$PGI" --demo-serve "$name" --trust >"$T/serve" 2>&1 &
	pid=$!
	register_pid "$pid"
	for _ in $(seq 50); do
		grep -q '^conninfo: ' "$T/serve" && break
		sleep 0.1
	done
	ci=$(sed -n 's/^conninfo: //p' "$T/serve")
	if [ -z "$ci" ]; then
		fail "$name: --demo-serve did not start: $(cat "$T/serve")"
		continue
	fi
	agree "demo-$name" "$ci"
	stop_pid "$pid" TERM 5
done
echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -gt 0 ] || fail "no scenario×mode pair was compared"
finish
