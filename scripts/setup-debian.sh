#!/bin/sh
# setup-debian.sh: install what pgtls-inspect needs to build and test on
# Debian 12 (bookworm). Runs apt-get as root, through sudo when not root.
set -eu
packages="build-essential autoconf automake pkg-config
  libgnutls28-dev libssl-dev libjansson-dev libidn-dev libncurses-dev libreadline-dev
  gnutls-bin openssl postgresql-15 postgresql-client-15 jq tmux procps iproute2 ca-certificates
  tshark bash-completion groff-base man-db
  clang valgrind time bison flex libxml2-utils chromium
  openjdk-17-jdk-headless libpostgresql-jdbc-java python3 python3-asyncpg python3-pg8000
  golang-go golang-github-jackc-pgx-v4-dev golang-github-lib-pq-dev
  cargo rustc librust-tokio-postgres-dev librust-tokio-rustls-dev librust-rustls-dev
  librust-rustls-pemfile-dev librust-tokio-dev"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
# bash-completion drives the completion's test (tests/cli/completion.sh);
# groff-base and man-db render the man page (tests/cli/manpage.sh).
# libxml2-utils (xmllint) checks the SVG and the HTML page
# (tests/cli/svg-html.sh); headless Chromium renders the page
# (tests/cli/html-browser.sh, scripts/bench-svg.sh).
# tests/clients/drivers.sh also runs node-postgres and postgres.js: Node.js
# and npm come with the machine, scripts/setup-npm-drivers.sh installs pg
# and postgres from the npm registry on first use. pgx v4 and lib/pq are
# Debian's Go sources in /usr/share/gocode, which the test builds against
# offline (GOPATH mode). Its tokio-postgres + rustls client is built offline
# from the librust-*-dev crates above by scripts/build-rust-driver.sh, with
# Debian's cargo and rustc (/usr/bin, whatever else is on PATH).
# Debian's postgresql package may start a cluster of its own; the tests
# start their own servers on free ports and never touch it.
echo "setup-debian: installed $(echo $packages | wc -w) packages"
