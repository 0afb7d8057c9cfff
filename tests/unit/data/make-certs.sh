#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/unit/data/make-certs.sh: regenerates the certificate fixtures of
# tests/unit/test-x509.c with GnuTLS certtool (templates only, no openssl).
#
# Every certificate has a fixed serial and fixed dates (2000-01-01 to
# 2099-12-31 UTC unless it is the expired or the not-yet-valid one), so only
# the keys, and with them the fingerprints, change from one run to the next.
# The fingerprints certtool reports are written to sha256.txt, which the test
# reads; the private keys live in a temporary directory and are thrown away.
#
# Usage: tests/unit/data/make-certs.sh   (writes next to itself)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${CERTTOOL:=certtool}"
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ct() {
	if ! "$CERTTOOL" "$@" >>"$tmp/certtool.log" 2>&1; then
		tail -n 30 "$tmp/certtool.log" >&2
		echo "make-certs.sh: certtool $* failed" >&2
		exit 1
	fi
}

key() { # NAME rsa|ecdsa|ed25519
	case $2 in
	rsa) ct --generate-privkey --key-type=rsa --bits=2048 --outfile "$tmp/$1.key" ;;
	rsa1024) ct --generate-privkey --key-type=rsa --bits=1024 --outfile "$tmp/$1.key" ;;
	ecdsa) ct --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$tmp/$1.key" ;;
	ed25519) ct --generate-privkey --key-type=ed25519 --outfile "$tmp/$1.key" ;;
	esac
}

# The template for OUT from stdin, with the default dates unless it sets its own.
tmpl() {
	cat >"$tmp/$1.tmpl"
	grep -q '^activation_date' "$tmp/$1.tmpl" ||
		echo 'activation_date = "2000-01-01 00:00:00"' >>"$tmp/$1.tmpl"
	grep -q '^expiration_date' "$tmp/$1.tmpl" ||
		echo 'expiration_date = "2099-12-31 23:59:59"' >>"$tmp/$1.tmpl"
}

selfsigned() { # OUT KEY [certtool options]; template on stdin
	local out=$1 k=$2
	shift 2
	tmpl "$out"
	ct --generate-self-signed "$@" --load-privkey "$tmp/$k.key" \
		--template "$tmp/$out.tmpl" --outfile "$here/$out.pem"
}

signed() { # OUT KEY CA CAKEY; template on stdin
	tmpl "$1"
	ct --generate-certificate --load-privkey "$tmp/$2.key" \
		--load-ca-certificate "$here/$3.pem" --load-ca-privkey "$tmp/$4.key" \
		--template "$tmp/$1.tmpl" --outfile "$here/$1.pem"
}

key root rsa
key inter ecdsa
key leaf ecdsa
key other ecdsa
key ed ed25519

# The PKI: RSA root, ECDSA intermediate, ECDSA leaf.
selfsigned root root <<'EOF'
dn = "CN=pgtls unit root,O=pgtls-inspect"
serial = 1
ca
cert_signing_key
crl_signing_key
EOF
signed intermediate inter root root <<'EOF'
dn = "CN=pgtls unit intermediate,O=pgtls-inspect"
serial = 2
ca
cert_signing_key
crl_signing_key
EOF
signed leaf leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 16
dns_name = "localhost"
dns_name = "db.example.com"
ip_address = "127.0.0.1"
ip_address = "2001:DB8:0:0:0:0:0:1"
signing_key
tls_www_server
EOF
selfsigned other-root other <<'EOF'
dn = "CN=pgtls unit other root"
serial = 3
ca
cert_signing_key
EOF
cat "$here/root.pem" "$here/intermediate.pem" >"$here/root-and-intermediate.pem"

# Leaves for the chain checks.
selfsigned selfsigned leaf <<'EOF'
cn = "localhost"
serial = 17
dns_name = "localhost"
signing_key
tls_www_server
EOF
signed expired leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 18
activation_date = "2000-01-01 00:00:00"
expiration_date = "2001-01-01 00:00:00"
dns_name = "localhost"
signing_key
tls_www_server
EOF
signed notyet leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 19
activation_date = "2090-01-01 00:00:00"
dns_name = "localhost"
signing_key
tls_www_server
EOF
signed clientauth leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 20
dns_name = "localhost"
signing_key
tls_www_client
EOF
# OpenSSL takes neither anyExtendedKeyUsage nor, for a self-signed leaf
# listed in the root file, clientAuth alone as a server's purpose.
signed anyeku leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 22
dns_name = "localhost"
signing_key
key_purpose_oid = 2.5.29.37.0
EOF
selfsigned selfsigned-clientauth leaf <<'EOF'
cn = "localhost"
serial = 23
dns_name = "localhost"
signing_key
tls_www_client
EOF
# X.509 v1: no extensions at all, so no basicConstraints.
selfsigned v1 ed --v1 <<'EOF'
cn = "v1.example"
serial = 21
EOF

# Leaves for the host-name rules (no EKU, signed by the intermediate).
signed two-cn leaf intermediate inter <<'EOF'
dn = "CN=localhost,CN=foo.example"
serial = 32
EOF
signed wildcard leaf intermediate inter <<'EOF'
dn = "O=pgtls-inspect"
serial = 33
dns_name = "*.example.com"
EOF
signed partial-wildcard leaf intermediate inter <<'EOF'
dn = "O=pgtls-inspect"
serial = 34
dns_name = "f*o.example.com"
EOF
signed cn-dns-san-ip leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 35
ip_address = "127.0.0.1"
EOF
signed cn-ip-san-dns leaf intermediate inter <<'EOF'
cn = "127.0.0.1"
serial = 36
dns_name = "localhost"
EOF
signed san-dns-ip-literal leaf intermediate inter <<'EOF'
dn = "O=pgtls-inspect"
serial = 37
dns_name = "127.0.0.1"
EOF
signed three-names leaf intermediate inter <<'EOF'
cn = "localhost"
serial = 38
dns_name = "localhost"
dns_name = "db.example.com"
EOF
signed no-names leaf intermediate inter <<'EOF'
dn = "O=pgtls-inspect"
serial = 39
email = "nobody@example.com"
EOF
signed cn-wildcard-ip leaf intermediate inter <<'EOF'
cn = "*.0.0.1"
serial = 40
EOF

# An RSA-1024 leaf that is its own root: OpenSSL takes it at security
# level 1 (Node), refuses it at 2 (libpq and Python on Debian).
key weak rsa1024
selfsigned rsa1024-selfsigned weak <<'EOF'
cn = "localhost"
serial = 41
dns_name = "localhost"
signing_key
encryption_key
tls_www_server
EOF

# A root file without a certificate in it.
printf '# not a certificate\n' >"$here/no-cert.pem"

: >"$here/sha256.txt.new"
for f in "$here"/*.pem; do
	case $f in */root-and-intermediate.pem | */no-cert.pem) continue ;; esac
	fp=$("$CERTTOOL" --fingerprint --hash=sha256 --infile "$f")
	printf '%s %s\n' "$(basename "$f")" "$fp" >>"$here/sha256.txt.new"
done
mv "$here/sha256.txt.new" "$here/sha256.txt"
