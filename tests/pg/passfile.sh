#!/bin/bash
# Where libpq's password comes from, beside real psql 15 and psql 18 against
# a PostgreSQL 15 that asks every TCP client for a SCRAM password: the
# password keyword, PGPASSWORD, the password file (passfile, PGPASSFILE,
# ~/.pgpass; its host, else hostaddr, its port as written, '*' and
# backslash escapes, '#' lines, the first matching line), a password file
# refused with libpq's WARNING. psql -w has a password exactly when it
# does not fail with "fe_sendauth: no password supplied"; the tool's
# target.password_source must be "none" exactly then, and any WARNING psql
# printed must be the tool's warning, word for word.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"
need_psql 18
PSQL18=$PSQL_MAJOR

pg_start pw --hba "local all all trust" --hba "host all all 127.0.0.1/32 scram-sha-256"
PGHOST=$PGDATA_TEST PGPORT=$PGPORT_TEST "$PSQL" -X -q -U postgres -d postgres \
	-c "ALTER USER postgres PASSWORD 'right'" >"$T/alter.log" 2>&1 ||
	die "could not set the password: $(cat "$T/alter.log")"
mkdir -p "$HOME"
P=$PGPORT_TEST
U="user=postgres dbname=postgres"

# same NAME CONNINFO WANT [VAR=VALUE...]: the tool's password_source is
# WANT; psql 15 and 18 have a password unless WANT is none, and print the
# WARNINGs the tool warns of
same() {
	local name=$1 ci=$2 want=$3 kv v p o rc got gotw psqlw
	shift 3
	for kv in "$@"; do
		local -x "$kv"
	done
	{
		pgi_json "$T/$name.json" "$ci"
		assert_jq "$T/$name.json" '.target.password_source' "$want"
		gotw=$(sed -n 's/^pgtls-inspect: warning: \(WARNING: .*\)$/\1/p' "$T/$name.json.stderr")
		for v in 15 18; do
			p=$PSQL
			[ $v = 18 ] && p=$PSQL18
			o=$T/$name.$v.psql
			rc=0
			PSQL=$p psql_try "$o" "$ci" "SELECT 1" || rc=$?
			sed 's/^/#   psql '$v' | /' "$o"
			if grep -q 'fe_sendauth: no password supplied' "$o"; then got=none; else got=some; fi
			if [ "$got" = "$([ "$want" = none ] && echo none || echo some)" ]; then
				pass "$name: psql $v has $got password, as the tool says ($want)"
			else
				fail "$name: psql $v has $got password, the tool says $want"
			fi
			psqlw=$(grep '^WARNING: password file' "$o" | sort -u)
			assert_eq "$name: psql $v's WARNING is the tool's" "$gotw" "$psqlw"
		done
	}
}

same none "host=127.0.0.1 port=$P $U" none
same keyword "host=127.0.0.1 port=$P $U password=right" password
same pgpassword "host=127.0.0.1 port=$P $U" PGPASSWORD PGPASSWORD=right
# ~/.pgpass: the first line that matches wins, even with a wrong password
printf '# a comment\n127.0.0.1:%s:postgres:postgres:right\n*:*:*:*:wrong\n' "$P" >"$HOME/.pgpass"
chmod 0600 "$HOME/.pgpass"
same pgpass "host=127.0.0.1 port=$P $U" passfile
same empty-keyword "host=127.0.0.1 port=$P $U password=''" passfile
same keyword-wins "host=127.0.0.1 port=$P $U password=right" password
# host, not hostaddr, is the key when both are given
same host-key "host=localhost hostaddr=127.0.0.1 port=$P $U" passfile
printf '127.0.0.1:%s:postgres:postgres:right\n' "$P" >"$HOME/.pgpass"
same hostaddr-key "hostaddr=127.0.0.1 port=$P $U" passfile
same host-not-hostaddr "host=localhost hostaddr=127.0.0.1 port=$P $U" none
# the port as written
printf '127.0.0.1:0%s:postgres:postgres:right\n' "$P" >"$HOME/.pgpass"
same port-as-written "host=127.0.0.1 port=$P $U" none
same port-as-written-0 "host=127.0.0.1 port=0$P $U" passfile
# escapes and wildcards; a '#' line is no entry
printf '#127.0.0.1:*:*:*:right\n127.0.0.1:*:post\\gres:*:right\n' >"$HOME/.pgpass"
same escaped "host=127.0.0.1 port=$P $U" passfile
printf '127.0.0.1:*:*:postgres\n' >"$HOME/.pgpass"
same too-few-fields "host=127.0.0.1 port=$P $U" none
# refused: others may read it
printf '*:*:*:*:right\n' >"$HOME/.pgpass"
chmod 0644 "$HOME/.pgpass"
same group-world "host=127.0.0.1 port=$P $U" none
chmod 0600 "$HOME/.pgpass"
# passfile beats PGPASSFILE beats ~/.pgpass
mkdir -p "$T/pf"
printf '*:*:*:*:right\n' >"$T/pf/good"
chmod 0600 "$T/pf/good"
: >"$T/pf/empty"
chmod 0600 "$T/pf/empty"
same pgpassfile "host=127.0.0.1 port=$P $U" none PGPASSFILE="$T/pf/empty"
same passfile "host=127.0.0.1 port=$P $U passfile=$T/pf/good" passfile PGPASSFILE="$T/pf/empty"
same passfile-empty "host=127.0.0.1 port=$P $U passfile=''" passfile PGPASSFILE="$T/pf/empty"
# not a plain file
same directory "host=127.0.0.1 port=$P $U passfile=$T/pf" none
rm "$HOME/.pgpass"
pg_stop
finish
