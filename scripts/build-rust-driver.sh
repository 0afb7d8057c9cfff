#!/bin/bash
# build-rust-driver.sh: build the tokio-postgres + rustls client that
# tests/clients/drivers.sh runs (tests/clients/rust-tokio-postgres) into a
# cache outside the tree ($PGTLS_PSQL_CACHE, default ~/.cache/pgtls-inspect),
# once per source and crate set; later calls reuse it. Offline, from Debian's
# packaged crates (/usr/share/cargo/registry: librust-tokio-postgres-dev,
# librust-tokio-rustls-dev, librust-rustls-pemfile-dev, librust-tokio-dev)
# with Debian's cargo and rustc (scripts/setup-debian.sh --tests installs them), never
# a network registry. Prints the binary's path.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=$here/tests/clients/rust-tokio-postgres
cache=${PGTLS_PSQL_CACHE:-${HOME:-/root}/.cache/pgtls-inspect}
cargo=${PGTLS_CARGO:-/usr/bin/cargo}
rustc=${PGTLS_RUSTC:-/usr/bin/rustc}
registry=/usr/share/cargo/registry
for t in "$cargo" "$rustc"; do
	[ -x "$t" ] || { echo "build-rust-driver: $t not found (apt-get install cargo rustc)" >&2; exit 1; }
done
[ -d "$registry" ] || { echo "build-rust-driver: no $registry (apt-get install librust-tokio-postgres-dev ...)" >&2; exit 1; }
mkdir -p "$cache"
# one build at a time (tests run in parallel); the others wait and reuse it
exec 9>"$cache/rust-driver.lock"
flock 9
# cargo's own files stay in the cache, away from any ~/.cargo
export CARGO_HOME=$cache/cargo-home RUSTC=$rustc CARGO_NET_OFFLINE=true
stage=$cache/rust-stage
rm -rf "$stage"
mkdir -p "$stage/src" "$stage/.cargo"
cp "$src/Cargo.toml" "$stage/"
cp "$src/src/main.rs" "$stage/src/"
cp "$src/.cargo/config.toml" "$stage/.cargo/"
# the crate versions are whatever the Debian registry holds: resolve them
(cd "$stage" && "$cargo" generate-lockfile --offline -q) ||
	{ echo "build-rust-driver: cargo could not resolve the crates offline from $registry" >&2; exit 1; }
key=$( (cd "$stage" && cat Cargo.toml src/main.rs .cargo/config.toml Cargo.lock && "$rustc" -V) | sha256sum | cut -c1-12)
prefix=$cache/rust-tokio-postgres-$key
bin=$prefix/pgtls-tokio-postgres
if [ -x "$bin" ]; then
	rm -rf "$stage"
	echo "$bin"
	exit 0
fi
# lockver CRATE: its version in Cargo.lock
lockver() {
	awk -v n="$1" '$1 == "name" && $3 == "\"" n "\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$prefix/Cargo.lock"
}
rm -rf "$prefix"
mv "$stage" "$prefix"
PGTLS_DRIVER_VERSIONS="tokio-postgres $(lockver tokio-postgres) + rustls $(lockver rustls) (tokio-rustls $(lockver tokio-rustls), webpki $(lockver webpki), $("$rustc" -V | cut -d' ' -f1-2))"
export PGTLS_DRIVER_VERSIONS
start=$(date +%s)
(cd "$prefix" && "$cargo" build --offline --locked -q >&2) ||
	{ echo "build-rust-driver: cargo build failed in $prefix" >&2; exit 1; }
# only the binary is kept: the build tree is some 400 MB
install -m 0755 "$prefix/target/debug/pgtls-tokio-postgres" "$bin"
rm -rf "$prefix/target"
echo "build-rust-driver: $PGTLS_DRIVER_VERSIONS built in $(($(date +%s) - start)) s in $prefix" >&2
echo "$bin"
