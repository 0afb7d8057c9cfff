#!/bin/bash
# Certificates that GnuTLS and OpenSSL read differently, beside real psql 15
# and psql 18: written by tests/peer/oddcert (OpenSSL's API writes what
# certtool refuses to), served by a real PostgreSQL 15. Names with a NUL
# byte (SAN and CN), a CN encoded as a BMPString, a dNSName SAN of 1,100
# bytes and one of 70,000, a leaf whose outer signature algorithm differs from the one it was
# signed with, and intermediates with an extension twice, a subjectAltName
# that does not decode or disagreeing signature algorithms. Every
# sslmode's outcome and libpq's whole message must agree with psql; the
# chain keeps every certificate (one GnuTLS cannot parse carries its
# parse_error), a name keeps its NUL as \x00 in the JSON and the text
# report, and no other client's row accepts a name cut at its NUL.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"
ODD=$abs_top_builddir/tests/peer/oddcert
[ -x "$ODD" ] || die "tests/peer/oddcert is not built"

C=$T/certs
make_certs "$C"
U="user=postgres dbname=postgres"
# shellcheck source=tests/pg/agree.sh
. "$(cd "$(dirname "$0")" && pwd)/agree.sh"
agree_with_18

# odd KIND NAME [ISSUER] [HOSTNAME]: NAME.crt/.key of KIND signed by ISSUER
# (default the intermediate), NAME.chain.pem with the issuer's certificate
odd() {
	local kind=$1 name=$2 issuer=${3:-intermediate}
	"$ODD" "$kind" "$C/$issuer.crt" "$C/$issuer.key" "$C/$name.crt" "$C/$name.key" ${4:+"$4"} ||
		die "oddcert $kind"
	cat "$C/$name.crt" "$C/$issuer.crt" >"$C/$name.chain.pem"
	chmod 0644 "$C/$name.crt" "$C/$name.chain.pem"
	_server_key_owner "$C/$name.key"
}

# serve NAME CHAIN KEY CONNINFO-TAIL: agree on host=localhost with the tail
serve() {
	local name=$1 chain=$2 key=$3 tail=$4
	pg_start "$name" --ssl on --cert "$chain" --key "$key"
	agree "$name" "host=localhost port=$PGPORT_TEST $U sslrootcert=$C/root.crt $tail"
	pg_stop
}

# json_has NAME JQ WHAT [JQ-ARGS]: the inspection NAME's JSON satisfies JQ
json_has() {
	if "$JQ" -e "${@:4}" "$2" "$T/$1.json" >/dev/null; then
		pass "$1: $3"
	else
		fail "$1: $3"
		"$JQ" -c '{chain: [.chain[]? | {subject, cn, san_dns, parse_error}], clients: [.clients[]? | {client, mode, outcome, rule}]}' "$T/$1.json" | sed 's/^/#   /'
	fi
}

odd nul-san nul-san
serve nul-san "$C/nul-san.chain.pem" "$C/nul-san.key" ""
pg_start nul-san-report --ssl on --cert "$C/nul-san.chain.pem" --key "$C/nul-san.key"
"$PGI" --report --timeout 5 "host=localhost port=$PGPORT_TEST $U sslrootcert=$C/root.crt" >"$T/nul-san.txt" 2>&1
pg_stop
if grep -qE 'SAN DNS +localhost\\x00\.attacker\.test$' "$T/nul-san.txt"; then
	pass "nul-san: the text report shows the SAN's NUL as \x00"
else
	fail "nul-san: the text report shows the SAN's NUL as \x00"
	grep -n 'SAN\|CN' "$T/nul-san.txt" | sed 's/^/#   /'
fi
json_has nul-san '.chain[0].san_dns == ["localhost\\x00.attacker.test"]' 'the SAN keeps its NUL as \x00'
FULL='.clients[] | select(.mode | test("verify-full|VerifyFull|WebPki"))'
json_has nul-san "[$FULL | .outcome] | all(. == \"rejects\") and length >= 7" \
	'every verify-full row rejects the name instead of matching it cut at its NUL'
json_has nul-san "[$FULL | select(.client != \"libpq\") | .rule] | all(contains(\$name))" \
	'the rows quote the whole name, its NUL as \x00' --arg name '"localhost\x00.attacker.test"'
odd nul-cn nul-cn
serve nul-cn "$C/nul-cn.chain.pem" "$C/nul-cn.key" ""
json_has nul-cn '.chain[0].cn == ["localhost\\x00.attacker.test"] and .chain[0].san_dns == []' 'the CN keeps its NUL as \x00'
json_has nul-cn "[$FULL | .outcome] | all(. == \"rejects\") and length >= 7" \
	'every verify-full row rejects the CN instead of matching it cut at its NUL'
odd bmp-cn bmp-cn
serve bmp-cn "$C/bmp-cn.chain.pem" "$C/bmp-cn.key" ""
# libpq refuses the BMPString's zero bytes: the fix is a new certificate,
# never host=localhost, the host that was refused
json_has bmp-cn '[.findings[] | select(.id == "host-name-mismatch") | .fix] | length == 1 and (.[0] | contains("BMPString") and (contains("host=localhost") | not))' \
	'the name finding says why a BMPString CN never matches'
json_has bmp-cn '[.summary, .summary.verify_full | .fix? // empty] | all(contains("host=localhost") | not)' \
	'the summary does not offer the host that was refused'
odd long-san long-san
serve long-san "$C/long-san.chain.pem" "$C/long-san.key" ""
json_has long-san '(.chain[0].san_dns | length) == 1 and (.chain[0].san_dns[0] | length) == 1100' 'the 1,100-byte SAN is read'
# 70,000 bytes: no name is dropped for its length, so no stack that reads
# the CN only without a dNSName SAN takes CN=localhost
odd huge-san huge-san
serve huge-san "$C/huge-san.chain.pem" "$C/huge-san.key" ""
json_has huge-san '(.chain[0].san_dns | length) == 1 and (.chain[0].san_dns[0] | length) == 70000' 'the 70,000-byte SAN is read'
json_has huge-san "[$FULL | .outcome] | all(. == \"rejects\") and length >= 7" \
	'every verify-full row rejects: none falls back to CN=localhost'
# A leaf whose subjectAltName does not decode, or that has an extension
# twice, cannot be served: OpenSSL refuses to load it, so PostgreSQL does not
# start. An intermediate can be, and a leaf whose signature algorithms
# disagree.
KEPT='(.chain[0].parse_error | type) == "string" and .chain[0].sha256 != null and .chain[0].subject != null'
odd sig-mismatch sig-mismatch
serve sig-mismatch "$C/sig-mismatch.chain.pem" "$C/sig-mismatch.key" ""
json_has sig-mismatch "(.chain | length) == 2 and $KEPT" \
	'the leaf GnuTLS refuses keeps its place, with its parse_error and facts OpenSSL read'
# intermediates GnuTLS refuses, each with a good leaf under it
for kind in dup-ext bad-san sig-mismatch; do
	odd "ca-$kind" "ca-$kind" intermediate
	odd good "ca-$kind-leaf" "ca-$kind"
	cat "$C/ca-$kind-leaf.crt" "$C/ca-$kind.crt" "$C/intermediate.crt" >"$C/ca-$kind-leaf.chain.pem"
	serve "ca-$kind" "$C/ca-$kind-leaf.chain.pem" "$C/ca-$kind-leaf.key" ""
	json_has "ca-$kind" '(.chain | length) == 3 and .chain[0].parse_error == null and (.chain[1].parse_error | type) == "string" and .chain[1].subject != null' \
		'every certificate of the chain is kept, the intermediate GnuTLS refuses in its place'
done

echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -ge 90 ] || fail "only $N scenario×mode pairs were compared"
finish
