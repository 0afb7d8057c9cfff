#!/bin/bash
# setup-npm-drivers.sh: install the npm drivers that tests/clients/drivers.sh
# runs (node-postgres and postgres.js, pinned with their dependencies by
# tests/clients/package.json and package-lock.json) into a cache outside the
# tree ($PGTLS_PSQL_CACHE, default ~/.cache/pgtls-inspect), once per lock
# file; later calls reuse it. Prints the node_modules directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
lock=$here/tests/clients/package-lock.json
cache=${PGTLS_PSQL_CACHE:-${HOME:-/root}/.cache/pgtls-inspect}
key=$(cat "$here/tests/clients/package.json" "$lock" | sha256sum | cut -c1-12)
prefix=$cache/npm-$key
mkdir -p "$cache"
# one install at a time (tests run in parallel); the others wait and reuse it
exec 9>"$cache/npm.lock"
flock 9
if [ -f "$prefix/node_modules/pg/package.json" ] && [ -f "$prefix/node_modules/postgres/package.json" ]; then
	echo "$prefix/node_modules"
	exit 0
fi
command -v npm >/dev/null || { echo "setup-npm-drivers: npm not found" >&2; exit 1; }
rm -rf "$prefix"
mkdir -p "$prefix"
cp "$here/tests/clients/package.json" "$lock" "$prefix/"
(cd "$prefix" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
echo "setup-npm-drivers: pg $(jq -r .version "$prefix/node_modules/pg/package.json")," \
	"postgres $(jq -r .version "$prefix/node_modules/postgres/package.json") in $prefix" >&2
echo "$prefix/node_modules"
