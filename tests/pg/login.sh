#!/bin/bash
# --login against a real PostgreSQL 15: roles that authenticate with
# SCRAM-SHA-256, MD5 and a cleartext password (pg_hba "password"). With
# the right password (PGPASSWORD) the startup answer is accepted and the
# password went out as libpq sends it (SCRAM-SHA-256-PLUS over TLS,
# SCRAM-SHA-256 without; md5; cleartext only over TLS unless
# --login=any); with a wrong one, or a database that does not exist, the
# server's FATAL and the verdict are what psql 15 prints; libpq's own
# refusals (no password, channel_binding=require, an Ed25519 certificate
# for SCRAM-SHA-256-PLUS) are libpq's words beside psql 15. Without
# --login no password goes out (the JSON and the server's log say so),
# and with it neither the password nor anything derived from it (the md5
# answer, the SCRAM ClientProof and ServerSignature, recomputed here from
# the recorded exchange) is in the JSON or the saved event log.
# shellcheck source=tests/pg/common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
need_pgi
need_tool "$PSQL" openssl python3
need_psql 18
PSQL18=$PSQL_MAJOR

C=$T/certs
make_certs "$C"
SQL="SELECT 1"
pg_start login --ssl on --cert "$C/server.chain.pem" --key "$C/server.key" \
	--hba "host all postgres 127.0.0.1/32 trust" \
	--hba "host all scram_user 127.0.0.1/32 scram-sha-256" \
	--hba "host all md5_user 127.0.0.1/32 md5" \
	--hba "host all pw_user 127.0.0.1/32 password"
psql_try "$T/setup.out" "$(pg_conninfo sslmode=disable)" \
	"SET password_encryption = 'scram-sha-256';
	 CREATE ROLE scram_user LOGIN PASSWORD 'scram secret';
	 CREATE ROLE pw_user LOGIN PASSWORD 'clear secret';
	 SET password_encryption = 'md5';
	 CREATE ROLE md5_user LOGIN PASSWORD 'md5 secret';" ||
	{ cat "$T/setup.out"; die "could not create the roles"; }
unset PGPASSWORD PGCHANNELBINDING
ci() { pg_conninfo "sslrootcert=$C/root.crt $*"; }

# login NAME CONNINFO [ARGS...]: pgtls-inspect --login (or ARGS) into $T/NAME.json
login() {
	local name=$1 c=$2
	shift 2
	pgi_json "$T/$name.json" "$c" "${@:---login}"
}

# verdict JSON MODE: the tool's verdict under MODE as psql's output reads
verdict() {
	"$JQ" -r --arg m "$2" '.modes[$m] | if .outcome == "fails" then "fails: " + .error
		elif .outcome == "encrypted" or .outcome == "plaintext" then "1" else .outcome end' "$1"
}

# agree NAME CONNINFO MODE [ARGS...]: the tool's verdict under MODE is what
# psql 15 did with the same conninfo and environment (the inspection judged
# as libpq 15), and what psql 18 did (the same facts judged as libpq 18)
agree() {
	local name=$1 c=$2 mode=$3 rc o got v
	shift 3
	login "$name" "$c" "${@:---login}" --libpq-version 15
	"$PGI" --replay "$T/$name.json" --libpq-version 18 --json >"$T/$name.18.json" 2>&1
	for v in 15 18; do
		rc=0
		if [ $v = 15 ]; then
			psql_try "$T/$name.psql$v" "$c" "$SQL" || rc=$?
			got=$(verdict "$T/$name.json" "$mode")
		else
			PSQL=$PSQL18 psql_try "$T/$name.psql$v" "$c" "$SQL" || rc=$?
			got=$(verdict "$T/$name.18.json" "$mode")
		fi
		sed "s/^/#   psql $v | /" "$T/$name.psql$v"
		if [ $rc = 0 ]; then o=$(cat "$T/$name.psql$v"); else o="fails: $(sed 's/^psql: error: //' "$T/$name.psql$v")"; fi
		if [ "$got" = "$o" ]; then
			pass "$name: sslmode=$mode: the tool agrees with psql $v ($o)"
		else
			fail "$name: sslmode=$mode: the tool agrees with psql $v"
			printf '#   tool: %s\n#   psql: %s\n' "$got" "$o"
		fi
	done
}

# -- the right password -------------------------------------------------
export PGPASSWORD='scram secret'
agree scram-require "$(ci user=scram_user sslmode=require)" require
J=$T/scram-require.json
assert_jq "$J" '.server.login' "on"
assert_jq "$J" '.server.tls_startup | [.accepted, .auth, .login_sent, .login_method, .login_error]' \
	'[true,"sasl",true,"SCRAM-SHA-256-PLUS",null]'
assert_jq "$J" '.server.tls_startup.server_version | startswith("15")' "true"
assert_jq "$J" '.server.plaintext_startup | [.accepted, .auth, .login_sent, .login_skipped]' \
	'[true,"sasl",false,"sslmode=require: libpq never sends a password without TLS"]'
assert_jq "$J" '[.events[] | select(.kind == "SASLResponse") | .probe]' '["tls"]'

agree scram-disable "$(ci user=scram_user sslmode=disable)" disable
J=$T/scram-disable.json
assert_jq "$J" '.server.plaintext_startup | [.accepted, .login_sent, .login_method]' \
	'[true,true,"SCRAM-SHA-256"]'
assert_jq "$J" '.server.plaintext_startup.server_version | startswith("15")' "true"
assert_jq "$J" '.server.tls_startup | [.login_sent, .login_skipped]' \
	'[false,"sslmode=disable: libpq would not use TLS"]'

# prefer: libpq goes without TLS only when the TLS attempt fails, and
# here it does not: the probe in clear waits for the TLS probe and sends
# nothing
agree scram-prefer "$(ci user=scram_user)" prefer
J=$T/scram-prefer.json
assert_jq "$J" '.server.tls_startup | [.login_sent, .login_method, .authenticated]' \
	'[true,"SCRAM-SHA-256-PLUS",true]'
assert_jq "$J" '.server.plaintext_startup | [.login_sent, .login_skipped]' \
	'[false,"sslmode=prefer: libpq goes without TLS only when the attempt with TLS fails, and this one did not"]'
assert_jq "$J" '[.events[] | select(.kind == "LoginWaits") | .probe]' '["plain"]'
"$PGI" --replay "$J" --report >"$T/scram-prefer.txt" 2>&1
assert_eq "the report says where the password went" \
	"$(grep -o 'password sent .*' "$T/scram-prefer.txt" | tr -s ' ')" \
	"password sent yes, to 127.0.0.1:$PGPORT_TEST (SCRAM-SHA-256-PLUS)"
# allow: libpq tries TLS only when the connection in clear is refused
agree scram-allow "$(ci user=scram_user sslmode=allow)" allow
assert_jq "$T/scram-allow.json" '[.server.plaintext_startup.login_sent, .server.plaintext_startup.authenticated, .server.tls_startup.login_sent]' \
	'[true,true,false]'

# the password from the connection string, and from ~/.pgpass
unset PGPASSWORD
agree scram-keyword "$(ci user=scram_user sslmode=require "password='scram secret'")" require
assert_jq "$T/scram-keyword.json" '.server.tls_startup | [.accepted, .login_sent, .authenticated]' '[true,true,true]'
printf 'localhost:%s:*:scram_user:scram secret\n' "$PGPORT_TEST" >"$HOME/.pgpass"
chmod 0600 "$HOME/.pgpass"
agree scram-pgpass "$(ci user=scram_user sslmode=require)" require
assert_jq "$T/scram-pgpass.json" '.server.tls_startup | [.accepted, .login_sent, .authenticated]' '[true,true,true]'
# a host list: each host slot's own line of ~/.pgpass
printf '%s\n' "localhost:$PGPORT_TEST:*:scram_user:scram secret" \
	"127.0.0.1:$PGPORT_TEST:*:scram_user:not it" >"$HOME/.pgpass"
agree host-list "host=localhost,127.0.0.1 hostaddr=127.0.0.1,127.0.0.1 port=$PGPORT_TEST user=scram_user dbname=postgres sslmode=require sslrootcert=$C/root.crt" require
assert_jq "$T/host-list.json" '[.server.tls_startup.authenticated, .hosts[0].server.tls_startup.sqlstate, .hosts[0].server.tls_startup.login_sent]' \
	'[true,"28P01",true]'
# a wrong password from the file: libpq names the file (pgpassfileWarning)
printf '%s\n' "localhost:$PGPORT_TEST:*:scram_user:not it" >"$HOME/.pgpass"
agree pgpass-wrong "$(ci user=scram_user sslmode=require)" require
agree pgpass-wrong-prefer "$(ci user=scram_user sslmode=prefer)" prefer
rm -f "$HOME/.pgpass"
export PGPASSWORD='scram secret'

# channel_binding=disable: SCRAM-SHA-256 over TLS
login scram-cb-disable "$(ci user=scram_user sslmode=require channel_binding=disable)"
assert_jq "$T/scram-cb-disable.json" '.server.tls_startup | [.accepted, .login_method]' \
	'[true,"SCRAM-SHA-256"]'

export PGPASSWORD='md5 secret'
agree md5 "$(ci user=md5_user sslmode=disable)" disable
assert_jq "$T/md5.json" '.server.plaintext_startup | [.accepted, .auth, .login_sent, .login_method, .authenticated]' \
	'[true,"md5",true,"md5",true]'
agree md5-tls "$(ci user=md5_user sslmode=require)" require
assert_jq "$T/md5-tls.json" '.server.tls_startup | [.accepted, .auth, .login_sent, .login_method, .authenticated]' \
	'[true,"md5",true,"md5",true]'

export PGPASSWORD='clear secret'
agree cleartext "$(ci user=pw_user)" prefer
J=$T/cleartext.json
assert_jq "$J" '.server.tls_startup | [.accepted, .auth, .login_sent, .login_method]' \
	'[true,"cleartext",true,"password"]'
assert_jq "$J" '.server.plaintext_startup | [.accepted, .login_sent]' '[true,false]'
agree cleartext-plain "$(ci user=pw_user sslmode=disable)" disable
assert_jq "$T/cleartext-plain.json" '.server.plaintext_startup | [.accepted, .login_sent, .login_skipped]' \
	'[true,false,"the server asks for the password in cleartext over a connection without TLS; --login=any sends it"]'
agree cleartext-any "$(ci user=pw_user sslmode=disable)" disable --login=any
assert_jq "$T/cleartext-any.json" '.server.plaintext_startup | [.accepted, .login_sent, .login_method]' \
	'[true,true,"password"]'

# -- the server refuses ---------------------------------------------------
export PGPASSWORD='not it'
agree scram-wrong "$(ci user=scram_user sslmode=require)" require
assert_jq "$T/scram-wrong.json" '.server.tls_startup | [.accepted, .login_sent, .severity, .sqlstate, .message]' \
	'[false,true,"FATAL","28P01","password authentication failed for user \"scram_user\""]'
# prefer: libpq tries again without TLS after the FATAL, and says both
agree scram-wrong-prefer "$(ci user=scram_user)" prefer
assert_jq "$T/scram-wrong-prefer.json" '[.server.tls_startup, .server.plaintext_startup | .sqlstate]' '["28P01","28P01"]'
agree md5-wrong "$(ci user=md5_user sslmode=disable)" disable
assert_jq "$T/md5-wrong.json" '.server.plaintext_startup | [.accepted, .sqlstate]' '[false,"28P01"]'
agree cleartext-wrong "$(ci user=pw_user sslmode=require)" require
# after authentication: no such database
export PGPASSWORD='scram secret'
agree no-database "$(ci user=scram_user dbname=nope sslmode=require)" require
assert_jq "$T/no-database.json" '.server.tls_startup | [.accepted, .login_sent, .sqlstate, .message]' \
	'[false,true,"3D000","database \"nope\" does not exist"]'

# -- libpq refuses to answer ------------------------------------------------
unset PGPASSWORD
agree no-password "$(ci user=scram_user sslmode=require)" require
assert_jq "$T/no-password.json" '.server.tls_startup | [.accepted, .login_sent, .login_error]' \
	'[true,false,"fe_sendauth: no password supplied"]'
export PGPASSWORD='md5 secret'
agree cb-require-md5 "$(ci user=md5_user sslmode=require channel_binding=require)" require
assert_jq "$T/cb-require-md5.json" '.server.tls_startup | [.login_sent, .login_error]' \
	'[false,"channel binding required but not supported by server'"'"'s authentication request"]'
export PGPASSWORD='scram secret'
agree cb-require-plain "$(ci user=scram_user sslmode=disable channel_binding=require)" disable
assert_jq "$T/cb-require-plain.json" '.server.plaintext_startup.login_error' \
	"channel binding required, but SSL not in use"
agree cb-require-tls "$(ci user=scram_user sslmode=require channel_binding=require)" require
assert_jq "$T/cb-require-tls.json" '.server.tls_startup | [.accepted, .login_method]' \
	'[true,"SCRAM-SHA-256-PLUS"]'

# -- a server that ends SCRAM wrongly (tests/peer/fakepg) ---------------------
export PGPASSWORD='scram secret'
for v in badsig:"incorrect server signature" nonce:"invalid SCRAM response (nonce mismatch)" \
	error:"error received from server in SCRAM exchange: invalid-proof"; do
	fakepg_start "scram:${v%%:*}"
	agree "fake-${v%%:*}" "host=127.0.0.1 port=$PORT user=u dbname=d sslmode=prefer" prefer
	assert_jq "$T/fake-${v%%:*}.json" '.server.plaintext_startup.login_error' "${v#*:}"
done
assert_jq "$T/fake-badsig.json" '.server.plaintext_startup | [.login_sent, .login_method]' '[true,"SCRAM-SHA-256"]'
assert_jq "$T/fake-nonce.json" '.server.plaintext_startup | [.login_sent, .login_method]' '[false,"SCRAM-SHA-256"]'

# -- secrets stay out of the output ------------------------------------------
# secret_free NAME PASSWORD: neither the JSON nor the saved event log of a
# --login run holds the password, the md5 answer or the SCRAM proof and
# server signature (recomputed from the recorded exchange), in text,
# base64 or hex
secret_free() {
	local name=$1 pw=$2 f
	python3 - "$T/$name.json" "$pw" "$T/$name.secrets" <<'EOF'
import base64, hashlib, hmac, json, sys
doc = json.load(open(sys.argv[1]))
pw, user = sys.argv[2].encode(), doc["target"]["user"].encode()
secrets = [pw]
for ev in doc["events"]:
    raw = bytes.fromhex(ev["hex"]) if ev["hex"] else b""
    if ev["kind"] == "AuthenticationMD5Password":
        inner = hashlib.md5(pw + user).hexdigest().encode()
        secrets.append(hashlib.md5(inner + raw[9:13]).hexdigest().encode())
    if ev["kind"] == "AuthenticationSASLContinue":
        server_first = raw[9:]
        attrs = dict(a.split(b"=", 1) for a in server_first.split(b","))
        salted = hashlib.pbkdf2_hmac("sha256", pw, base64.b64decode(attrs[b"s"]), int(attrs[b"i"]))
        probe = ev["probe"]
    if ev["kind"] == "SASLInitialResponse":
        body = raw[5:]
        mech, rest = body.split(b"\0", 1)
        first = rest[4:]
        first_bare = first[first.index(b",,") + 2:]
    if ev["kind"] == "SASLResponse":
        final = raw[5:]
        without = final[:final.index(b",p=")]
        msg = first_bare + b"," + server_first + b"," + without
        ck = hmac.new(salted, b"Client Key", "sha256").digest()
        sig = hmac.new(hashlib.sha256(ck).digest(), msg, "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(ck, sig))
        sk = hmac.new(salted, b"Server Key", "sha256").digest()
        ssig = hmac.new(sk, msg, "sha256").digest()
        secrets += [base64.b64encode(proof), base64.b64encode(ssig)]
with open(sys.argv[3], "w") as out:
    for s in secrets:
        out.write(s.decode() + "\n" + s.hex() + "\n")
    print(len(secrets))
EOF
	for f in "$T/$name.json" "$T/$name.events"; do
		if grep -F -q -f "$T/$name.secrets" "$f"; then
			fail "$name: $(basename "$f") holds a secret"
			grep -F -o -f "$T/$name.secrets" "$f" | head -3 | sed 's/^/#   /'
		else
			pass "$name: $(basename "$f") holds no secret ($(wc -l <"$T/$name.secrets") checked)"
		fi
	done
}
for c in "scram_user:scram secret:require" "scram_user:scram secret:disable" \
	"md5_user:md5 secret:prefer" "pw_user:clear secret:require"; do
	IFS=: read -r u pw mode <<<"$c"
	export PGPASSWORD=$pw
	login "secret-$u-$mode" "$(ci user=$u sslmode=$mode)" --login --save-events "$T/secret-$u-$mode.events"
	assert_jq "$T/secret-$u-$mode.json" '[.server.tls_startup, .server.plaintext_startup | select(.login_sent) | .accepted] | length > 0 and all' "true"
	secret_free "secret-$u-$mode" "$pw"
done
assert_jq "$T/secret-scram_user-require.json" \
	'[.events[] | select(.dir == "send" and (.kind == "SASLResponse" or .kind == "PasswordMessage")) | .summary | endswith("(password scrubbed) (over TLS)")] | all' "true"
assert_jq "$T/secret-scram_user-require.json" \
	'[.events[] | select(.kind == "AuthenticationSASLFinal") | .summary | endswith("(server signature scrubbed)")] | length > 0 and all' "true"

# -- the interface: set login on ----------------------------------------------
export PGPASSWORD='scram secret'
printf '%s\n' ":set login on" ":save json $T/tui.json" >"$T/tui.keys"
rc=0
TERM=dumb LINES=24 COLUMNS=80 INPUTRC=/dev/null PGTLS_INSPECT_SCRIPT=$T/tui.keys \
	PGTLS_INSPECT_DUMPDIR=$T timeout 60 "$PGI" --timeout 5 "$(ci user=scram_user sslmode=require)" \
	</dev/null >"$T/tui.out" 2>&1 || rc=$?
assert_eq "interface: exit status" "$rc" 0
assert_jq "$T/tui.json" '[.server.login, .server.tls_startup.login_sent, .server.tls_startup.login_method, .server.tls_startup.accepted]' \
	'["on",true,"SCRAM-SHA-256-PLUS",true]'

# -- without --login nothing is sent -------------------------------------------
: >"$T/before.log"
cp "$PGLOG_TEST" "$T/before.log"
export PGPASSWORD='scram secret'
for u in scram_user md5_user pw_user; do
	login "nologin-$u" "$(ci user=$u)" --timeout 5
	J=$T/nologin-$u.json
	assert_jq "$J" '.server.login' "off"
	assert_jq "$J" '[.server.tls_startup, .server.plaintext_startup | .login_sent] | any' "false"
	assert_jq "$J" '[.events[] | select(.dir == "send" and (.kind | test("Password|SASL")))] | length' "0"
done
after=$(diff "$T/before.log" "$PGLOG_TEST" | grep '^>' || true)
if grep -q 'password authentication\|connection authorized: user=\(scram\|md5\|pw\)_user' <<<"$after"; then
	fail "without --login the server saw a password"
	grep 'password\|authorized' <<<"$after" | sed 's/^/#   /'
else
	pass "without --login the server saw no password ($(grep -c 'connection received' <<<"$after") connections)"
fi
pg_stop

# -- an Ed25519 certificate: libpq finds no digest for SCRAM-SHA-256-PLUS --------
openssl req -x509 -newkey ed25519 -nodes -days 30 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout "$C/ed.key" -out "$C/ed.crt" >"$T/openssl.log" 2>&1 || die "openssl could not make an Ed25519 certificate"
chmod 0644 "$C/ed.crt"
_server_key_owner "$C/ed.key"
pg_start ed25519 --ssl on --cert "$C/ed.crt" --key "$C/ed.key" \
	--hba "host all postgres 127.0.0.1/32 trust" \
	--hba "host all scram_user 127.0.0.1/32 scram-sha-256"
pg_role scram_user 'scram secret'
export PGPASSWORD='scram secret'
agree ed25519 "$(pg_conninfo "user=scram_user sslmode=require")" require
assert_jq "$T/ed25519.json" '.server.tls_startup | [.login_sent, .login_method, .login_error]' \
	'[false,"SCRAM-SHA-256-PLUS","could not find digest for NID UNDEF"]'
pg_stop
finish
