#!/bin/bash
# Trust as libpq judges it, beside real psql 15 and psql 18 (built once by
# scripts/build-psql.sh): certificates that GnuTLS
# and OpenSSL judge differently, generated here (no fixed dates that rot),
# served by a real PostgreSQL 15 that runs with OpenSSL's security level 0
# (OPENSSL_CONF for the server only, so that it agrees to load weak keys),
# while psql and pgtls-inspect keep the system's level. Cases: an RSA-1024
# leaf, an RSA-1024 intermediate, a SHA-1-signed leaf, an RSA leaf whose
# keyUsage is keyEncipherment only, a clientAuth-only leaf, and CRLs
# (sslcrl): a revoked leaf, a CRL for one level of the chain only, an
# expired CRL, a good pair; the default ~/.postgresql/root.crl too. Every
# sslmode's outcome and libpq's whole message must agree with psql.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL"

C=$T/certs
make_certs "$C"
U="user=postgres dbname=postgres"
# shellcheck source=tests/pg/agree.sh
. "$(cd "$(dirname "$0")" && pwd)/agree.sh"
agree_with_18

pg_seclevel0

SERVER='cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"'

# leaf NAME ISSUER LINE...: a server leaf signed by ISSUER, NAME.chain.pem
# with ISSUER's certificate (CERT_* variables as in certs.sh apply).
leaf() {
	local name=$1 issuer=$2
	shift 2
	_signed "$C" "$name" "$issuer" "$(printf '%s\n' "$@" "expiration_days = 3650")"
	cat "$C/$name.crt" "$C/$issuer.crt" >"$C/$name.chain.pem"
	chmod 0644 "$C/$name.crt" "$C/$name.chain.pem"
	_server_key_owner "$C/$name.key"
}

# serve NAME CHAIN KEY, then agree on each conninfo tail given
serve() {
	local name=$1 chain=$2 key=$3
	shift 3
	pg_start "$name" --ssl on --cert "$chain" --key "$key"
	local tail
	for tail in "$@"; do
		agree "$name${tail:+-$(echo "$tail" | tr -cs 'a-z0-9' '-' | sed 's/-$//' | tail -c 40)}" \
			"host=localhost port=$PGPORT_TEST $U sslrootcert=$C/root.crt $tail"
	done
	pg_stop
}

# An RSA-1024 leaf under the ECDSA intermediate.
CERT_KEY_TYPE=rsa CERT_KEY_BITS=1024 leaf weak-leaf intermediate "$SERVER" tls_www_server signing_key
serve weak-leaf "$C/weak-leaf.chain.pem" "$C/weak-leaf.key" ""
# An RSA-1024 intermediate, and a leaf it signs.
CERT_KEY_TYPE=rsa CERT_KEY_BITS=1024 _signed "$C" weak-ca root "$(_ca_template "pgtls weak CA")"
chmod 0644 "$C/weak-ca.crt"
leaf weak-ca-leaf weak-ca "$SERVER" tls_www_server signing_key
serve weak-ca "$C/weak-ca-leaf.chain.pem" "$C/weak-ca-leaf.key" ""
# A leaf signed with SHA-1.
CERT_HASH=SHA1 leaf sha1-leaf intermediate "$SERVER" tls_www_server signing_key
serve sha1-leaf "$C/sha1-leaf.chain.pem" "$C/sha1-leaf.key" ""
# An RSA leaf with keyUsage keyEncipherment only (OpenSSL's sslserver
# purpose takes it; the handshake signs with the key all the same).
CERT_KEY_TYPE=rsa leaf kenc-leaf intermediate "$SERVER" tls_www_server encryption_key
serve kenc-leaf "$C/kenc-leaf.chain.pem" "$C/kenc-leaf.key" ""
# extendedKeyUsage clientAuth only.
leaf client-leaf intermediate "$SERVER" tls_www_client signing_key
serve client-leaf "$C/client-leaf.chain.pem" "$C/client-leaf.key" ""

# CRLs for the usual chain: the root's and the intermediate's, one revoking
# the leaf, one past its next update.
make_crls "$C"
serve crl "$C/server.chain.pem" "$C/server.key" \
	"sslcrl=$C/both-good.crl" "sslcrl=$C/revoking.crl" "sslcrl=$C/int-good.crl" \
	"sslcrl=$C/expired.crl" "sslcrl=$C/absent.crl"
# the default CRL file, ~/.postgresql/root.crl, read when no sslcrl is given
pg_start crl-home --ssl on --cert "$C/server.chain.pem" --key "$C/server.key"
mkdir -p "$HOME/.postgresql"
cp "$C/revoking.crl" "$HOME/.postgresql/root.crl"
agree crl-home-revoking "host=localhost port=$PGPORT_TEST $U sslrootcert=$C/root.crt"
rm -rf "$HOME/.postgresql"
pg_stop

echo "# agreement: $A of $N scenario×mode pairs"
[ "$A" -lt "$N" ] && fail "agreement: $A of $N scenario×mode pairs"
[ "$N" -ge 120 ] || fail "only $N scenario×mode pairs were compared"
finish
