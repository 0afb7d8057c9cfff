# tests/pg/agree.sh: the psql-beside-pgtls-inspect comparison (sourced after
# common.sh). agree NAME CONNINFO [VAR=VALUE]...: one inspection with
# --libpq-version $AGREE_LIBPQ (default 15) and six runs of $PSQL (PGSSLMODE=each mode), both with
# PGCONNECT_TIMEOUT=5 and the given environment; .modes[MODE] must equal
# what psql did: {outcome: encrypted|plaintext (the session's state, which
# $SQL prints) | fails, error: what psql printed after "psql: error: "}.
# Counts pairs in N and agreements in A; the caller reports them.
# PSQL_ONLY=1 runs the psql half only.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "$0 is a library for the tests: source it, do not run it" >&2
	exit 99
fi
: "${PSQL_ONLY:=0}"
# what psql runs once connected: the session's state, as .modes[].outcome
# words it (a test against a server that answers otherwise sets its own)
: "${SQL:=SELECT CASE WHEN ssl THEN 'encrypted' ELSE 'plaintext' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()}"
MODES="disable allow prefer require verify-ca verify-full"
N=0
A=0

# What psql said, as the JSON object .modes[MODE] must equal, from psql's exit
# status ($rc) and its combined output ($o).
WANT_JQ='($o | if endswith("\n") then .[:-1] else . end) as $t
	| if $rc == "0" then {outcome: $t, error: null}
	  elif $rc == "2" then {outcome: "fails", error: ($t | ltrimstr("psql: error: "))}
	  else {outcome: ("psql exited " + $rc), error: $t} end'

# agree NAME CONNINFO [VAR=VALUE]...: one inspection and six psql runs, both
# with PGCONNECT_TIMEOUT=5 and the given environment, compared mode by mode.
agree() {
	local name=$1 ci=$2 j=$T/$1.json m o rc want got kv bad=0
	shift 2
	local -x PGCONNECT_TIMEOUT=5
	for kv in "$@"; do
		local -x "$kv"
	done
	echo "# ==== scenario $name: '$ci'${*:+ with $*}"
	[ "$PSQL_ONLY" = 1 ] || pgi_json "$j" "$ci" --libpq-version "${AGREE_LIBPQ:-15}"
	for m in $MODES; do
		o=$T/$name.$m.psql
		rc=0
		PGSSLMODE=$m psql_try "$o" "$ci" "$SQL" || rc=$?
		want=$("$JQ" -n -c --arg rc "$rc" --rawfile o "$o" "$WANT_JQ")
		printf '# %s/%s: psql exit %s\n' "$name" "$m" "$rc"
		sed 's/^/#   | /' "$o"
		case $rc in
		0) grep -qxE 'encrypted|plaintext' "$o" ||
			fail "$name/$m: psql connected but printed no ssl state" ;;
		2) ;;
		*) fail "$name/$m: psql exited $rc" ;;
		esac
		[ "$PSQL_ONLY" = 1 ] && continue
		N=$((N + 1))
		got=$("$JQ" -c --arg m "$m" '.modes[$m] | if type == "object"
			then {outcome, error} else . end' "$j" 2>&1) || got="(jq failed: $got)"
		if "$JQ" -n -e --argjson w "$want" --argjson g "$got" '$w == $g' \
			>/dev/null 2>&1; then
			A=$((A + 1))
			pass "$name/$m: pgtls-inspect agrees with psql"
		else
			bad=1
			fail "$name/$m: pgtls-inspect disagrees with psql"
			printf '#   tool: %s\n#   psql: %s\n' "$got" "$want"
		fi
	done
	if [ $bad = 1 ]; then
		for m in $MODES; do
			show_on_failure "$T/$name.$m.psql"
		done
	fi
}


# agree_with_18: from here on, each agree runs twice: as above, then psql 18
# (built once by scripts/build-psql.sh) against --libpq-version 18, as
# NAME-18.
agree_with_18() {
	need_psql 18
	PSQL18=$PSQL_MAJOR
	eval "$(declare -f agree | sed '1s/^agree /agree_one /')"
	agree() {
		agree_one "$@"
		PSQL=$PSQL18 AGREE_LIBPQ=18 agree_one "$1-18" "${@:2}"
	}
}
