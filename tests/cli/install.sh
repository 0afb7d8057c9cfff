#!/bin/bash
# `make install` under another --prefix: the installed program finds its
# data files (scenarios.json, providers.json) in $(pkgdatadir), which is
# compiled in at configure time, and the man page and bash completion land
# under the prefix. A fresh build of a copy of the source tree, configured
# with --prefix in the test's directory, installed, then the copy and its
# build are moved away so the program's second place to look (the source
# tree's data/) is gone: only the installed files can answer. Moved back,
# `make uninstall` must leave no file under the prefix.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_tool make cc timeout
src=$abs_top_srcdir
[ -x "$src/configure" ] || die "no configure in $src: run ./autogen.sh"

# Only what configure and `make install` read: in an in-tree build the
# source directory also holds config.status (configure refuses such a
# srcdir) and objects (VPATH would take them as built). tar keeps the
# times, so make does not run automake again.
mkdir "$T/src" "$T/build" "$T/p"
(
	cd "$src" &&
		tar -cf - configure configure.ac Makefile.am Makefile.in aclocal.m4 config.h.in \
			build-aux $(ls -d m4 2>/dev/null) data doc completion \
			$(find src -name '*.[ch]')
) | tar -C "$T/src" -xf - || die "copying the source tree failed"
# distcheck's source tree is read-only; the copy must be removable
chmod -R u+w "$T/src"

# The parent make's flags and jobserver are not this build's. bashcompdir
# under the prefix: by default it is bash-completion's own directory
# (pkg-config), outside any --prefix.
fresh() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$@"
}
rc=0
(cd "$T/build" && fresh "$T/src/configure" --prefix="$T/p" --disable-dependency-tracking \
	bashcompdir='${datadir}/bash-completion/completions' CFLAGS=-O0) >"$T/configure.log" 2>&1 || rc=$?
show_on_failure "$T/configure.log"
assert_eq "configure --prefix=\$T/p" "$rc" 0
rc=0
timeout 600 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$T/build" -j2 install >"$T/install.log" 2>&1 || rc=$?
show_on_failure "$T/install.log"
assert_eq "make install" "$rc" 0

for f in bin/pgtls-inspect share/pgtls-inspect/scenarios.json share/pgtls-inspect/providers.json \
	share/man/man1/pgtls-inspect.1 share/bash-completion/completions/pgtls-inspect; do
	if [ -f "$T/p/$f" ]; then pass "installed: \$prefix/$f"; else fail "installed: \$prefix/$f"; fi
done
assert_contains "the completion names the program" "$(cat "$T/p/share/bash-completion/completions/pgtls-inspect" 2>&1)" \
	"complete -F"

mv "$T/src" "$T/src.away" && mv "$T/build" "$T/build.away" || die "moving the tree away failed"
pgi=$T/p/bin/pgtls-inspect
unset PGTLS_INSPECT_DATADIR
rc=0
out=$(timeout 60 "$pgi" --demo healthy --report </dev/null 2>&1) || rc=$?
assert_eq "--demo healthy --report: exit status" "$rc" 0
assert_contains "the scenario's text, from scenarios.json" "$out" "what it teaches        The baseline."
assert_eq "no data file reported missing" "$(grep -c 'not found' <<<"$out")" 0
rc=0
out=$(timeout 60 "$pgi" --demo rds --report </dev/null 2>&1) || rc=$?
assert_eq "--demo rds --report: exit status" "$rc" 0
assert_contains "the provider, from providers.json" "$out" "recognised             Amazon RDS / Aurora"
# and the places it looked, when the data is gone
mv "$T/p/share/pgtls-inspect" "$T/data.away"
rc=0
out=$(timeout 60 "$pgi" --demo healthy --report </dev/null 2>&1) || rc=$?
assert_eq "without the installed data: exit status" "$rc" 2
assert_contains "the installed data directory is the first place looked" "$out" \
	"scenarios.json not found (looked in $T/p/share/pgtls-inspect and $T/src/data)"
mv "$T/data.away" "$T/p/share/pgtls-inspect"

mv "$T/src.away" "$T/src" && mv "$T/build.away" "$T/build" || die "moving the tree back failed"
rc=0
fresh make -C "$T/build" uninstall >"$T/uninstall.log" 2>&1 || rc=$?
show_on_failure "$T/uninstall.log"
assert_eq "make uninstall" "$rc" 0
assert_eq "no file left under the prefix" "$(find "$T/p" -type f | wc -l)" 0
finish
