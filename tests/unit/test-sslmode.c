/* SPDX-License-Identifier: MIT */
/* Unit tests for model/sslmode: probe facts built by hand, fed to the
 * verdict model, and the exact outcome and PQerrorMessage text checked for
 * each sslmode and libpq release. tests/pg/modes-agree.sh pins libpq 15
 * against a real psql; these pin what psql 15 cannot show (the differences
 * in libpq 16, 17 and 18) and facts no real server produces. Comments name
 * the libpq function and commit each rule comes from. */
#include "config.h"
#include "engine/facts.h"
#include "engine/inspection.h"
#include "model/sslmode.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

#define HOST "db.example.com"
#define IP "192.0.2.10"
#define IP_EARLIER "192.0.2.9"
#define ROOT_FILE "/home/u/.postgresql/root.crt"

/* emitHostIdentityInfo (fe-connect.c): a host name
 * with the address it resolved to, or the hostaddr alone */
#define PH "connection to server at \"" HOST "\" (" IP "), port 5432 failed: "
#define PA "connection to server at \"" IP "\", port 5432 failed: "

#define FP "FATAL:  no pg_hba.conf entry for host \"192.0.2.1\", user \"u\", database \"d\", no encryption"
#define FT "FATAL:  no pg_hba.conf entry for host \"192.0.2.1\", user \"u\", database \"d\", SSL encryption"
#define NOSSL "server does not support SSL, but SSL was required"
#define EOF_TEXT                                                  \
	"server closed the connection unexpectedly\n"             \
	"\tThis probably means the server terminated abnormally\n" \
	"\tbefore or while processing the request."
#define IS_RUNNING "\n\tIs the server running on that host and accepting TCP/IP connections?"

/* initialize_SSL (fe-secure-openssl.c) */
#define ROOT_LINE1(f) "root certificate file \"" f "\" does not exist\n"
#define ROOT15_HINT "Either provide the file or change sslmode to disable server certificate verification."
#define ROOT16_HINT \
	"Either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification."

#define CHECK_V(v, m, out, err)                    \
	do {                                       \
		CHECK_INT((v)[m].outcome, (out));  \
		CHECK_STR((v)[m].error, (err));    \
	} while (0)

static void connected(struct connect_fact *c, const char *ip)
{
	c->attempted = true;
	c->ok = true;
	c->address = xasprintf("%s:5432", ip);
	c->ip = xstrdup(ip);
}

static void accepted(struct startup_answer *a)
{
	a->attempted = true;
	a->accepted = 1;
	a->auth = xstrdup("sasl");
	strlist_add(&a->sasl_mechanisms, &a->nsasl, "SCRAM-SHA-256");
}

static void rejected(struct startup_answer *a, const char *msg)
{
	a->attempted = true;
	a->accepted = 0;
	a->severity = xstrdup("FATAL");
	a->sqlstate = xstrdup("28000");
	a->message = xstrdup(msg);
}

/* A server that answers 'S', completes the handshake and accepts both
 * startups; the tests then spoil the one fact they are about. */
static void good_server(struct inspection *ins)
{
	inspection_init(ins);
	ins->target.host = xstrdup(HOST);
	connected(&ins->server.tls_connect, IP);
	connected(&ins->server.plain_connect, IP);
	ins->reachable = 1;
	ins->server.sslrequest_reply = REPLY_S;
	ins->server.reply_byte = 'S';
	ins->tls.attempted = true;
	ins->tls.ok = true;
	ins->tls.version = xstrdup("TLS1.3");
	accepted(&ins->server.plain);
	accepted(&ins->server.tls);
	ins->trust.rootcert = xstrdup(ROOT_FILE);
	ins->trust.source = ROOTCERT_DEFAULT;
	ins->trust.rootcert_exists = false;
	/* the probe compared this host name (name_check uses the recorded
	 * result only for the host it was made for) */
	ins->trust.name_host = xstrdup(HOST);
}

/* A server with ssl=off: 'N', plaintext startup answered by pg_hba. */
static void ssl_off_server(struct inspection *ins, bool hba_rejects)
{
	good_server(ins);
	ins->server.sslrequest_reply = REPLY_N;
	ins->server.reply_byte = 'N';
	ins->tls.attempted = false;
	ins->tls.ok = false;
	startup_answer_free(&ins->server.tls);
	startup_answer_free(&ins->server.plain);
	if (hba_rejects)
		rejected(&ins->server.plain, FP + strlen("FATAL:  "));
	else
		accepted(&ins->server.plain);
}

/* A failed handshake of the given kind. */
static void handshake_fails(struct inspection *ins, const char *kind, int alert)
{
	ins->tls.ok = false;
	free(ins->tls.version);
	ins->tls.version = NULL;
	free(ins->tls.failure_kind);
	free(ins->tls.error);
	ins->tls.failure_kind = xstrdup(kind);
	ins->tls.alert_code = alert;
	ins->tls.error = xstrdup(alert >= 0 ? "A TLS fatal alert has been received."
					    : "The TLS connection was non-properly terminated.");
	startup_answer_free(&ins->server.tls);
}

static void opts_for(struct verdict_opts *o, int version)
{
	memset(o, 0, sizeof(*o));
	o->libpq_version = version;
	o->host = HOST;
	o->port = 5432;
	o->sslrootcert = ROOT_FILE;
	o->rootcert_source = ROOTCERT_DEFAULT;
	o->rootcert_exists = false;
	o->ssl_min_protocol_version = "TLSv1.2"; /* libpq's default */
	o->sslnegotiation = "postgres";
	o->sslmode_source = CI_SRC_DEFAULT;
	o->gss_ticket = false;
	o->gssencmode = "prefer";
	o->password = 1; /* libpq has one: the server judges it */
}

static void verdicts_free(struct verdict v[SSLMODE_COUNT])
{
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&v[m]);
}

/* The server's answers decide nothing below this failure: every mode the
 * same outcome and text. */
static void all_modes(const struct verdict v[SSLMODE_COUNT], enum outcome out,
		      const char *err)
{
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		CHECK_INT(v[m].outcome, out);
		CHECK_STR(v[m].error, err);
	}
}

/* The baseline: no root file, every mode connects, and successful
 * verdicts carry no error and no caveat. */
static void test_baseline(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		opts_for(&o, ver);
		o.rootcert_exists = true;
		ins.trust.rootcert_exists = true;
		ins.trust.rootcert_certs = 1;
		ins.trust.chain_ok = 1;
		ins.trust.name_checked = 1;
		ins.trust.name_ok = 1;
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
		/* allow: the plaintext startup comes first and is accepted */
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
		CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_ENCRYPTED, NULL);
		CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_ENCRYPTED, NULL);
		for (int m = 0; m < SSLMODE_COUNT; m++) {
			CHECK(v[m].caveat == NULL);
			CHECK(v[m].npath > 0 && v[m].path[v[m].npath] == NULL);
		}
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* Root file absent under verify-*: the second line changed in 16
 * (initialize_SSL, fe-secure-openssl.c). */
static void test_root_missing(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		/* REL_15_STABLE initialize_SSL: "Either provide the file or
		 * change sslmode ..."; REL_16_STABLE on (commit 8eda731465,
		 * sslrootcert=system) adds the system-roots hint */
		const char *want = ver == 15 ?
			PH ROOT_LINE1(ROOT_FILE) ROOT15_HINT :
			PH ROOT_LINE1(ROOT_FILE) ROOT16_HINT;
		CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_FAILS, want);
		CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS, want);
		/* no file: require and prefer do not verify at all */
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
		verdicts_free(v);
		inspection_free(&ins);
	}

	/* ssl=off: 'N' is answered before any file is read (PQconnectPoll
	 * reads the root file in initialize_SSL, only after an 'S'), so
	 * verify-full says NOSSL, not ROOT */
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];
	ssl_off_server(&ins, false);
	opts_for(&o, 16);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS, PH NOSSL);
	CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_FAILS, PH NOSSL);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH NOSSL);
	/* prefer continues on the same socket in clear */
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
	verdicts_free(v);
	inspection_free(&ins);
}

/* allow + ssl=off + pg_hba rejecting. */
static void test_allow_ssl_off(void)
{
	for (int by_addr = 0; by_addr <= 1; by_addr++) {
		const char *p = by_addr ? PA : PH;
		for (int ver = 15; ver <= 18; ver++) {
			struct inspection ins;
			struct verdict_opts o;
			struct verdict v[SSLMODE_COUNT];
			char *want;

			ssl_off_server(&ins, true);
			opts_for(&o, ver);
			if (by_addr)
				o.hostaddr = IP;
			sslmode_verdicts(&ins, &o, v);
			if (ver <= 16)
				/* REL_15/16 PQconnectPoll: 'N' clears
				 * allow_ssl_try and resends the plaintext
				 * startup on the same socket: the FATAL twice,
				 * one prefix per connection */
				want = xasprintf("%s" FP "\n%s" FP, p, p);
			else
				/* 17+ (commit 05fd30c0e7):
				 * ENCRYPTION_NEGOTIATION_FAILED finds no method
				 * left and appends NOSSL even under allow */
				want = xasprintf("%s" FP "\n%s" NOSSL, p, p);
			CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS, want);
			free(want);

			/* the other modes are the same in every release */
			want = xasprintf("%s" FP, p);
			CHECK_V(v, SSLMODE_DISABLE, OUTCOME_FAILS, want);
			/* prefer: 'N', then the same socket: one prefix */
			CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS, want);
			free(want);
			want = xasprintf("%s" NOSSL, p);
			CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
			CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
			free(want);
			verdicts_free(v);
			inspection_free(&ins);
		}
	}
}

/* pg_hba rejection summary, ssl=on rows. */
static void test_hba_ssl_on(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	/* nothing allowed: allow prints Fp then Ft, prefer Ft then Fp */
	good_server(&ins);
	startup_answer_free(&ins.server.plain);
	startup_answer_free(&ins.server.tls);
	rejected(&ins.server.plain, FP + strlen("FATAL:  "));
	rejected(&ins.server.tls, FT + strlen("FATAL:  "));
	opts_for(&o, 17);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_DISABLE, OUTCOME_FAILS, PH FP);
	CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS, PH FP "\n" PH FT);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS, PH FT "\n" PH FP);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH FT);
	verdicts_free(v);
	inspection_free(&ins);

	/* hostnossl only: prefer falls back to plaintext on a new connection */
	good_server(&ins);
	startup_answer_free(&ins.server.tls);
	rejected(&ins.server.tls, FT + strlen("FATAL:  "));
	opts_for(&o, 15);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH FT);
	verdicts_free(v);
	inspection_free(&ins);

	/* hostssl only: allow reaches TLS on its second connection */
	good_server(&ins);
	startup_answer_free(&ins.server.plain);
	rejected(&ins.server.plain, FP + strlen("FATAL:  "));
	opts_for(&o, 18);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_DISABLE, OUTCOME_FAILS, PH FP);
	CHECK_V(v, SSLMODE_ALLOW, OUTCOME_ENCRYPTED, NULL);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
	verdicts_free(v);
	inspection_free(&ins);
}

/* The peer closes during the handshake. */
static void test_handshake_eof(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		handshake_fails(&ins, "eof", -1);
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		/* open_client_SSL: SSL_ERROR_SYSCALL with no errno is
		 * "SSL SYSCALL error: EOF detected" in 15/16/17; 18's own BIO
		 * answers BIO_CTRL_EOF (commit 6f782a2a17, REL_18_STABLE
		 * only), so OpenSSL 3 reports the EOF as an SSL error */
		const char *hs = ver >= 18 ? "SSL error: unexpected eof while reading" :
					     "SSL SYSCALL error: EOF detected";
		char *want = xasprintf(PH "%s", hs);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
		/* initialize_SSL reads the (absent) root file before the
		 * handshake, so verify-* report ROOT, not the EOF */
		CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS,
			ver == 15 ? PH ROOT_LINE1(ROOT_FILE) ROOT15_HINT :
				    PH ROOT_LINE1(ROOT_FILE) ROOT16_HINT);
		/* prefer: any handshake failure retries in clear on a new
		 * connection (15/16 CONNECTION_SSL_STARTUP 'p' branch, 17+
		 * CONNECTION_FAILED) */
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
		free(want);
		verdicts_free(v);

		/* with the plaintext startup rejected too: [HS, Fp] */
		startup_answer_free(&ins.server.plain);
		rejected(&ins.server.plain, FP + strlen("FATAL:  "));
		sslmode_verdicts(&ins, &o, v);
		want = xasprintf(PH "%s\n" PH FP, hs);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS, want);
		free(want);
		/* allow in 15/16: only prefer retries after a failed
		 * handshake; in 17+ no method is left. Either way: [Fp, HS] */
		want = xasprintf(PH FP "\n" PH "%s", hs);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS, want);
		free(want);
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* sslrootcert=system (commit 8eda731465, PG 16). */
static void test_rootcert_system(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		free(ins.trust.rootcert);
		ins.trust.rootcert = xstrdup("system");
		ins.trust.source = ROOTCERT_SYSTEM;
		ins.trust.chain_ok = 1;
		ins.trust.name_checked = 1;
		ins.trust.name_ok = 1;
		opts_for(&o, ver);
		o.sslrootcert = "system";
		o.rootcert_source = ROOTCERT_SYSTEM;
		o.rootcert_exists = false;
		sslmode_verdicts(&ins, &o, v);
		if (ver == 15) {
			/* REL_15_STABLE initialize_SSL has no special case:
			 * "system" is a file name that does not exist */
			CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS,
				PH ROOT_LINE1("system") ROOT15_HINT);
			CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_FAILS,
				PH ROOT_LINE1("system") ROOT15_HINT);
			CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
			CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
			CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
		} else {
			/* connectOptions2 (16) / pqConnectOptions2 (17+):
			 * every mode but verify-full is refused before
			 * connecting, so there is no connection prefix */
			for (int m = 0; m < SSLMODE_VERIFY_FULL; m++) {
				char *want = xasprintf(
					"weak sslmode \"%s\" may not be used with sslrootcert=system (use \"verify-full\")",
					sslmode_name(m));
				CHECK_V(v, m, OUTCOME_FAILS, want);
				CHECK_INT(v[m].npath, 1);
				free(want);
			}
			CHECK_STR(v[SSLMODE_REQUIRE].error,
				  "weak sslmode \"require\" may not be used with sslrootcert=system (use \"verify-full\")");
			/* initialize_SSL: SSL_CTX_set_default_verify_paths;
			 * the probe's chain facts against the system store */
			CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_ENCRYPTED, NULL);
		}
		verdicts_free(v);

		if (ver >= 16) {
			/* the system store does not trust the chain */
			ins.trust.chain_ok = 0;
			ins.trust.chain_error = xstrdup("unknown issuer");
			sslmode_verdicts(&ins, &o, v);
			CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS,
				PH "SSL error: certificate verify failed");
			verdicts_free(v);
			/* trusted, but another name */
			ins.trust.chain_ok = 1;
			ins.trust.name_ok = 0;
			ins.trust.name_error = xstrdup(
				"server certificate for \"other.example.com\" does not match host name \"" HOST "\"");
			sslmode_verdicts(&ins, &o, v);
			CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS,
				PH "server certificate for \"other.example.com\" does not match host name \"" HOST "\"");
			verdicts_free(v);
		}
		inspection_free(&ins);
	}
}

/* sslnegotiation (commits d39a49c1e4, fb5718f35f, PG 17). */
static void test_sslnegotiation_direct(void)
{
	char *kw[] = { (char *)"sslnegotiation", NULL };

	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		opts_for(&o, ver);
		o.sslnegotiation = "direct";
		o.explicit_keywords = kw;
		sslmode_verdicts(&ins, &o, v);
		if (ver <= 16) {
			/* conninfo_storeval (15/16): the keyword is unknown,
			 * so the whole connection string is refused */
			all_modes(v, OUTCOME_FAILS,
				  "invalid connection option \"sslnegotiation\"");
		} else {
			/* pqConnectOptions2 (17+) */
			for (int m = 0; m < SSLMODE_REQUIRE; m++) {
				char *want = xasprintf(
					"weak sslmode \"%s\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")",
					sslmode_name(m));
				CHECK_V(v, m, OUTCOME_FAILS, want);
				free(want);
			}
			CHECK_STR(v[SSLMODE_PREFER].error,
				  "weak sslmode \"prefer\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
			/* what sslmode.c does today: without the direct
			 * probe's facts (server.direct_connect not attempted)
			 * require+ are UNKNOWN with a caveat; the SSLRequest
			 * facts are not used for them (test_direct_facts) */
			for (int m = SSLMODE_REQUIRE; m < SSLMODE_COUNT; m++) {
				CHECK_V(v, m, OUTCOME_UNKNOWN, NULL);
				CHECK_STR(v[m].caveat,
					  "sslnegotiation=direct starts with a TLS ClientHello; this inspection did not probe that way");
			}
		}
		verdicts_free(v);

		/* from PGSSLNEGOTIATION (not written in the target): 15/16
		 * never read it; 17+ refuse the weak modes all the same */
		o.explicit_keywords = NULL;
		sslmode_verdicts(&ins, &o, v);
		if (ver <= 16) {
			CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
			CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
		} else {
			CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS,
				"weak sslmode \"allow\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
			CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_UNKNOWN);
		}
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* sslnegotiation=direct with the direct probe's facts (17+): the
 * ClientHello first, no SSLRequest, ALPN required (open_client_SSL,
 * "ALPN is mandatory with direct SSL connections"). */
static void direct_server(struct inspection *ins)
{
	good_server(ins);
	/* the SSLRequest way says ssl=off: direct must not look at it */
	ins->server.sslrequest_reply = REPLY_N;
	connected(&ins->server.direct_connect, IP);
	ins->direct_tls.attempted = true;
	ins->direct_tls.ok = true;
	ins->direct_tls.version = xstrdup("TLS1.3");
	ins->direct_tls.alpn = xstrdup("postgresql");
	accepted(&ins->server.direct_startup);
}

static void test_direct_facts(void)
{
	for (int ver = 17; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		direct_server(&ins);
		opts_for(&o, ver);
		o.sslnegotiation = "direct";
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
		CHECK(v[SSLMODE_REQUIRE].caveat == NULL);
		/* initialize_SSL runs first in direct mode too */
		CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_FAILS,
			PH ROOT_LINE1(ROOT_FILE) ROOT16_HINT);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
			"weak sslmode \"prefer\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
		verdicts_free(v);

		/* the server chose no ALPN protocol */
		free(ins.direct_tls.alpn);
		ins.direct_tls.alpn = NULL;
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "direct SSL connection was established without ALPN protocol negotiation extension");
		verdicts_free(v);
		ins.direct_tls.alpn = xstrdup("http/1.1");
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "SSL connection was established with unexpected ALPN protocol");
		verdicts_free(v);

		/* a pre-17 server closes on the ClientHello: the EOF text of
		 * the release (18: BIO_CTRL_EOF, commit 6f782a2a17) */
		ins.direct_tls.ok = false;
		ins.direct_tls.failure_kind = xstrdup("eof");
		startup_answer_free(&ins.server.direct_startup);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			ver >= 18 ? PH "SSL error: unexpected eof while reading" :
				    PH "SSL SYSCALL error: EOF detected");
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* Keywords libpq 15 does not know: sslcertmode and require_auth joined
 * PQconninfoOptions in 16 (connectOptions2 parses require_auth from 16). */
static void test_keywords_since_16(void)
{
	static const char *const names[] = { "sslcertmode", "require_auth" };

	for (size_t i = 0; i < 2; i++) {
		char *kw[] = { (char *)names[i], NULL };
		for (int ver = 15; ver <= 16; ver++) {
			struct inspection ins;
			struct verdict_opts o;
			struct verdict v[SSLMODE_COUNT];

			good_server(&ins);
			opts_for(&o, ver);
			o.explicit_keywords = kw;
			sslmode_verdicts(&ins, &o, v);
			if (ver == 15) {
				char *want = xasprintf("invalid connection option \"%s\"",
						       names[i]);
				all_modes(v, OUTCOME_FAILS, want);
				for (int m = 0; m < SSLMODE_COUNT; m++)
					CHECK_INT(v[m].npath, 1);
				free(want);
			} else {
				CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
				CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
				CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_ENCRYPTED, NULL);
			}
			verdicts_free(v);
			inspection_free(&ins);
		}
	}
}

/* Replies to the SSLRequest that end the connection in every mode that
 * sends one, with no plaintext fallback (PQconnectPoll, CONNECTION_SSL_STARTUP:
 * these never trigger an encryption fallback). */
static void reply_case(enum ssl_reply reply, uint8_t byte, const char *text)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];
		char *want = xasprintf(PH "%s", text);

		good_server(&ins);
		ins.server.sslrequest_reply = reply;
		ins.server.reply_byte = byte;
		ins.tls.attempted = false;
		ins.tls.ok = false;
		startup_answer_free(&ins.server.tls);
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS, want);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
		CHECK_V(v, SSLMODE_VERIFY_CA, OUTCOME_FAILS, want);
		CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS, want);
		/* allow's plaintext startup is accepted first; disable never
		 * asks */
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
		free(want);
		verdicts_free(v);
		inspection_free(&ins);
	}
}

static void test_replies(void)
{
	/* 'E': "Don't bother retrieving the error message" (PQconnectPoll) */
	reply_case(REPLY_E, 'E', "server sent an error response during SSL exchange");
	/* another byte: "%c" in libpq; the model escapes control bytes */
	reply_case(REPLY_OTHER, 'H', "received invalid response to SSL negotiation: H");
	reply_case(REPLY_OTHER, 0x1b, "received invalid response to SSL negotiation: \\x1b");
	/* pqReadData's EOF text */
	reply_case(REPLY_CLOSED, 0, EOF_TEXT);
	/* connect_timeout (pqWaitTimed) */
	reply_case(REPLY_TIMEOUT, 0, "timeout expired");

	/* no raw control byte reaches the text */
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];
	good_server(&ins);
	ins.server.sslrequest_reply = REPLY_OTHER;
	ins.server.reply_byte = 0x1b;
	opts_for(&o, 18);
	sslmode_verdicts(&ins, &o, v);
	CHECK(v[SSLMODE_PREFER].error && !strchr(v[SSLMODE_PREFER].error, 0x1b));
	verdicts_free(v);
	inspection_free(&ins);
}

/* CVE-2021-23222: bytes after 'S' (PQconnectPoll, after
 * pqsecure_open_client returns OK). */
static void test_unencrypted_after_s(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		ins.server.bytes_after_reply = xmemdup("R\0\0\0\x08\0\0\0\0", 9);
		ins.server.n_after_reply = 9;
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
			PH "received unencrypted data after SSL response");
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "received unencrypted data after SSL response");
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* connect() fails on every address (connectFailureMessage). */
static void refused(struct connect_fact *c, const char *ip, bool earlier)
{
	c->attempted = true;
	c->ok = false;
	c->address = xasprintf("%s:5432", ip);
	c->ip = xstrdup(ip);
	c->error = xstrdup("Connection refused");
	if (earlier) {
		int n = 0;
		strlist_add(&c->failed_ips, &n, IP_EARLIER);
		n = 0;
		strlist_add(&c->failed_errors, &n, "Connection refused");
		c->nfailed = n;
	}
}

static void test_unreachable(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	/* a host name resolving to two addresses: each its own block */
	inspection_init(&ins);
	ins.target.host = xstrdup(HOST);
	ins.reachable = 0;
	refused(&ins.server.tls_connect, IP, true);
	refused(&ins.server.plain_connect, IP, true);
	opts_for(&o, 17);
	sslmode_verdicts(&ins, &o, v);
	all_modes(v, OUTCOME_FAILS,
		  "connection to server at \"" HOST "\" (" IP_EARLIER "), port 5432 failed: Connection refused" IS_RUNNING
		  "\n" PH "Connection refused" IS_RUNNING);
	verdicts_free(v);

	/* hostaddr: the address alone (one hostaddr, one address) */
	inspection_free(&ins);
	inspection_init(&ins);
	ins.target.host = xstrdup(HOST);
	ins.reachable = 0;
	refused(&ins.server.tls_connect, IP, false);
	refused(&ins.server.plain_connect, IP, false);
	o.hostaddr = IP;
	sslmode_verdicts(&ins, &o, v);
	all_modes(v, OUTCOME_FAILS, PA "Connection refused" IS_RUNNING);
	verdicts_free(v);

	/* host written as the address: no "(ip)" either */
	o.hostaddr = NULL;
	o.host = IP;
	sslmode_verdicts(&ins, &o, v);
	all_modes(v, OUTCOME_FAILS, PA "Connection refused" IS_RUNNING);
	verdicts_free(v);
	inspection_free(&ins);
}

/* PQconnectPoll over a host list: a host that does not connect sends
 * libpq on, each host's lines in turn; 'N' under require ends the
 * attempt there (the remaining hosts are never tried) */
static void test_host_list(void)
{
	struct inspection down, off, good;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	inspection_init(&down);
	down.target.host = xstrdup(HOST);
	down.target.port = 5432;
	down.reachable = 0;
	refused(&down.server.tls_connect, IP, false);
	refused(&down.server.plain_connect, IP, false);
	ssl_off_server(&off, false);
	good_server(&good);
	off.target.port = good.target.port = 5432;
	const struct inspection *l1[] = { &down, &good };
	const struct inspection *l2[] = { &off, &good };
	const struct inspection *l3[] = { &down, &down };
	for (int ver = 15; ver <= 18; ver++) {
		opts_for(&o, ver);
		sslmode_verdicts_list(l1, 2, 2, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_ENCRYPTED);
		CHECK_INT(v[SSLMODE_PREFER].host, 1);
		CHECK_INT(v[SSLMODE_DISABLE].outcome, OUTCOME_PLAINTEXT);
		verdicts_free(v);
		sslmode_verdicts_list(l2, 2, 2, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_PLAINTEXT);
		CHECK_INT(v[SSLMODE_PREFER].host, 0);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH NOSSL);
		CHECK_INT(v[SSLMODE_REQUIRE].host, 0);
		verdicts_free(v);
		sslmode_verdicts_list(l3, 2, 2, &o, v);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
			PH "Connection refused" IS_RUNNING "\n" PH "Connection refused" IS_RUNNING);
		verdicts_free(v);
		/* load_balance_hosts=random (16+): an order that changes the
		 * outcome is said; one that cannot is not */
		o.load_balance_random = true;
		sslmode_verdicts_list(l2, 2, 2, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH NOSSL);
		if (ver >= 16)
			CHECK(v[SSLMODE_REQUIRE].caveat &&
			      strstr(v[SSLMODE_REQUIRE].caveat, "fails in 1, encrypted in 1") == NULL &&
			      strstr(v[SSLMODE_REQUIRE].caveat, "encrypted in 1, fails in 1") &&
			      strstr(v[SSLMODE_REQUIRE].caveat, "host 2 comes first"));
		else
			CHECK(v[SSLMODE_REQUIRE].caveat == NULL);
		verdicts_free(v);
		sslmode_verdicts_list(l1, 2, 2, &o, v);
		CHECK(v[SSLMODE_PREFER].caveat == NULL);
		verdicts_free(v);
		o.load_balance_random = false;
		/* a walk that reaches a host not probed is unknown */
		sslmode_verdicts_list(l3, 1, 2, &o, v);
		CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_UNKNOWN);
		CHECK(v[SSLMODE_PREFER].caveat && strstr(v[SSLMODE_PREFER].caveat, "not probed"));
		verdicts_free(v);
	}
	inspection_free(&down);
	inspection_free(&off);
	inspection_free(&good);
}

/* pqGetErrorNotice3, default verbosity. */
static void test_fatal_text(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	good_server(&ins);
	startup_answer_free(&ins.server.tls);
	rejected(&ins.server.tls, "password authentication failed for user \"u\"");
	ins.server.tls.detail = xstrdup("Role \"u\" does not exist.");
	ins.server.tls.hint = xstrdup("Ask the administrator.");
	opts_for(&o, 16);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "FATAL:  password authentication failed for user \"u\"\n"
		   "DETAIL:  Role \"u\" does not exist.\n"
		   "HINT:  Ask the administrator.");
	verdicts_free(v);

	/* server text with control characters is escaped, not passed raw */
	free(ins.server.tls.message);
	ins.server.tls.message = xstrdup("evil \x1b[2J\x1b]0;owned\x07 text");
	free(ins.server.tls.detail);
	ins.server.tls.detail = NULL;
	free(ins.server.tls.hint);
	ins.server.tls.hint = NULL;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "FATAL:  evil \\x1b[2J\\x1b]0;owned\\x07 text");
	for (int m = 0; m < SSLMODE_COUNT; m++)
		CHECK(!v[m].error || (!strchr(v[m].error, 0x1b) &&
				      !strchr(v[m].error, 0x07)));
	verdicts_free(v);
	inspection_free(&ins);
}

/* open_client_SSL's SSL_ERROR_SSL branch: "SSL error: <reason>", and the
 * protocol hint for SSL_R_TLSV1_ALERT_PROTOCOL_VERSION (fe-secure-openssl.c). */
static void test_alerts(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	good_server(&ins);
	handshake_fails(&ins, "alert", 40);
	ins.tls.alert = xstrdup("Handshake failed");
	opts_for(&o, 15);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "SSL error: sslv3 alert handshake failure");
	CHECK(v[SSLMODE_REQUIRE].caveat == NULL);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
	verdicts_free(v);
	inspection_free(&ins);

	good_server(&ins);
	handshake_fails(&ins, "alert", 70);
	ins.tls.alert = xstrdup("Protocol version");
	opts_for(&o, 18);
	o.ssl_min_protocol_version = "TLSv1.3";
	sslmode_verdicts(&ins, &o, v);
	/* the bounds: the option values, else MAX_OPENSSL_TLS_VERSION */
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "SSL error: tlsv1 alert protocol version\n"
		   "This may indicate that the server does not support any SSL protocol version between TLSv1.3 and TLSv1.3.");
	verdicts_free(v);
	o.ssl_min_protocol_version = "TLSv1.2";
	o.ssl_max_protocol_version = "TLSv1.2";
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "SSL error: tlsv1 alert protocol version\n"
		   "This may indicate that the server does not support any SSL protocol version between TLSv1.2 and TLSv1.2.");
	/* prefer: rejected in clear too gives [HS + hint, Fp] */
	verdicts_free(v);
	startup_answer_free(&ins.server.plain);
	rejected(&ins.server.plain, FP + strlen("FATAL:  "));
	o.ssl_min_protocol_version = NULL; /* MIN_OPENSSL_TLS_VERSION */
	o.ssl_max_protocol_version = NULL;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
		PH "SSL error: tlsv1 alert protocol version\n"
		   "This may indicate that the server does not support any SSL protocol version between TLSv1 and TLSv1.3.\n"
		PH FP);
	verdicts_free(v);
	inspection_free(&ins);
}

/* SSLerrmessage's text for alert n as the OpenSSL this test runs with
 * gives it: what ssl3_read_bytes raises (SSL_AD_REASON_OFFSET + n) through
 * ERR_reason_error_string, else "SSL error code %lu". */
static char *openssl_alert_text(int n)
{
	unsigned long e = ERR_PACK(ERR_LIB_SSL, 0, SSL_AD_REASON_OFFSET + n);
	const char *r = ERR_reason_error_string(e);

	return r ? xstrdup(r) : xasprintf("SSL error code %lu", e);
}

/* Every alert number a server can send, for every release: the model's
 * table is OpenSSL's (ssl/ssl_err.c), checked here against the OpenSSL
 * itself, and the protocol hint follows only alert 70. OpenSSL before
 * 3.0.14 has no text for 115 and 120 (openssl#24300): there the table
 * keeps the newer text and the verdict says so in its caveat. */
static void test_alert_table(void)
{
	OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL);
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		opts_for(&o, ver);
		for (int n = 0; n < 256; n++) {
			handshake_fails(&ins, "alert", n);
			sslmode_verdicts(&ins, &o, v);
			char *lib = openssl_alert_text(n);
			char *want = xasprintf(PH "SSL error: %s%s", lib,
					       n == 70 ? "\nThis may indicate that the server does not support any SSL protocol version between TLSv1.2 and TLSv1.3." :
							 "");
			bool late = (n == 115 || n == 120) &&
				    !strncmp(lib, "SSL error code ", 15);
			if (!late)
				CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
			CHECK_INT(v[SSLMODE_REQUIRE].outcome, OUTCOME_FAILS);
			CHECK(v[SSLMODE_PREFER].outcome == OUTCOME_PLAINTEXT);
			CHECK((v[SSLMODE_REQUIRE].caveat != NULL) == (n == 115 || n == 120));
			free(lib);
			free(want);
			verdicts_free(v);
		}
		/* the words themselves, whatever OpenSSL runs here */
		static const struct {
			int alert;
			const char *text;
		} known[] = {
			{ 40, "sslv3 alert handshake failure" },
			{ 42, "sslv3 alert bad certificate" },
			{ 48, "tlsv1 alert unknown ca" },
			{ 50, "tlsv1 alert decode error" },
			{ 80, "tlsv1 alert internal error" },
			{ 112, "tlsv1 unrecognized name" },
			{ 116, "tlsv13 alert certificate required" },
			{ 120, "tlsv1 alert no application protocol" },
			/* no reason string: the packed code, ERR_PACK(20, 0, 1121) */
			{ 121, "SSL error code 167773281" },
			{ 0, "SSL error code 167773160" },
		};
		for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
			handshake_fails(&ins, "alert", known[i].alert);
			sslmode_verdicts(&ins, &o, v);
			char *want = xasprintf(PH "SSL error: %s", known[i].text);
			CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, want);
			free(want);
			if (known[i].alert == 120)
				CHECK_STR(v[SSLMODE_REQUIRE].caveat,
					  ver >= 17 ? "with OpenSSL older than 3.0.14, 3.1.6, 3.2.2 or 3.3.1, which has no text for this alert, libpq prints \"SSL error: no application protocol\"" :
						      "with OpenSSL older than 3.0.14, 3.1.6, 3.2.2 or 3.3.1, which has no text for this alert, libpq prints \"SSL error: SSL error code 167773280\"");
			verdicts_free(v);
		}
		inspection_free(&ins);
	}
}

/* A failure GnuTLS saw that OpenSSL would word in its own way: the verdict
 * stands, the line is left empty and the caveat says why; GnuTLS's words
 * stay out of libpq's message. */
static void test_unclassified_failure(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		handshake_fails(&ins, "other", -1);
		free(ins.tls.error);
		ins.tls.error = xstrdup("Decryption has failed.");
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH);
		CHECK(strstr(v[SSLMODE_REQUIRE].caveat, "cannot be predicted") != NULL);
		CHECK(strstr(v[SSLMODE_REQUIRE].caveat, "Decryption has failed.") != NULL);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
		verdicts_free(v);
		/* prefer, plaintext refused too: the empty line, then the FATAL
		 * under the next connection's prefix */
		startup_answer_free(&ins.server.plain);
		rejected(&ins.server.plain, FP + strlen("FATAL:  "));
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS, PH "\n" PH FP);
		CHECK(v[SSLMODE_PREFER].caveat != NULL);
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* TLS 1.3: SSL_connect returns before the server has read the client's
 * certificate, so a server that requires one (or distrusts it) ends the
 * session with its alert on libpq's first read: pgtls_read's "SSL error:
 * %s", then pqReadData fails and PQconnectPoll takes error_return, so not
 * even prefer falls back (15 to 18). */
static void test_alert_after_handshake(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		ins.tls.alert = xstrdup("Certificate is required");
		ins.tls.alert_code = 116;
		startup_answer_free(&ins.server.tls);
		ins.server.tls.attempted = true;
		facts_set_startup_failure(&ins.server.tls, STARTUP_FAIL_TLS_ALERT, NULL);
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "SSL error: tlsv13 alert certificate required");
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
			PH "SSL error: tlsv13 alert certificate required");
		CHECK(v[SSLMODE_PREFER].caveat == NULL);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		verdicts_free(v);
		/* allow, refused in clear: the FATAL, then SSL on a new
		 * connection, ended by the alert */
		startup_answer_free(&ins.server.plain);
		rejected(&ins.server.plain, FP + strlen("FATAL:  "));
		ins.tls.alert_code = 48;
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS,
			PH FP "\n" PH "SSL error: tlsv1 alert unknown ca");
		verdicts_free(v);
		/* a log without the alert's number: the line is not invented */
		ins.tls.alert_code = -1;
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH);
		CHECK(v[SSLMODE_REQUIRE].caveat != NULL);
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* ssl3_get_record (OpenSSL's record layer): a first record whose version
 * is not 3.x is SSL_R_WRONG_VERSION_NUMBER, which open_client_SSL follows
 * with the range hint in 15 to 18; bytes that begin like an HTTP request
 * or CONNECT get their own reasons and no hint. */
static void test_not_tls(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		good_server(&ins);
		handshake_fails(&ins, "not-tls", -1);
		opts_for(&o, ver);
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "SSL error: wrong version number\n"
			   "This may indicate that the server does not support any SSL protocol version between TLSv1.2 and TLSv1.3.");
		CHECK(v[SSLMODE_REQUIRE].caveat == NULL);
		/* initialize_SSL looks for the root file before the handshake */
		CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS,
			ver >= 16 ? PH ROOT_LINE1(ROOT_FILE) ROOT16_HINT :
				    PH ROOT_LINE1(ROOT_FILE) ROOT15_HINT);
		/* a failed handshake: prefer and allow go on in clear */
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
		CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
		verdicts_free(v);
		startup_answer_free(&ins.server.plain);
		rejected(&ins.server.plain, FP + strlen("FATAL:  "));
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
			PH "SSL error: wrong version number\n"
			   "This may indicate that the server does not support any SSL protocol version between TLSv1.2 and TLSv1.3.\n"
			PH FP);
		verdicts_free(v);

		free(ins.tls.failure_kind);
		ins.tls.failure_kind = xstrdup("http-request");
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH "SSL error: http request");
		verdicts_free(v);
		free(ins.tls.failure_kind);
		ins.tls.failure_kind = xstrdup("proxy-request");
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH "SSL error: https proxy request");
		verdicts_free(v);
		inspection_free(&ins);
	}
	/* sslnegotiation=direct: a peer that answers the ClientHello in clear */
	for (int ver = 17; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct verdict v[SSLMODE_COUNT];

		direct_server(&ins);
		ins.direct_tls.ok = false;
		ins.direct_tls.failure_kind = xstrdup("not-tls");
		startup_answer_free(&ins.server.direct_startup);
		opts_for(&o, ver);
		o.sslnegotiation = "direct";
		sslmode_verdicts(&ins, &o, v);
		CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
			PH "SSL error: wrong version number\n"
			   "This may indicate that the server does not support any SSL protocol version between TLSv1.2 and TLSv1.3.");
		verdicts_free(v);
		inspection_free(&ins);
	}
}

/* A root file turns verification on in every mode (initialize_SSL
 * SSL_set_verify). */
static void test_root_present_untrusted(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	good_server(&ins);
	ins.trust.rootcert_exists = true;
	ins.trust.rootcert_certs = 1;
	ins.trust.chain_ok = 0;
	ins.trust.chain_error = xstrdup("unknown issuer");
	opts_for(&o, 17);
	o.rootcert_exists = true;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL); /* silent downgrade */
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS, PH "SSL error: certificate verify failed");
	CHECK_V(v, SSLMODE_VERIFY_FULL, OUTCOME_FAILS, PH "SSL error: certificate verify failed");
	verdicts_free(v);

	/* a bad client key: a soft failure, prefer falls back */
	ins.trust.chain_ok = 1;
	ins.trust.client_files_error = xstrdup(
		"certificate present, but not private key file \"/home/u/.postgresql/postgresql.key\"");
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_PLAINTEXT, NULL);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "certificate present, but not private key file \"/home/u/.postgresql/postgresql.key\"");
	verdicts_free(v);
	inspection_free(&ins);
}

/* A Kerberos ticket makes libpq try GSSAPI first unless gssencmode is
 * disable (pg_GSS_have_cred_cache). */
static void test_kerberos(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	good_server(&ins);
	opts_for(&o, 17);
	o.gss_ticket = true;
	o.gssencmode = "prefer";
	sslmode_verdicts(&ins, &o, v);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		CHECK(v[m].caveat && strstr(v[m].caveat, "Kerberos ticket"));
	/* the verdicts themselves stand */
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_ENCRYPTED, NULL);
	verdicts_free(v);

	o.gssencmode = "disable";
	sslmode_verdicts(&ins, &o, v);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		CHECK(v[m].caveat == NULL);
	verdicts_free(v);

	o.gss_ticket = false;
	o.gssencmode = "prefer";
	sslmode_verdicts(&ins, &o, v);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		CHECK(v[m].caveat == NULL);
	verdicts_free(v);
	inspection_free(&ins);
}

/* Facts missing: a connection but no SSLRequest answer recorded. */
static void test_unknown(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	inspection_init(&ins);
	ins.target.host = xstrdup(HOST);
	connected(&ins.server.tls_connect, IP);
	ins.reachable = 1;
	opts_for(&o, 18);
	sslmode_verdicts(&ins, &o, v);
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		CHECK_V(v, m, OUTCOME_UNKNOWN, NULL);
		CHECK(v[m].caveat != NULL);
	}
	verdicts_free(v);

	/* the plaintext startup seen: disable and allow are decided */
	connected(&ins.server.plain_connect, IP);
	accepted(&ins.server.plain);
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_DISABLE, OUTCOME_PLAINTEXT, NULL);
	CHECK_V(v, SSLMODE_ALLOW, OUTCOME_PLAINTEXT, NULL);
	for (int m = SSLMODE_PREFER; m < SSLMODE_COUNT; m++) {
		CHECK_V(v, m, OUTCOME_UNKNOWN, NULL);
		CHECK_STR(v[m].caveat, "the probe did not see the step that decides this mode");
	}
	verdicts_free(v);

	/* 'S' and a handshake, but the TLS startup never answered */
	ins.server.sslrequest_reply = REPLY_S;
	ins.tls.attempted = true;
	ins.tls.ok = true;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_UNKNOWN, NULL);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_UNKNOWN, NULL);
	verdicts_free(v);
	inspection_free(&ins);
}

/* Three orders libpq keeps that the model once got wrong. */
static void test_orders(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct verdict v[SSLMODE_COUNT];

	/* pqConnectOptions2 (17+) checks sslnegotiation=direct before
	 * sslrootcert=system */
	good_server(&ins);
	opts_for(&o, 17);
	char *kw[] = { "sslnegotiation", "sslrootcert", NULL };
	o.explicit_keywords = kw;
	o.sslnegotiation = "direct";
	o.sslrootcert = "system";
	o.rootcert_source = ROOTCERT_SYSTEM;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
		"weak sslmode \"prefer\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")");
	verdicts_free(v);
	inspection_free(&ins);

	/* PQconnectPoll: SQLSTATE 57P03 moves on to the next host at once,
	 * with no plaintext retry under prefer and no SSL retry under allow */
	good_server(&ins);
	opts_for(&o, 15);
	startup_answer_free(&ins.server.tls);
	startup_answer_free(&ins.server.plain);
	rejected(&ins.server.tls, "the database system is starting up");
	rejected(&ins.server.plain, "the database system is starting up");
	free(ins.server.tls.sqlstate);
	free(ins.server.plain.sqlstate);
	ins.server.tls.sqlstate = xstrdup("57P03");
	ins.server.plain.sqlstate = xstrdup("57P03");
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_PREFER, OUTCOME_FAILS,
		PH "FATAL:  the database system is starting up");
	CHECK_V(v, SSLMODE_ALLOW, OUTCOME_FAILS,
		PH "FATAL:  the database system is starting up");
	verdicts_free(v);
	/* ... where a second host takes the connection */
	struct inspection second;
	good_server(&second);
	free(second.target.host);
	second.target.host = xstrdup("db2.example.com");
	second.target.port = 5433;
	ins.target.port = 5432;
	free(second.trust.name_host);
	second.trust.name_host = xstrdup("db2.example.com");
	const struct inspection *list[] = { &ins, &second };
	sslmode_verdicts_list(list, 2, 2, &o, v);
	CHECK_INT(v[SSLMODE_PREFER].outcome, OUTCOME_ENCRYPTED);
	CHECK_INT(v[SSLMODE_PREFER].host, 1);
	CHECK_INT(v[SSLMODE_DISABLE].outcome, OUTCOME_PLAINTEXT);
	verdicts_free(v);
	inspection_free(&ins);
	inspection_free(&second);

	/* open_client_SSL (17+): SSL_connect verifies the chain before the
	 * ALPN check of a direct connection */
	direct_server(&ins);
	free(ins.direct_tls.alpn);
	ins.direct_tls.alpn = NULL;
	free(ins.trust.rootcert);
	ins.trust.rootcert = xstrdup(ROOT_FILE);
	ins.trust.source = ROOTCERT_PARAM;
	ins.trust.rootcert_exists = true;
	ins.trust.rootcert_certs = 1;
	ins.trust.chain_ok = 0;
	opts_for(&o, 17);
	o.sslnegotiation = "direct";
	o.rootcert_source = ROOTCERT_PARAM;
	o.rootcert_exists = true;
	sslmode_verdicts(&ins, &o, v);
	CHECK_V(v, SSLMODE_REQUIRE, OUTCOME_FAILS,
		PH "SSL error: certificate verify failed");
	verdicts_free(v);
	inspection_free(&ins);
}

int main(void)
{
	test_baseline();
	test_root_missing();
	test_allow_ssl_off();
	test_hba_ssl_on();
	test_handshake_eof();
	test_rootcert_system();
	test_sslnegotiation_direct();
	test_direct_facts();
	test_keywords_since_16();
	test_replies();
	test_unencrypted_after_s();
	test_unreachable();
	test_host_list();
	test_fatal_text();
	test_alerts();
	test_alert_table();
	test_unclassified_failure();
	test_not_tls();
	test_alert_after_handshake();
	test_root_present_untrusted();
	test_kerberos();
	test_unknown();
	test_orders();
	return check_status("test-sslmode");
}
