#!/bin/bash
# The client-stack matrix beside the drivers themselves: for each
# certificate case a real PostgreSQL 15 serves the case's chain, each
# driver connects in each of its TLS modes that the matrix has a row for
# (node-postgres: sslmode=verify-ca by default parsing and with
# uselibpqcompat=true, sslmode=verify-full; pgjdbc: sslmode=verify-ca and
# verify-full with sslrootcert; asyncpg, pgx and lib/pq: the same two,
# pgx and lib/pq also sslmode=require with the root file; postgres.js:
# sslmode=verify-ca and verify-full in the URL, the ssl: {ca} option, and
# sslmode=require; pg8000 1.10: ssl=True; tokio-postgres with rustls 0.20:
# its WebPkiVerifier as verify-full, compared with the matrix's row for
# rustls 0.20, and a verify-ca stand-in that the matrix calls unknown), and
# its result must
# be the outcome of that row in pgtls-inspect --json on the same target:
# accepts when the driver connected (a login refused by the server after
# TLS would count as accepted), rejects when it failed with a certificate or
# TLS error. Any other failure of a driver fails the test; rows the tool
# calls unknown are reported, not compared. The drivers are small programs
# beside this script (each prints "ok" or "error: <message>"); pg and
# postgres come from scripts/setup-npm-drivers.sh, pgjdbc, asyncpg, pg8000,
# pgx v4 and lib/pq from Debian (scripts/setup-debian.sh --tests); the two Go
# programs are built once per run, offline, from Debian's sources in
# $GO_SRC_PATH (GOPATH mode, no module proxy) into the test's directory,
# the tokio-postgres client offline from Debian's crates by
# scripts/build-rust-driver.sh.
# Certificates are generated here (dates relative to now); the RSA-1024 leaf
# and the weak cases after it (a SHA-1-signed leaf, an RSA leaf whose
# keyUsage is keyEncipherment only, an RSA-1024 intermediate) run their
# server at OpenSSL security level 0 so that it loads them, while
# OpenSSL-based drivers judge at their own level. Prints "N of M rows agree"
# per driver and version.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")/../pg" && pwd)/common.sh"
need_pgi
HERE=$abs_top_srcdir/tests/clients
: "${PYTHON3:=/usr/bin/python3}"
: "${PGJDBC_JAR:=/usr/share/java/postgresql.jar}"
: "${GO:=go}"
: "${GO_SRC_PATH:=/usr/share/gocode}"

# ---- the drivers -----------------------------------------------------------
need_tool node java javac "$PYTHON3" "$GO"
NODE_MODULES=$("$abs_top_srcdir/scripts/setup-npm-drivers.sh" 2>"$T/npm.log") ||
	{ tail -n 20 "$T/npm.log" >&2; missing "node-postgres could not be installed (scripts/setup-npm-drivers.sh)"; }
[ -f "$PGJDBC_JAR" ] || missing "pgjdbc not found: $PGJDBC_JAR (apt-get install libpostgresql-jdbc-java)"
"$PYTHON3" -c 'import asyncpg' 2>/dev/null || missing "asyncpg not importable by $PYTHON3 (apt-get install python3-asyncpg)"
"$PYTHON3" -c 'import pg8000' 2>/dev/null || missing "pg8000 not importable by $PYTHON3 (apt-get install python3-pg8000)"
RUST_DRIVER=$("$abs_top_srcdir/scripts/build-rust-driver.sh" 2>"$T/cargo.log") ||
	{ tail -n 20 "$T/cargo.log" >&2; missing "the tokio-postgres client could not be built (scripts/build-rust-driver.sh)"; }
sed "s/^/# /" "$T/cargo.log"
mkdir "$T/java"
javac -d "$T/java" -cp "$PGJDBC_JAR" "$HERE/PgjdbcConnect.java" || die "javac PgjdbcConnect.java"
# deb_version PACKAGE: its upstream version (the Debian revision dropped)
deb_version() {
	local v
	v=$(dpkg-query -W -f '${Version}' "$1" 2>/dev/null) || v=unknown
	v=${v#*:}
	echo "${v%-*}"
}
# go_build OUT SOURCE [LDFLAGS]: GOPATH mode over Debian's sources only;
# Go's build cache (outside the tree), or one in $T when there is none
go_cache=$("$GO" env GOCACHE 2>/dev/null)
case $go_cache in /*) ;; *) go_cache=$T/go-cache ;; esac
go_build() {
	(cd "$T" && GO111MODULE=off GOPATH=$GO_SRC_PATH GOPROXY=off GOFLAGS='' GOCACHE=$go_cache \
		"$GO" build -ldflags "$3" -o "$1" "$2") >>"$T/go.log" 2>&1
}
show_on_failure "$T/go.log"
for p in github.com/jackc/pgx/v4 github.com/lib/pq; do
	[ -d "$GO_SRC_PATH/src/$p" ] || missing "$p not in $GO_SRC_PATH (apt-get install golang-github-jackc-pgx-v4-dev golang-github-lib-pq-dev)"
done
mkdir "$T/go"
go_build "$T/go/pgx-connect" "$HERE/pgx-connect.go" \
	"-X main.pgxVersion=$(deb_version golang-github-jackc-pgx-v4-dev) -X main.pgconnVersion=$(deb_version golang-github-jackc-pgconn-dev)" ||
	die "go build pgx-connect.go"
go_build "$T/go/pq-connect" "$HERE/pq-connect.go" "-X main.pqVersion=$(deb_version golang-github-lib-pq-dev)" ||
	die "go build pq-connect.go"

# driver_run DRIVER CONNINFO: the driver's one line for CONNINFO
driver_run() {
	local out
	case $1 in
	node-postgres) out=$(NODE_PATH=$NODE_MODULES timeout -k 5 30 node "$HERE/node-pg.js" "$2" 2>>"$T/driver.stderr") ;;
	pgjdbc) out=$(timeout -k 5 30 java -cp "$T/java:$PGJDBC_JAR" PgjdbcConnect "$2" 2>>"$T/driver.stderr") ;;
	asyncpg) out=$(timeout -k 5 30 "$PYTHON3" "$HERE/asyncpg-connect.py" "$2" 2>>"$T/driver.stderr") ;;
	pgx) out=$(timeout -k 5 30 "$T/go/pgx-connect" "$2" 2>>"$T/driver.stderr") ;;
	lib/pq) out=$(timeout -k 5 30 "$T/go/pq-connect" "$2" 2>>"$T/driver.stderr") ;;
	postgres.js) out=$(NODE_PATH=$NODE_MODULES timeout -k 5 30 node "$HERE/postgres-js.js" "$2" 2>>"$T/driver.stderr") ;;
	pg8000) out=$(timeout -k 5 30 "$PYTHON3" "$HERE/pg8000-connect.py" "$2" 2>>"$T/driver.stderr") ;;
	tokio-postgres) out=$(timeout -k 5 30 "$RUST_DRIVER" "$2" 2>>"$T/driver.stderr") ;;
	esac
	echo "${out:-error: (no output, status $?)}" | tail -n 1
}
show_on_failure "$T/driver.stderr"

declare -A VERSION AGREE COMPARED UNKNOWN
DRIVERS=(node-postgres pgjdbc asyncpg pgx lib/pq postgres.js pg8000 tokio-postgres)
for d in "${DRIVERS[@]}"; do
	VERSION[$d]=$(driver_run "$d" --version)
	AGREE[$d]=0 COMPARED[$d]=0 UNKNOWN[$d]=0
	echo "# $d: ${VERSION[$d]}"
done

# DRIVER|.clients[].client|.clients[].mode|the driver's conninfo keys
ROWS=(
	"node-postgres|node-postgres|sslmode=verify-ca (default parsing)|sslmode=verify-ca"
	"node-postgres|node-postgres|sslmode=verify-ca&uselibpqcompat=true|sslmode=verify-ca uselibpqcompat=true"
	"node-postgres|node-postgres|sslmode=verify-full|sslmode=verify-full"
	"pgjdbc|pgjdbc|sslmode=verify-ca (LibPQFactory)|sslmode=verify-ca"
	"pgjdbc|pgjdbc|sslmode=verify-full (LibPQFactory)|sslmode=verify-full"
	"asyncpg|asyncpg|sslmode=verify-ca|sslmode=verify-ca"
	"asyncpg|asyncpg|sslmode=verify-full|sslmode=verify-full"
	"pgx|pgx|sslmode=verify-ca|sslmode=verify-ca"
	"pgx|pgx|sslmode=verify-full|sslmode=verify-full"
	"pgx|pgx|sslmode=require|sslmode=require"
	"lib/pq|lib/pq|sslmode=verify-ca|sslmode=verify-ca"
	"lib/pq|lib/pq|sslmode=verify-full|sslmode=verify-full"
	"lib/pq|lib/pq|sslmode=require|sslmode=require"
	"postgres.js|postgres.js|sslmode=verify-ca (Node's default CAs)|sslmode=verify-ca"
	"postgres.js|postgres.js|sslmode=verify-full (Node's default CAs)|sslmode=verify-full"
	"postgres.js|postgres.js|ssl: {ca: sslrootcert}|ssl=ca"
	"postgres.js|postgres.js|sslmode=require/prefer/allow|sslmode=require"
	"pg8000|pg8000|ssl=True (pg8000 1.10.x)|sslmode=require"
	"tokio-postgres|rustls|tokio-postgres-rustls (no verify-ca)|sslmode=verify-ca"
	"tokio-postgres|rustls|tokio-postgres-rustls over rustls 0.20, WebPkiVerifier|sslmode=verify-full"
)

# outcome LINE: accepts, rejects (a certificate or TLS error) or other
outcome() {
	case $1 in
	ok) echo accepts ;;
	*'password authentication failed'* | *'no pg_hba.conf entry'* | *'does not exist'*'role'* | *'role "'*'" does not exist'*)
		echo accepts ;;
	*[Cc]ertificate* | *SSL* | *ssl* | *TLS* | *[Hh]ostname* | *altnames* | *PKIX* | *[Ss]elf[-\ ]signed* | \
		*issuer* | *expired* | *'key too small'* | *'too weak'* | *[Vv]erif* | *[Hh]andshake* | *x509*)
		echo rejects ;;
	*) echo other ;;
	esac
}

C=$T/certs
make_certs "$C"

# check NAME CHAIN KEY HOST HOSTADDR ROOT: serve CHAIN, then every row
# shellcheck disable=SC2016 # jq's variables, not the shell's
check() {
	local name=$1 chain=$2 key=$3 host=$4 addr=$5 root=$6 base row d client mode keys want rule line got
	pg_start "$name" --ssl on --cert "$chain" --key "$key"
	base="host=$host${addr:+ hostaddr=$addr} port=$PGPORT_TEST user=postgres dbname=postgres sslrootcert=$root"
	pgi_json "$T/$name.json" "$base sslmode=verify-full"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r d client mode keys <<<"$row"
		want=$("$JQ" -r --arg c "$client" --arg m "$mode" \
			'[.clients[] | select(.client == $c and .mode == $m)] | if length == 1 then .[0].outcome else "missing" end' \
			"$T/$name.json")
		rule=$("$JQ" -r --arg c "$client" --arg m "$mode" \
			'first(.clients[] | select(.client == $c and .mode == $m) | .rule) // ""' "$T/$name.json")
		line=$(driver_run "$d" "$base $keys")
		got=$(outcome "$line")
		case $want in
		unknown)
			UNKNOWN[$d]=$((UNKNOWN[$d] + 1))
			echo "# $name: $d $mode: the tool says unknown ($rule); the driver: $line"
			continue
			;;
		accepts | rejects) ;;
		*)
			fail "$name: no single .clients[] row for $client / $mode"
			continue
			;;
		esac
		COMPARED[$d]=$((COMPARED[$d] + 1))
		if [ "$got" = other ]; then
			fail "$name: $d $mode: the driver failed for a reason that is not TLS: $line"
		elif [ "$got" = "$want" ]; then
			AGREE[$d]=$((AGREE[$d] + 1))
			pass "$name: $d $mode: $want ($line)"
		else
			fail "$name: $d $mode: the tool says $want, the driver $got"
			printf '#   rule:   %s\n#   driver: %s\n' "$rule" "$line"
		fi
	done
	pg_stop
}

ROOT=$C/root.crt
# A good chain: SAN DNS:localhost IP:127.0.0.1 under the intermediate.
check good "$C/server.chain.pem" "$C/server.key" localhost "" "$ROOT"
# An IP host and a leaf whose only SAN is IP:127.0.0.1 (no name to fall
# back on: a driver that checked "localhost" instead would fail).
make_leaf "$C" ip-only 'cn = "pgtls ip"' 'ip_address = "127.0.0.1"'
check ip-san "$C/ip-only.chain.pem" "$C/ip-only.key" 127.0.0.1 "" "$ROOT"
# A CN-only leaf: CN=localhost, no SAN at all.
make_leaf "$C" cn-only 'cn = "localhost"'
check cn-only "$C/cn-only.chain.pem" "$C/cn-only.key" localhost "" "$ROOT"
# The wrong host name: the leaf names db.example.com only.
make_leaf "$C" wrong-host 'cn = "db.example.com"' 'dns_name = "db.example.com"'
check wrong-host "$C/wrong-host.chain.pem" "$C/wrong-host.key" localhost "" "$ROOT"
# A wildcard leaf, *.example.com, for a.example.com (reached by hostaddr).
make_leaf "$C" wildcard 'cn = "*.example.com"' 'dns_name = "*.example.com"'
check wildcard "$C/wildcard.chain.pem" "$C/wildcard.key" a.example.com 127.0.0.1 "$ROOT"
# An IP host and no iPAddress SAN (DNS:localhost, CN=localhost).
make_leaf "$C" dns-only 'cn = "localhost"' 'dns_name = "localhost"'
check ip-no-san "$C/dns-only.chain.pem" "$C/dns-only.key" 127.0.0.1 "" "$ROOT"
# The server sends its leaf alone: the intermediate is missing.
check leaf-only "$C/server.crt" "$C/server.key" localhost "" "$ROOT"
# The root file holds only the intermediate (a partial chain).
check int-root "$C/server.chain.pem" "$C/server.key" localhost "" "$C/intermediate.crt"
# The root file holds the leaf itself, which is not self-signed (a pinned
# certificate): Go's Verify takes a leaf that is in Roots as it is.
check leaf-pinned "$C/server.chain.pem" "$C/server.key" localhost "" "$C/server.crt"
# The root file holds an unrelated leaf only: no issuer for any of the chain.
check no-anchor "$C/server.chain.pem" "$C/server.key" localhost "" "$C/wrong-host.crt"
# A leaf whose only EKU is anyExtendedKeyUsage: OpenSSL refuses it for a
# server, Go's checkChainForKeyUsage takes it.
CERT_LEAF_EKU='key_purpose_oid = 2.5.29.37.0' make_leaf "$C" any-eku 'cn = "localhost"' \
	'dns_name = "localhost"' 'ip_address = "127.0.0.1"'
check any-eku "$C/any-eku.chain.pem" "$C/any-eku.key" localhost "" "$ROOT"
# A self-signed leaf that is its own root file (Go: Roots.contains).
check self-signed "$C/selfsigned.crt" "$C/selfsigned.key" localhost "" "$C/selfsigned.crt"
# A leaf that expired a month ago.
make_leaf "$C" expired 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' \
	"activation_date = \"$(date -u -d '-60 days' '+%Y-%m-%d %H:%M:%S') UTC\"" \
	"expiration_date = \"$(date -u -d '-30 days' '+%Y-%m-%d %H:%M:%S') UTC\""
check expired "$C/expired.chain.pem" "$C/expired.key" localhost "" "$ROOT"
# An RSA-1024 leaf, served at OpenSSL security level 0 (the server only).
CERT_KEY_TYPE=rsa CERT_KEY_BITS=1024 make_leaf "$C" rsa1024 'cn = "localhost"' 'dns_name = "localhost"' \
	'ip_address = "127.0.0.1"'
pg_seclevel0
check rsa1024 "$C/rsa1024.chain.pem" "$C/rsa1024.key" localhost "" "$ROOT"
# A leaf the intermediate signed with SHA-1 (OpenSSL 3.0 counts 63 bits:
# below level 1, while JDK PKIX takes it under a root-file anchor; Go >=
# 1.18 refuses it).
CERT_HASH=SHA1 make_leaf "$C" sha1 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"'
check sha1-leaf "$C/sha1.chain.pem" "$C/sha1.key" localhost "" "$ROOT"
# An RSA leaf whose keyUsage is keyEncipherment only (no digitalSignature):
# OpenSSL's sslserver purpose takes it, the TLS 1.3 handshake signs with it.
CERT_KEY_TYPE=rsa _signed "$C" kenc intermediate "$(printf '%s\n' 'cn = "localhost"' 'dns_name = "localhost"' \
	'ip_address = "127.0.0.1"' tls_www_server encryption_key "expiration_days = 3650")"
cat "$C/kenc.crt" "$C/intermediate.crt" >"$C/kenc.chain.pem"
chmod 0644 "$C/kenc.crt" "$C/kenc.chain.pem"
_server_key_owner "$C/kenc.key"
check kenc-leaf "$C/kenc.chain.pem" "$C/kenc.key" localhost "" "$ROOT"
# An RSA-1024 intermediate above an ECDSA leaf: CA key too small at level
# 2 (libpq, Python), taken at Node's level 1 and by JDK PKIX.
CERT_KEY_TYPE=rsa CERT_KEY_BITS=1024 _signed "$C" weak-ca root "$(_ca_template "pgtls weak CA")"
chmod 0644 "$C/weak-ca.crt"
_signed "$C" weak-ca-leaf weak-ca "$(printf '%s\n' 'cn = "localhost"' 'dns_name = "localhost"' \
	'ip_address = "127.0.0.1"' tls_www_server signing_key "expiration_days = 3650")"
cat "$C/weak-ca-leaf.crt" "$C/weak-ca.crt" >"$C/weak-ca-leaf.chain.pem"
chmod 0644 "$C/weak-ca-leaf.crt" "$C/weak-ca-leaf.chain.pem"
_server_key_owner "$C/weak-ca-leaf.key"
check weak-ca "$C/weak-ca-leaf.chain.pem" "$C/weak-ca-leaf.key" localhost "" "$ROOT"

total=0
for d in "${DRIVERS[@]}"; do
	echo "# ${VERSION[$d]}: ${AGREE[$d]} of ${COMPARED[$d]} rows agree (${UNKNOWN[$d]} unknown, not compared)"
	total=$((total + COMPARED[$d]))
	[ "${COMPARED[$d]}" -ge 10 ] || fail "$d: only ${COMPARED[$d]} rows were compared"
done
[ "$total" -ge 50 ] || fail "only $total rows were compared"
finish
