#!/bin/bash
# Connection service files, read as libpq reads them (parseServiceInfo,
# parseServiceFile), beside real psql 15 and psql 18 against a real
# PostgreSQL 15 with TLS: the service named by service= or PGSERVICE, its
# group in PGSERVICEFILE, in ~/.pg_service.conf or in
# PGSYSCONFDIR/pg_service.conf (the user's file first, the system's when the
# group is not in it); the connection string wins over the service, the
# service over the environment. For each case pgtls-inspect's target
# (host, port, sslmode, dbname, where each came from) and its verdict under
# the sslmode libpq would use must match what psql did; each of libpq's
# errors (no such service, no such file, a syntax error, a nested service, a
# line too long) must be the tool's one-line error, word for word.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"
need_psql 18
PSQL18=$PSQL_MAJOR

C=$T/certs
make_certs "$C"
SQL="SELECT CASE WHEN ssl THEN 'encrypted' ELSE 'plaintext' END FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
pg_start svc --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
S=$T/svc
mkdir -p "$S/sys" "$HOME"
unset PGSERVICE PGSERVICEFILE PGSYSCONFDIR

# same NAME CONNINFO WANT-SSLMODE [VAR=VALUE...]: psql 15 and 18 and
# pgtls-inspect under the same environment; the tool's target takes
# WANT-SSLMODE and its verdict for that mode is what each psql did
same() {
	local name=$1 ci=$2 want=$3 kv p v got o rc
	shift 3
	for kv in "$@"; do
		local -x "$kv"
	done
	{
		pgi_json "$T/$name.json" "$ci"
		for v in 15 18; do
			p=$PSQL
			[ $v = 18 ] && p=$PSQL18
			o=$T/$name.$v.psql
			rc=0
			PSQL=$p psql_try "$o" "$ci" "$SQL" || rc=$?
			sed 's/^/#   psql '$v' | /' "$o"
			got=$("$JQ" -r --arg m "$want" '.modes[$m] | if .outcome == "fails" then "fails: " + .error else .outcome end' "$T/$name.json")
			if [ $rc = 0 ]; then o=$(cat "$o"); else o="fails: $(sed 's/^psql: error: //' "$o")"; fi
			[ $v = 18 ] && got=$("$PGI" --json --timeout 5 --libpq-version 18 "$ci" 2>/dev/null |
				"$JQ" -r --arg m "$want" '.modes[$m] | if .outcome == "fails" then "fails: " + .error else .outcome end')
			if [ "$got" = "$o" ]; then
				pass "$name: sslmode=$want: the tool agrees with psql $v ($o)"
			else
				fail "$name: sslmode=$want: the tool agrees with psql $v"
				printf '#   tool: %s\n#   psql: %s\n' "$got" "$o"
			fi
		done
		assert_jq "$T/$name.json" '.target.sslmode' "$want"
	}
}

# refused NAME CONNINFO [VAR=VALUE...]: psql 15 and 18 fail with libpq's
# message and pgtls-inspect's report says the same (refused, every mode
# failing with it), exiting 0 as for any inspection
refused() {
	local name=$1 ci=$2 kv rc v p o got
	shift 2
	for kv in "$@"; do
		local -x "$kv"
	done
	{
		for v in 15 18; do
			p=$PSQL
			[ $v = 18 ] && p=$PSQL18
			o=$T/$name.$v.psql
			rc=0
			timeout -k 5 30 "$PGI" --json --timeout 5 --libpq-version $v "$ci" \
				>"$T/$name.$v.json" 2>/dev/null || rc=$?
			assert_eq "$name: pgtls-inspect exit status (libpq $v)" "$rc" 0
			got=$("$JQ" -r '.refused' "$T/$name.$v.json")
			PSQL=$p psql_try "$o" "$ci" "$SQL"
			assert_eq "$name: the refusal beside psql $v" "$got" "$(sed 's/^psql: error: //' "$o")"
			assert_jq "$T/$name.$v.json" '[.modes[] | .error == .error and .outcome == "fails"] | all' true
		done
	}
}

U="user=postgres dbname=postgres"
cat >"$S/user.conf" <<CONF
# a comment, then an empty line

[other]
host=192.0.2.1
[main]
host=localhost
port=$PGPORT_TEST
  sslrootcert=$C/root.crt  
sslmode=verify-full
[after]
port=1
CONF
# PGSERVICEFILE, the service from the target and from PGSERVICE
same svcfile "service=main $U" verify-full PGSERVICEFILE="$S/user.conf"
assert_jq "$T/svcfile.json" '[.target.service, .target.service_file, .target.sources.host, .target.sources.port, .target.sources.sslmode, .target.sources.user]' \
	"[\"main\",\"$S/user.conf\",\"service\",\"service\",\"service\",\"target\"]"
same pgservice "$U" verify-full PGSERVICEFILE="$S/user.conf" PGSERVICE=main
# the target wins over the service, the service over the environment
same target-wins "service=main sslmode=require $U" require PGSERVICEFILE="$S/user.conf"
same service-over-env "service=main $U" verify-full PGSERVICEFILE="$S/user.conf" PGSSLMODE=disable
# ~/.pg_service.conf, then the system file for a group it lacks
cp "$S/user.conf" "$HOME/.pg_service.conf"
same home "service=main $U" verify-full
printf '[sysonly]\nhost=localhost\nport=%s\nsslmode=require\n' "$PGPORT_TEST" >"$S/sys/pg_service.conf"
same sysconf "service=sysonly $U" require PGSYSCONFDIR="$S/sys"
assert_jq "$T/sysconf.json" '.target.service_file' "$S/sys/pg_service.conf"
rm "$HOME/.pg_service.conf"

# libpq's refusals
refused no-service "service=nope $U" PGSERVICEFILE="$S/user.conf" PGSYSCONFDIR="$S/sys"
refused no-file "service=main $U" PGSERVICEFILE="$S/none.conf"
printf '[main]\nhost = localhost\n' >"$S/spaces.conf"
refused syntax "service=main $U" PGSERVICEFILE="$S/spaces.conf"
printf '[main]\nhost\n' >"$S/noeq.conf"
refused no-equals "service=main $U" PGSERVICEFILE="$S/noeq.conf"
printf '[main]\nservice=other\n' >"$S/nested.conf"
refused nested "service=main $U" PGSERVICEFILE="$S/nested.conf"
{ printf '[main]\nhost='; head -c 1100 /dev/zero | tr '\0' a; printf '\n'; } >"$S/long.conf"
refused long-line "service=main $U" PGSERVICEFILE="$S/long.conf"
# not libpq's: a FIFO is refused at once instead of waiting for a writer
mkfifo "$S/fifo"
PGSERVICEFILE="$S/fifo" timeout -k 2 10 "$PGI" --json --timeout 5 "service=main $U" >/dev/null 2>"$T/fifo.err"
rc=$?
assert_eq "fifo: exit status" "$rc" 2
assert_eq "fifo: the error" "$(cat "$T/fifo.err")" "pgtls-inspect: service file \"$S/fifo\" is not a regular file"
pg_stop
finish
