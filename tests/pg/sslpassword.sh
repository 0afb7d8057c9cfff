#!/bin/bash
# sslpassword, beside real psql 15 and psql 18, against a real PostgreSQL 15
# that wants a client certificate (hba "cert", hostssl only). The client key
# is encrypted (PKCS #8 with AES-256, and OpenSSL's traditional PEM with a
# DEK-Info header): with the right sslpassword libpq decrypts it
# (PQssl_passwd_cb) and the session is encrypted, so the probe must send the
# certificate and require must connect; a wrong one is OpenSSL's "bad
# decrypt"; none leaves OpenSSL's prompt, which reads nothing when psql has
# no terminal ("processing error"). The password is a secret: no report,
# JSON or error the tool writes may hold it.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# shellcheck source=tests/pg/said.sh
. "$(cd "$(dirname "$0")" && pwd)/said.sh"
C=$T/certs
make_certs "$C"
need_tool openssl setsid
PW=pw-Zq81x
openssl pkcs8 -topk8 -v2 aes256 -in "$C/client.key" -out "$C/enc8.key" -passout "pass:$PW" ||
	die "openssl pkcs8"
openssl pkey -in "$C/client.key" -traditional -aes256 -out "$C/encpem.key" -passout "pass:$PW" ||
	die "openssl pkey"
chmod 0600 "$C/enc8.key" "$C/encpem.key"
grep -q '^DEK-Info: AES-256-CBC' "$C/encpem.key" || die "encpem.key is not a traditional encrypted PEM"

pg_start clientcert --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--ca "$C/client-ca.crt" --hba "hostssl all all 127.0.0.1/32 cert"
CI="$(pg_conninfo "sslrootcert=$C/root.crt sslcert=$C/client.crt")"
NOHBA="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed: FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"postgres\", database \"postgres\", no encryption"
AT="connection to server at \"127.0.0.1\", port $PGPORT_TEST failed"

for k in enc8 encpem; do
	said "$k-right" "$CI sslkey=$C/$k.key sslpassword=$PW" require encrypted =
	said "$k-right-prefer" "$CI sslkey=$C/$k.key sslpassword=$PW" prefer encrypted =
done
said enc8-wrong "$CI sslkey=$C/enc8.key sslpassword=wrong" require \
	"fails: $AT: could not load private key file \"$C/enc8.key\": bad decrypt" =
said encpem-wrong "$CI sslkey=$C/encpem.key sslpassword=wrong" require \
	"fails: $AT: could not load private key file \"$C/encpem.key\": bad decrypt" =
# prefer: the key stops the SSL attempt before the handshake; the plaintext
# one meets hostssl only
said enc8-wrong-prefer "$CI sslkey=$C/enc8.key sslpassword=wrong" prefer \
	"fails: $AT: could not load private key file \"$C/enc8.key\": bad decrypt
$NOHBA" =

# no sslpassword: OpenSSL asks on the terminal; psql in its own session
# (setsid: no controlling terminal) with stdin at EOF reads nothing
for v in 15 18; do
	real=$PSQL
	[ "$v" = 18 ] && real=$PSQL18
	printf '#!/bin/sh\nexec setsid -w %q "$@"\n' "$real" >"$T/psql$v-nottty"
	chmod +x "$T/psql$v-nottty"
done
PSQL=$T/psql15-nottty PSQL18=$T/psql18-nottty \
	said enc8-none "$CI sslkey=$C/enc8.key" require \
	"fails: $AT: could not load private key file \"$C/enc8.key\": processing error" =
PSQL=$T/psql15-nottty PSQL18=$T/psql18-nottty \
	said encpem-empty "$CI sslkey=$C/encpem.key sslpassword=''" require \
	"fails: $AT: could not load private key file \"$C/encpem.key\": processing error" =

# the probe sent the certificate the key goes with: the server took it
J=$T/enc8-right.15.tool.json
assert_jq "$J" '.tls.client_cert_requested' true
assert_jq "$J" '.server.tls_startup.accepted' true
assert_jq "$J" '.server.tls_startup.auth' ok

# the secret is never written: the text report, the JSON, the SVG, a
# refusal that quotes the connection string
"$PGI" --timeout 5 "$CI sslkey=$C/enc8.key sslpassword=$PW" >"$T/report.txt" 2>&1
"$PGI" --json --timeout 5 "$CI sslkey=$C/enc8.key sslpassword=$PW" >"$T/report.json" 2>&1
"$PGI" --json --timeout 5 "$CI sslkey=$C/enc8.key sslpassword=$PW sslmode=bogus" >"$T/refused.json" 2>&1
"$PGI" --timeout 5 "postgresql://postgres@127.0.0.1:$PGPORT_TEST/postgres?sslpassword=$PW&sslmode=bogus" >"$T/refused-uri.txt" 2>&1
pg_stop
for f in report.txt report.json refused.json refused-uri.txt "enc8-right.15.tool.json" "enc8-wrong.18.tool.json"; do
	if grep -q -- "$PW" "$T/$f"; then
		fail "$f: the sslpassword is not written"
		grep -n -- "$PW" "$T/$f" | sed 's/^/#   /'
	else
		pass "$f: the sslpassword is not written"
	fi
done
assert_jq "$T/report.json" '.target | has("sslpassword")' false
assert_jq "$T/report.json" '.target.explicit_keywords | index("sslpassword") != null' true
assert_jq "$T/report.json" '.target.keyword_effects.sslpassword.effect' modelled

said_total
[ "$SAID_A" -eq "$SAID_N" ] || fail "the tool agreed in $SAID_A of $SAID_N comparisons"
finish
