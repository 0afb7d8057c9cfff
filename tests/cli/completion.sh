#!/bin/bash
# The bash completion (completion/pgtls-inspect.bash), driven as bash drives
# it: a non-interactive bash sources bash-completion and the script, sets
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as readline would for a
# command line, calls the completion function and prints COMPREPLY. The
# program it asks (--help, --demo list, --keywords) is the build tree's,
# found on PATH. Each case checks the candidates: long options, sslmodes,
# libpq versions, scenario names, files and directories, and libpq
# keywords and values in a key=value TARGET, bare or inside a quoted
# conninfo string.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || missing "bash-completion not installed: $BC (apt-get install bash-completion)"
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
export PATH=$abs_top_builddir/src:$PATH
assert_eq "pgtls-inspect on PATH is the build tree's" "$(command -v pgtls-inspect)" "$PGI"
bash -n "$abs_top_srcdir/completion/pgtls-inspect.bash" &&
	pass "the script parses" || fail "the script parses"

cat >"$T/driver.sh" <<'DRIVER'
# driver.sh SCRIPT LINE WORD...: complete LINE, split into WORDs (the last
# is the word under the cursor); COMPREPLY one a line, sorted, then the
# compopt options asked for on a line of their own, after "#compopt".
set +u
. /usr/share/bash-completion/bash_completion
. "$1"
compopts=
compopt() { local IFS=" "; compopts+=" $*"; }
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
shift 2
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_pgtls_inspect pgtls-inspect "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
echo "#compopt$compopts"
DRIVER

# comp LINE WORD...: the candidates for LINE, one a line, sorted (and
# $T/opts: the compopt options asked for)
comp() {
	local out
	out=$(cd "$T/files" && bash "$T/driver.sh" "$abs_top_srcdir/completion/pgtls-inspect.bash" "$@" 2>"$T/comp.err")
	sed -n 's/^#compopt//p' <<<"$out" >"$T/opts"
	sed '/^#compopt/d' <<<"$out"
}
show_on_failure "$T/comp.err"

mkdir -p "$T/files/crls"
: >"$T/files/root.crt"
: >"$T/files/rds.pem"

# every long option --help prints, and --login=any
want=$("$PGI" --help | grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u)
got=$(comp "pgtls-inspect --" pgtls-inspect --)
assert_eq "-- offers every option of --help" "$(grep -vx -- --login=any <<<"$got")" "$want"
assert_contains "-- offers --login=any" "$got" "--login=any"
assert_eq "--sslm" "$(comp "pgtls-inspect --sslm" pgtls-inspect --sslm)" "--sslmode"
assert_eq "--demo-s" "$(comp "pgtls-inspect --demo-s" pgtls-inspect --demo-s)" "--demo-serve"

# sslmodes, after --sslmode, --sslmode= and --check
modes=$'allow\ndisable\nprefer\nrequire\nverify-ca\nverify-full'
assert_eq "--sslmode: the six sslmodes" "$(comp "pgtls-inspect --sslmode " pgtls-inspect --sslmode "")" "$modes"
assert_eq "--sslmode v" "$(comp "pgtls-inspect --sslmode v" pgtls-inspect --sslmode v)" $'verify-ca\nverify-full'
assert_eq "--sslmode=pr" "$(comp "pgtls-inspect --sslmode=pr" pgtls-inspect --sslmode = pr)" "prefer"
assert_eq "--check: the six sslmodes" "$(comp "pgtls-inspect --check " pgtls-inspect --check "")" "$modes"
assert_eq "--libpq-version" "$(comp "pgtls-inspect --libpq-version " pgtls-inspect --libpq-version "")" $'15\n16\n17\n18'

# scenario names, as --demo list prints them
names=$("$PGI" --demo list | awk '{print $1}' | LC_ALL=C sort)
[ "$(wc -l <<<"$names")" -ge 10 ] && pass "--demo list names scenarios" || fail "--demo list names scenarios"
assert_eq "--demo-serve: every scenario" "$(comp "pgtls-inspect --demo-serve " pgtls-inspect --demo-serve "")" "$names"
assert_eq "--demo: every scenario and list" "$(comp "pgtls-inspect --demo " pgtls-inspect --demo "")" \
	"$(printf '%s\nlist\n' "$names" | LC_ALL=C sort)"
assert_eq "--demo wrong-" "$(comp "pgtls-inspect --demo wrong-" pgtls-inspect --demo wrong-)" \
	"$(grep '^wrong-' <<<"$names")"

# files, and directories only for --sslcrldir
for o in --sslrootcert --sslcert --sslkey --sslcrl --save-events --replay --pcap --svg --html --targets; do
	assert_eq "$o: a file" "$(comp "pgtls-inspect $o $T/files/ro" pgtls-inspect "$o" "$T/files/ro")" "$T/files/root.crt"
done
assert_eq "--sslrootcert: files in the directory" "$(comp "pgtls-inspect --sslrootcert r" pgtls-inspect --sslrootcert r)" \
	$'rds.pem\nroot.crt'
assert_eq "--sslcrldir: directories only" "$(comp "pgtls-inspect --sslcrldir $T/files/" pgtls-inspect --sslcrldir "$T/files/")" \
	"$T/files/crls"
assert_eq "--login=: any" "$(comp "pgtls-inspect --login=" pgtls-inspect --login =)" "any"
assert_eq "--login then a TARGET" "$(comp "pgtls-inspect --login sslm" pgtls-inspect --login sslm)" "sslmode="
assert_eq "--svg-scale" "$(comp "pgtls-inspect --svg-scale " pgtls-inspect --svg-scale "")" $'1\n2\n3\n4'
assert_eq "--port: no candidates" "$(comp "pgtls-inspect --port " pgtls-inspect --port "")" ""

# libpq keywords in a key=value TARGET ('=' breaks words: bash splits
# "sslmode=ver" into sslmode, =, ver and readline completes "ver")
kw=$("$PGI" --keywords | LC_ALL=C sort)
[ "$(wc -l <<<"$kw")" -ge 40 ] && pass "--keywords lists libpq's keywords" || fail "--keywords lists libpq's keywords"
assert_contains "--keywords has sslnegotiation" "$kw" "sslnegotiation"
assert_eq "a TARGET: every keyword, with =" "$(comp "pgtls-inspect " pgtls-inspect "")" "$(sed 's/$/=/' <<<"$kw")"
assert_eq "sslm" "$(comp "pgtls-inspect sslm" pgtls-inspect sslm)" "sslmode="
assert_contains "sslm: no space after =" "$(cat "$T/opts")" "nospace"
assert_eq "sslmode=: the six sslmodes" "$(comp "pgtls-inspect sslmode=" pgtls-inspect sslmode =)" "$modes"
assert_eq "sslmode=ver" "$(comp "pgtls-inspect sslmode=ver" pgtls-inspect sslmode = ver)" $'verify-ca\nverify-full'
assert_eq "sslnegotiation=" "$(comp "pgtls-inspect sslnegotiation=" pgtls-inspect sslnegotiation =)" $'direct\npostgres'
assert_eq "sslrootcert=: a file" "$(comp "pgtls-inspect sslrootcert=$T/files/ro" pgtls-inspect sslrootcert = "$T/files/ro")" \
	"$T/files/root.crt"
assert_eq "an unknown keyword: nothing" "$(comp "pgtls-inspect nonsense=" pgtls-inspect nonsense =)" ""
assert_eq "a URI: no keywords" "$(comp "pgtls-inspect postgresql://db/x?ssl" pgtls-inspect postgresql://db/x?ssl)" ""
# inside a quoted conninfo string readline completes from the quote on
# (blanks and '=' included), so the candidates carry what comes before
assert_eq '"host=db sslm' "$(comp 'pgtls-inspect "host=db sslm' pgtls-inspect '"host=db sslm')" "host=db sslmode="
assert_eq '"host=db sslmode=verify-' "$(comp 'pgtls-inspect "host=db sslmode=verify-' pgtls-inspect '"host=db sslmode=verify-')" \
	$'host=db sslmode=verify-ca\nhost=db sslmode=verify-full'
assert_eq "'sslmode=dis" "$(comp "pgtls-inspect 'sslmode=dis" pgtls-inspect "'sslmode=dis")" "sslmode=disable"
assert_eq "after an option's value, a TARGET" "$(comp "pgtls-inspect --port 5 gssenc" pgtls-inspect --port 5 gssenc)" "gssencmode="

# installed under the command's name, bash-completion loads it on demand
mkdir -p "$T/share/bash-completion/completions"
cp "$abs_top_srcdir/completion/pgtls-inspect.bash" "$T/share/bash-completion/completions/pgtls-inspect"
got=$(XDG_DATA_DIRS=$T/share BASH_COMPLETION_USER_DIR=$T/none bash -c \
	". $BC; __load_completion pgtls-inspect && complete -p pgtls-inspect" 2>&1)
assert_eq "loaded on demand as completions/pgtls-inspect" "$got" "complete -F _pgtls_inspect pgtls-inspect"
finish
