# tests/pg/pg.sh: one throw-away PostgreSQL 15 server per scenario (sourced).
#
# pg_start NAME [--ssl on|off] [--cert FILE] [--key FILE] [--ca FILE]
#               [--hba LINE]... [--conf LINE]... [--existing]
#   initdb (once per test, then copied) into $T/NAME as the postgres user,
#   listening on 127.0.0.1 only, on a free port, with the Unix socket in the
#   data directory.  Each --hba LINE is one pg_hba.conf line (default:
#   "host all all 127.0.0.1/32 trust"); --conf adds a postgresql.conf line.
#   --existing starts the data directory $T/NAME that is there already (one
#   pg_standby made): its pg_hba.conf stays unless --hba is given, the
#   scenario's settings (port, socket, TLS, --conf) are written anew.
#   Starts `postgres -D` in the background, registers its pid with lib.sh and
#   waits (at most PG_START_TIMEOUT, default 15 s) for pg_isready.
#   Exports PGPORT_TEST, PGDATA_TEST, PGPID_TEST, PGLOG_TEST.
# pg_standby NAME: pg_basebackup -R of the server pg_start last started
#   (its pg_hba.conf must allow replication for postgres from 127.0.0.1) into
#   $T/NAME, as the postgres user: a streaming standby of it, to start with
#   pg_start NAME --existing ...
# pg_seclevel0: later servers run at OpenSSL security level 0 (weak keys).
# pg_stop: fast shutdown of the server pg_start last started, waits for it.
#
# When the tests run as root, initdb and postgres run as the postgres user
# (they refuse root); otherwise as the current user.  Needs lib.sh.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "$0 is a library for the pg tests: source it, do not run it" >&2
	exit 99
fi

: "${PG_BINDIR:=/usr/lib/postgresql/15/bin}"
: "${PG_START_TIMEOUT:=15}"

need_pg() {
	local b
	for b in initdb postgres pg_isready; do
		[ -x "$PG_BINDIR/$b" ] || missing "PostgreSQL binary not found: $PG_BINDIR/$b"
	done
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || missing "no postgres user to run the server as"
		need_tool setpriv
	fi
}

# _as_pg_exec CMD...: replace this (sub)shell by CMD run as the server's
# user, in $T, with a clean environment.  Used inside ( ... ) so that $! of a
# background ( _as_pg_exec postgres ... ) & is the postgres pid itself.
_as_pg_exec() {
	local envv=(env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 TZ=UTC
		${PG_OPENSSL_CONF:+OPENSSL_CONF=$PG_OPENSSL_CONF})
	cd "$T" || exit 99
	if [ "$(id -u)" = 0 ]; then
		exec setpriv --reuid=postgres --regid=postgres --init-groups \
			"${envv[@]}" HOME=/var/lib/postgresql "$@"
	fi
	exec "${envv[@]}" HOME="$HOME" "$@"
}

# as_pg CMD...: run CMD as the server's user and wait for it.
as_pg() {
	(_as_pg_exec "$@")
}

_pg_chown() {
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$@" || die "chown postgres $*"
	fi
}

# One initdb per test: later servers copy it (saves about a second each).
_pg_template() {
	local tpl="$T/pg-template"
	[ -f "$tpl/PG_VERSION" ] && return 0
	mkdir "$tpl" || die "mkdir $tpl"
	chmod 0700 "$tpl"
	_pg_chown "$tpl"
	if ! as_pg "$PG_BINDIR/initdb" -D "$tpl" -U postgres -A trust --no-sync \
		-E UTF8 --locale=C >"$T/initdb.log" 2>&1; then
		cat "$T/initdb.log" >&2
		die "initdb failed"
	fi
}

# pg_seclevel0: the servers started from now on run with OpenSSL's security
# level 0 (an OPENSSL_CONF for the server only), so that they load weak keys
# (RSA-1024) and sign with them; the clients keep the system's level.
pg_seclevel0() {
	cat >"$T/seclevel0.cnf" <<'EOF'
openssl_conf = pgtls_test
[pgtls_test]
ssl_conf = pgtls_ssl
[pgtls_ssl]
system_default = pgtls_system
[pgtls_system]
CipherString = DEFAULT:@SECLEVEL=0
EOF
	chmod 0644 "$T/seclevel0.cnf"
	export PG_OPENSSL_CONF=$T/seclevel0.cnf
}

_PG_LAST_PID=
_PG_LAST_NAME=

pg_start() {
	local name=$1
	shift
	local ssl=off cert='' key='' ca='' hba=() conf=() existing=0 dir port pid i ok
	while [ $# -gt 0 ]; do
		case $1 in
		--existing)
			existing=1
			shift
			continue
			;;
		--ssl) ssl=$2 ;;
		--cert) cert=$2 ;;
		--key) key=$2 ;;
		--ca) ca=$2 ;;
		--hba) hba+=("$2") ;;
		--conf) conf+=("$2") ;;
		*) die "pg_start: unknown option $1" ;;
		esac
		shift 2
	done
	need_pg
	dir="$T/$name"
	if [ $existing = 1 ]; then
		[ -f "$dir/PG_VERSION" ] || die "pg_start --existing: no data directory $dir"
	else
		[ ${#hba[@]} -gt 0 ] || hba=("host all all 127.0.0.1/32 trust")
		_pg_template
		[ -e "$dir" ] && die "pg_start: $dir exists"
		cp -a "$T/pg-template" "$dir" || die "copy template to $dir"
		printf '%s\n' "" "# tests/pg/pg.sh: the scenario's settings win" \
			"include 'scenario.conf'" >>"$dir/postgresql.conf"
	fi
	if [ ${#hba[@]} -gt 0 ]; then
		printf '%s\n' "# pg_hba.conf for scenario $name" "${hba[@]}" >"$dir/pg_hba.conf"
		_pg_chown "$dir/pg_hba.conf"
	fi

	for _ in 1 2 3; do
		port=$(free_port)
		{
			echo "# written by tests/pg/pg.sh for scenario $name"
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$dir'"
			echo "ssl = $ssl"
			[ -n "$cert" ] && echo "ssl_cert_file = '$cert'"
			[ -n "$key" ] && echo "ssl_key_file = '$key'"
			[ -n "$ca" ] && echo "ssl_ca_file = '$ca'"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
			echo "max_connections = 20"
			echo "shared_buffers = 16MB"
			echo "logging_collector = off"
			echo "log_connections = on"
			echo "log_disconnections = on"
			echo "log_line_prefix = '%m [%p] '"
			[ ${#conf[@]} -gt 0 ] && printf '%s\n' "${conf[@]}"
		} >"$dir/scenario.conf"
		_pg_chown "$dir/scenario.conf"

		: >"$dir/postgres.log"
		_pg_chown "$dir/postgres.log"
		(_as_pg_exec "$PG_BINDIR/postgres" -D "$dir") >>"$dir/postgres.log" 2>&1 &
		pid=$!
		register_pid "$pid"
		show_on_failure "$dir/postgres.log"

		ok=0
		for ((i = 0; i < PG_START_TIMEOUT * 10; i++)); do
			if ! pid_alive "$pid"; then
				break
			fi
			if "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 \
				-U postgres -d "dbname=postgres sslmode=disable" 2>/dev/null; then
				ok=1
				break
			fi
			sleep 0.1
		done
		[ $ok = 1 ] && break
		stop_pid "$pid" INT 5
		if grep -q 'could not bind\|could not create any TCP/IP sockets' "$dir/postgres.log"; then
			echo "# port $port was taken, retrying" >&2
			continue
		fi
		tail -n 30 "$dir/postgres.log" >&2
		die "postgres ($name) did not become ready in ${PG_START_TIMEOUT}s"
	done
	[ $ok = 1 ] || die "postgres ($name): no port could be bound"

	_PG_LAST_PID=$pid
	_PG_LAST_NAME=$name
	PGPORT_TEST=$port
	PGDATA_TEST=$dir
	PGPID_TEST=$pid
	PGLOG_TEST=$dir/postgres.log
	export PGPORT_TEST PGDATA_TEST PGPID_TEST PGLOG_TEST
	echo "# postgres $name: pid $pid, port $port, ssl $ssl"
}

pg_standby() {
	local dir="$T/$1"
	[ -n "$_PG_LAST_PID" ] || die "pg_standby: no server started"
	[ -x "$PG_BINDIR/pg_basebackup" ] || missing "PostgreSQL binary not found: $PG_BINDIR/pg_basebackup"
	[ -e "$dir" ] && die "pg_standby: $dir exists"
	mkdir "$dir" || die "mkdir $dir"
	chmod 0700 "$dir"
	_pg_chown "$dir"
	if ! as_pg "$PG_BINDIR/pg_basebackup" -h 127.0.0.1 -p "$PGPORT_TEST" -U postgres \
		-D "$dir" -R -X stream --no-sync >"$T/$1.basebackup.log" 2>&1; then
		cat "$T/$1.basebackup.log" >&2
		die "pg_basebackup of $_PG_LAST_NAME into $dir failed"
	fi
	echo "# $1: pg_basebackup -R of $_PG_LAST_NAME (port $PGPORT_TEST)"
}

pg_stop() {
	[ -n "$_PG_LAST_PID" ] || return 0
	# SIGINT is the fast shutdown: clients are disconnected, no waiting.
	stop_pid "$_PG_LAST_PID" INT 15
	if pid_alive "$_PG_LAST_PID"; then
		die "postgres ($_PG_LAST_NAME) pid $_PG_LAST_PID survived"
	fi
	echo "# postgres $_PG_LAST_NAME stopped"
	_PG_LAST_PID=
	_PG_LAST_NAME=
}
