#!/bin/bash
# The first screen of every demo scenario, live, at 80x24, 120x40 and
# 200x60, as a user sees it before pressing a key: the answer (the target's
# sslmode: its outcome, the root cause and, when it fails, the fix) under
# the header, all six modes on the verdict row, the failing step marked
# when the target's sslmode fails, and nothing wider than the terminal.
# The screens vary with ports and timings, so they are checked by content,
# not against stored screens. The count of scenarios whose 80x24 screen
# shows the answer and its fix is printed for the closing notes. A run may
# take long under the sanitizers (hostile-many-sans: 20,000 names), hence
# the generous timeout.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
export TERM=dumb LC_ALL=C.UTF-8 INPUTRC=/dev/null
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
unset NO_COLOR
mkdir -p "$T/out"

scenarios=$("$PGI" --demo list | awk 'NR > 0 && $1 ~ /^[a-z0-9-]+$/ { print $1 }')
[ -n "$scenarios" ] || die "--demo list gave no scenario"
answer_re='^(disable|allow|prefer|require|verify-ca|verify-full)( and [a-z-]+)? (connects?|fails?|cannot be told)'
n=0 readable=0
for s in $scenarios; do
	printf ':dump-screen %s-80\n<Resize 120x40>\n:dump-screen %s-120\n<Resize 200x60>\n:dump-screen %s-200\n' \
		"$s" "$s" "$s" >"$T/$s.keys"
	rc=0
	COLUMNS=80 LINES=24 PGTLS_INSPECT_SCRIPT=$T/$s.keys PGTLS_INSPECT_DUMPDIR=$T/out \
		timeout 300 "$PGI" --demo "$s" </dev/null >"$T/$s.stdout" 2>&1 || rc=$?
	assert_eq "$s: exit status" "$rc" 0
	n=$((n + 1))
	for size in 80 120 200; do
		f=$T/out/$s-$size.screen
		[ -f "$f" ] || { fail "$s at $size columns: no screen"; continue; }
		answer=$(grep -m1 -E "$answer_re" "$f")
		assert_contains "$s $size: the answer under the header" "$answer" " "
		# the answer comes before the panes and the verdict row
		a=$(grep -n -m1 -E "$answer_re" "$f" | cut -d: -f1)
		v=$(grep -n -m1 -E '^ ?(disable|dis) ' "$f" | cut -d: -f1)
		[ -n "$a" ] && [ -n "$v" ] && [ "$a" -lt "$v" ] && pass "$s $size: the answer first" ||
			fail "$s $size: the answer first (answer row ${a:-none}, verdict row ${v:-none})"
		assert_eq "$s $size: the six modes on the verdict row" \
			"$(grep -cE '^ ?(disable|dis) .*(verify-full|v-full)' "$f")" 1
		if grep -qE "^[a-z-]+( and [a-z-]+)? fails?:" "$f"; then
			assert_contains "$s $size: the fix" "$(cat "$f")" "Fix:"
		fi
		w=$(wc -L <"$f")
		[ "$w" -le "$size" ] && pass "$s $size: nothing wider than the screen" ||
			fail "$s $size: a line of $w columns"
	done
	f=$T/out/$s-80.screen
	if grep -qE "$answer_re" "$f" && { ! grep -qE "^[a-z-]+( and [a-z-]+)? fails?:" "$f" || grep -q "Fix:" "$f"; }; then
		readable=$((readable + 1))
	else
		echo "# $s: the 80x24 screen lacks the answer or its fix"
	fi
done
echo "# the answer and its fix readable at 80x24 without a key press: $readable of $n scenarios"
assert_eq "every scenario's first screen at 80x24 answers" "$readable" "$n"
finish
