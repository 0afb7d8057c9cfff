#!/bin/bash
# What if libpq loaded other CRLs: a saved inspection replayed with
# --sslcrl / --sslcrldir (and "set sslcrl" / "set sslcrldir" in the
# interface) is judged again by OpenSSL, as initialize_SSL would load the
# CRLs with the root file, with no network. The log is the golden
# tls-chain-hostssl one with a chain made here (certtool), so that its
# CA's CRLs can be made too: a good pair, one revoking the leaf, one level
# only, an expired one; and a leaf with an RSA-1024 key. The new trust
# facts (trust.crl, security_level, chain_depth, chain_subject,
# revoked_at) must read back exactly, and the findings match OpenSSL's
# reason.
. "$(cd "$(dirname "$0")" && pwd)/../lib.sh"
# shellcheck source=tests/pg/certs.sh
. "$abs_top_srcdir/tests/pg/certs.sh"
need_pgi
need_tool "$JQ" "$CERTTOOL" od
G=$abs_top_srcdir/tests/golden
C=$T/certs
mkdir -p "$C" "$T/no-crls"
: >"$C/certtool.log"

SERVER='cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key
expiration_days = 3650'
_selfsigned "$C" root "$(_ca_template "pgtls crl root")"
_signed "$C" intermediate root "$(_ca_template "pgtls crl intermediate")"
_signed "$C" server intermediate "$SERVER"
CERT_KEY_TYPE=rsa CERT_KEY_BITS=1024 _signed "$C" weak intermediate "$SERVER"

make_crls "$C"

hex() {
	_certtool "$C/certtool.log" -i --infile "$C/$1.crt" --outder --outfile "$C/$1.der"
	od -An -v -tx1 "$C/$1.der" | tr -d ' \n'
}

# forge OUT LEAF: the golden log with LEAF and the intermediate as the
# chain the server sent, and root.crt as the root file
forge() {
	"$JQ" --arg root "$C/root.crt" --arg leaf "$(hex "$2")" --arg int "$(hex intermediate)" '
		.target.sslrootcert = $root | .trust.rootcert = $root |
		.events |= (reduce .[] as $e ({out: [], n: 0};
			if $e.kind == "PeerCertificate" then
				.out += [$e + {hex: [$leaf, $int][.n]}] | .n += 1
			else .out += [$e] end) | .out)' \
		"$G/tls-chain-hostssl.events.json" >"$1" || die "forging $1"
}
LOG=$T/crl.events.json
forge "$LOG" server
forge "$T/weak.events.json" weak

run() {
	local out=$1 rc=0
	shift
	"$PGI" --replay "$LOG" "$@" >"$out" 2>"$T/err" || rc=$?
	assert_eq "replay $*: exit status" "$rc" 0
	[ "$rc" = 0 ] || sed 's/^/# /' "$T/err"
}

# refused NAME CHAIN_ERROR FINDING OPTION...: replayed with the options
# into NAME.json, the chain is refused in OpenSSL's words (with the depth
# and subject) and the finding for that reason is made
refused() {
	local name=$1 error=$2 finding=$3
	shift 3
	run "$T/$name.json" --json "$@"
	assert_jq "$T/$name.json" '.trust.chain_ok' "false"
	assert_jq "$T/$name.json" '.trust.chain_error' "$error"
	assert_jq "$T/$name.json" "[.findings[] | select(.id == \"$finding\") | .severity]" '["error"]'
}

# roundtrip FILE: its facts read back exactly when it is replayed itself
roundtrip() {
	local rc=0
	"$PGI" --replay "$1" --json >"$1.again" 2>"$T/err" || rc=$?
	assert_eq "$(basename "$1"): replays" "$rc" 0
	if diff <("$JQ" -S 'del(.modes, .findings, .provider, .clients)' "$1") \
		<("$JQ" -S 'del(.modes, .findings, .provider, .clients)' "$1.again") >"$T/diff"; then
		pass "$(basename "$1"): the facts read back exactly"
	else
		fail "$(basename "$1"): the facts read back differ"
		sed 's/^/# /' "$T/diff" | head -20
	fi
}

# as recorded: a log older than the CRL facts knows none of them
run "$T/as-recorded.json" --json
assert_jq "$T/as-recorded.json" '.trust.crl' "null"
assert_jq "$T/as-recorded.json" '.trust.security_level' "null"
assert_jq "$T/as-recorded.json" '.trust.chain_depth' "null"

# a CRL of each level, none revoking: OpenSSL checks and passes
run "$T/good.json" --json --sslcrl "$C/both-good.crl"
assert_jq "$T/good.json" '.trust.crl' "{\"file\":\"$C/both-good.crl\",\"dir\":null,\"checked\":true}"
assert_jq "$T/good.json" '.trust.chain_ok' "true"
assert_jq "$T/good.json" '.trust.security_level >= 0' "true"
assert_jq "$T/good.json" '.modes["verify-full"].outcome' "encrypted"
roundtrip "$T/good.json"

# the leaf revoked: refused at depth 0, since the CRL's date
refused revoked "certificate revoked; depth 0: CN=localhost" cert-revoked --sslcrl "$C/revoking.crl"
assert_jq "$T/revoked.json" '.trust.chain_depth' "0"
assert_jq "$T/revoked.json" '.trust.chain_subject' "CN=localhost"
assert_jq "$T/revoked.json" '.trust.revoked_at | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T")' "true"
assert_jq "$T/revoked.json" '.modes["verify-ca"].error | endswith("SSL error: certificate verify failed")' "true"
assert_jq "$T/revoked.json" '.modes["require"].outcome' "fails"
roundtrip "$T/revoked.json"
run "$T/revoked.txt" --report --sslcrl "$C/revoking.crl"
report=$(cat "$T/revoked.txt")
assert_contains "report: CRL file" "$report" "  CRL file               $C/revoking.crl"
assert_contains "report: CRL checked" "$report" "  CRL checked            yes"
assert_contains "report: security level" "$report" "  security level         "
assert_contains "report: refused certificate" "$report" "  refused certificate    depth 0: CN=localhost"
assert_contains "report: revoked since" "$report" "  revoked since          20"
assert_contains "report: the finding" "$report" "[error] Certificate revoked (cert-revoked)"

# the intermediate's CRL only: the root's, which covers the
# intermediate, is missing
refused one-level "unable to get certificate CRL; depth 1: CN=pgtls crl intermediate" crl-missing \
	--sslcrl "$C/int-good.crl"
assert_jq "$T/one-level.json" '[.findings[] | select(.id == "crl-missing") | .detail | contains("none from CN=pgtls crl root, the issuer of CN=pgtls crl intermediate (depth 1)")]' '[true]'

# an expired CRL
refused expired "CRL has expired; depth 0: CN=localhost" crl-stale --sslcrl "$C/expired.crl"

# a CRL directory loads (even empty) and turns checking on; a CRL file
# that does not load is ignored, as libpq ignores it
refused dir "unable to get certificate CRL; depth 0: CN=localhost" crl-missing --sslcrldir "$T/no-crls"
assert_jq "$T/dir.json" '.trust.crl' "{\"file\":null,\"dir\":\"$T/no-crls\",\"checked\":true}"
run "$T/absent.json" --json --sslcrl "$T/absent.crl"
assert_jq "$T/absent.json" '.trust.crl.checked' "false"
assert_jq "$T/absent.json" '.trust.chain_ok' "true"
# both: the file and the directory together
refused both "certificate revoked; depth 0: CN=localhost" cert-revoked \
	--sslcrl "$C/revoking.crl" --sslcrldir "$T/no-crls"
assert_jq "$T/both.json" '[.trust.crl.file, .trust.crl.dir, .trust.crl.checked]' \
	"[\"$C/revoking.crl\",\"$T/no-crls\",true]"

# an RSA-1024 leaf, judged again against the root file: refused at the
# system's security level 2 and up (Debian's default)
rc=0
"$PGI" --replay "$T/weak.events.json" --json --sslrootcert "$C/root.crt" >"$T/weak.json" 2>"$T/err" || rc=$?
assert_eq "weak leaf: exit status" "$rc" 0
if [ "$("$JQ" '.trust.security_level >= 2' "$T/weak.json")" = true ]; then
	assert_jq "$T/weak.json" '.trust.chain_error' "EE certificate key too weak; depth 0: CN=localhost"
	assert_jq "$T/weak.json" '[.findings[].id | select(. == "weak-key" or . == "short-key")]' '["weak-key"]'
	assert_jq "$T/weak.json" '[.findings[] | select(.id == "weak-key") | .fix | contains("RSA key of 2048 bits or more")]' '[true]'
else
	echo "# the system's OpenSSL security level is below 2: an RSA-1024 leaf passes"
	assert_jq "$T/weak.json" '.trust.chain_ok' "true"
fi

# the interface: set sslcrl / set sslcrldir judge again; the chain view
# marks the refused certificate and shows the CRL and the level
cat >"$T/set.keys" <<KEYS
:set sslcrl $C/revoking.crl
:save json $T/tui-revoked.json
c
:dump-screen crl-chain
c
:set sslcrl $C/both-good.crl
:save json $T/tui-good.json
:set sslcrldir $T/no-crls
:save json $T/tui-dir.json
KEYS
# 32 rows: the chain pane below the answer (the summary) holds the trust lines
rc=0
TERM=dumb LINES=44 COLUMNS=100 LC_ALL=C.UTF-8 INPUTRC=/dev/null \
	PGTLS_INSPECT_SCRIPT=$T/set.keys PGTLS_INSPECT_DUMPDIR=$T \
	timeout 30 "$PGI" --replay "$LOG" </dev/null >"$T/tui.out" 2>&1 || rc=$?
assert_eq "interface: exit status" "$rc" 0
assert_jq "$T/tui-revoked.json" '.trust.chain_error' "certificate revoked; depth 0: CN=localhost"
assert_jq "$T/tui-good.json" '.trust.chain_ok' "true"
assert_jq "$T/tui-dir.json" '[.trust.crl.file, .trust.crl.dir]' "[\"$C/both-good.crl\",\"$T/no-crls\"]"
# the directory adds to the file's CRLs, which cover both levels
assert_jq "$T/tui-dir.json" '[.trust.crl.checked, .trust.chain_ok]' "[true,true]"
screen=$(cat "$T/crl-chain.screen" 2>/dev/null)
assert_contains "chain view: the refused certificate marked" "$screen" "[0] ✘ CN=localhost"
assert_contains "chain view: the CRL checked" "$screen" "CRL checked:"
assert_contains "chain view: the security level" "$screen" "security level "

# --at: the chain judged again at another time; without it a what-if is
# judged at the time the log recorded (trust.verified_at), so a replay on
# another day or machine gives the same document
run "$T/at-now.json" --json --at now --sslcrl "$C/both-good.crl"
assert_jq "$T/at-now.json" '.trust.chain_ok' "true"
assert_jq "$T/at-now.json" '.trust.verified_at | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]+Z$")' "true"
roundtrip "$T/at-now.json"
# (OpenSSL checks the dates from the top: the root, made for ten years,
# is the first it finds expired)
run "$T/at-2099.json" --json --at 2099-06-01
assert_jq "$T/at-2099.json" '.trust.chain_error' "certificate has expired; depth 2: CN=pgtls crl root"
assert_jq "$T/at-2099.json" '[.findings[].id] | index("cert-expired") != null' "true"
assert_jq "$T/at-2099.json" '.trust.verified_at' "2099-06-01T00:00:00Z"
assert_jq "$T/at-2099.json" '.modes["verify-ca"].outcome' "fails"
roundtrip "$T/at-2099.json"
# the recorded time rules a later what-if of that document: judged again
# for another CRL set, it is still 2099 there
rc=0
"$PGI" --replay "$T/at-2099.json" --json --sslcrl "$C/both-good.crl" >"$T/at-2099-crl.json" 2>"$T/err" || rc=$?
assert_eq "what-if on a log judged in 2099: exit status" "$rc" 0
assert_jq "$T/at-2099-crl.json" '.trust.verified_at' "2099-06-01T00:00:00Z"
# (with CRLs on, OpenSSL finds the CRLs, good for 30 days, stale first)
assert_jq "$T/at-2099-crl.json" '.trust.chain_error' "CRL has expired; depth 0: CN=localhost"
# before the CA existed
run "$T/at-2001.json" --json --at 2001-01-01T00:00:00Z
assert_jq "$T/at-2001.json" '.trust.chain_error' "certificate is not yet valid; depth 2: CN=pgtls crl root"
assert_jq "$T/at-2001.json" '[.findings[].id] | index("cert-not-yet-valid") != null' "true"
rc=0
"$PGI" --replay "$LOG" --json --at yesterday >/dev/null 2>"$T/err" || rc=$?
assert_eq "--at with a bad time: exit status" "$rc" 2
assert_contains "--at with a bad time: message" "$(cat "$T/err")" 'at: "now" or a UTC time'

# what cannot change on a replay is still refused, and the message lists
# the CRL options
rc=0
"$PGI" --replay "$LOG" --port 1 >/dev/null 2>"$T/err" || rc=$?
assert_eq "replay --port: exit status" "$rc" 2
assert_contains "replay --port: message" "$(cat "$T/err")" "--sslcrl and --sslcrldir can change"
finish
