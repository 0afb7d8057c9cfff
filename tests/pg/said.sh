# tests/pg/said.sh: what psql 15 and psql 18 said, word for word, beside
# what pgtls-inspect says libpq 15 and 18 would (sourced after common.sh).
#
# said NAME CONNINFO MODE WANT15 WANT18 [VAR=VALUE...]
#   CONNINFO with sslmode=MODE, under the VARs (local to the call), run by
#   psql 15 and psql 18 (-w: never a prompt): each must have said WANT15,
#   WANT18 ("=": the same as WANT15), as psql_said words it: what $SQL
#   printed once connected, or "fails: " and the error from "psql: error: "
#   on, without those words. Then pgtls-inspect --libpq-version 15 and 18 on
#   the same CONNINFO and environment: .modes[MODE] (the outcome, or "fails: "
#   + .error; a conninfo it refuses, exit 2, is "fails: " + its message) must
#   be what psql said. With TOOL_SAYS=OUTCOME (e.g. unknown) the tool must
#   instead give that outcome with a caveat. psql's whole output is in the
#   log ("#   psql 15 | ..."); its stderr before the error (libpq's WARNINGs)
#   is left in WARN15 and WARN18. SAID_N counts the tool's comparisons,
#   SAID_A those it passed; said_total prints them.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "$0 is a library for the pg tests: source it, do not run it" >&2
	exit 99
fi

need_pgi
need_tool "$PSQL"
need_psql 18
PSQL18=$PSQL_MAJOR
: "${SQL:=SELECT CASE WHEN ssl THEN 'encrypted' ELSE 'plaintext' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()}"
: "${TOOL_SAYS:=}"
SAID_N=0 SAID_A=0 WARN15='' WARN18=''

# psql_said V CONNINFO OUT: psql V under CONNINFO; OUT.out gets what it
# printed (stdout, then stderr), OUT.said what it did (as above), OUT.warn
# the stderr lines before the error
psql_said() {
	local v=$1 ci=$2 out=$3 p=$PSQL rc=0
	[ "$v" = 18 ] && p=$PSQL18
	PGCONNECT_TIMEOUT=5 timeout -k 5 30 "$p" -w -X -A -t -q -d "$ci" -c "$SQL" \
		>"$out.stdout" 2>"$out.stderr" </dev/null || rc=$?
	cat "$out.stdout" "$out.stderr" >"$out.out"
	sed '/^psql: error: /,$d' "$out.stderr" >"$out.warn"
	if [ $rc = 0 ]; then
		cat "$out.stdout" >"$out.said"
	else
		{
			printf 'fails: '
			sed -n '/^psql: error: /,$p' "$out.stderr" | sed '1s/^psql: error: //'
		} >"$out.said"
	fi
}

# tool_said V CONNINFO MODE OUT: pgtls-inspect's verdict for sslmode MODE
# under --libpq-version V, in psql's words, into OUT.said (OUT.json the
# report)
tool_said() {
	local v=$1 ci=$2 m=$3 out=$4 rc=0
	timeout -k 5 30 "$PGI" --json --timeout 5 --libpq-version "$v" "$ci" \
		>"$out.json" 2>"$out.err" || rc=$?
	case $rc in
	0 | 3) "$JQ" -r --arg m "$m" '.modes[$m] | if .outcome == "fails" then "fails: " + .error else .outcome end' \
		"$out.json" >"$out.said" 2>&1 ;;
	2) { printf 'fails: '; sed '1s/^pgtls-inspect: //' "$out.err"; } >"$out.said" ;;
	*) { echo "pgtls-inspect exit $rc:"; cat "$out.err"; } >"$out.said" ;;
	esac
}

said() {
	local name=$1 ci="$2 sslmode=$3" m=$3 want v got psql kv
	want[15]=$4 want[18]=$5
	[ "${want[18]}" = "=" ] && want[18]=${want[15]}
	shift 5
	for kv in "$@"; do
		local -x "$kv"
	done
	echo "# case $name: '$ci'${*:+ with $*}"
	for v in 15 18; do
		psql_said "$v" "$ci" "$T/$name.$v"
		sed "s/^/#   psql $v | /" "$T/$name.$v.out"
		psql=$(cat "$T/$name.$v.said")
		assert_eq "$name: psql $v" "$psql" "${want[$v]}"
		tool_said "$v" "$ci" "$m" "$T/$name.$v.tool"
		SAID_N=$((SAID_N + 1))
		if [ -n "$TOOL_SAYS" ]; then
			got=$("$JQ" -r --arg m "$m" '.modes[$m] | .outcome + " (caveat: " + (.caveat // "none") + ")"' \
				"$T/$name.$v.tool.json" 2>&1) || got=$(cat "$T/$name.$v.tool.said")
			echo "#   tool $v | $got"
			if [ "${got%% (caveat: *}" = "$TOOL_SAYS" ] && [ "$got" != "$TOOL_SAYS (caveat: none)" ]; then
				SAID_A=$((SAID_A + 1))
				pass "$name: sslmode=$m: the tool says $TOOL_SAYS with a caveat as libpq $v"
			else
				fail "$name: sslmode=$m: the tool says $TOOL_SAYS with a caveat as libpq $v"
			fi
			continue
		fi
		got=$(cat "$T/$name.$v.tool.said")
		if [ "$got" = "$psql" ]; then
			SAID_A=$((SAID_A + 1))
			pass "$name: sslmode=$m: the tool agrees with psql $v"
		else
			fail "$name: sslmode=$m: the tool agrees with psql $v"
			printf '#   tool: %s\n' "$got"
		fi
	done
	# shellcheck disable=SC2034 # read by the caller
	WARN15=$(cat "$T/$name.15.warn") WARN18=$(cat "$T/$name.18.warn")
}

said_total() {
	echo "# the tool agreed in $SAID_A of $SAID_N comparisons"
}
