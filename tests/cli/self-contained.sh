#!/bin/bash
# The repository stands on its own: no file refers to notes kept outside
# it (the sibling directory of shared notes, its research files, its design
# document). Sources cite libpq's, OpenSSL's, GnuTLS's and the drivers'
# function names instead. The files checked are the tracked ones in a git
# checkout, else (a distribution, as make distcheck unpacks it) every file
# under the source directory.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
src=$abs_top_srcdir
[ -d "$src/src" ] || die "no source directory: $src"

# the patterns are built from pieces, so that this file does not match them
s=shared
patterns=("../$s" "$s/research" "DESIGN"".md")

if [ -e "$src/.git" ] && command -v git >/dev/null 2>&1 &&
	git -C "$src" ls-files --error-unmatch tests/cli/self-contained.sh >/dev/null 2>&1; then
	how="tracked files"
	(cd "$src" && git ls-files -z) >"$T/files"
else
	how="distributed files"
	(cd "$src" && find . -type f ! -path './autom4te.cache/*' -print0) >"$T/files"
fi
n=$(tr -cd '\0' <"$T/files" | wc -c)
assert_eq "some $how to check (at least 100)" "$([ "$n" -ge 100 ] && echo yes)" yes

# mentions DIR LIST PATTERN: the lines of LIST's files (NUL-separated,
# relative to DIR) that hold PATTERN as text; binary files (certificates,
# captures) are skipped
mentions() {
	(cd "$1" && xargs -0 grep -H -I -n -F -e "$3" -- <"$2" 2>/dev/null | head -20)
}

for p in "${patterns[@]}"; do
	assert_eq "no $how mention '$p'" "$(mentions "$src" "$T/files" "$p")" ""
done

# the check finds a mention (it would pass vacuously otherwise)
mkdir "$T/probe"
printf 'see %s for why\n' "${patterns[1]}" >"$T/probe/notes.md"
printf 'notes.md\0' >"$T/probe.list"
assert_contains "a mention is found" "$(mentions "$T/probe" "$T/probe.list" "${patterns[1]}")" \
	"notes.md:1:"
finish
