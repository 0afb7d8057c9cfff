#!/bin/bash
# doc/json.md is the JSON contract: every key the tool writes has a row
# there, and every row names a key the tool writes. Every demo scenario is
# inspected with --json (and one replayed with --replay), then a fleet (--targets --json) whose lines hold a
# host list (hosts[] entries), a string libpq refuses and a target the tool
# cannot read (the fleet's error line); the key paths of all of them are
# collected with jq and compared with the paths documented in the first
# column of doc/json.md's tables (its "How to read the tables" section
# gives the convention: [] an array's elements, * a key whose name varies,
# <shape> a shape written in several places).
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" timeout awk
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
DOC=$abs_top_srcdir/doc/json.md
[ -r "$DOC" ] || die "cannot read $DOC"

# Documented keys that no invocation below writes, each with its reason.
# A key here that the tool does write fails the test: drop it from the list.
declare -A UNSEEN=(
	['<connect>.failed[].ip']="an address refused before one answered: needs a host name with several addresses, one refusing; the tests connect to 127.0.0.1 only"
	['<connect>.failed[].error']="as <connect>.failed[].ip"
)

# ---- the documented paths: "PATH<TAB>SHAPE" a row (SHAPE empty unless
# the type column names one, as `<answer>`) ----
: >"$T/doc.tsv"
: >"$T/bad-rows"
while IFS= read -r line; do
	first=$(sed 's/^| *\([^|]*[^ |]\) *|.*/\1/' <<<"$line")
	type=$(sed 's/^|[^|]*| *\([^|]*\)|.*/\1/' <<<"$line")
	case $first in key | ---*) continue ;; esac
	# the first column: backticked paths, comma-separated, nothing else
	if ! grep -Eq '^`[^` ]+`(, `[^` ]+`)*$' <<<"$first"; then
		echo "$line" >>"$T/bad-rows"
		continue
	fi
	shape=$(grep -o '`<[a-z-]*>`' <<<"$type" | head -1 | tr -d '`')
	grep -o '`[^`]*`' <<<"$first" | tr -d '`' | while IFS= read -r p; do
		printf '%s\t%s\n' "$p" "$shape"
	done >>"$T/doc.tsv"
done < <(grep '^|' "$DOC")
assert_eq "every table row of doc/json.md starts with backticked key paths" \
	"$(cat "$T/bad-rows")" ""
cut -f1 "$T/doc.tsv" | sort >"$T/doc.all"
sort -u "$T/doc.all" >"$T/documented"
assert_eq "no key documented twice" "$(uniq -d "$T/doc.all")" ""
ndoc=$(wc -l <"$T/documented")
assert_eq "doc/json.md documents at least 150 keys" "$([ "$ndoc" -ge 150 ] && echo yes)" yes


# every key path of a JSON document, one a line, array indices as []
paths() {
	"$JQ" -r '[paths | map(if type == "number" then "[]" else . end) | join(".")] | unique[]' "$1" |
		sed 's/\.\[\]/[]/g'
}

# ---- every demo scenario ----
names=$("$PGI" --demo list | awk '{print $1}')
nscen=$(wc -w <<<"$names")
assert_eq "--demo list names at least 40 scenarios" "$([ "$nscen" -ge 40 ] && echo yes)" yes
: >"$T/written.raw"
MODES='["disable","allow","prefer","require","verify-ca","verify-full"]'
badmodes=
for name in $names; do
	rc=0
	timeout 60 "$PGI" --demo "$name" --json >"$T/$name.json" 2>"$T/$name.err" || rc=$?
	if [ "$rc" != 0 ] || ! "$JQ" -e .tool "$T/$name.json" >/dev/null 2>&1; then
		fail "$name: --json (exit $rc): $(head -c 300 "$T/$name.err")"
		continue
	fi
	paths "$T/$name.json" >>"$T/written.raw"
	[ "$("$JQ" -c '.modes | keys_unsorted' "$T/$name.json")" = "$MODES" ] || badmodes="$badmodes $name"
done
assert_eq "every scenario's modes are the six sslmodes" "$badmodes" ""

# a replayed log writes the same document
rc=0
timeout 60 "$PGI" --replay "$T/healthy.json" --json >"$T/replayed.json" 2>"$T/replayed.err" || rc=$?
assert_eq "--replay --json: exit status" "$rc" 0
paths "$T/replayed.json" >>"$T/written.raw"
assert_eq "a replay writes the keys the live run wrote" \
	"$(paths "$T/replayed.json" | sort -u)" "$(paths "$T/healthy.json" | sort -u)"

# ---- a fleet: a host list, a refused string, an unreadable target ----
demo_serve healthy
ci=$DEMO_CI
[ -n "$ci" ] || die "demo server did not start: $(cat "$T/healthy.serve")"
{
	echo "$ci host=db.example.com,db.example.com hostaddr=127.0.0.1,127.0.0.1"
	echo "nonsense=1"
	echo "host=/tmp"
} >"$T/targets"
rc=0
timeout 60 "$PGI" --json --jobs 3 --targets "$T/targets" >"$T/lines" 2>"$T/fleet.err" || rc=$?
assert_eq "fleet: exit status (one target unreadable)" "$rc" 2
assert_eq "fleet: one line a target" "$(wc -l <"$T/lines")" 3
show_on_failure "$T/fleet.err"
i=0
while IFS= read -r l; do
	i=$((i + 1))
	printf '%s\n' "$l" >"$T/line$i.json"
	if "$JQ" -e 'has("tool")' "$T/line$i.json" >/dev/null; then
		paths "$T/line$i.json" >>"$T/written.raw"
	else
		paths "$T/line$i.json" | sed 's/^/<fleet-error>./' >>"$T/written.raw"
	fi
done <"$T/lines"
assert_eq "fleet: the host list's second host is in hosts[]" \
	"$("$JQ" -s -c '[.[] | select(.hosts) | .hosts | length] | sort' "$T/lines")" "[0,1]"
assert_eq "fleet: a hosts[] entry holds the facts keys" \
	"$("$JQ" -s -c '[.[] | .hosts[]? | keys_unsorted] | unique' "$T/lines")" \
	'[["target","refused","events","server","tls","direct_tls","chain","trust"]]'
assert_eq "fleet: the refused string's document" \
	"$("$JQ" -s -r '.[] | select(.refused) | .refused' "$T/lines")" 'invalid connection option "nonsense"'
assert_eq "fleet: the unreadable target's line" \
	"$("$JQ" -s -c '.[] | select(has("tool") | not)' "$T/lines")" \
	'{"target_input":"host=/tmp","error":"Unix-domain sockets are not supported; give a TCP host"}'

# ---- the written paths, named as the doc names them ----
# hosts[].X is the document's X; a key under a * row is *; under a row
# whose type is a <shape>, the path goes on from the shape; an array's []
# is its row's
awk -F'\t' '
FNR == NR {
	doc[$1] = 1
	if ($2 != "") shape[$1] = $2
	i = index($1, ".*")
	if (i) wild[substr($1, 1, i - 1)] = 1
	next
}
{
	p = $0
	if (substr(p, 1, 8) == "hosts[].")
		p = substr(p, 9)
	for (w in wild)
		if (index(p, w ".") == 1) {
			rest = substr(p, length(w) + 2)
			match(rest, /^[^.[]+/)
			p = w ".*" substr(rest, RLENGTH + 1)
		}
	for (n = 0; n < 8 && !(p in doc); n++) {
		if (p ~ /\[\]$/ && (substr(p, 1, length(p) - 2) in doc)) {
			p = substr(p, 1, length(p) - 2)
			continue
		}
		best = ""
		for (s in shape)
			if (index(p, s ".") == 1 && length(s) > length(best))
				best = s
		if (best == "")
			break
		p = shape[best] "." substr(p, length(best) + 2)
	}
	print p
}' "$T/doc.tsv" "$T/written.raw" | sort -u >"$T/written"
nwritten=$(wc -l <"$T/written")

undocumented=$(comm -23 "$T/written" "$T/documented")
assert_eq "every key the tool writes is documented in doc/json.md" "$undocumented" ""
unwritten=
while IFS= read -r p; do
	[ -n "${UNSEEN[$p]+set}" ] || unwritten="$unwritten $p"
done < <(comm -13 "$T/written" "$T/documented")
assert_eq "every key doc/json.md documents is written by some invocation" "$unwritten" ""
for p in "${!UNSEEN[@]}"; do
	grep -qxF -- "$p" "$T/documented" || fail "the unseen list names $p, which doc/json.md does not document"
	if grep -qxF -- "$p" "$T/written"; then
		fail "$p is written now: drop it from the unseen list"
	fi
done
echo "# $nscen scenarios and a fleet of 3; $ndoc keys documented, $nwritten written, ${#UNSEEN[@]} documented and not written (listed)"
finish
