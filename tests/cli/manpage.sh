#!/bin/bash
# The man page (doc/pgtls-inspect.1) against the program:
#  - every long option --help prints has an entry of its own (a tag of a
#    .TP or .TQ paragraph that names it);
#  - every key of the interface's ? table (drawn by the program, over a
#    replayed log) is a tag of the Keys section, and every command of the
#    command table (src/tui/commands.c: the keys' named commands and those
#    only the ':' line takes) and every ':' command the ? table names is in
#    bold in THE INTERFACE;
#  - it renders without a warning (groff -ww, and man -l when present).
# The page is rendered with groff, bold kept as overstrike, to read what a
# reader sees.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool groff perl timeout
# keys such as ? and [ are words here, never patterns
set -f
MAN=$abs_top_srcdir/doc/pgtls-inspect.1
CMDS=$abs_top_srcdir/src/tui/commands.c

# assert_all_in DESC FILE WORD...: every WORD is a line of FILE
assert_all_in() {
	local desc=$1 file=$2 w missing=
	shift 2
	for w in "$@"; do
		grep -qxF -- "$w" "$file" || missing+=" $w"
	done
	assert_eq "$desc" "${missing# }" ""
}

# ---- options: every --help option is a tag ----
# the tags: the line after .TP/.TQ, \- read as -
perl -ne 'print if $tag; $tag = /^\.(TP|TQ)\b/' "$MAN" | sed 's/\\-/-/g' >"$T/tags"
opts=$("$PGI" --help | grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u)
[ "$(wc -l <<<"$opts")" -ge 30 ] && pass "--help lists the options" || fail "--help lists the options"
missing_opts=
for o in $opts; do
	grep -qE -- "^\.B[IR]? +\"?$o([^a-z0-9-]|$)" "$T/tags" || missing_opts+=" $o"
done
assert_eq "every --help option has an entry in the man page" "${missing_opts# }" ""

# ---- the interface ----
# the page as a reader sees it: bold runs between \001 and \002
groff -man -Tutf8 -P-c -rLL=200n "$MAN" 2>/dev/null |
	perl -CS -pe 's/(.)\x08\1/\x01$1\x02/g; s/\x02\x01//g; s/_\x08(.)//g; s/.\x08//g' >"$T/page"
# the Keys section's tags: the bold words that start a tag line
perl -CS -ne '($h = $_) =~ s/[\x01\x02]//g; $k = 1 if $h =~ /^   Keys$/;
	$k = 0 if $h =~ /^   Mouse$/; next unless $k && /^ {7}\x01/;
	while (s/^[ ,]*\x01([^\x02]*)\x02//) { print "$1\n" }' "$T/page" | LC_ALL=C sort -u >"$T/key-tags"
[ -s "$T/key-tags" ] && pass "the man page has a Keys section" || fail "the man page has a Keys section"
# THE INTERFACE's bold words (a ':' before a command dropped)
perl -CS -ne '($h = $_) =~ s/[\x01\x02]//g; $i = 1 if $h =~ /^THE INTERFACE$/;
	$i = 0 if $h =~ /^KEY LOG FILE$/; next unless $i; while (/\x01:?([^\x02 ]*)/g) { print "$1\n" }' "$T/page" | LC_ALL=C sort -u >"$T/bold"

# the ? table, as the program draws it on a wide in-memory screen
printf '?\n:dump-screen help\n' >"$T/help.keys"
mkdir -p "$T/out"
rc=0
TERM=dumb LINES=70 COLUMNS=200 INPUTRC=/dev/null PGTLS_INSPECT_SCRIPT=$T/help.keys PGTLS_INSPECT_DUMPDIR=$T/out \
	timeout 30 "$PGI" --replay "$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json" </dev/null >/dev/null 2>&1 || rc=$?
assert_eq "the ? table: exit status" "$rc" 0
show_on_failure "$T/out/help.screen"
# its rows: "   KEYS     NAME  help", from the title to the ':' lines
awk '/^  Keys/ { k = 1; next } /^   :/ { k = 0 } k { print substr($0, 4, 8) }' "$T/out/help.screen" >"$T/help-keys"
[ "$(wc -l <"$T/help-keys")" -ge 20 ] && pass "the ? table lists the keys" || fail "the ? table lists the keys"
assert_all_in "every key of the ? table is a tag of the man page's Keys" "$T/key-tags" $(cat "$T/help-keys")

# the commands: the table's names, those only the ':' line takes (not the
# tests' own), and the ':' words of the ? table
{
	sed -n '/^const struct tui_command tui_commands\[\] = {/,/^};/p' "$CMDS" |
		sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p'
	sed -n '/^} line_commands\[\] = {/,/^};/p' "$CMDS" |
		sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", false,.*/\1/p'
	grep -oE '(^| ):[a-z][a-z-]*' "$T/out/help.screen" | sed 's/^ *://'
} | LC_ALL=C sort -u >"$T/commands"
[ "$(wc -l <"$T/commands")" -ge 30 ] && pass "the command table read" || fail "the command table read"
assert_all_in "every command is in bold in THE INTERFACE" "$T/bold" $(cat "$T/commands")

# the keys :set takes, as the ? table lists them, in bold too
keys=$(sed -n '/:set KEY VALUE (/,/)/p' "$T/out/help.screen" | tr '\n' ' ' |
	sed 's/.*:set KEY VALUE (\([^)]*\)).*/\1/')
[ "$(wc -w <<<"$keys")" -ge 10 ] && pass "the ? table lists the keys of set" || fail "the ? table lists the keys of set"
assert_all_in "every key of set is in bold in THE INTERFACE" "$T/bold" $keys

# ---- it renders without a warning ----
groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.err" 2>&1
assert_eq "groff -ww: no warning" "$(cat "$T/groff.err")" ""
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings=w -l "$MAN" >"$T/man.out" 2>"$T/man.err"
	assert_eq "man -l: no warning" "$(cat "$T/man.err")" ""
	assert_contains "man -l renders the page" "$(cat "$T/man.out")" "pgtls-inspect"
fi
# the checks above can fail: a page with a macro groff does not know
{ cat "$MAN"; echo ".XX not a macro"; } >"$T/bad.1"
groff -man -Tutf8 -ww -z "$T/bad.1" >"$T/bad.err" 2>&1
[ -s "$T/bad.err" ] && pass "groff -ww reports a bad page" || fail "groff -ww reports a bad page"
finish
