#!/bin/bash
# build-psql.sh MAJOR: build libpq and psql of PostgreSQL MAJOR (16, 17, 18)
# from Debian's source package, --with-openssl, into a cache outside the
# tree ($PGTLS_PSQL_CACHE, default ~/.cache/pgtls-inspect), once; later
# calls reuse it. Prints the path of that psql. Debian 12 ships only 15:
# the source comes from Debian unstable through a deb-src entry this script
# adds (as root, or through sudo) when apt cannot find the package.
set -euo pipefail
major=${1:?usage: build-psql.sh MAJOR}
# run from `make check`, the outer make's jobserver and flags must not leak
# into PostgreSQL's own build (its generated headers come out of order)
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS
cache=${PGTLS_PSQL_CACHE:-${HOME:-/root}/.cache/pgtls-inspect}
prefix=$cache/psql-$major
mkdir -p "$cache"
# one build at a time (tests run in parallel); the others wait and reuse it
exec 9>"$cache/psql-$major.lock"
flock 9
if [ -x "$prefix/bin/psql" ]; then
	echo "$prefix/bin/psql"
	exit 0
fi
rm -rf "$prefix"
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgtls-psql$major.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get source -qq --download-only "postgresql-$major" >/dev/null 2>&1; then
	src=/etc/apt/sources.list.d/pgtls-inspect-src.sources
	printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: sid" \
		"Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
		$as_root tee "$src" >/dev/null
	$as_root apt-get update -qq >/dev/null
	apt-get source -qq --download-only "postgresql-$major" >/dev/null
fi
tar xf postgresql-"$major"_*.orig.tar.* 
cd postgresql-"$major"*/
# libpq and psql only: no server, no ICU, no zlib (none of them touches TLS)
./configure -q --prefix="$prefix" --with-openssl --without-icu --without-zlib \
	--without-readline >/dev/null
make -s -C src/backend generated-headers >/dev/null
make -s -j"$(nproc)" -C src/interfaces/libpq >/dev/null
make -s -j"$(nproc)" -C src/bin/psql >/dev/null
make -s -C src/interfaces/libpq install >/dev/null
make -s -C src/bin/psql install >/dev/null
"$prefix/bin/psql" --version >&2
echo "$prefix/bin/psql"
