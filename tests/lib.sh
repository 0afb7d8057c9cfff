# tests/lib.sh: shared helpers for the script tests (sourced, never run).
#
# Owns: assertions and the failure flag, the per-test temporary directory,
# tool checks (skip with 77 locally, fail under CI=true), free loopback ports,
# and the cleanup trap that kills every process a test registered, so nothing
# outlives a test even when it fails or is interrupted.  Knows nothing of
# PostgreSQL or certificates (tests/pg/pg.sh and tests/pg/certs.sh do).
#
# Conventions: a test prints "ok - ..." / "not ok - ..." lines, calls finish
# at the end, and exits 0 (pass), 1 (fail), 77 (skip) or 99 (hard error).
# KEEP_TMP=1 keeps the temporary directory for a post-mortem.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "tests/lib.sh: needs bash" >&2
	exit 99
fi

set -u

: "${abs_top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
: "${JQ:=jq}"
: "${CERTTOOL:=certtool}"
PGI="$abs_top_builddir/src/pgtls-inspect"
TEST_NAME=$(basename "$0" .sh)

# A test must see neither the caller's libpq environment nor ~/.postgresql:
# the tool applies PG* variables and home-directory defaults as libpq does.
# PG_* (PG_BINDIR, PG_START_TIMEOUT) are the harness's own knobs, not libpq's.
for _v in $(compgen -e); do
	case $_v in
	PG_*) ;;
	PG*) unset "$_v" ;;
	esac
done
unset _v
# nor the caller's key log file: the tool would append the tests' TLS
# secrets to it (tests/cli/pcap.sh sets its own)
unset SSLKEYLOGFILE
export LC_ALL="${LC_ALL:-C.UTF-8}" TZ=UTC

_failed=0
_pids=()
_show_on_failure=()

die() {
	echo "ERROR: $TEST_NAME: $*" >&2
	exit 99
}

skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

fail() {
	echo "not ok - $*"
	_failed=1
}

pass() {
	echo "ok - $*"
}

# A missing tool skips the test, except in CI, where .ci/run installs every
# tool and absence means the CI setup is broken.
missing() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $TEST_NAME: $* (CI=true: a missing tool is a failure)" >&2
		exit 1
	fi
	skip "$*"
}

need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing "required tool not found: $t"
	done
}

# demo_serve NAME: start the built-in scenario NAME's server (stopped by
# pid at the end) and set DEMO_CI to its conninfo (empty when it did not
# start; $T/NAME.serve holds what it printed).
demo_serve() {
	"$PGI" --demo-serve "$1" >"$T/$1.serve" 2>&1 &
	register_pid $!
	for _ in $(seq 50); do
		grep -q '^conninfo: ' "$T/$1.serve" && break
		sleep 0.1
	done
	DEMO_CI=$(sed -n 's/^conninfo: //p' "$T/$1.serve")
}

# exporter_start CONF [NAME]: start pgtls-inspect --exporter on a free port
# of 127.0.0.1 with configuration CONF (stopped by pid at the end) and set
# EXPORTER_PID and EXPORTER_PORT (empty when it did not start;
# $T/NAME.out and $T/NAME.err, NAME "exporter" by default, hold what it
# printed).
exporter_start() {
	local name=${2:-exporter}
	"$PGI" --exporter=127.0.0.1:0 --exporter-config "$1" >"$T/$name.out" 2>"$T/$name.err" &
	EXPORTER_PID=$!
	register_pid "$EXPORTER_PID"
	for _ in $(seq 50); do
		grep -q 'listening on' "$T/$name.out" && break
		sleep 0.1
	done
	EXPORTER_PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/$name.out")
}

# fakepg_start MODE: start tests/peer/fakepg in MODE (stopped by pid at
# the end) and set PORT to its port. Each start has a port file of its own,
# which fakepg writes atomically (rename): a previous fakepg's port is never
# read, nor half a line. It may take its time (sanitizers, a loaded
# machine): the wait ends when the port is there or fakepg has exited.
FAKEPG_STARTS=0
fakepg_start() {
	local fake=$abs_top_builddir/tests/peer/fakepg pid file
	[ -x "$fake" ] || die "fakepg not built: $fake"
	FAKEPG_STARTS=$((FAKEPG_STARTS + 1))
	file=$T/port.$FAKEPG_STARTS
	rm -f "$file"
	"$fake" "$1" 30 "$file" 2>"$T/fake.err" &
	pid=$!
	register_pid "$pid"
	for _ in $(seq 300); do
		[ -s "$file" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	PORT=$(cat "$file" 2>/dev/null)
	case $PORT in
	'' | *[!0-9]*) die "fakepg did not start: $(cat "$T/fake.err")" ;;
	esac
}

need_pgi() {
	[ -x "$PGI" ] || missing "pgtls-inspect binary not built: $PGI"
}

assert_eq() {
	local desc=$1 got=$2 want=$3
	if [ "$got" = "$want" ]; then
		pass "$desc"
	else
		fail "$desc"
		printf '#   got:  %s\n#   want: %s\n' "$got" "$want"
	fi
}

assert_contains() {
	local desc=$1 haystack=$2 needle=$3
	case $haystack in
	*"$needle"*) pass "$desc" ;;
	*)
		fail "$desc"
		printf '#   text:    %s\n#   lacks:   %s\n' "$haystack" "$needle"
		;;
	esac
}

# assert_jq FILE FILTER EXPECTED: jq -r -c FILTER on FILE must print EXPECTED
# exactly (compact JSON for arrays and objects, raw text for strings).
assert_jq() {
	local file=$1 filter=$2 want=$3 got
	got=$("$JQ" -r -c "$filter" "$file" 2>&1) || got="jq failed: $got"
	assert_eq "$(basename "$file"): $filter == $want" "$got" "$want"
}

# Files whose contents are printed when the test fails (logs, JSON).
show_on_failure() {
	_show_on_failure+=("$@")
}

register_pid() {
	_pids+=("$1")
}

# True when the process exists and is not a zombie.
pid_alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

# stop_pid PID [SIGNAL [SECONDS]]: signal, wait up to SECONDS, then SIGKILL.
stop_pid() {
	local pid=$1 sig=${2:-TERM} secs=${3:-10} i
	pid_alive "$pid" || return 0
	kill "-$sig" "$pid" 2>/dev/null
	for ((i = 0; i < secs * 10; i++)); do
		pid_alive "$pid" || break
		sleep 0.1
	done
	if pid_alive "$pid"; then
		echo "# pid $pid ignored SIG$sig for ${secs}s: SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null
		sleep 0.2
	fi
	wait "$pid" 2>/dev/null
	return 0
}

_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM HUP
	for p in "${_pids[@]}"; do
		stop_pid "$p" INT 10
	done
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		if [ "${KEEP_TMP:-}" = 1 ]; then
			echo "# kept $T"
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The per-test temporary directory.  0755 so that the postgres user can reach
# the data directories and certificates made inside it.
T=$(mktemp -d "${TMPDIR:-/tmp}/pgtls-$TEST_NAME.XXXXXX") || die "mktemp failed"
chmod 0755 "$T"
mkdir "$T/home"
# peers built once for every test (scripts/build-psql.sh) live under the
# real home, not the test's
export PGTLS_PSQL_CACHE=${PGTLS_PSQL_CACHE:-${HOME:-/root}/.cache/pgtls-inspect}
export HOME="$T/home"

# An unused TCP port on 127.0.0.1: nothing accepts a connection there and
# nothing listens there.  Another process may still take it before we bind,
# so callers that bind retry with a fresh port.
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
		if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			continue
		fi
		if command -v ss >/dev/null 2>&1 &&
			[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			continue
		fi
		echo "$p"
		return 0
	done
	die "no free TCP port found on 127.0.0.1"
}

finish() {
	local f
	if [ "$_failed" -ne 0 ]; then
		for f in "${_show_on_failure[@]}"; do
			[ -f "$f" ] || continue
			echo "# ---- $f (last 80 lines)"
			tail -n 80 "$f" | sed 's/^/# /'
		done
		echo "FAIL: $TEST_NAME"
		exit 1
	fi
	echo "PASS: $TEST_NAME"
	exit 0
}
