# tests/pg/certs.sh: the test PKI, made with GnuTLS certtool only (sourced).
#
# make_certs DIR writes into DIR:
#   root.crt/.key            CA "CN=pgtls test root"
#   intermediate.crt/.key    CA "CN=pgtls test intermediate", signed by root
#   server.crt/.key          leaf CN=localhost, SAN DNS:localhost IP:127.0.0.1,
#                            EKU serverAuth, signed by the intermediate
#   server.chain.pem         server.crt + intermediate.crt (what the server sends)
#   other-root.crt/.key      an unrelated CA "CN=pgtls test other root"
#   client-ca.crt/.key       CA "CN=pgtls test client CA"
#   client.crt/.key          CN=postgres, EKU clientAuth, signed by the client CA
#   selfsigned.crt/.key      self-signed leaf CN=localhost, SAN DNS:localhost
# make_leaf DIR NAME LINE... adds one more server leaf to a DIR made by
# make_certs: NAME.crt/.key signed by the intermediate, NAME.chain.pem (leaf +
# intermediate).  The LINEs are certtool template lines (cn, dns_name,
# ip_address, ...); tls_www_server (or the line CERT_LEAF_EKU holds, e.g.
# key_purpose_oid = 2.5.29.37.0) and signing_key are added, and
# expiration_days unless a LINE sets expiration_date or expiration_days.
# make_crl DIR NAME CA [REVOKED] [LINE...] writes DIR/NAME.crl, issued by
# DIR/CA.crt and .key, listing DIR/REVOKED.crt when REVOKED is not empty;
# the LINEs are certtool template lines (default: next update in 30 days).
# make_crls DIR adds the CRLs of the root and the intermediate of a DIR made
# by make_certs (or with those names): root-good, int-good, int-revoking
# (listing server.crt), int-expired (next update in 2020), and each
# intermediate one after root-good's in both-good.crl, revoking.crl,
# expired.crl.
# Server keys (server.key, selfsigned.key) belong to the postgres user, mode
# 0600, as the server demands; the others stay with the caller, mode 0600.
# Needs lib.sh (die, CERTTOOL).  Keys are ECDSA P-256 unless CERT_KEY_TYPE=rsa
# (CERT_KEY_BITS bits, default 2048) or CERT_KEY_TYPE=ed25519 (every
# certificate then signed with Ed25519, which names no digest); CERT_HASH=SHA1
# signs with that hash.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "$0 is a library for the pg tests: source it, do not run it" >&2
	exit 99
fi

CERT_DAYS=3650

# _certtool LOG ARGS...: run certtool quietly, show its output when it fails.
_certtool() {
	local log=$1
	shift
	if ! "$CERTTOOL" "$@" >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "certtool $* failed"
	fi
}

_mkkey() {
	local dir=$1 name=$2
	case ${CERT_KEY_TYPE:-ecdsa} in
	rsa)
		_certtool "$dir/certtool.log" --generate-privkey --key-type=rsa \
			--bits="${CERT_KEY_BITS:-2048}" --outfile "$dir/$name.key"
		;;
	ed25519)
		_certtool "$dir/certtool.log" --generate-privkey --key-type=ed25519 \
			--outfile "$dir/$name.key"
		;;
	*)
		_certtool "$dir/certtool.log" --generate-privkey --key-type=ecdsa \
			--curve=secp256r1 --outfile "$dir/$name.key"
		;;
	esac
	chmod 0600 "$dir/$name.key"
}

# _ca_template CN: a CA template (no path-length limit, 10 years).
_ca_template() {
	cat <<EOF
cn = "$1"
ca
cert_signing_key
crl_signing_key
expiration_days = $CERT_DAYS
EOF
}

_selfsigned() {
	local dir=$1 name=$2 tmpl=$3
	_mkkey "$dir" "$name"
	printf '%s\n' "$tmpl" >"$dir/$name.tmpl"
	_certtool "$dir/certtool.log" --generate-self-signed \
		--load-privkey "$dir/$name.key" --template "$dir/$name.tmpl" \
		--outfile "$dir/$name.crt"
}

# _signed DIR NAME CA TEMPLATE: NAME.crt signed by CA.crt/CA.key.
_signed() {
	local dir=$1 name=$2 ca=$3 tmpl=$4
	_mkkey "$dir" "$name"
	printf '%s\n' "$tmpl" >"$dir/$name.tmpl"
	_certtool "$dir/certtool.log" --generate-certificate ${CERT_HASH:+--hash="$CERT_HASH"} \
		--load-privkey "$dir/$name.key" \
		--load-ca-certificate "$dir/$ca.crt" --load-ca-privkey "$dir/$ca.key" \
		--template "$dir/$name.tmpl" --outfile "$dir/$name.crt"
}

make_crl() {
	local dir=$1 name=$2 ca=$3 revoked=${4:-}
	shift $(($# < 4 ? $# : 4))
	printf '%s\n' "${@:-crl_next_update = 30}" "crl_number = 1" >"$dir/$name.crl.tmpl"
	_certtool "$dir/certtool.log" --generate-crl --load-ca-privkey "$dir/$ca.key" \
		--load-ca-certificate "$dir/$ca.crt" ${revoked:+--load-certificate "$dir/$revoked.crt"} \
		--template "$dir/$name.crl.tmpl" --outfile "$dir/$name.crl"
	chmod 0644 "$dir/$name.crl"
}

make_crls() {
	local dir=$1
	make_crl "$dir" root-good root ""
	make_crl "$dir" int-good intermediate ""
	make_crl "$dir" int-revoking intermediate server
	make_crl "$dir" int-expired intermediate "" \
		'crl_this_update_date = "2020-01-01 00:00:00 UTC"' \
		'crl_next_update_date = "2020-02-01 00:00:00 UTC"'
	cat "$dir/root-good.crl" "$dir/int-good.crl" >"$dir/both-good.crl"
	cat "$dir/root-good.crl" "$dir/int-revoking.crl" >"$dir/revoking.crl"
	cat "$dir/root-good.crl" "$dir/int-expired.crl" >"$dir/expired.crl"
	chmod 0644 "$dir"/*.crl
}

# Give a server key to the user the server runs as (postgres when we are root).
_server_key_owner() {
	chmod 0600 "$1"
	if [ "$(id -u)" = 0 ]; then
		chown postgres:postgres "$1" || die "chown postgres $1"
	fi
}

make_certs() {
	local dir=$1
	mkdir -p "$dir" || die "mkdir $dir"
	chmod 0755 "$dir"
	: >"$dir/certtool.log"

	_selfsigned "$dir" root "$(_ca_template "pgtls test root")"
	_signed "$dir" intermediate root "$(_ca_template "pgtls test intermediate")"
	_signed "$dir" server intermediate "$(
		cat <<EOF
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key
expiration_days = $CERT_DAYS
EOF
	)"
	cat "$dir/server.crt" "$dir/intermediate.crt" >"$dir/server.chain.pem"

	_selfsigned "$dir" other-root "$(_ca_template "pgtls test other root")"

	_selfsigned "$dir" client-ca "$(_ca_template "pgtls test client CA")"
	_signed "$dir" client client-ca "$(
		cat <<EOF
cn = "postgres"
tls_www_client
signing_key
expiration_days = $CERT_DAYS
EOF
	)"

	_selfsigned "$dir" selfsigned "$(
		cat <<EOF
cn = "localhost"
dns_name = "localhost"
tls_www_server
signing_key
expiration_days = $CERT_DAYS
EOF
	)"

	chmod 0644 "$dir"/*.crt "$dir/server.chain.pem"
	_server_key_owner "$dir/server.key"
	_server_key_owner "$dir/selfsigned.key"
}

make_leaf() {
	local dir=$1 name=$2 tmpl
	shift 2
	[ -f "$dir/intermediate.key" ] || die "make_leaf: run make_certs $dir first"
	tmpl=$(printf '%s\n' "$@" "${CERT_LEAF_EKU:-tls_www_server}" signing_key)
	case $tmpl in
	*expiration_date* | *expiration_days*) ;;
	*) tmpl="$tmpl"$'\n'"expiration_days = $CERT_DAYS" ;;
	esac
	_signed "$dir" "$name" intermediate "$tmpl"
	cat "$dir/$name.crt" "$dir/intermediate.crt" >"$dir/$name.chain.pem"
	chmod 0644 "$dir/$name.crt" "$dir/$name.chain.pem"
	_server_key_owner "$dir/$name.key"
}

# cert_sha256 FILE: lowercase hex SHA-256 of the first certificate's DER.
cert_sha256() {
	"$CERTTOOL" --fingerprint --hash=sha256 --infile "$1" 2>/dev/null |
		tr -d ':\n' | tr 'A-F' 'a-f'
}
