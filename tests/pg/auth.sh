#!/bin/bash
# Authentication requirements, beside real psql 15 and psql 18 against a real
# PostgreSQL 15 with TLS: channel_binding (fe-auth.c pg_SASL_init,
# check_expected_areq), a server certificate signed with Ed25519 (no digest
# for tls-server-end-point), a password that is not there ("fe_sendauth: no
# password supplied": no PGPASSWORD, no password=, no password file), the
# password file (~/.pgpass, passfile=, PGPASSFILE; passwordFromFile: host,
# port, dbname, user, `*`, `\:`; group or world access), require_auth and
# sslcertmode (libpq 16+; libpq 15 does not know them).
#
# Each case (said, tests/pg/said.sh) runs psql 15 and psql 18 under the same
# conninfo and environment, asserts what each printed, word for word, and
# compares it with pgtls-inspect's verdict for that sslmode as libpq 15 and
# 18. The tool sends no password: where psql needs one to connect, it gets it
# from PGPASSWORD, password= or a password file, and the tool is right to say
# "encrypted" or "plaintext" when it knows a password is there.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
# shellcheck source=tests/pg/said.sh
. "$(cd "$(dirname "$0")" && pwd)/said.sh"
C=$T/certs
make_certs "$C"
S=$T/files
mkdir -p "$S"

# admin PORT SQL: run SQL as postgres (trust on 127.0.0.1), without TLS
admin() {
	"$PSQL" -w -X -q -v ON_ERROR_STOP=1 \
		-d "host=127.0.0.1 port=$1 user=postgres dbname=postgres sslmode=disable" \
		-c "$2" >>"$S/admin.log" 2>&1 || {
		cat "$S/admin.log" >&2
		die "admin SQL failed: $2"
	}
}

# the roles, one an authentication method (pg_hba.conf below); colon_u's
# password has a colon and a backslash, escaped in a password file
roles() {
	admin "$1" "SET password_encryption = 'scram-sha-256';
		CREATE ROLE scram_u LOGIN PASSWORD 'scram-pw';
		CREATE ROLE nossl_u LOGIN PASSWORD 'nossl-pw';
		CREATE ROLE clear_u LOGIN PASSWORD 'clear-pw';
		CREATE ROLE colon_u LOGIN PASSWORD 'a:b\\c';
		CREATE ROLE trust_u LOGIN;
		SET password_encryption = 'md5';
		CREATE ROLE md5_u LOGIN PASSWORD 'md5-pw';"
}
HBA=(
	--hba "host all postgres 127.0.0.1/32 trust"
	--hba "host all trust_u 127.0.0.1/32 trust"
	--hba "host all md5_u 127.0.0.1/32 md5"
	--hba "host all clear_u 127.0.0.1/32 password"
	--hba "host all scram_u,colon_u 127.0.0.1/32 scram-sha-256"
	--hba "hostnossl all nossl_u 127.0.0.1/32 scram-sha-256"
)

pg_start auth --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" "${HBA[@]}" \
	--conf "password_encryption = 'scram-sha-256'"
P=$PGPORT_TEST
roles "$P"
# at: the head of libpq's message for the server at port $P (with hostaddr
# given, libpq names the address, not the host)
at() {
	printf 'connection to server at "127.0.0.1", port %s failed: ' "$P"
}
# ci USER [KEYWORDS]: the conninfo for USER at port $P, without sslmode
ci() {
	echo "host=localhost hostaddr=127.0.0.1 port=$P dbname=postgres sslrootcert=$C/root.crt user=$1${2:+ $2}"
}
NOPW="fe_sendauth: no password supplied"

# ---- channel_binding=require: only a SCRAM-SHA-256-PLUS exchange will do
CBREQ="channel binding required but not supported by server's authentication request"
for m in disable require; do
	said "cb-require-md5-$m" "$(ci md5_u channel_binding=require)" $m \
		"fails: $(at)$CBREQ" = PGPASSWORD=md5-pw
done
said cb-require-cleartext "$(ci clear_u channel_binding=require)" require \
	"fails: $(at)$CBREQ" = PGPASSWORD=clear-pw
CBOK="channel binding required, but server authenticated client without channel binding"
for m in disable require; do
	said "cb-require-trust-$m" "$(ci trust_u channel_binding=require)" $m "fails: $(at)$CBOK" =
done
for m in prefer require verify-full; do
	said "cb-require-scram-$m" "$(ci scram_u channel_binding=require)" $m \
		encrypted = PGPASSWORD=scram-pw
done
said cb-require-scram-disable "$(ci scram_u channel_binding=require)" disable \
	"fails: $(at)channel binding required, but SSL not in use" = PGPASSWORD=scram-pw
# hostnossl only: over TLS the server refuses (prefer then goes on without
# TLS, where SCRAM-SHA-256-PLUS cannot be)
NOSSL_FATAL="FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"nossl_u\", database \"postgres\", SSL encryption"
said cb-require-nossl-prefer "$(ci nossl_u channel_binding=require)" prefer \
	"fails: $(at)$NOSSL_FATAL"$'\n'"$(at)channel binding required, but SSL not in use" = PGPASSWORD=nossl-pw
said cb-require-nossl-require "$(ci nossl_u channel_binding=require)" require \
	"fails: $(at)$NOSSL_FATAL" = PGPASSWORD=nossl-pw
# channel_binding=disable and prefer: SCRAM with a password connects
for cb in disable prefer; do
	said "cb-$cb-scram-require" "$(ci scram_u channel_binding=$cb)" require \
		encrypted = PGPASSWORD=scram-pw
	said "cb-$cb-scram-disable" "$(ci scram_u channel_binding=$cb)" disable \
		plaintext = PGPASSWORD=scram-pw
done
said cb-prefer-nossl-prefer "$(ci nossl_u)" prefer plaintext = PGPASSWORD=nossl-pw

# ---- no password: no PGPASSWORD, no password=, no ~/.pgpass in HOME; one
# line under prefer too: libpq's own failure is not retried without TLS
for u in scram_u md5_u clear_u; do
	for m in disable prefer require; do
		said "nopw-$u-$m" "$(ci $u)" $m "fails: $(at)$NOPW" =
	done
done
said nopw-empty-pgpassword "$(ci scram_u)" require "fails: $(at)$NOPW" = PGPASSWORD=
said password-keyword "$(ci scram_u password=scram-pw)" require encrypted =
said password-keyword-md5 "$(ci md5_u password=md5-pw)" disable plaintext =
said pgpassword-clear "$(ci clear_u)" require encrypted = PGPASSWORD=clear-pw

# ---- the password file
pgpass() {
	printf '%s\n' "$@" >"$HOME/.pgpass"
	chmod 0600 "$HOME/.pgpass"
}
pgpass "localhost:$P:postgres:scram_u:scram-pw"
said pgpass-exact "$(ci scram_u)" require encrypted =
said pgpass-exact-md5-line "$(ci md5_u)" require "fails: $(at)$NOPW" =
pgpass "# a comment" "*:*:*:scram_u:scram-pw" "*:$P:*:md5_u:md5-pw"
said pgpass-wildcards "$(ci scram_u)" verify-full encrypted =
said pgpass-wildcards-md5 "$(ci md5_u)" disable plaintext =
# the host field is matched against host=, not hostaddr=; another port,
# another database
pgpass "127.0.0.1:$P:postgres:scram_u:scram-pw" "localhost:1:postgres:scram_u:scram-pw" \
	"localhost:$P:template1:scram_u:scram-pw" "localhost:$P:postgres:scram_x:scram-pw"
said pgpass-no-match "$(ci scram_u)" require "fails: $(at)$NOPW" =
# "\:" and "\\" in a field: the password a:b\c; a host field "localhost:P"
pgpass 'localhost:*:*:colon_u:a\:b\\c' "localhost\\:$P:*:scram_u:scram-pw"
said pgpass-escaped "$(ci colon_u)" require encrypted =
said pgpass-escaped-host "$(ci scram_u)" require "fails: $(at)$NOPW" =
rm -f "$HOME/.pgpass"
printf '%s\n' "*:*:*:scram_u:scram-pw" >"$S/passfile"
chmod 0600 "$S/passfile"
said passfile-keyword "$(ci scram_u "passfile=$S/passfile")" require encrypted =
said pgpassfile "$(ci scram_u)" require encrypted = PGPASSFILE="$S/passfile"
said pgpassfile-missing "$(ci scram_u)" require "fails: $(at)$NOPW" = PGPASSFILE="$S/none"
# group or world access: a WARNING on stderr, and the file is not read
pgpass "*:*:*:scram_u:scram-pw"
chmod 0644 "$HOME/.pgpass"
WORLD="WARNING: password file \"$HOME/.pgpass\" has group or world access; permissions should be u=rw (0600) or less"
for m in disable prefer require; do
	said "pgpass-0644-$m" "$(ci scram_u)" $m "fails: $(at)$NOPW" =
	assert_eq "pgpass-0644-$m: psql 15's warning" "$WARN15" "$WORLD"
	assert_eq "pgpass-0644-$m: psql 18's warning" "$WARN18" "$WORLD"
done
chmod 0600 "$HOME/.pgpass"
said pgpass-0600-again "$(ci scram_u)" prefer encrypted =
rm -f "$HOME/.pgpass"

# ---- require_auth (libpq 16+)
NOOPT15="fails: invalid connection option \"require_auth\""
ra() {
	echo "$(at)authentication method requirement \"$1\" failed: $2"
}
said ra-scram-trust "$(ci trust_u require_auth=scram-sha-256)" require "$NOOPT15" \
	"fails: $(ra scram-sha-256 "server did not complete authentication")"
said ra-scram-md5 "$(ci md5_u require_auth=scram-sha-256)" require "$NOOPT15" \
	"fails: $(ra scram-sha-256 "server requested a hashed password")" PGPASSWORD=md5-pw
said ra-scram-md5-nopw "$(ci md5_u require_auth=scram-sha-256)" disable "$NOOPT15" \
	"fails: $(ra scram-sha-256 "server requested a hashed password")"
said ra-notpassword-cleartext "$(ci clear_u require_auth=!password)" require "$NOOPT15" \
	"fails: $(ra '!password' "server requested a cleartext password")" PGPASSWORD=clear-pw
said ra-none-scram "$(ci scram_u require_auth=none)" require "$NOOPT15" \
	"fails: $(ra none "server requested SASL authentication")" PGPASSWORD=scram-pw
said ra-md5-scram-scram "$(ci scram_u require_auth=md5,scram-sha-256)" require "$NOOPT15" \
	encrypted PGPASSWORD=scram-pw
said ra-notmd5-trust "$(ci trust_u require_auth=!md5)" require "$NOOPT15" encrypted
said ra-none-trust "$(ci trust_u require_auth=none)" prefer "$NOOPT15" encrypted
said ra-md5-md5 "$(ci md5_u require_auth=md5)" disable "$NOOPT15" plaintext PGPASSWORD=md5-pw

# ---- sslcertmode (libpq 16+)
NOCM15="fails: invalid connection option \"sslcertmode\""
# checked at AuthenticationOk, with or without TLS
for m in disable require; do
	said "certmode-require-not-asked-$m" "$(ci trust_u sslcertmode=require)" $m "$NOCM15" \
		"fails: $(at)server did not request an SSL certificate"
done
# ~/.postgresql/postgresql.crt beside a key anyone may read: libpq loads
# them unless sslcertmode=disable
mkdir -p "$HOME/.postgresql"
cp "$C/client.crt" "$HOME/.postgresql/postgresql.crt"
cp "$C/client.key" "$HOME/.postgresql/postgresql.key"
chmod 0644 "$HOME/.postgresql/postgresql.key"
KEYPERM="private key file \"$HOME/.postgresql/postgresql.key\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root"
said badkey-require "$(ci trust_u)" require "fails: $(at)$KEYPERM" =
# prefer: a TLS setup that fails in libpq is retried without TLS
said badkey-prefer "$(ci trust_u)" prefer plaintext =
said badkey-certmode-allow "$(ci trust_u sslcertmode=allow)" require "$NOCM15" "fails: $(at)$KEYPERM"
said badkey-certmode-disable "$(ci trust_u sslcertmode=disable)" require "$NOCM15" encrypted
rm -rf "$HOME/.postgresql"
pg_stop

# a server that asks for a client certificate (ssl_ca_file) and trusts
pg_start certask --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" --ca "$C/client-ca.crt" \
	--hba "host all all 127.0.0.1/32 trust"
P=$PGPORT_TEST
said certmode-require-none "$(ci postgres sslcertmode=require)" require "$NOCM15" \
	"fails: $(at)server accepted connection without a valid SSL certificate"
said certmode-require-cert "$(ci postgres "sslcertmode=require sslcert=$C/client.crt sslkey=$C/client.key")" \
	verify-full "$NOCM15" encrypted
said certmode-default-none "$(ci postgres)" require encrypted =
pg_stop

# ---- a server certificate signed with Ed25519 (the whole test PKI is):
# its signature names no digest, so tls-server-end-point has no hash
# (fe-secure-openssl.c pgtls_get_peer_certificate_hash), while the server
# offers SCRAM-SHA-256-PLUS over TLS and libpq picks it unless
# channel_binding=disable; the error is libpq's, after the password check,
# and no mode retries
E=$T/ed-certs
CERT_KEY_TYPE=ed25519 make_certs "$E"
pg_start ed25519 --ssl on --cert "$E/server.chain.pem" --key "$E/server.key" "${HBA[@]}"
P=$PGPORT_TEST
roles "$P"
ed() {
	echo "host=localhost hostaddr=127.0.0.1 port=$P dbname=postgres sslrootcert=$E/root.crt user=$1${2:+ $2}"
}
said ed25519-trust "$(ed trust_u)" verify-full encrypted =
NODIGEST="could not find digest for NID UNDEF"
for m in prefer require verify-full; do
	said "ed25519-cb-default-$m" "$(ed scram_u)" $m "fails: $(at)$NODIGEST" = PGPASSWORD=scram-pw
done
said ed25519-cb-require "$(ed scram_u channel_binding=require)" require \
	"fails: $(at)$NODIGEST" = PGPASSWORD=scram-pw
said ed25519-cb-disable "$(ed scram_u channel_binding=disable)" require encrypted = PGPASSWORD=scram-pw
said ed25519-nopw "$(ed scram_u)" require "fails: $(at)$NOPW" =
pg_stop
said_total
finish
