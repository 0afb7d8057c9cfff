# tests/pg/common.sh: what every real-PostgreSQL test needs (sourced).
#
# Sources tests/lib.sh, certs.sh and pg.sh, checks the tools, and adds:
#   pg_conninfo [EXTRA]         the libpq conninfo of the running server
#   pgi_json OUT CONNINFO [ARG]  run pgtls-inspect --json, check exit 0 and that
#                                OUT holds exactly one JSON object
#   psql_try OUT CONNINFO SQL    run real psql (-w, 5 s connect timeout),
#                                stdout+stderr to OUT, returns psql's status
#   pg_role ROLE PASSWORD        create a login role on the running server
# Scripts call need_pgi themselves when they run pgtls-inspect.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "$0 is a library for the pg tests: source it, do not run it" >&2
	exit 99
fi

_pg_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib.sh
. "$_pg_here/../lib.sh"
# shellcheck source=tests/pg/certs.sh
. "$_pg_here/certs.sh"
# shellcheck source=tests/pg/pg.sh
. "$_pg_here/pg.sh"

# The real psql binary: Debian's /usr/bin/psql is pg_wrapper, a Perl script
# that exports PGHOST (the default cluster's socket directory) and PGPORT when
# they are unset, which changes what libpq does with hostaddr-only conninfos.
: "${PSQL:=$PG_BINDIR/psql}"

# need_psql MAJOR: a psql of that release (libpq 16-18 are not in Debian
# 12), built once by scripts/build-psql.sh into a cache outside the tree;
# sets PSQL_MAJOR to its path. A tool that is missing in CI is a failure.
need_psql() {
	PSQL_MAJOR=$("$abs_top_srcdir/scripts/build-psql.sh" "$1" 2>"$T/build-psql-$1.log") ||
		{ tail -n 20 "$T/build-psql-$1.log" >&2; missing "psql $1 could not be built (scripts/build-psql.sh $1)"; }
}

need_tool "$JQ" "$CERTTOOL" timeout
need_pg

pg_conninfo() {
	echo "host=localhost hostaddr=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres${1:+ $1}"
}

# pgi_json OUT CONNINFO [ARGS...]: the JSON inspection of CONNINFO into OUT.
# A hung tool is killed after 30 s (it was told --timeout 5).
pgi_json() {
	local out=$1 ci=$2 rc=0
	shift 2
	timeout -k 5 30 "$PGI" --json --timeout 5 "$@" "$ci" >"$out" 2>"$out.stderr" || rc=$?
	show_on_failure "$out" "$out.stderr"
	echo "# $PGI --json --timeout 5 $* '$ci' -> $rc"
	assert_eq "$(basename "$out"): pgtls-inspect exit status" "$rc" 0
	if "$JQ" -e -s 'length == 1 and (.[0] | type) == "object"' "$out" >/dev/null 2>&1; then
		pass "$(basename "$out"): output is a JSON object"
	else
		fail "$(basename "$out"): output is a JSON object"
	fi
}

# pg_role ROLE PASSWORD: a login role with PASSWORD on the running server
# (as postgres, which the scenario's pg_hba.conf must trust)
pg_role() {
	psql_try "$T/role-$1.out" "$(pg_conninfo sslmode=disable)" \
		"CREATE ROLE $1 LOGIN PASSWORD '$2'" ||
		{ cat "$T/role-$1.out"; die "could not create the role $1"; }
}

psql_try() {
	local out=$1 ci=$2 sql=$3
	PGCONNECT_TIMEOUT=5 timeout -k 5 30 "$PSQL" -w -X -A -t -q -d "$ci" -c "$sql" \
		>"$out" 2>&1 </dev/null
}

# assert_findings FILE JSON-ARRAY: the finding ids FILE reports, exactly.
assert_findings() {
	assert_jq "$1" '[.findings[].id] | unique' "$2"
}
