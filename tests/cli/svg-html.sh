#!/bin/bash
# --svg and --html: the ladder diagram and the page, for demo scenarios and
# replayed golden logs. The SVG must be well-formed XML (xmllint), with an
# arrow label for each message, a verdict box for each sslmode whose class
# is the JSON's outcome, the failing certificate and step marked, nothing
# external (no script, no link, no URL but the SVG namespace) and server
# text escaped: control characters visible as \xNN, markup characters as
# entities. The page is checked the same way (it is well-formed XML too).
# The browser's view of the page: tests/cli/html-browser.sh.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
need_tool "$JQ" xmllint timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data
G=$abs_top_srcdir/tests/golden

# xp FILE XPATH: the XPath's string value (elements matched by local name:
# the SVG's default namespace)
xp() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}
# label texts of the ladder, one a line
labels() {
	xmllint --xpath "//*[local-name()='text'][@class='label']" "$1" 2>/dev/null |
		sed 's/<[^>]*>/\n/g' | sed '/^$/d'
}

# nothing raw, nothing external, well-formed
common() {
	local name=$1 f
	for f in "$T/$name.svg" "$T/$name.html"; do
		if xmllint --noout "$f" 2>"$T/xmllint.err"; then
			pass "$(basename "$f"): well-formed XML"
		else
			fail "$(basename "$f"): well-formed XML"
			sed 's/^/#   /' "$T/xmllint.err" | head -5
		fi
		if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$f" || LC_ALL=C grep -q $'\xe2\x80\xae' "$f" ||
			LC_ALL=C grep -q $'\xc2\x9b' "$f"; then
			fail "$(basename "$f"): raw control characters or a bidi override"
		else
			pass "$(basename "$f"): nothing raw"
		fi
		if grep -qi '<script\|<link\|<iframe\|<img\|<object\|<embed\|href=\|src=\|url(\|@import' "$f"; then
			fail "$(basename "$f"): no script, link or reference"
		else
			pass "$(basename "$f"): no script, link or reference"
		fi
		# a URL may be text (a certificate's AIA in the hex dump), never
		# an attribute's value but the SVG namespace's
		local urls
		urls=$(grep -oE '[A-Za-z:-]+="[^"]*https?:[^"]*"' "$f" |
			grep -v '^xmlns="http://www.w3.org/2000/svg"$' || true)
		assert_eq "$(basename "$f"): no URL in an attribute but the SVG namespace" "$urls" ""
	done
	assert_eq "$name.svg: the SVG namespace and version" \
		"$(xp "$T/$name.svg" "concat(namespace-uri(/*), ' ', /*/@version, ' ', boolean(/*/@viewBox))")" \
		"http://www.w3.org/2000/svg 1.1 true"
	assert_eq "$name.svg: six verdict boxes" \
		"$(xp "$T/$name.svg" "count(//*[@id='verdicts']/*[local-name()='g'][starts-with(@class,'verdict ')])")" 6
	# each mode's box says the JSON's outcome, in its class and its words
	local m want
	for m in disable allow prefer require verify-ca verify-full; do
		want=$("$JQ" -r --arg m "$m" '.modes[$m].outcome' "$T/$name.json")
		assert_eq "$name.svg: $m's box is $want" \
			"$(xp "$T/$name.svg" "string(//*[@id='verdict-$m']/@class)")" "verdict $want"
		case $want in
		encrypted) words='connects, encrypted' ;;
		plaintext) words='connects, NOT encrypted' ;;
		*) words=$want ;;
		esac
		assert_contains "$name.svg: $m's words" \
			"$(xp "$T/$name.svg" "string(//*[@id='verdict-$m']/*[@class='outcome'])")" "$words"
		assert_eq "$name.html: $m's row is $want" \
			"$(xp "$T/$name.html" "string(//*[@id='mode-$m']/*[2]/@class)")" "$want"
	done
	# every message of the log has its arrow (elided runs and the
	# certificates' notes aside): as many arrows as sent and received
	# events, up to the runs the ladder shortens
	local arrows events
	arrows=$(xp "$T/$name.svg" "count(//*[local-name()='g'][@class='msg send' or @class='msg recv' or @class='msg send fails' or @class='msg recv fails'])")
	events=$("$JQ" '[.events[] | select(.probe != "setup" and .dir != "note")] | length' "$T/$name.json")
	if [ "$events" -le 40 ]; then
		assert_eq "$name.svg: an arrow a message" "$arrows" "$events"
	else
		assert_eq "$name.svg: arrows, some runs shortened" "$([ "$arrows" -ge 10 ] && [ "$arrows" -le "$events" ] && echo yes)" yes
	fi
	# the page holds the answer, the ladder, the findings and the events
	local first
	first=$(head -1 "$T/$name.answer")
	assert_eq "$name.html: the answer first" \
		"$(xp "$T/$name.2.html" "string((//*[local-name()='p'][starts-with(@class,'answer')])[1])")" "$first"
	# the SVG's first line of it, wrapped: how the answer begins
	local svgfirst
	svgfirst=$(xp "$T/$name.2.svg" "string((//*[@class='summary'])[1])")
	case $first in
	"$svgfirst"*) [ -n "$svgfirst" ] && pass "$name.svg: the answer first" ||
		fail "$name.svg: the answer first (none)" ;;
	*) fail "$name.svg: the answer first"
		printf '#   got:  %s\n#   want the start of: %s\n' "$svgfirst" "$first" ;;
	esac
	assert_eq "$name.html: an inline SVG for the ladder and one for the chain" \
		"$(xp "$T/$name.html" "count(//*[local-name()='section']/*[local-name()='svg'])")" 2
	assert_eq "$name.html: every id once" \
		"$(grep -o ' id="[^"]*"' "$T/$name.html" | sort | uniq -d | tr '\n' ' ')" ""
	assert_eq "$name.html: the raw events, collapsed" \
		"$(xp "$T/$name.html" "count(//*[@id='events']/*[local-name()='details'])")" 1
}

# run NAME ARGS...: the JSON on stdout, the SVG and the page beside it
run() {
	local name=$1 rc=0
	shift
	timeout 60 "$PGI" "$@" --json --svg "$T/$name.svg" --html "$T/$name.html" \
		>"$T/$name.json" 2>"$T/$name.err" || rc=$?
	assert_eq "$name: exit status" "$rc" 0
	# --svg and --html alone: the answer on stdout (a run of its own: a
	# demo's paths differ from one run to the next)
	timeout 60 "$PGI" "$@" --svg "$T/$name.2.svg" --html "$T/$name.2.html" \
		>"$T/$name.answer" 2>>"$T/$name.err"
	show_on_failure "$T/$name.err"
}

for s in healthy missing-intermediate ssl-off wrong-host direct-tls hostile-escapes hostile-names \
	hostile-long-chain hostile-notice-flood; do
	run "$s" --demo "$s"
	common "$s"
done

# what each scenario shows
assert_contains "healthy: the messages' labels" "$(labels "$T/healthy.svg" | tr '\n' ' ')" \
	"SSLRequest"
for l in "'S'" ClientHello ServerHello StartupMessage AuthenticationSASL; do
	assert_contains "healthy: an arrow labelled $l" "$(labels "$T/healthy.svg" | tr '\n' ' ')" "$l"
done
assert_eq "healthy: the encrypted part shaded" \
	"$(xp "$T/healthy.svg" "count(//*[@id='probe-tls']//*[@class='encrypted'])")" 1
assert_eq "healthy: the probes, stacked" \
	"$(xp "$T/healthy.svg" "count(//*[@class='probe'])")" 2
assert_eq "healthy: nothing fails" "$(xp "$T/healthy.svg" "count(//*[@class='failmark'])")" 0
assert_eq "missing-intermediate: the refused certificate marked" \
	"$(xp "$T/missing-intermediate.svg" "count(//*[@id='chain']//*[@class='cert refused'])")" 1
assert_contains "missing-intermediate: the failing step marked" \
	"$(xp "$T/missing-intermediate.svg" "string(//*[@class='failmark'])")" "verify-ca"
assert_contains "missing-intermediate: verify-full fails at the certificate" \
	"$(xp "$T/missing-intermediate.svg" "string(//*[@id='verdict-verify-full']/*[@class='where'])")" \
	"at Certificate (TLS probe)"
assert_contains "ssl-off: the 'N' reply" "$(labels "$T/ssl-off.svg" | tr '\n' ' ')" "'N'"
assert_eq "ssl-off: no encrypted part" "$(xp "$T/ssl-off.svg" "count(//*[@class='encrypted'])")" 0
assert_eq "direct-tls: the direct probe's ladder" \
	"$(xp "$T/direct-tls.svg" "count(//*[@id='probe-direct'])")" 1
assert_contains "hostile-escapes: the escape shown escaped in a label" \
	"$(labels "$T/hostile-escapes.svg" | tr '\n' ' ')" '\x1b[2J'
assert_contains "hostile-escapes: the bidi override shown escaped" \
	"$(labels "$T/hostile-escapes.svg" | tr '\n' ' ')" '\xe2\x80\xae'
assert_contains "hostile-escapes: escaped in the page" "$(cat "$T/hostile-escapes.html")" '\x1b[2J'
assert_contains "hostile-names: the CN's escape in the chain" \
	"$(xp "$T/hostile-names.svg" "string(//*[@id='chain'])")" '\x1b[2J'
assert_eq "hostile-long-chain: the chain shortened to at most nine boxes" \
	"$(xp "$T/hostile-long-chain.svg" "count(//*[@id='chain']//*[starts-with(@class,'cert')]) <= 9")" true
assert_contains "hostile-long-chain: the certificates left out said" \
	"$(xp "$T/hostile-long-chain.svg" "string(//*[@id='chain']//*[@class='elided'])")" "more certificates"

assert_eq "hostile-notice-flood: the flood shortened" \
	"$(xp "$T/hostile-notice-flood.svg" "count(//*[@class='elided']) >= 1")" true

# replayed golden logs
for f in "$G"/*.events.json; do
	name=golden-$(basename "$f" .events.json)
	run "$name" --replay "$f"
	common "$name"
done

# markup from the server and from the user: entities, never markup
"$JQ" '.events |= map(if .kind == "ErrorResponse" then .summary += " <script>alert(1)</script> & \"q\" '"'"'a'"'"' ]]>" else . end)' \
	"$G/tls-chain-hostssl.events.json" >"$T/markup.events.json"
run markup --replay "$T/markup.events.json" --host '<b>&db'
common markup
assert_contains "markup: the server's text escaped in the SVG" "$(cat "$T/markup.svg")" \
	'&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39; ]]&gt;'
assert_contains "markup: the server's text escaped in the page" "$(cat "$T/markup.html")" \
	'&lt;script&gt;alert(1)&lt;/script&gt;'
assert_contains "markup: the user's host escaped in the title" \
	"$(xp "$T/markup.svg" "string(/*/*[local-name()='title'])")" '<b>&db'
assert_contains "markup: the label reads as the server wrote it" \
	"$(xp "$T/markup.svg" "string(//*[starts-with(@class,'msg recv')][contains(., 'ErrorResponse')]/*[local-name()='title'])")" \
	"<script>alert(1)</script> & \"q\" 'a' ]]>"

# --svg-scale: everything times N
"$PGI" --replay "$G/tls-chain-hostssl.events.json" --svg "$T/s1.svg" >/dev/null
"$PGI" --replay "$G/tls-chain-hostssl.events.json" --svg "$T/s3.svg" --svg-scale 3 >/dev/null
w1=$(xp "$T/s1.svg" "string(/*/@width)")
w3=$(xp "$T/s3.svg" "string(/*/@width)")
assert_eq "--svg-scale 3: three times as wide ($w1, $w3)" "$((w1 * 3))" "$w3"
assert_eq "--svg-scale 3: the drawing scaled" "$(xp "$T/s3.svg" "string(/*/*[local-name()='g']/@transform)")" "scale(3)"

# usage errors, found before any network traffic
rc=0; "$PGI" --svg "$T/x.svg" --svg-scale 9 127.0.0.1:1 >/dev/null 2>"$T/e" || rc=$?
assert_eq "--svg-scale 9: usage error" "$rc" 2
rc=0; "$PGI" --svg-scale 2 --report 127.0.0.1:1 >/dev/null 2>"$T/e" || rc=$?
assert_eq "--svg-scale without --svg: usage error" "$rc" 2
rc=0; "$PGI" --svg "$T/no/such/dir/x.svg" --timeout 1 127.0.0.1:1 >/dev/null 2>"$T/e" || rc=$?
assert_eq "--svg into a missing directory: usage error" "$rc" 2
assert_contains "--svg into a missing directory: said" "$(cat "$T/e")" "cannot write"
rc=0; "$PGI" --html "$T/x.html" a b >/dev/null 2>"$T/e" || rc=$?
assert_eq "--html with several targets: usage error" "$rc" 2
finish
