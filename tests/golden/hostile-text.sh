#!/bin/bash
# Server text is untrusted: a saved log whose strings carry terminal escapes
# (as a hostile server's ErrorResponse or a doctored file would) must come
# out of the text report and the JSON with every control character escaped.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ"
src=$abs_top_srcdir/tests/golden/ssl-off-scram.events.json
evil=$T/evil.events.json
"$JQ" '.server.plaintext_startup.message = "boom\u001b[2J\u0007 bell"
	| .server.plaintext_startup.detail = "c1 \u009b31m csi"
	| .events[0].summary = "title \u001b]0;pwned\u0007 set"
	| .events[0].kind = "Kind\u001b[1m"
	| .server.plaintext_startup.hint = "zw\u200bsp ls\u2028ps\u2029 bom\ufeff shy\u00ad wj\u2060"
	| .target.host = "evil\rhost"' "$src" >"$evil" || die "jq"

"$PGI" --replay "$evil" --report >"$T/report" 2>"$T/err"
assert_eq "replay --report exit status" "$?" 0
"$PGI" --replay "$evil" --json >"$T/json" 2>"$T/err"
assert_eq "replay --json exit status" "$?" 0

for out in report json; do
	if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/$out" ||
		LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$T/$out"; then
		fail "$out: raw control characters reached the output"
		LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$T/$out" | cat -v | head -5 | sed 's/^/# /'
	else
		pass "$out: no raw control characters"
	fi
done
assert_contains "report shows the escape escaped" "$(cat "$T/report")" 'boom\x1b[2J\x07 bell'
assert_contains "report shows the C1 CSI escaped" "$(cat "$T/report")" 'c1 \xc2\x9b31m csi'
assert_contains "report shows the OSC escaped" "$(cat "$T/report")" 'title \x1b]0;pwned\x07 set'
assert_contains "report shows the CR escaped" "$(cat "$T/report")" 'evil\rhost'
assert_jq "$T/json" '.server.plaintext_startup.message' 'boom\x1b[2J\x07 bell'
assert_jq "$T/json" '.events[0].kind' 'Kind\x1b[1m'
# invisible characters (zero-width space, line and paragraph separators,
# byte order mark, soft hyphen, word joiner) are escaped like controls
zw='zw\xe2\x80\x8bsp ls\xe2\x80\xa8ps\xe2\x80\xa9 bom\xef\xbb\xbf shy\xc2\xad wj\xe2\x81\xa0'
assert_contains "report shows invisible characters escaped" "$(cat "$T/report")" "$zw"
assert_jq "$T/json" '.server.plaintext_startup.hint' "$zw"
for out in report json; do
	if LC_ALL=C grep -q -e $'\xe2\x80\x8b' -e $'\xe2\x80\xa8' -e $'\xef\xbb\xbf' -e $'\xc2\xad' "$T/$out"; then
		fail "$out: an invisible character reached the output"
	else
		pass "$out: no invisible character"
	fi
done

# The interface's header names a replayed host and hostaddr escaped
"$JQ" '.target.host = "db.example.com" | .target.hostaddr = "10.0.0.1\u001b[31m\u200b"' "$evil" >"$T/addr.json"
mkdir -p "$T/screens"
printf ':dump-screen header\n' >"$T/keys"
rc=0
TERM=dumb LC_ALL=C.UTF-8 INPUTRC=/dev/null COLUMNS=120 LINES=40 PGTLS_INSPECT_SCRIPT=$T/keys \
	PGTLS_INSPECT_DUMPDIR=$T/screens timeout 60 "$PGI" --replay "$T/addr.json" \
	</dev/null >"$T/tui.out" 2>&1 || rc=$?
assert_eq "interface on the replay: exit status" "$rc" 0
assert_contains "interface header: hostaddr escaped" "$(head -1 "$T/screens/header.screen")" \
	' via 10.0.0.1\x1b[31m\xe2\x80\x8b'
if LC_ALL=C grep -q -e $'\x1b' -e $'\xe2\x80\x8b' "$T/screens/header.screen" "$T/tui.out"; then
	fail "interface: a raw escape or invisible character reached the terminal"
else
	pass "interface: nothing raw reached the terminal"
fi

# A problem in providers.json names the file's own text: escaped, one line
mkdir -p "$T/data"
printf '{"version": 1, "providers": [{"id": "x", "name": "X", "match": {"bad\\u001b[2Jkey\\u200b": "a"}}]}\n' \
	>"$T/data/providers.json"
PGTLS_INSPECT_DATADIR=$T/data "$PGI" --replay "$evil" --report >"$T/out" 2>"$T/err"
assert_eq "bad providers.json: the report is still written" "$?" 0
assert_contains "bad providers.json: its key escaped on stderr" "$(cat "$T/err")" 'bad\x1b[2Jkey\xe2\x80\x8b'
assert_eq "bad providers.json: one line" "$(wc -l <"$T/err")" 1
if LC_ALL=C grep -q -e $'\x1b' -e $'\xe2\x80\x8b' "$T/err"; then
	fail "bad providers.json: raw text on stderr"
else
	pass "bad providers.json: nothing raw on stderr"
fi

# A file that is not an event log: one line, exit 2, no crash.
echo '{"hello": 1}' >"$T/notlog.json"
"$PGI" --replay "$T/notlog.json" >"$T/out" 2>"$T/err"
assert_eq "not a log: exit status" "$?" 2
assert_eq "not a log: one line on stderr" "$(wc -l <"$T/err")" 1
printf '{"target": {}, "events": [' >"$T/trunc.json"
"$PGI" --replay "$T/trunc.json" >"$T/out" 2>"$T/err"
assert_eq "truncated log: exit status" "$?" 2
"$PGI" --replay "$T/missing.json" >"$T/out" 2>"$T/err"
assert_eq "missing file: exit status" "$?" 2
# a log naming a device as its root file must not hang the verdicts
"$JQ" '.target.sslrootcert = "/dev/zero" | .trust.chain_ok = null' \
	"$abs_top_srcdir/tests/golden/tls-chain-hostssl.events.json" >"$T/zero.json"
rc=0
timeout 20 "$PGI" --replay "$T/zero.json" --json >"$T/zero.out" 2>&1 || rc=$?
assert_eq "root file /dev/zero: finishes" "$rc" 0
assert_jq "$T/zero.out" '.modes["verify-ca"].error | contains("could not read root certificate file")' "true"
finish
