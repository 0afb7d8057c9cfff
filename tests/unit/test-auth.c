/* SPDX-License-Identifier: MIT */
/* Unit tests for model/auth (libpq's answer to an authentication request)
 * and for what model/sslmode makes of it: channel_binding, require_auth and
 * sslcertmode per libpq release, a missing password, the
 * tls-server-end-point hash of an Ed25519 certificate, and
 * target_session_attrs read from what the server reported. Each expected
 * text is libpq's, from the function named beside it. tests/pg/auth.sh and
 * tests/pg/session-attrs.sh compare the same rules with real psql. */
#include "config.h"
#include "engine/inspection.h"
#include "model/auth.h"
#include "model/sslmode.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

/* A self-signed certificate with the key type given ("ED25519" or "EC"),
 * signed with SHA-256 where the key type takes a digest: its DER. */
static uint8_t *make_cert(const char *type, size_t *len)
{
	EVP_PKEY *k = !strcmp(type, "EC") ? EVP_EC_gen("P-256") :
					    EVP_PKEY_Q_keygen(NULL, NULL, type);
	X509 *x = X509_new();
	uint8_t *der = NULL;
	int n;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"db.example.com", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	X509_sign(x, k, !strcmp(type, "EC") ? EVP_sha256() : NULL);
	n = i2d_X509(x, &der);
	*len = n > 0 ? (size_t)n : 0;
	X509_free(x);
	EVP_PKEY_free(k);
	return der;
}

static uint8_t *ec_der, *ed_der;
static size_t ec_len, ed_len;

static struct auth_opts opts(int version, const char *cb, const char *ra,
			     const char *certmode, int password)
{
	struct auth_opts o = {
		.libpq_version = version,
		.channel_binding = cb,
		.require_auth = ra,
		.sslcertmode = certmode,
		.password = password,
	};
	return o;
}

static const struct auth_link TLS_EC = { .ssl_in_use = true };
static const struct auth_link PLAIN = { .ssl_in_use = false };

/* judge one request: the result, the method, the message */
#define JUDGE(o, l, areq, mechs, res_, meth_, msg_)                       \
	do {                                                               \
		struct auth_outcome out_;                                  \
		struct auth_opts o_ = (o);                                 \
		auth_judge(&o_, (l), (areq), (mechs), &out_);              \
		CHECK_INT(out_.result, (res_));                            \
		CHECK_STR(out_.method, (meth_));                           \
		CHECK_STR(out_.message, (msg_));                           \
		auth_outcome_free(&out_);                                  \
	} while (0)

static char *plus[] = { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", NULL };
static char *scram_only[] = { "SCRAM-SHA-256", NULL };
static char *foreign[] = { "DIGEST-MD5", NULL };

static struct auth_link tls_with(const uint8_t *der, size_t len)
{
	struct auth_link l = { .ssl_in_use = true, .leaf = der, .leaf_len = len };
	return l;
}

/* fe-auth.c check_expected_areq and pg_SASL_init: channel_binding */
static void test_channel_binding(void)
{
	struct auth_link ec = tls_with(ec_der, ec_len);

	for (int v = 15; v <= 18; v++) {
		JUDGE(opts(v, "require", NULL, NULL, 1), &ec, "md5", NULL, AUTH_FAILS, NULL,
		      "channel binding required but not supported by server's authentication request");
		JUDGE(opts(v, "require", NULL, NULL, 1), &ec, "cleartext", NULL, AUTH_FAILS, NULL,
		      "channel binding required but not supported by server's authentication request");
		JUDGE(opts(v, "require", NULL, NULL, 1), &ec, "ok", NULL, AUTH_FAILS, NULL,
		      "channel binding required, but server authenticated client without channel binding");
		JUDGE(opts(v, "require", NULL, NULL, 1), &PLAIN, "sasl", scram_only, AUTH_FAILS, NULL,
		      "channel binding required, but SSL not in use");
		JUDGE(opts(v, "require", NULL, NULL, 1), &ec, "sasl", scram_only, AUTH_FAILS, NULL,
		      "channel binding is required, but server did not offer an authentication method that supports channel binding");
		JUDGE(opts(v, "require", NULL, NULL, 1), &ec, "sasl", plus, AUTH_PROCEEDS,
		      "SCRAM-SHA-256-PLUS", NULL);
		/* the default prefers PLUS; disable never takes it */
		JUDGE(opts(v, NULL, NULL, NULL, 1), &ec, "sasl", plus, AUTH_PROCEEDS,
		      "SCRAM-SHA-256-PLUS", NULL);
		JUDGE(opts(v, "disable", NULL, NULL, 1), &ec, "sasl", plus, AUTH_PROCEEDS,
		      "SCRAM-SHA-256", NULL);
		JUDGE(opts(v, "prefer", NULL, NULL, 1), &PLAIN, "sasl", scram_only, AUTH_PROCEEDS,
		      "SCRAM-SHA-256", NULL);
		/* a stripped TLS layer */
		JUDGE(opts(v, "prefer", NULL, NULL, 1), &PLAIN, "sasl", plus, AUTH_FAILS, NULL,
		      "server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection");
		JUDGE(opts(v, "prefer", NULL, NULL, 1), &ec, "sasl", foreign, AUTH_FAILS, NULL,
		      "none of the server's SASL authentication mechanisms are supported");
		JUDGE(opts(v, "prefer", NULL, NULL, 1), &ec, "kerberos", NULL, AUTH_FAILS, NULL,
		      "Kerberos 5 authentication not supported");
	}
}

/* fe-secure-openssl.c pgtls_get_peer_certificate_hash: an Ed25519
 * signature names no digest, so SCRAM-SHA-256-PLUS cannot be bound; the
 * default channel_binding=prefer picks it all the same */
static void test_ed25519(void)
{
	struct auth_link ed = tls_with(ed_der, ed_len);

	for (int v = 15; v <= 18; v++) {
		struct auth_outcome out;
		struct auth_opts o = opts(v, "prefer", NULL, NULL, 1);

		auth_judge(&o, &ed, "sasl", plus, &out);
		CHECK_INT(out.result, AUTH_FAILS);
		CHECK_STR(out.message, "could not find digest for NID UNDEF");
		CHECK(out.after_first_message);
		auth_outcome_free(&out);
		JUDGE(opts(v, "require", NULL, NULL, 1), &ed, "sasl", plus, AUTH_FAILS, NULL,
		      "could not find digest for NID UNDEF");
		JUDGE(opts(v, "disable", NULL, NULL, 1), &ed, "sasl", plus, AUTH_PROCEEDS,
		      "SCRAM-SHA-256", NULL);
		/* no password: pg_SASL_init stops before the hash is needed */
		JUDGE(opts(v, "prefer", NULL, NULL, 0), &ed, "sasl", plus, AUTH_FAILS, NULL,
		      "fe_sendauth: no password supplied");
	}
}

/* pg_fe_sendauth: AUTH_REQ_MD5, AUTH_REQ_PASSWORD and pg_SASL_init with
 * no password (PQnoPasswordSupplied) */
static void test_no_password(void)
{
	for (int v = 15; v <= 18; v++) {
		JUDGE(opts(v, NULL, NULL, NULL, 0), &TLS_EC, "md5", NULL, AUTH_FAILS, NULL,
		      "fe_sendauth: no password supplied");
		JUDGE(opts(v, NULL, NULL, NULL, 0), &PLAIN, "cleartext", NULL, AUTH_FAILS, NULL,
		      "fe_sendauth: no password supplied");
		JUDGE(opts(v, NULL, NULL, NULL, 0), &PLAIN, "sasl", scram_only, AUTH_FAILS, NULL,
		      "fe_sendauth: no password supplied");
		JUDGE(opts(v, NULL, NULL, NULL, 0), &PLAIN, "ok", NULL, AUTH_PROCEEDS, NULL, NULL);
		JUDGE(opts(v, NULL, NULL, NULL, 1), &PLAIN, "md5", NULL, AUTH_PROCEEDS, "md5", NULL);
		JUDGE(opts(v, NULL, NULL, NULL, 1), &PLAIN, "cleartext", NULL, AUTH_PROCEEDS,
		      "password", NULL);
		JUDGE(opts(v, NULL, NULL, NULL, -1), &PLAIN, "md5", NULL, AUTH_UNKNOWN, NULL,
		      "whether libpq has a password for this host is not known");
	}
}

#define RA(m, why) "authentication method requirement \"" m "\" failed: " why

/* check_expected_areq (16+): require_auth; 15 does not know it */
static void test_require_auth(void)
{
	for (int v = 16; v <= 18; v++) {
		JUDGE(opts(v, NULL, "scram-sha-256", NULL, 1), &TLS_EC, "ok", NULL, AUTH_FAILS,
		      NULL, RA("scram-sha-256", "server did not complete authentication"));
		JUDGE(opts(v, NULL, "scram-sha-256", NULL, 1), &TLS_EC, "md5", NULL, AUTH_FAILS,
		      NULL, RA("scram-sha-256", "server requested a hashed password"));
		JUDGE(opts(v, NULL, "!password", NULL, 1), &PLAIN, "cleartext", NULL, AUTH_FAILS,
		      NULL, RA("!password", "server requested a cleartext password"));
		JUDGE(opts(v, NULL, "none", NULL, 1), &PLAIN, "sasl", scram_only, AUTH_FAILS, NULL,
		      RA("none", "server requested SASL authentication"));
		JUDGE(opts(v, NULL, "none", NULL, 1), &PLAIN, "ok", NULL, AUTH_PROCEEDS, NULL,
		      NULL);
		JUDGE(opts(v, NULL, "md5,scram-sha-256", NULL, 1), &PLAIN, "sasl", scram_only,
		      AUTH_PROCEEDS, "SCRAM-SHA-256", NULL);
		JUDGE(opts(v, NULL, "md5,scram-sha-256", NULL, 1), &PLAIN, "md5", NULL,
		      AUTH_PROCEEDS, "md5", NULL);
		/* a negated list allows authentication-less connections */
		JUDGE(opts(v, NULL, "!md5", NULL, 1), &PLAIN, "ok", NULL, AUTH_PROCEEDS, NULL, NULL);
		JUDGE(opts(v, NULL, "!none", NULL, 1), &PLAIN, "ok", NULL, AUTH_FAILS, NULL,
		      RA("!none", "server did not complete authentication"));
		/* require_auth is checked before channel_binding */
		JUDGE(opts(v, "require", "scram-sha-256", NULL, 1), &TLS_EC, "md5", NULL,
		      AUTH_FAILS, NULL, RA("scram-sha-256", "server requested a hashed password"));
	}
	/* 16 and 17 count scram-sha-256 as all of SASL; 18 keeps SASL
	 * requests while any mechanism is allowed and refuses the mechanism
	 * in pg_SASL_init (commit for OAUTHBEARER, fe-connect.c
	 * allowed_sasl_mechs) */
	struct auth_link ec = tls_with(ec_der, ec_len);
	for (int v = 16; v <= 17; v++)
		JUDGE(opts(v, NULL, "!scram-sha-256", NULL, 1), &ec, "sasl", plus, AUTH_FAILS,
		      NULL, RA("!scram-sha-256", "server requested SASL authentication"));
	JUDGE(opts(18, NULL, "!scram-sha-256", NULL, 1), &ec, "sasl", plus, AUTH_FAILS, NULL,
	      RA("!scram-sha-256", "server requested SCRAM-SHA-256-PLUS authentication"));
	JUDGE(opts(18, NULL, "oauth", NULL, 1), &PLAIN, "sasl", scram_only, AUTH_FAILS, NULL,
	      RA("oauth", "server requested SCRAM-SHA-256 authentication"));
	/* 15 reads neither require_auth nor sslcertmode */
	JUDGE(opts(15, NULL, "scram-sha-256", "require", 1), &TLS_EC, "ok", NULL,
	      AUTH_PROCEEDS, NULL, NULL);
}

/* check_expected_areq (16+): sslcertmode=require at AuthenticationOk */
static void test_sslcertmode(void)
{
	struct auth_link asked = { .ssl_in_use = true, .cert_requested = true };
	struct auth_link sent = { .ssl_in_use = true, .cert_requested = true, .cert_sent = true };

	for (int v = 16; v <= 18; v++) {
		JUDGE(opts(v, NULL, NULL, "require", 1), &TLS_EC, "ok", NULL, AUTH_FAILS, NULL,
		      "server did not request an SSL certificate");
		JUDGE(opts(v, NULL, NULL, "require", 1), &PLAIN, "ok", NULL, AUTH_FAILS, NULL,
		      "server did not request an SSL certificate");
		JUDGE(opts(v, NULL, NULL, "require", 1), &asked, "ok", NULL, AUTH_FAILS, NULL,
		      "server accepted connection without a valid SSL certificate");
		JUDGE(opts(v, NULL, NULL, "require", 1), &sent, "ok", NULL, AUTH_PROCEEDS, NULL,
		      NULL);
		/* after a password exchange, at the OK that ends it: libpq
		 * answers with md5 first (at_ok) */
		JUDGE(opts(v, NULL, NULL, "require", 1), &TLS_EC, "md5", NULL, AUTH_FAILS, "md5",
		      "server did not request an SSL certificate");
		struct auth_outcome out;
		struct auth_opts o = opts(v, NULL, NULL, "require", 1);
		auth_judge(&o, &TLS_EC, "md5", NULL, &out);
		CHECK(out.at_ok);
		auth_outcome_free(&out);
		o = opts(v, "require", NULL, NULL, 1);
		auth_judge(&o, &TLS_EC, "md5", NULL, &out);
		CHECK(!out.at_ok);
		auth_outcome_free(&out);
		JUDGE(opts(v, NULL, NULL, "allow", 1), &TLS_EC, "ok", NULL, AUTH_PROCEEDS, NULL,
		      NULL);
	}
}

/* ---- through the verdict model ---------------------------------- */

#define PH "connection to server at \"db.example.com\" (192.0.2.10), port 5432 failed: "

static void connected(struct connect_fact *c)
{
	c->attempted = true;
	c->ok = true;
	c->address = xstrdup("192.0.2.10:5432");
	c->ip = xstrdup("192.0.2.10");
}

/* A server with TLS whose answers are the same over TLS and in clear. */
static void server(struct inspection *ins, const char *auth, bool standby, bool reported)
{
	inspection_init(ins);
	ins->target.host = xstrdup("db.example.com");
	connected(&ins->server.tls_connect);
	connected(&ins->server.plain_connect);
	ins->reachable = 1;
	ins->server.sslrequest_reply = REPLY_S;
	ins->server.reply_byte = 'S';
	ins->tls.attempted = true;
	ins->tls.ok = true;
	ins->tls.version = xstrdup("TLS1.3");
	struct startup_answer *as[] = { &ins->server.plain, &ins->server.tls };
	for (int i = 0; i < 2; i++) {
		struct startup_answer *a = as[i];
		a->attempted = true;
		a->accepted = 1;
		a->auth = xstrdup(auth);
		if (!strcmp(auth, "sasl"))
			strlist_add(&a->sasl_mechanisms, &a->nsasl, "SCRAM-SHA-256");
		a->authenticated = !strcmp(auth, "ok");
		if (a->authenticated && reported) {
			a->in_hot_standby = standby;
			a->default_transaction_read_only = 0;
		}
	}
	ins->trust.rootcert = xstrdup("/nonexistent/root.crt");
	ins->trust.source = ROOTCERT_DEFAULT;
	ins->trust.name_host = xstrdup("db.example.com");
}

static void vopts(struct verdict_opts *o, int version, const char *tsa, int password)
{
	memset(o, 0, sizeof(*o));
	o->libpq_version = version;
	o->host = "db.example.com";
	o->port = 5432;
	o->sslrootcert = "/nonexistent/root.crt";
	o->rootcert_source = ROOTCERT_DEFAULT;
	o->sslnegotiation = "postgres";
	o->gssencmode = "disable";
	o->target_session_attrs = tsa;
	o->password = password;
	o->password_from = "PGPASSWORD";
}

static void verdicts(const struct inspection *ins, const struct verdict_opts *o,
		     struct verdict v[SSLMODE_COUNT])
{
	sslmode_verdicts(ins, o, v);
}

static void free_verdicts(struct verdict v[SSLMODE_COUNT])
{
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&v[m]);
}

/* fe-connect.c CONNECTION_CHECK_TARGET, one host */
static void test_session_attrs(void)
{
	struct inspection primary, standby, old, scram;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	server(&primary, "ok", false, true);
	server(&standby, "ok", true, true);
	server(&old, "ok", false, false);
	server(&scram, "sasl", false, false);
	for (int ver = 15; ver <= 18; ver++) {
		vopts(&o, ver, "standby", 1);
		verdicts(&primary, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_FAILS);
		CHECK_STR(v[SSLMODE_PREFER].error, PH "server is not in hot standby mode");
		CHECK_INT(v[SSLMODE_DISABLE].outcome, OUTCOME_FAILS);
		free_verdicts(v);
		verdicts(&standby, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_ENCRYPTED);
		CHECK_INT(v[SSLMODE_DISABLE].outcome, OUTCOME_PLAINTEXT);
		free_verdicts(v);

		vopts(&o, ver, "primary", 1);
		verdicts(&standby, &o, v);
		CHECK_STR(v[SSLMODE_REQUIRE].error, PH "server is in hot standby mode");
		free_verdicts(v);

		vopts(&o, ver, "read-write", 1);
		verdicts(&standby, &o, v);
		CHECK_STR(v[SSLMODE_REQUIRE].error, PH "session is read-only");
		free_verdicts(v);
		verdicts(&primary, &o, v);
		CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_ENCRYPTED);
		free_verdicts(v);

		vopts(&o, ver, "read-only", 1);
		verdicts(&primary, &o, v);
		CHECK_STR(v[SSLMODE_REQUIRE].error, PH "session is not read-only");
		free_verdicts(v);

		/* the second pass of prefer-standby takes any server */
		vopts(&o, ver, "prefer-standby", 1);
		verdicts(&primary, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_ENCRYPTED);
		CHECK_STR(v[SSLMODE_PREFER].error, NULL);
		free_verdicts(v);

		/* a server before 14 reports neither: libpq would ask */
		vopts(&o, ver, "read-write", 1);
		verdicts(&old, &o, v);
		CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_UNKNOWN);
		CHECK(v[SSLMODE_REQUIRE].caveat && strstr(v[SSLMODE_REQUIRE].caveat, "SHOW transaction_read_only"));
		free_verdicts(v);

		/* a password is needed first: never a guess */
		vopts(&o, ver, "standby", 1);
		verdicts(&scram, &o, v);
		CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_UNKNOWN);
		CHECK(v[SSLMODE_REQUIRE].caveat && strstr(v[SSLMODE_REQUIRE].caveat, "--login"));
		free_verdicts(v);
		vopts(&o, ver, "any", 1);
		verdicts(&scram, &o, v);
		CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_ENCRYPTED);
		free_verdicts(v);
	}
	inspection_free(&primary);
	inspection_free(&standby);
	inspection_free(&old);
	inspection_free(&scram);
}

/* an authentication failure ends the attempt: no plaintext retry under
 * prefer, no SSL retry under allow (PQconnectPoll's error_return) */
static void test_no_fallback(void)
{
	struct inspection scram;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	server(&scram, "sasl", false, false);
	for (int ver = 15; ver <= 18; ver++) {
		vopts(&o, ver, "any", 0);
		verdicts(&scram, &o, v);
		/* (verify-* stop earlier: no root file) */
		for (int m = 0; m <= SSLMODE_REQUIRE; m++) {
			CHECK_INT(v[m].outcome, OUTCOME_FAILS);
			CHECK_STR(v[m].error, PH "fe_sendauth: no password supplied");
		}
		free_verdicts(v);
		vopts(&o, ver, "any", 1);
		o.channel_binding = "require";
		verdicts(&scram, &o, v);
		CHECK_STR(v[SSLMODE_DISABLE].error, PH "channel binding required, but SSL not in use");
		CHECK_STR(v[SSLMODE_ALLOW].error, PH "channel binding required, but SSL not in use");
		CHECK_STR(v[SSLMODE_PREFER].error,
			  PH "channel binding is required, but server did not offer an authentication method that supports channel binding");
		free_verdicts(v);
	}
	inspection_free(&scram);
}

int main(void)
{
	ec_der = make_cert("EC", &ec_len);
	ed_der = make_cert("ED25519", &ed_len);
	CHECK(ec_der && ed_der);
	test_channel_binding();
	test_ed25519();
	test_no_password();
	test_require_auth();
	test_sslcertmode();
	test_session_attrs();
	test_no_fallback();
	OPENSSL_free(ec_der);
	OPENSSL_free(ed_der);
	return check_status("test-auth");
}
