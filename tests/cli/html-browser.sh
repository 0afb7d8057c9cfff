#!/bin/bash
# --html in a real browser: headless Chromium renders the page of a few
# demo scenarios to PNG with its console logged, and dumps the DOM it
# built. The page must render (a PNG of the window's size), log nothing to
# the console (no error, no blocked request: it has no script and fetches
# nothing), and its DOM must hold the answer line, the ladder's
# ClientHello, the verdict words and every sslmode. CHROMIUM=/path picks
# another binary. Skips without Chromium, except in CI.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
need_pgi
: "${CHROMIUM:=chromium}"
need_tool "$CHROMIUM" timeout
export PGTLS_INSPECT_DATADIR=$abs_top_srcdir/data

# chrome ARGS...: headless, its profile in the test's directory
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --no-default-browser-check --disable-extensions \
		--user-data-dir="$T/profile" "$@"
}

# the text a DOM serialisation shows for s: & < > as entities
dom_text() {
	sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' <<<"$1"
}

for s in healthy missing-intermediate hostile-escapes; do
	timeout 60 "$PGI" --demo "$s" --html "$T/$s.html" >"$T/$s.answer" 2>"$T/$s.err"
	"$PGI" --demo "$s" --json >"$T/$s.json" 2>>"$T/$s.err"
	show_on_failure "$T/$s.err" "$T/$s.chrome"
	rm -f "$T/$s.png"
	rc=0
	chrome --enable-logging=stderr --v=0 --window-size=1280,2000 --screenshot="$T/$s.png" \
		"file://$T/$s.html" >"$T/$s.chrome" 2>&1 || rc=$?
	assert_eq "$s: Chromium renders the page" "$rc" 0
	if [ -s "$T/$s.png" ] && [ "$(head -c 8 "$T/$s.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
		pass "$s: a PNG ($(stat -c %s "$T/$s.png") bytes)"
		# its width and height, from the IHDR chunk
		wh=$(od -An -tu1 -j16 -N8 "$T/$s.png" | awk '{print ($1*16777216+$2*65536+$3*256+$4) "x" ($5*16777216+$6*65536+$7*256+$8)}')
		assert_eq "$s: the window's size" "$wh" 1280x2000
	else
		fail "$s: a PNG"
	fi
	console=$(grep 'CONSOLE' "$T/$s.chrome" || true)
	assert_eq "$s: nothing on the console" "$console" ""
	blocked=$(grep -i 'net::ERR\|Failed to load\|Refused to' "$T/$s.chrome" || true)
	assert_eq "$s: nothing fetched, nothing refused" "$blocked" ""

	rc=0
	chrome --dump-dom "file://$T/$s.html" >"$T/$s.dom" 2>"$T/$s.dom.err" || rc=$?
	assert_eq "$s: Chromium dumps the DOM" "$rc" 0
	dom=$(cat "$T/$s.dom")
	assert_contains "$s: the answer line in the DOM" "$dom" "$(dom_text "$(head -1 "$T/$s.answer")")"
	assert_contains "$s: the ladder's ClientHello in the DOM" "$dom" "ClientHello"
	if grep -q 'Fix: ' "$T/$s.answer"; then
		assert_contains "$s: the fix in the DOM" "$dom" '<p class="fix"><strong>Fix:</strong>'
	fi
	for m in disable allow prefer require verify-ca verify-full; do
		want=$("$JQ" -r --arg m "$m" '.modes[$m].outcome' "$T/$s.json")
		case $want in
		encrypted) words='connects, encrypted' ;;
		plaintext) words='connects, NOT encrypted' ;;
		*) words=$want ;;
		esac
		assert_contains "$s: $m $words, in the DOM" "$dom" "id=\"mode-$m\"><td><strong>$m</strong>"
		box=${dom#*id=\"verdict-$m\"}
		assert_contains "$s: $m's verdict box says $words" "${box%%</g>*}" "$words"
	done
	assert_eq "$s: no script in the DOM" "$(grep -c '<script' <<<"$dom")" 0
done
assert_contains "hostile-escapes: the escape shown escaped in the DOM" "$(cat "$T/hostile-escapes.dom")" '\x1b[2J'
finish
