#!/bin/bash
# doc/design.md's "Files, one job each" names every source file under src/
# (as NAME.c, NAME.h, or NAME.[ch] for a pair), and names no file that is
# gone: the list stays the map of the code.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
DOC=$abs_top_srcdir/doc/design.md
[ -r "$DOC" ] || die "cannot read $DOC"
# the list: the fenced block after the heading
sed -n '/^## Files, one job each/,/^## /p' "$DOC" | sed -n '/^```/,/^```/p' >"$T/list"
[ -s "$T/list" ] || die "no file list in $DOC"

missing=
n=0
while IFS= read -r f; do
	n=$((n + 1))
	b=$(basename "$f")
	stem=${b%.*}
	grep -qF -e "$b" -e "$stem.[ch]" "$T/list" || missing="$missing ${f#"$abs_top_srcdir"/}"
done < <(find "$abs_top_srcdir/src" -name '*.[ch]' | sort)
assert_eq "sources under src/ (at least 100)" "$([ "$n" -ge 100 ] && echo yes)" yes
assert_eq "doc/design.md lists every source file" "$missing" ""

# every NAME.c, NAME.h and NAME.[ch] the list names exists under src/
gone=
# (a name starts the line, or follows a space, a comma, a slash or a
# parenthesis: tests/fuzz/fuzz-x509.c is not x509.c)
for name in $(grep -oE '(^|[[:space:],/(])[A-Za-z0-9_]+(\.\[ch\]|\.[ch])' "$T/list" |
	sed 's/^[[:space:],\/(]//' | sort -u); do
	case $name in
	*'.[ch]') pat=${name%.\[ch\]}.[ch] ;;
	*) pat=$name ;;
	esac
	[ -n "$(find "$abs_top_srcdir/src" -name "$pat" | head -1)" ] || gone="$gone $name"
done
assert_eq "every file doc/design.md lists exists" "$gone" ""
finish
