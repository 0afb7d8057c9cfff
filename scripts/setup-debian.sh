#!/bin/sh
# setup-debian.sh: install what pgtls-inspect needs on Debian 12 (bookworm),
# with apt-get as root (through sudo when not root).
#
#   ./scripts/setup-debian.sh           what building and running needs:
#                                       a compiler, autotools and the
#                                       libraries' development packages
#   ./scripts/setup-debian.sh --tests   that, and what the test suite needs:
#                                       PostgreSQL 15, tshark, Chromium,
#                                       Prometheus, the client drivers, the
#                                       Debian packaging tools, ...
#
# Neither starts a service or creates a database: services that packages
# would start on installation are held back (policy-rc.d), and PostgreSQL's
# packages are kept from creating their "main" cluster. The tests start
# their own servers on free ports of 127.0.0.1 and stop them.
set -eu
build="build-essential autoconf automake pkg-config
  libgnutls28-dev libssl-dev libjansson-dev libidn-dev libncurses-dev libreadline-dev
  libmicrohttpd-dev bash-completion"
tests="gnutls-bin openssl postgresql-15 postgresql-client-15 jq tmux procps iproute2
  ca-certificates curl time groff-base man-db tshark clang valgrind bison flex libxml2-utils chromium
  prometheus debhelper lintian fakeroot dpkg-dev git
  openjdk-17-jdk-headless libpostgresql-jdbc-java python3 python3-asyncpg python3-pg8000
  golang-go golang-github-jackc-pgx-v4-dev golang-github-lib-pq-dev
  cargo rustc librust-tokio-postgres-dev librust-tokio-rustls-dev librust-rustls-dev
  librust-rustls-pemfile-dev librust-tokio-dev"
# What the tests use, beyond the packages:
# - libxml2-utils (xmllint) checks the SVG and the HTML page; headless
#   Chromium renders the page (tests/cli/html-browser.sh).
# - tests/clients/drivers.sh also runs node-postgres and postgres.js: Node.js
#   and npm come with the machine, scripts/setup-npm-drivers.sh installs pg
#   and postgres from the npm registry on first use. pgx v4 and lib/pq are
#   Debian's Go sources in /usr/share/gocode, built offline (GOPATH mode).
#   The tokio-postgres + rustls client is built offline from the
#   librust-*-dev crates by scripts/build-rust-driver.sh.
# - psql 18 is built once from Debian's source package by
#   scripts/build-psql.sh into ~/.cache/pgtls-inspect.

packages=$build
case "${1:-}" in
--tests) packages="$build $tests" ;;
"") ;;
*)
	echo "usage: $0 [--tests]" >&2
	exit 2
	;;
esac

as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive

# Hold back services while installing (invoke-rc.d asks policy-rc.d; 101
# means "not allowed"), unless the machine already has a policy of its own.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' | $as_root tee $policy >/dev/null
	$as_root chmod 755 $policy
fi
conf=/etc/postgresql-common/createcluster.conf
saved=""
cleanup() {
	[ -z "$policy" ] || $as_root rm -f "$policy"
	if [ -n "$saved" ]; then
		$as_root cp "$saved" $conf
		rm -f "$saved"
	fi
}
trap cleanup EXIT
$as_root apt-get update -qq

# Keep postgresql-15 from creating (and starting) a "main" cluster: its
# postinst reads create_main_cluster from createcluster.conf, a file
# postgresql-common's own postinst writes (through ucf). So postgresql-common
# comes first; its file is then changed for the installation only and put
# back as it was afterwards.
if echo "$packages" | grep -q postgresql-15 && ! dpkg -s postgresql-15 >/dev/null 2>&1; then
	$as_root apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
	saved=$(mktemp)
	if [ -e $conf ]; then
		cp $conf "$saved"
	else
		# no file to restore: an empty one stands for it
		: >"$saved"
	fi
	$as_root mkdir -p /etc/postgresql-common
	$as_root sed -i '/^[[:space:]]*create_main_cluster/d' $conf 2>/dev/null || true
	echo "create_main_cluster = false" | $as_root tee -a $conf >/dev/null
fi

# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "setup-debian: installed $(echo $packages | wc -w) packages"
