/* SPDX-License-Identifier: MIT */
/* Unit tests for model/explain, the findings catalogue: for each finding id
 * the smallest facts that trigger it, built by hand (as in test-sslmode.c),
 * with the verdicts from sslmode_verdicts where the finding reads them and a
 * provider_match built by hand where it reads the provider. Each check: the
 * id is there with its severity, the three texts are non-empty, and the
 * detail quotes the fact that decided it. The healthy baseline must give no
 * error and no warning. Many of these ids (sha1-signature, short-key,
 * x509-v1, no-server-auth, cert-expiring-soon, unreachable, not-postgres,
 * client-files, gss-may-apply, tls-below-1.2, channel-binding-unavailable,
 * sni-required, shared-ca) no demo scenario or PostgreSQL test shows; the
 * ones matched to OpenSSL's reason for refusing a chain (weak-key,
 * weak-digest, cert-purpose, cert-revoked, crl-missing, crl-stale,
 * crl-invalid) are what tests/pg/trust-agree.sh serves to psql, and
 * tests/golden/what-if-crl.sh replays some of them. */
#include "config.h"
#include "engine/inspection.h"
#include "engine/facts.h"
#include "model/explain.h"
#include "model/provider.h"
#include "model/sslmode.h"
#include "model/summary.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HOST "db.example.com"
#define IP "192.0.2.10"
#define ROOT_FILE "/home/u/.postgresql/root.crt"
#define LEAF_DN "CN=" HOST ",O=Example"
#define CA_DN "CN=Example Root CA,O=Example"
#define INTER_DN "CN=Example Intermediate CA,O=Example"
#define DAY 86400

static time_t now;

/* ---- facts ---- */

static void connected(struct connect_fact *c, const char *ip)
{
	c->attempted = true;
	c->ok = true;
	c->address = xasprintf("%s:5432", ip);
	c->ip = xstrdup(ip);
}

static void accepted(struct startup_answer *a, bool plus)
{
	a->attempted = true;
	a->accepted = 1;
	a->auth = xstrdup("sasl");
	strlist_add(&a->sasl_mechanisms, &a->nsasl, "SCRAM-SHA-256");
	if (plus)
		strlist_add(&a->sasl_mechanisms, &a->nsasl, "SCRAM-SHA-256-PLUS");
}

static void rejected(struct startup_answer *a, const char *sqlstate, const char *msg)
{
	startup_answer_free(a);
	a->attempted = true;
	a->accepted = 0;
	a->severity = xstrdup("FATAL");
	a->sqlstate = xstrdup(sqlstate);
	a->message = xstrdup(msg);
}

/* A certificate valid from a month ago for a year, RSA 2048, SHA-256, v3. */
static struct cert_facts *add_cert(struct inspection *ins, const char *subject,
				   const char *issuer, const char *cn, const char *san)
{
	ins->chain = xrealloc(ins->chain, (ins->nchain + 1) * sizeof(*ins->chain));
	struct cert_facts *c = &ins->chain[ins->nchain++];
	memset(c, 0, sizeof(*c));
	c->subject = xstrdup(subject);
	c->issuer = xstrdup(issuer);
	if (cn)
		strlist_add(&c->cn, &c->ncn, cn);
	if (san)
		strlist_add(&c->san_dns, &c->nsan_dns, san);
	c->not_before = now - 30 * DAY;
	c->not_after = now + 365 * DAY;
	c->key = xstrdup("RSA 2048");
	c->signature = xstrdup("RSA-SHA256");
	c->version = 3;
	c->ca = 0;
	c->self_signed = !strcmp(subject, issuer);
	return c;
}

/* The leaf for HOST and its self-signed root. */
static void good_chain(struct inspection *ins)
{
	struct cert_facts *leaf = add_cert(ins, LEAF_DN, CA_DN, HOST, HOST);
	strlist_add(&leaf->ext_key_usage, &leaf->next_key_usage, "serverAuth");
	struct cert_facts *ca = add_cert(ins, CA_DN, CA_DN, "Example Root CA", NULL);
	ca->ca = 1;
}

/* The healthy baseline: 'S', TLS 1.3 with SNI, a chain that verifies with
 * the root file named in sslrootcert and matches the host, the startup over
 * TLS accepted with channel binding, the plaintext one refused by pg_hba. */
static void healthy(struct inspection *ins)
{
	inspection_init(ins);
	ins->target.host = xstrdup(HOST);
	ins->target.sslmode = xstrdup("verify-full");
	connected(&ins->server.tls_connect, IP);
	connected(&ins->server.plain_connect, IP);
	ins->reachable = 1;
	ins->server.sslrequest_reply = REPLY_S;
	ins->server.reply_byte = 'S';
	ins->tls.attempted = true;
	ins->tls.ok = true;
	ins->tls.version = xstrdup("TLS1.3");
	ins->tls.sni = xstrdup(HOST);
	accepted(&ins->server.tls, true);
	rejected(&ins->server.plain, "28000",
		 "no pg_hba.conf entry for host \"192.0.2.1\", user \"u\", database \"d\", no encryption");
	good_chain(ins);
	ins->trust.rootcert = xstrdup(ROOT_FILE);
	ins->trust.source = ROOTCERT_PARAM;
	ins->trust.rootcert_exists = true;
	ins->trust.rootcert_certs = 1;
	ins->trust.chain_ok = 1;
	ins->trust.name_checked = 1;
	ins->trust.name_ok = 1;
	ins->trust.name_host = xstrdup(HOST);
}

/* Only what says "a server was reached and answered 'S'": no chain, no
 * root file, no startups. */
static void bare(struct inspection *ins)
{
	inspection_init(ins);
	ins->target.host = xstrdup(HOST);
	connected(&ins->server.tls_connect, IP);
	ins->reachable = 1;
	ins->server.sslrequest_reply = REPLY_S;
	ins->server.reply_byte = 'S';
}

static void opts_for(struct verdict_opts *o, int version)
{
	memset(o, 0, sizeof(*o));
	o->libpq_version = version;
	o->host = HOST;
	o->port = 5432;
	o->sslrootcert = ROOT_FILE;
	o->rootcert_source = ROOTCERT_PARAM;
	o->rootcert_exists = true;
	o->ssl_min_protocol_version = "TLSv1.2";
	o->sslnegotiation = "postgres";
	o->sslmode_source = CI_SRC_DEFAULT;
	o->gssencmode = "prefer";
	o->password = 1; /* libpq has one: the server judges it */
}

static struct provider_match prov(const char *id, const char *name, const char *bundle)
{
	struct provider_match p = { 0 };
	p.id = (char *)id;
	p.name = (char *)name;
	p.ca_bundle = (char *)bundle;
	return p;
}

/* ---- running and checking ---- */

struct run {
	struct finding *f;
	int n;
	struct verdict v[SSLMODE_COUNT];
	bool have_v;
};

/* explain_findings, with the verdicts when with_verdicts. */
static void run(struct run *r, const struct inspection *ins, const struct verdict_opts *o,
		bool with_verdicts, const struct provider_match *p)
{
	memset(r, 0, sizeof(*r));
	if (with_verdicts) {
		sslmode_verdicts(ins, o, r->v);
		r->have_v = true;
	}
	explain_findings(ins, with_verdicts ? r->v : NULL, o, p, &r->f, &r->n);
}

static void run_free(struct run *r)
{
	findings_free(r->f, r->n);
	if (r->have_v)
		for (int m = 0; m < SSLMODE_COUNT; m++)
			verdict_free(&r->v[m]);
}

static const struct finding *find(const struct run *r, const char *id)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].id, id))
			return &r->f[i];
	return NULL;
}

static void fail(int line, const char *what, const char *id, const char *arg)
{
	check_failures++;
	fprintf(stderr, "%s:%d: %s %s%s%s\n", __FILE__, line, id, what, arg ? ": " : "",
		arg ? arg : "");
}

/* id present exactly once with severity sev, non-empty texts, the detail
 * holding needle (NULL: no quote to check); returns the finding. */
#define EXPECT(r, id, sev, needle) expect_(__LINE__, (r), (id), (sev), (needle))
static const struct finding *expect_(int line, const struct run *r, const char *id,
				     enum severity sev, const char *needle)
{
	const struct finding *f = find(r, id);
	int count = 0;
	for (int i = 0; i < r->n; i++)
		count += !strcmp(r->f[i].id, id);
	check_count++;
	if (!f) {
		fail(line, "missing", id, NULL);
		return NULL;
	}
	check_count++;
	if (count != 1)
		fail(line, "appears more than once", id, NULL);
	check_count++;
	if (f->severity != sev)
		fail(line, "has severity", id, severity_name(f->severity));
	check_count++;
	if (!f->title || !*f->title || !f->detail || !*f->detail || !f->fix || !*f->fix)
		fail(line, "has an empty text", id, NULL);
	if (needle) {
		check_count++;
		if (!f->detail || !strstr(f->detail, needle))
			fail(line, "detail lacks the fact", id, needle);
	}
	return f;
}

#define ABSENT(r, id) absent_(__LINE__, (r), (id))
static void absent_(int line, const struct run *r, const char *id)
{
	check_count++;
	if (find(r, id))
		fail(line, "present but should not be", id, find(r, id)->detail);
}

/* No error- or warning-level finding. */
#define NO_PROBLEMS(r) no_problems_(__LINE__, (r))
static void no_problems_(int line, const struct run *r)
{
	check_count++;
	for (int i = 0; i < r->n; i++)
		if (r->f[i].severity != SEV_INFO)
			fail(line, "is not info", r->f[i].id, r->f[i].detail);
}

#define FIX_HAS(f, s) CHECK((f) && (f)->fix && strstr((f)->fix, (s)))
#define DETAIL_HAS(f, s) CHECK((f) && (f)->detail && strstr((f)->detail, (s)))

/* ---- the baseline ---- */

static void test_healthy(void)
{
	for (int ver = 15; ver <= 18; ver++) {
		struct inspection ins;
		struct verdict_opts o;
		struct run r;

		healthy(&ins);
		opts_for(&o, ver);
		run(&r, &ins, &o, true, NULL);
		CHECK_INT(r.v[SSLMODE_VERIFY_FULL].outcome, OUTCOME_ENCRYPTED);
		CHECK_INT(r.v[SSLMODE_PREFER].outcome, OUTCOME_ENCRYPTED);
		CHECK_INT(r.v[SSLMODE_ALLOW].outcome, OUTCOME_ENCRYPTED);
		NO_PROBLEMS(&r);
		EXPECT(&r, "channel-binding-available", SEV_INFO, "SCRAM-SHA-256-PLUS");
		ABSENT(&r, "channel-binding-unavailable");
		ABSENT(&r, "require-verifies"); /* verify-full asked, chain verifies */
		ABSENT(&r, "gss-may-apply");
		ABSENT(&r, "sni-required");
		ABSENT(&r, "shared-ca");
		ABSENT(&r, "cloudsql-classic-cn");
		run_free(&r);

		/* without verdicts and with a provider that shares no CA */
		struct provider_match p = prov("aiven", "Aiven for PostgreSQL", "ca.pem");
		run(&r, &ins, &o, false, &p);
		NO_PROBLEMS(&r);
		ABSENT(&r, "shared-ca");
		run_free(&r);
		inspection_free(&ins);
	}
	CHECK_STR(severity_name(SEV_ERROR), "error");
	CHECK_STR(severity_name(SEV_WARNING), "warning");
	CHECK_STR(severity_name(SEV_INFO), "info");
}

/* ---- reaching the server and the SSLRequest ---- */

static void test_reaching(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	opts_for(&o, 17);

	/* no TCP connection */
	inspection_init(&ins);
	ins.target.host = xstrdup(HOST);
	ins.reachable = 0;
	ins.server.tls_connect.attempted = true;
	ins.server.tls_connect.error = xstrdup("Connection refused");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "unreachable", SEV_ERROR, "Connection refused");
	ABSENT(&r, "not-postgres");
	run_free(&r);
	/* the plaintext attempt's error when the TLS one has none */
	free(ins.server.tls_connect.error);
	ins.server.tls_connect.error = NULL;
	ins.server.plain_connect.error = xstrdup("No route to host");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "unreachable", SEV_ERROR, "No route to host");
	run_free(&r);
	/* reachable unknown (-1) is not "unreachable" */
	ins.reachable = -1;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "unreachable");
	run_free(&r);
	inspection_free(&ins);

	/* an HTTP server on the port answers 'H' */
	bare(&ins);
	ins.server.sslrequest_reply = REPLY_OTHER;
	ins.server.reply_byte = 'H';
	run(&r, &ins, &o, true, NULL);
	const struct finding *f = EXPECT(&r, "not-postgres", SEV_ERROR, "0x48");
	DETAIL_HAS(f, "('H')");
	ABSENT(&r, "unreachable");
	ABSENT(&r, "ssl-refused");
	run_free(&r);
	/* another byte: no ('H') */
	ins.server.reply_byte = 0x15;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "not-postgres", SEV_ERROR, "0x15");
	CHECK(f && !strstr(f->detail, "('H')"));
	run_free(&r);
	inspection_free(&ins);

	/* ssl = off */
	bare(&ins);
	ins.server.sslrequest_reply = REPLY_N;
	ins.server.reply_byte = 'N';
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "ssl-refused", SEV_ERROR, "'N'");
	run_free(&r);
	inspection_free(&ins);

	/* an ErrorResponse to the SSLRequest */
	bare(&ins);
	ins.server.sslrequest_reply = REPLY_E;
	ins.server.reply_byte = 'E';
	ins.server.ssl_error.attempted = true;
	ins.server.ssl_error.message = xstrdup("sorry, too many clients already");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "sslrequest-error", SEV_ERROR, "sorry, too many clients already");
	run_free(&r);
	inspection_free(&ins);

	/* no answer */
	bare(&ins);
	ins.server.sslrequest_reply = REPLY_TIMEOUT;
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "server-stalled", SEV_ERROR, NULL);
	run_free(&r);
	inspection_free(&ins);

	/* bytes after 'S' (CVE-2021-23222) */
	bare(&ins);
	ins.server.n_after_reply = 5;
	ins.server.bytes_after_reply = (uint8_t *)xstrdup("HELLO");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "unencrypted-after-s", SEV_ERROR, "5 bytes");
	run_free(&r);
	/* the same bytes after 'N' are another matter */
	ins.server.sslrequest_reply = REPLY_N;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "unencrypted-after-s");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- TLS ---- */

static void test_tls(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 17);

	/* the handshake failed on the version: our own check, and alert 70 */
	bare(&ins);
	ins.tls.attempted = true;
	ins.tls.failure_kind = xstrdup("version");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "tls-version", SEV_ERROR, NULL);
	run_free(&r);
	free(ins.tls.failure_kind);
	ins.tls.failure_kind = xstrdup("alert");
	ins.tls.alert_code = 70;
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "tls-version", SEV_ERROR, NULL);
	run_free(&r);
	ins.tls.alert_code = 40; /* handshake_failure: not a version problem */
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "tls-version");
	run_free(&r);
	inspection_free(&ins);

	/* a flood of TLS messages after the handshake (NewSessionTickets):
	 * its own finding, naming the kind; a PostgreSQL flood keeps
	 * message-flood */
	healthy(&ins);
	startup_answer_free(&ins.server.tls);
	startup_answer_init(&ins.server.tls);
	ins.server.tls.attempted = true;
	facts_set_startup_failure(&ins.server.tls, STARTUP_FAIL_FLOOD, NULL);
	ins.tls.flood_kind = xstrdup("NewSessionTicket");
	ins.tls.flood_count = 101;
	run(&r, &ins, &o, true, NULL);
	f = EXPECT(&r, "tls-message-flood", SEV_ERROR, "too many NewSessionTicket messages");
	ABSENT(&r, "message-flood");
	run_free(&r);
	free(ins.tls.flood_kind);
	ins.tls.flood_kind = NULL;
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "message-flood", SEV_ERROR, NULL);
	ABSENT(&r, "tls-message-flood");
	run_free(&r);
	inspection_free(&ins);

	/* a session below TLS 1.2 (ssl_min_protocol_version lowered) */
	const char *old[] = { "TLS1.0", "TLS1.1" };
	for (int i = 0; i < 2; i++) {
		bare(&ins);
		ins.tls.attempted = true;
		ins.tls.ok = true;
		ins.tls.version = xstrdup(old[i]);
		run(&r, &ins, &o, false, NULL);
		EXPECT(&r, "tls-below-1.2", SEV_WARNING, old[i]);
		run_free(&r);
		inspection_free(&ins);
	}
	bare(&ins);
	ins.tls.attempted = true;
	ins.tls.ok = true;
	ins.tls.version = xstrdup("TLS1.2");
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "tls-below-1.2");
	run_free(&r);
	inspection_free(&ins);

	/* CertificateRequest with CA names */
	bare(&ins);
	ins.tls.attempted = true;
	ins.tls.ok = true;
	ins.tls.client_cert_requested = true;
	strlist_add(&ins.tls.client_ca_names, &ins.tls.nclient_ca, "CN=Client CA,O=Example");
	strlist_add(&ins.tls.client_ca_names, &ins.tls.nclient_ca, "CN=Other Client CA");
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "client-cert-requested", SEV_INFO,
		   "\"CN=Client CA,O=Example\", \"CN=Other Client CA\"");
	DETAIL_HAS(f, "none was sent");
	run_free(&r);
	ins.tls.client_cert_sent = true;
	strlist_free(ins.tls.client_ca_names);
	ins.tls.client_ca_names = NULL;
	ins.tls.nclient_ca = 0;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "client-cert-requested", SEV_INFO, "any CA");
	DETAIL_HAS(f, "one was sent");
	run_free(&r);
	inspection_free(&ins);

	/* TLS 1.3: the handshake completed, then the server's verdict on the
	 * (missing) client certificate ended the session: alert 116 */
	bare(&ins);
	ins.tls.attempted = true;
	ins.tls.ok = true;
	ins.tls.alert = xstrdup("Certificate is required");
	ins.tls.alert_code = 116;
	ins.server.tls.attempted = true;
	facts_set_startup_failure(&ins.server.tls, STARTUP_FAIL_TLS_ALERT, NULL);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "tls-alert-after-handshake", SEV_ERROR, "alert 116");
	CHECK(strstr(f->fix, "sslcert=FILE") != NULL);
	ABSENT(&r, "malformed-message");
	run_free(&r);
	inspection_free(&ins);

	/* the client's certificate files are unusable */
#define KEYMSG "private key file \"/home/u/.postgresql/postgresql.key\" has group or world access"
	bare(&ins);
	ins.trust.client_files_error = xstrdup(KEYMSG);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "client-files", SEV_ERROR, "/home/u/.postgresql/postgresql.key");
	run_free(&r);
	inspection_free(&ins);

	/* channel binding: SCRAM without -PLUS over TLS */
	healthy(&ins);
	startup_answer_free(&ins.server.tls);
	accepted(&ins.server.tls, false);
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "channel-binding-unavailable", SEV_INFO, "SCRAM-SHA-256-PLUS");
	ABSENT(&r, "channel-binding-available");
	NO_PROBLEMS(&r);
	run_free(&r);
	/* no SASL at all (md5, trust): neither */
	startup_answer_free(&ins.server.tls);
	ins.server.tls.attempted = true;
	ins.server.tls.accepted = 1;
	ins.server.tls.auth = xstrdup("md5");
	run(&r, &ins, &o, true, NULL);
	ABSENT(&r, "channel-binding-unavailable");
	ABSENT(&r, "channel-binding-available");
	run_free(&r);
	inspection_free(&ins);

	/* direct TLS (sslnegotiation=direct probe) */
	healthy(&ins);
	ins.direct_tls.attempted = true;
	ins.direct_tls.ok = true;
	ins.direct_tls.alpn = xstrdup("postgresql");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "direct-tls-supported", SEV_INFO, "postgresql");
	ABSENT(&r, "direct-tls-unsupported");
	run_free(&r);
	free(ins.direct_tls.alpn);
	ins.direct_tls.alpn = NULL;
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "direct-tls-unsupported", SEV_WARNING, "sslnegotiation=direct");
	ABSENT(&r, "direct-tls-supported");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- the certificates ---- */

static void test_certificates(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 17);

	/* expired 5 days (and an hour) ago: the day count in the detail */
	healthy(&ins);
	ins.chain[0].not_after = now - 5 * DAY - 3600;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-expired", SEV_ERROR, "expired 5 days ago");
	DETAIL_HAS(f, LEAF_DN);
	DETAIL_HAS(f, "the server's certificate");
	ABSENT(&r, "cert-expiring-soon");
	run_free(&r);
	inspection_free(&ins);

	/* the CA expired: "a CA certificate in the chain" */
	healthy(&ins);
	ins.chain[1].not_after = now - 2 * DAY - 3600;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-expired", SEV_ERROR, "expired 2 days ago");
	DETAIL_HAS(f, "a CA certificate in the chain");
	DETAIL_HAS(f, CA_DN);
	run_free(&r);
	inspection_free(&ins);

	/* not yet valid: starts in 3 days */
	healthy(&ins);
	ins.chain[0].not_before = now + 3 * DAY + 3600;
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "cert-not-yet-valid", SEV_ERROR, "3 days from now");
	ABSENT(&r, "cert-expired");
	run_free(&r);
	inspection_free(&ins);

	/* expiring in 10 days: a warning with the count */
	healthy(&ins);
	ins.chain[0].not_after = now + 10 * DAY + 3600;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-expiring-soon", SEV_WARNING, "expires in 10 days");
	DETAIL_HAS(f, LEAF_DN);
	ABSENT(&r, "cert-expired");
	run_free(&r);
	/* 31 days: nothing */
	ins.chain[0].not_after = now + 31 * DAY;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "cert-expiring-soon");
	run_free(&r);
	inspection_free(&ins);

	/* SHA-1: the algorithm name quoted; not for a self-signed root */
	healthy(&ins);
	free(ins.chain[0].signature);
	ins.chain[0].signature = xstrdup("RSA-SHA1");
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "sha1-signature", SEV_WARNING, "RSA-SHA1");
	DETAIL_HAS(f, "the server's certificate");
	run_free(&r);
	free(ins.chain[0].signature);
	ins.chain[0].signature = xstrdup("RSA-SHA256");
	free(ins.chain[1].signature);
	ins.chain[1].signature = xstrdup("RSA-SHA1"); /* the root's own: harmless */
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "sha1-signature");
	run_free(&r);
	/* ECDSA with SHA-1 on an intermediate */
	ins.chain[1].self_signed = false;
	free(ins.chain[1].signature);
	ins.chain[1].signature = xstrdup("ECDSA-SHA1");
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "sha1-signature", SEV_WARNING, "ECDSA-SHA1");
	DETAIL_HAS(f, "a CA certificate in the chain");
	run_free(&r);
	inspection_free(&ins);

	/* RSA 1024: the size quoted; 2048 and ECDSA not */
	healthy(&ins);
	free(ins.chain[0].key);
	ins.chain[0].key = xstrdup("RSA 1024");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "short-key", SEV_WARNING, "1024-bit");
	run_free(&r);
	free(ins.chain[0].key);
	ins.chain[0].key = xstrdup("ECDSA SECP256R1 (256 bits)");
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "short-key");
	run_free(&r);
	inspection_free(&ins);

	/* X.509 v1 leaf */
	healthy(&ins);
	ins.chain[0].version = 1;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "x509-v1", SEV_WARNING, "version 1");
	DETAIL_HAS(f, "the server's certificate");
	run_free(&r);
	inspection_free(&ins);

	/* an EKU without serverAuth; none at all or serverAuth among others
	 * is fine */
	healthy(&ins);
	strlist_free(ins.chain[0].ext_key_usage);
	ins.chain[0].ext_key_usage = NULL;
	ins.chain[0].next_key_usage = 0;
	strlist_add(&ins.chain[0].ext_key_usage, &ins.chain[0].next_key_usage, "clientAuth");
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "no-server-auth", SEV_ERROR, "serverAuth");
	run_free(&r);
	strlist_add(&ins.chain[0].ext_key_usage, &ins.chain[0].next_key_usage, "serverAuth");
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "no-server-auth");
	run_free(&r);
	strlist_free(ins.chain[0].ext_key_usage);
	ins.chain[0].ext_key_usage = NULL;
	ins.chain[0].next_key_usage = 0;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "no-server-auth");
	run_free(&r);
	/* an intermediate's EKU is not the leaf's */
	strlist_add(&ins.chain[1].ext_key_usage, &ins.chain[1].next_key_usage, "clientAuth");
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "no-server-auth");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- trust and names ---- */

static void test_trust(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;

	/* the default root file does not exist: the path and its source;
	 * the sslrootcert=system hint from libpq 16 */
	for (int ver = 15; ver <= 16; ver++) {
		opts_for(&o, ver);
		o.rootcert_source = ROOTCERT_DEFAULT;
		o.rootcert_exists = false;
		bare(&ins);
		ins.trust.rootcert = xstrdup(ROOT_FILE);
		ins.trust.source = ROOTCERT_DEFAULT;
		run(&r, &ins, &o, false, NULL);
		f = EXPECT(&r, "root-file-missing", SEV_WARNING, ROOT_FILE);
		DETAIL_HAS(f, "default");
		CHECK(f && (strstr(f->fix, "sslrootcert=system") != NULL) == (ver >= 16));
		run_free(&r);
		/* sslrootcert=system is no file */
		ins.trust.source = ROOTCERT_SYSTEM;
		run(&r, &ins, &o, false, NULL);
		ABSENT(&r, "root-file-missing");
		run_free(&r);
		inspection_free(&ins);
	}
	opts_for(&o, 17);

	/* only the leaf, issued by an intermediate the root file lacks */
	healthy(&ins);
	cert_facts_free(&ins.chain[1]);
	ins.nchain = 1;
	free(ins.chain[0].issuer);
	ins.chain[0].issuer = xstrdup(INTER_DN);
	ins.trust.chain_ok = 0;
	ins.trust.chain_error = xstrdup(
		"unable to get local issuer certificate (the server sent only its own "
		"certificate; is an intermediate certificate missing?)");
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "missing-intermediate", SEV_ERROR, INTER_DN);
	ABSENT(&r, "untrusted-root");
	run_free(&r);
	inspection_free(&ins);

	/* a self-signed server certificate not in the root file */
	healthy(&ins);
	cert_facts_free(&ins.chain[1]);
	ins.nchain = 1;
	free(ins.chain[0].issuer);
	ins.chain[0].issuer = xstrdup(LEAF_DN);
	ins.chain[0].self_signed = true;
	ins.trust.chain_ok = 0;
	ins.trust.chain_error = xstrdup("unable to get local issuer certificate");
	run(&r, &ins, &o, true, NULL);
	f = EXPECT(&r, "untrusted-root", SEV_ERROR, LEAF_DN);
	DETAIL_HAS(f, ROOT_FILE);
	DETAIL_HAS(f, "unable to get local issuer certificate");
	FIX_HAS(f, "\"" LEAF_DN "\"");
	ABSENT(&r, "missing-intermediate");
	/* the root file exists and the chain fails: require verifies */
	f = EXPECT(&r, "require-verifies", SEV_INFO, ROOT_FILE);
	/* the plaintext startup is refused here, so prefer fails rather
	 * than falling back */
	ABSENT(&r, "prefer-plaintext");
	run_free(&r);
	/* an expired chain is told by cert-expired, not untrusted-root */
	free(ins.trust.chain_error);
	ins.trust.chain_error = xstrdup("certificate has expired");
	ins.chain[0].not_after = now - 1 * DAY - 3600;
	run(&r, &ins, &o, true, NULL);
	ABSENT(&r, "untrusted-root");
	EXPECT(&r, "cert-expired", SEV_ERROR, "expired 1 days ago");
	run_free(&r);
	inspection_free(&ins);

	/* require-verifies when require is asked for, chain fine */
	healthy(&ins);
	free(ins.target.sslmode);
	ins.target.sslmode = xstrdup("require");
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "require-verifies", SEV_INFO, ROOT_FILE);
	NO_PROBLEMS(&r);
	run_free(&r);
	inspection_free(&ins);

	/* verify-full: the host is not among the names; the fix names one
	 * that passes and keeps the hostaddr */
	healthy(&ins);
	free(ins.target.host);
	ins.target.host = xstrdup("db.internal");
	ins.target.hostaddr = xstrdup(IP);
	ins.trust.name_ok = 0;
	ins.trust.name_error = xstrdup(
		"server certificate for \"db.example.com\" does not match host name \"db.internal\"");
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "host-name-mismatch", SEV_ERROR, "DNS:" HOST);
	DETAIL_HAS(f, "\"db.internal\"");
	DETAIL_HAS(f, "CN:" HOST " (not used: SANs exist)");
	FIX_HAS(f, "host=" HOST);
	FIX_HAS(f, "hostaddr=" IP);
	ABSENT(&r, "cloudsql-classic-cn");
	run_free(&r);
	/* not compared: no finding */
	ins.trust.name_checked = 0;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "host-name-mismatch");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- Cloud SQL, shared CAs, SNI ---- */

static void cloudsql_leaf(struct inspection *ins)
{
	healthy(ins);
	cert_facts_free(&ins->chain[0]);
	cert_facts_free(&ins->chain[1]);
	ins->nchain = 0;
	add_cert(ins, "CN=my-project:my-instance,O=Google\\, Inc,C=US",
		 "CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US",
		 "my-project:my-instance", NULL);
	struct cert_facts *ca = add_cert(ins, "CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US",
					 "CN=Google Cloud SQL Server CA,O=Google\\, Inc,C=US",
					 "Google Cloud SQL Server CA", NULL);
	ca->ca = 1;
	free(ins->target.host);
	ins->target.host = xstrdup("10.1.2.3");
	free(ins->trust.name_host);
	ins->trust.name_host = xstrdup("10.1.2.3");
}

static void test_cloudsql(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 17);

	/* a CN "project:instance" and no SAN: the finding with no provider */
	cloudsql_leaf(&ins);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "cloudsql-classic-cn", SEV_WARNING, "\"my-project:my-instance\"");
	ABSENT(&r, "shared-ca"); /* one instance's CA */
	run_free(&r);
	/* and the name mismatch points at it, suggesting no host */
	ins.trust.name_ok = 0;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "host-name-mismatch", SEV_ERROR, "CN:my-project:my-instance");
	FIX_HAS(f, "Cloud SQL finding");
	CHECK(f && !strstr(f->fix, "host=my-project"));
	EXPECT(&r, "cloudsql-classic-cn", SEV_WARNING, "my-project:my-instance");
	run_free(&r);
	/* with the provider recognised: once, not twice */
	struct provider_match p = prov("gcp-cloudsql-classic", "Google Cloud SQL (per-instance CA)",
				       "server-ca.pem");
	run(&r, &ins, &o, false, &p);
	EXPECT(&r, "cloudsql-classic-cn", SEV_WARNING, "my-project:my-instance");
	ABSENT(&r, "shared-ca");
	run_free(&r);
	/* a SAN makes the name usable: no finding without the provider */
	strlist_add(&ins.chain[0].san_dns, &ins.chain[0].nsan_dns, "inst.proj.sql.goog");
	ins.trust.name_ok = 1;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "cloudsql-classic-cn");
	run_free(&r);
	inspection_free(&ins);
}

static void test_shared_ca(void)
{
	static const struct {
		const char *id, *name;
	} shared[] = {
		{ "aws-rds", "Amazon RDS / Aurora" },
		/* the prefix also takes RDS Proxy, whose public Amazon Trust
		 * root every ACM customer shares */
		{ "aws-rds-proxy", "Amazon RDS Proxy" },
		{ "gcp-cloudsql-shared-ca", "Google Cloud SQL (shared CA)" },
		{ "azure-flexible", "Azure Database for PostgreSQL Flexible Server" },
		{ "azure-single", "Azure Database for PostgreSQL Single Server" },
		{ "neon", "Neon" },
		{ "supabase", "Supabase" },
		{ "timescale", "Timescale Cloud / Tiger Cloud" },
	};
	/* a CA of one instance, project, team or customer */
	static const char *const own[] = {
		"gcp-cloudsql-classic", "gcp-cloudsql-customer-ca", "gcp-cloudsql",
		"gcp-alloydb", "aiven", "digitalocean", "crunchy-bridge", "railway",
	};
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	opts_for(&o, 17);
	healthy(&ins);
	for (size_t i = 0; i < sizeof(shared) / sizeof(*shared); i++) {
		struct provider_match p = prov(shared[i].id, shared[i].name, "the-bundle.pem");
		run(&r, &ins, &o, false, &p);
		const struct finding *f = EXPECT(&r, "shared-ca", SEV_WARNING, shared[i].name);
		FIX_HAS(f, "verify-full");
		FIX_HAS(f, "CA bundle: the-bundle.pem");
		run_free(&r);
		/* no bundle: no dangling "CA bundle:" */
		p.ca_bundle = NULL;
		run(&r, &ins, &o, false, &p);
		f = EXPECT(&r, "shared-ca", SEV_WARNING, shared[i].name);
		CHECK(f && !strstr(f->fix, "CA bundle"));
		run_free(&r);
	}
	for (size_t i = 0; i < sizeof(own) / sizeof(*own); i++) {
		struct provider_match p = prov(own[i], "X", "b.pem");
		run(&r, &ins, &o, false, &p);
		ABSENT(&r, "shared-ca");
		run_free(&r);
	}
	/* no provider recognised (id NULL) */
	struct provider_match none = { 0 };
	run(&r, &ins, &o, false, &none);
	ABSENT(&r, "shared-ca");
	run_free(&r);
	inspection_free(&ins);
}

#define NEON_HOST "ep-cool-darkness-123456.us-east-2.aws.neon.tech"
#define NEON_MSG                                                                     \
	"The endpoint ID is not specified. Either please upgrade the postgres client "   \
	"library (libpq) for SNI support or pass the endpoint ID (first part of the "     \
	"domain name) as a parameter: '?options=endpoint%3D<endpoint-id>'. See more at " \
	"https://neon.tech/sni"

static void test_sni(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 17);

	/* by IP: no SNI, the TLS startup refused with Neon's message */
	healthy(&ins);
	free(ins.tls.sni);
	ins.tls.sni = NULL;
	free(ins.target.host);
	ins.target.host = xstrdup(IP);
	rejected(&ins.server.tls, "08P01", NEON_MSG);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "sni-required", SEV_ERROR, "No SNI was sent");
	FIX_HAS(f, "options=endpoint=");
	run_free(&r);
	/* the same facts with Neon recognised: still one error */
	struct provider_match p = prov("neon", "Neon", "ISRG Root X1");
	run(&r, &ins, &o, false, &p);
	EXPECT(&r, "sni-required", SEV_ERROR, "No SNI was sent");
	run_free(&r);

	/* the same refusal as other SNI-routing proxies word it: capitalised,
	 * and the older "Project ID" */
	static const char *const wordings[] = {
		"Endpoint ID is not specified. Either please upgrade the postgres client library "
		"(libpq) for SNI support or pass the endpoint ID (first part of the domain name) "
		"as a parameter: '?options=endpoint%3D<endpoint-id>'.",
		"PROJECT ID IS NOT SPECIFIED",
	};
	for (size_t i = 0; i < sizeof(wordings) / sizeof(*wordings); i++) {
		rejected(&ins.server.tls, "XX000", wordings[i]);
		run(&r, &ins, &o, false, NULL);
		EXPECT(&r, "sni-required", SEV_ERROR, "No SNI was sent");
		ABSENT(&r, "startup-rejected");
		run_free(&r);
	}
	inspection_free(&ins);

	/* Neon by its host name, SNI sent, accepted: information */
	healthy(&ins);
	free(ins.target.host);
	ins.target.host = xstrdup(NEON_HOST);
	free(ins.tls.sni);
	ins.tls.sni = xstrdup(NEON_HOST);
	run(&r, &ins, &o, false, &p);
	EXPECT(&r, "sni-required", SEV_INFO, "SNI");
	EXPECT(&r, "shared-ca", SEV_WARNING, "Neon");
	run_free(&r);
	/* not Neon, nothing refused: none */
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "sni-required");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- the downgrades and pg_hba ---- */

static void test_downgrades(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	opts_for(&o, 17);

	/* plaintext accepted: allow never uses TLS, and the server says yes
	 * to clear text */
	healthy(&ins);
	startup_answer_free(&ins.server.plain);
	accepted(&ins.server.plain, false);
	run(&r, &ins, &o, true, NULL);
	CHECK_INT(r.v[SSLMODE_ALLOW].outcome, OUTCOME_PLAINTEXT);
	EXPECT(&r, "allow-plaintext", SEV_WARNING, "sslmode=allow");
	EXPECT(&r, "plaintext-accepted", SEV_WARNING, "StartupMessage in clear");
	ABSENT(&r, "prefer-plaintext");
	run_free(&r);
	/* without verdicts the verdict-based findings stay silent */
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "allow-plaintext");
	EXPECT(&r, "plaintext-accepted", SEV_WARNING, NULL);
	run_free(&r);

	/* and the chain does not verify: prefer falls back in silence; the
	 * detail quotes require's error */
	ins.trust.chain_ok = 0;
	ins.trust.chain_error = xstrdup("unable to get local issuer certificate");
	run(&r, &ins, &o, true, NULL);
	CHECK_INT(r.v[SSLMODE_PREFER].outcome, OUTCOME_PLAINTEXT);
	EXPECT(&r, "prefer-plaintext", SEV_ERROR, "certificate verify failed");
	EXPECT(&r, "require-verifies", SEV_INFO, ROOT_FILE);
	run_free(&r);
	inspection_free(&ins);

	/* pg_hba refuses the TLS session (hostnossl only) */
#define FT "no pg_hba.conf entry for host \"192.0.2.1\", user \"u\", database \"d\", SSL encryption"
	healthy(&ins);
	startup_answer_free(&ins.server.plain);
	accepted(&ins.server.plain, false);
	rejected(&ins.server.tls, "28000", FT);
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "hba-rejects-tls", SEV_ERROR, FT);
	EXPECT(&r, "prefer-plaintext", SEV_ERROR, "SSL encryption");
	run_free(&r);
	inspection_free(&ins);

	/* a server in another language: SQLSTATE 28000 over TLS while the
	 * startup in clear went through is pg_hba's hostnossl, whatever the
	 * words */
#define FT_DE "kein pg_hba.conf-Eintrag f\xc3\xbcr Host \"192.0.2.1\", Benutzer \"u\", " \
	      "Datenbank \"d\", SSL-Verschl\xc3\xbcsselung"
	healthy(&ins);
	startup_answer_free(&ins.server.plain);
	accepted(&ins.server.plain, false);
	rejected(&ins.server.tls, "28000", FT_DE);
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "hba-rejects-tls", SEV_ERROR, "Datenbank");
	run_free(&r);
	inspection_free(&ins);

	/* a password failure is not a pg_hba rejection */
	healthy(&ins);
	rejected(&ins.server.tls, "28P01", "password authentication failed for user \"u\"");
	run(&r, &ins, &o, true, NULL);
	ABSENT(&r, "hba-rejects-tls");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- Kerberos ---- */

static void test_gss(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	healthy(&ins);
	opts_for(&o, 17);
	o.gss_ticket = true;
	run(&r, &ins, &o, true, NULL);
	EXPECT(&r, "gss-may-apply", SEV_INFO, "Kerberos ticket");
	FIX_HAS(find(&r, "gss-may-apply"), "gssencmode=disable");
	NO_PROBLEMS(&r);
	run_free(&r);
	o.gssencmode = NULL; /* libpq's default is prefer */
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "gss-may-apply", SEV_INFO, "Kerberos ticket");
	run_free(&r);
	o.gssencmode = "disable";
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "gss-may-apply");
	run_free(&r);
	o.gssencmode = "prefer";
	o.gss_ticket = false;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "gss-may-apply");
	run_free(&r);
	inspection_free(&ins);
}

/* ---- OpenSSL's reasons for refusing a chain ---- */

/* The chain refused as a replayed log holds it: OpenSSL's words with the
 * depth and subject, and the two apart. */
static void refuse(struct inspection *ins, const char *reason, int depth, const char *subject)
{
	ins->trust.chain_ok = 0;
	ins->trust.chain_error = xasprintf("%s; depth %d: %s", reason, depth, subject);
	ins->trust.chain_depth = depth;
	ins->trust.chain_subject = xstrdup(subject);
	ins->trust.security_level = 2;
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static void test_weak(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 18);

	/* a weak leaf key: the key, the certificate, its depth and the
	 * level in the detail; short-key does not say it again */
	healthy(&ins);
	set_str(&ins.chain[0].key, "RSA 1024");
	refuse(&ins, "EE certificate key too weak", 0, LEAF_DN);
	run(&r, &ins, &o, true, NULL);
	f = EXPECT(&r, "weak-key", SEV_ERROR, "RSA 1024");
	DETAIL_HAS(f, LEAF_DN " (depth 0, the server's own)");
	DETAIL_HAS(f, "security level 2");
	DETAIL_HAS(f, "the system's OpenSSL configuration");
	FIX_HAS(f, "RSA key of 2048 bits or more, or an ECDSA P-256 key");
	FIX_HAS(f, LEAF_DN);
	ABSENT(&r, "short-key");
	ABSENT(&r, "untrusted-root");
	CHECK_INT(r.v[SSLMODE_VERIFY_CA].outcome, OUTCOME_FAILS);
	run_free(&r);
	/* a stricter level asks for more */
	ins.trust.security_level = 3;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "weak-key", SEV_ERROR, "128 bits of security");
	FIX_HAS(f, "RSA key of 3072 bits");
	run_free(&r);
	/* the level unknown (an older log): said without a number */
	ins.trust.security_level = -1;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "weak-key", SEV_ERROR, "the security level of the system's OpenSSL");
	FIX_HAS(f, "2048");
	run_free(&r);
	/* the same facts while the chain verifies (a lower level): only the
	 * key-size warning */
	ins.trust.chain_ok = 1;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "weak-key");
	EXPECT(&r, "short-key", SEV_WARNING, "1024-bit");
	run_free(&r);
	inspection_free(&ins);

	/* a weak CA key: the CA and what it signed are reissued */
	healthy(&ins);
	set_str(&ins.chain[1].key, "RSA 1024");
	ins.chain[1].self_signed = false;
	refuse(&ins, "CA certificate key too weak", 1, CA_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "weak-key", SEV_ERROR, "the CA certificate " CA_DN " (depth 1)");
	FIX_HAS(f, "the certificates it signed");
	ABSENT(&r, "short-key");
	run_free(&r);
	inspection_free(&ins);

	/* the refused one beyond the chain as sent (the root file's) */
	healthy(&ins);
	refuse(&ins, "CA certificate key too weak", 2, "CN=Old Root");
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "weak-key", SEV_ERROR, "CN=Old Root (depth 2)");
	DETAIL_HAS(f, "size not known");
	run_free(&r);
	inspection_free(&ins);

	/* SHA-1: weak-digest, not sha1-signature as well */
	healthy(&ins);
	set_str(&ins.chain[0].signature, "RSA-SHA1");
	refuse(&ins, "CA signature digest algorithm too weak", 0, LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "weak-digest", SEV_ERROR, "RSA-SHA1");
	DETAIL_HAS(f, "security level 2");
	FIX_HAS(f, "SHA-256");
	ABSENT(&r, "sha1-signature");
	ABSENT(&r, "weak-key");
	run_free(&r);
	inspection_free(&ins);
}

static void test_purpose(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 18);

	/* the leaf's EKU without serverAuth: no-server-auth says it */
	healthy(&ins);
	strlist_free(ins.chain[0].ext_key_usage);
	ins.chain[0].ext_key_usage = NULL;
	ins.chain[0].next_key_usage = 0;
	strlist_add(&ins.chain[0].ext_key_usage, &ins.chain[0].next_key_usage, "clientAuth");
	refuse(&ins, "unsupported certificate purpose", 0, LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "no-server-auth", SEV_ERROR, "clientAuth");
	ABSENT(&r, "cert-purpose");
	run_free(&r);
	inspection_free(&ins);

	/* its keyUsage: the usages quoted, the fix names digitalSignature */
	healthy(&ins);
	strlist_add(&ins.chain[0].key_usage, &ins.chain[0].nkey_usage, "keyCertSign");
	refuse(&ins, "unsupported certificate purpose", 0, LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-purpose", SEV_ERROR, "keyUsage keyCertSign; extendedKeyUsage serverAuth");
	FIX_HAS(f, "serverAuth");
	FIX_HAS(f, "digitalSignature");
	ABSENT(&r, "no-server-auth");
	ABSENT(&r, "untrusted-root");
	run_free(&r);
	inspection_free(&ins);

	/* a CA of the chain */
	healthy(&ins);
	refuse(&ins, "unsupported certificate purpose", 1, CA_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-purpose", SEV_ERROR, CA_DN " (depth 1)");
	FIX_HAS(f, "basicConstraints CA:TRUE");
	run_free(&r);
	inspection_free(&ins);
}

static void test_revocation(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	const struct finding *f;
	opts_for(&o, 18);

	/* revoked, with the date the CRL gives and the serial */
	healthy(&ins);
	ins.trust.crl = xstrdup("/etc/pg/crl.pem");
	ins.trust.crl_checked = 1;
	set_str(&ins.chain[0].serial, "0a1b");
	refuse(&ins, "certificate revoked", 0, LEAF_DN);
	ins.trust.revoked_at = 1767323045; /* 2026-01-02 03:04:05 UTC */
	run(&r, &ins, &o, true, NULL);
	f = EXPECT(&r, "cert-revoked", SEV_ERROR, LEAF_DN " (depth 0, the server's own) is revoked");
	DETAIL_HAS(f, "lists its serial 0a1b");
	DETAIL_HAS(f, "since 2026-01-02 03:04:05 UTC");
	DETAIL_HAS(f, "sslcrl /etc/pg/crl.pem");
	FIX_HAS(f, "new certificate");
	ABSENT(&r, "untrusted-root");
	CHECK_INT(r.v[SSLMODE_VERIFY_FULL].outcome, OUTCOME_FAILS);
	run_free(&r);
	/* without a date: none invented */
	ins.trust.revoked_at = (time_t)-1;
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "cert-revoked", SEV_ERROR, "is revoked: its issuer's CRL");
	CHECK(f && !strstr(f->detail, "since"));
	run_free(&r);
	inspection_free(&ins);

	/* no CRL from the leaf's issuer: who is missing, and both fixes */
	healthy(&ins);
	ins.trust.crldir = xstrdup("/etc/pg/crls");
	ins.trust.crl_checked = 1;
	refuse(&ins, "unable to get certificate CRL", 0, LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "crl-missing", SEV_ERROR, "none from " CA_DN ", the issuer of " LEAF_DN);
	DETAIL_HAS(f, "sslcrldir /etc/pg/crls");
	FIX_HAS(f, "Add the CRL of " CA_DN);
	FIX_HAS(f, "drop sslcrl and sslcrldir");
	run_free(&r);
	inspection_free(&ins);

	/* a CRL past its nextUpdate, one from the future, one that does not
	 * verify */
	healthy(&ins);
	ins.trust.crl = xstrdup("/etc/pg/crl.pem");
	ins.trust.crl_checked = 1;
	refuse(&ins, "CRL has expired", 0, LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "crl-stale", SEV_ERROR, "nextUpdate");
	DETAIL_HAS(f, CA_DN);
	FIX_HAS(f, "Renew the CRL");
	run_free(&r);
	free(ins.trust.chain_error);
	ins.trust.chain_error = xstrdup("CRL is not yet valid; depth 0: " LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	f = EXPECT(&r, "crl-stale", SEV_ERROR, "in the future");
	FIX_HAS(f, "clocks");
	run_free(&r);
	free(ins.trust.chain_error);
	ins.trust.chain_error = xstrdup("CRL signature failure; depth 0: " LEAF_DN);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "crl-invalid", SEV_ERROR, "not signed by that issuer's key");
	ABSENT(&r, "crl-stale");
	run_free(&r);
	inspection_free(&ins);

	/* a self-signed certificate the root file lacks leads nowhere */
	healthy(&ins);
	refuse(&ins, "self-signed certificate in certificate chain", 1, CA_DN);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "untrusted-root", SEV_ERROR, CA_DN);
	run_free(&r);
	inspection_free(&ins);
}

/* Regressions from the review of the catalogue: each once misfired. */
static void test_review_fixes(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;

	/* a wrong EKU is not an untrusted root */
	healthy(&ins);
	strlist_free(ins.chain[0].ext_key_usage);
	ins.chain[0].ext_key_usage = NULL;
	ins.chain[0].next_key_usage = 0;
	strlist_add(&ins.chain[0].ext_key_usage, &ins.chain[0].next_key_usage, "clientAuth");
	ins.trust.chain_ok = 0;
	ins.trust.chain_error = xstrdup("unsupported certificate purpose");
	opts_for(&o, 18);
	run(&r, &ins, &o, false, NULL);
	EXPECT(&r, "no-server-auth", SEV_ERROR, "clientAuth");
	ABSENT(&r, "untrusted-root");
	run_free(&r);
	inspection_free(&ins);

	/* an SGC purpose is one OpenSSL takes for a server */
	healthy(&ins);
	strlist_free(ins.chain[0].ext_key_usage);
	ins.chain[0].ext_key_usage = NULL;
	ins.chain[0].next_key_usage = 0;
	strlist_add(&ins.chain[0].ext_key_usage, &ins.chain[0].next_key_usage,
		    "1.3.6.1.4.1.311.10.3.3");
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "no-server-auth");
	run_free(&r);
	inspection_free(&ins);

	/* a self-signed v1 root sent in the chain is fine for webpki too */
	healthy(&ins);
	ins.chain[1].version = 1;
	run(&r, &ins, &o, false, NULL);
	ABSENT(&r, "x509-v1");
	run_free(&r);
	inspection_free(&ins);

	/* a wildcard is never offered as a host name to connect with */
	healthy(&ins);
	strlist_free(ins.chain[0].san_dns);
	ins.chain[0].san_dns = NULL;
	ins.chain[0].nsan_dns = 0;
	strlist_add(&ins.chain[0].san_dns, &ins.chain[0].nsan_dns, "*.example.net");
	ins.trust.name_ok = 0;
	ins.trust.name_error = xstrdup("server certificate for \"*.example.net\" does not match host name \"" HOST "\"");
	run(&r, &ins, &o, false, NULL);
	const struct finding *f = EXPECT(&r, "host-name-mismatch", SEV_ERROR, "*.example.net");
	CHECK(f && !strstr(f->fix, "host=*."));
	FIX_HAS(f, "the wildcard *.example.net covers");
	run_free(&r);
	inspection_free(&ins);

	/* a CN-less leaf with a hand-made Cloud SQL match does not crash */
	healthy(&ins);
	strlist_free(ins.chain[0].cn);
	ins.chain[0].cn = NULL;
	ins.chain[0].ncn = 0;
	struct provider_match pm = prov("gcp-cloudsql-classic", "Google Cloud SQL", NULL);
	run(&r, &ins, &o, false, &pm);
	ABSENT(&r, "cloudsql-classic-cn");
	run_free(&r);
	inspection_free(&ins);
}


/* ---- the summary: the answer first (model/summary) ---- */

/* The verdicts, the findings in their sorted order, and the summary. */
static void summarise(struct summary *sm, struct run *r, const struct inspection *ins,
		      const struct verdict_opts *o, const struct provider_match *p)
{
	run(r, ins, o, true, p);
	findings_sort(r->f, r->n);
	summary_build(ins, r->v, r->f, r->n, p, sm);
}

#define HAS(text, needle)                                                      \
	do {                                                                       \
		check_count++;                                                     \
		if (!strstr((text), (needle)))                                     \
			fail(__LINE__, "summary lacks", (needle), (text));         \
	} while (0)

static int index_of(const struct run *r, const char *id)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].id, id))
			return i;
	return -1;
}

static void test_summary(void)
{
	struct inspection ins;
	struct verdict_opts o;
	struct run r;
	struct summary sm;
	opts_for(&o, 18);

	/* healthy: one line, verify-full connects */
	healthy(&ins);
	summarise(&sm, &r, &ins, &o, NULL);
	CHECK(!strcmp(sm.mode.text, "verify-full connects: encrypted, the chain and the name verify"));
	CHECK(!sm.has_verify_full && sm.mode.fix == NULL);
	summary_free(&sm);
	run_free(&r);
	/* under require: how it connects, and verify-full's line too */
	free(ins.target.sslmode);
	ins.target.sslmode = xstrdup("require");
	summarise(&sm, &r, &ins, &o, NULL);
	HAS(sm.mode.text, "require connects: encrypted");
	CHECK(sm.has_verify_full && sm.verify_full.outcome == OUTCOME_ENCRYPTED);
	summary_free(&sm);
	run_free(&r);
	inspection_free(&ins);

	/* Cloud SQL's per-instance CA: the cause, the fix, the provider */
	cloudsql_leaf(&ins);
	ins.trust.name_ok = 0;
	struct provider_match p = prov("gcp-cloudsql-classic", "Google Cloud SQL (per-instance CA)",
				       "server-ca.pem");
	summarise(&sm, &r, &ins, &o, &p);
	HAS(sm.mode.text, "verify-full fails: the certificate names my-project:my-instance, never a "
			  "host name");
	HAS(sm.mode.text, "Google Cloud SQL (per-instance CA)");
	HAS(sm.mode.text, "Fix: sslmode=verify-ca with server-ca.pem");
	CHECK(sm.mode.finding && !strcmp(sm.mode.finding, "host-name-mismatch"));
	summary_free(&sm);
	run_free(&r);
	inspection_free(&ins);

	/* the server sends only its leaf and the root file lacks its issuer:
	 * not "intermediate missing" unless the leaf says the issuer is one */
	for (int published = 0; published < 2; published++) {
		healthy(&ins);
		cert_facts_free(&ins.chain[1]);
		ins.nchain = 1;
		free(ins.chain[0].issuer);
		ins.chain[0].issuer = xstrdup(INTER_DN);
		ins.trust.chain_ok = 0;
		ins.trust.chain_code = CHAIN_FAIL_ISSUER_UNKNOWN;
		ins.trust.chain_gap = published ? CHAIN_GAP_INTERMEDIATE : CHAIN_GAP_LEAF_ONLY;
		ins.trust.chain_error = facts_chain_failure_message(CHAIN_FAIL_ISSUER_UNKNOWN,
								    ins.trust.chain_gap, NULL);
		summarise(&sm, &r, &ins, &o, NULL);
		if (published) {
			EXPECT(&r, "missing-intermediate", SEV_ERROR, INTER_DN);
			ABSENT(&r, "untrusted-root");
			HAS(sm.mode.text, "the intermediate " INTER_DN);
		} else {
			const struct finding *f = EXPECT(&r, "untrusted-root", SEV_ERROR, INTER_DN);
			DETAIL_HAS(f, ROOT_FILE);
			ABSENT(&r, "missing-intermediate");
			CHECK(!strstr(sm.mode.text, "intermediate"));
			HAS(sm.mode.text, "issued by " INTER_DN ", which the root file " ROOT_FILE
					  " does not hold");
			HAS(sm.mode.text, "Fix: sslrootcert=FILE with the certificate of");
		}
		summary_free(&sm);
		run_free(&r);
		inspection_free(&ins);
	}

	/* expired and the wrong name: the expiry is the root cause, and it
	 * comes first among the findings */
	healthy(&ins);
	free(ins.target.sslmode);
	ins.target.sslmode = xstrdup("prefer");
	ins.chain[0].not_after = now - 3 * DAY - 3600;
	ins.trust.chain_ok = 0;
	ins.trust.chain_code = CHAIN_FAIL_EXPIRED;
	ins.trust.chain_error = xstrdup("certificate has expired");
	ins.trust.name_ok = 0;
	accepted(&ins.server.plain, false);
	summarise(&sm, &r, &ins, &o, NULL);
	CHECK(index_of(&r, "cert-expired") == 0);
	CHECK(index_of(&r, "prefer-plaintext") > index_of(&r, "host-name-mismatch"));
	for (int i = 1; i < r.n; i++)
		CHECK(r.f[i - 1].severity <= r.f[i].severity);
	HAS(sm.mode.text, "prefer connects in plaintext: the server's certificate");
	HAS(sm.mode.text, "expired 3 days ago");
	HAS(sm.verify_full.text, "verify-full fails: the server's certificate");
	HAS(sm.verify_full.text, "Fix: renew the certificate");
	summary_free(&sm);
	run_free(&r);
	inspection_free(&ins);

	/* ssl = off: prefer in plaintext, verify-full fails, both on 'N' */
	bare(&ins);
	free(ins.target.sslmode);
	ins.target.sslmode = xstrdup("prefer");
	ins.server.sslrequest_reply = REPLY_N;
	ins.server.reply_byte = 'N';
	connected(&ins.server.plain_connect, IP);
	accepted(&ins.server.plain, false);
	summarise(&sm, &r, &ins, &o, NULL);
	HAS(sm.mode.text, "prefer connects in plaintext: the server answered 'N'");
	HAS(sm.verify_full.text, "verify-full fails: the server answered 'N'");
	HAS(sm.verify_full.text, "Fix: ssl = on");
	summary_free(&sm);
	run_free(&r);
	inspection_free(&ins);

	/* no password: no finding explains it, libpq's own words do */
	healthy(&ins);
	o.password = 0;
	summarise(&sm, &r, &ins, &o, NULL);
	HAS(sm.mode.text, "verify-full fails: libpq says \"fe_sendauth: no password supplied\"");
	CHECK(sm.mode.finding == NULL);
	summary_free(&sm);
	run_free(&r);
	inspection_free(&ins);
}

int main(void)
{
	now = time(NULL);
	test_healthy();
	test_reaching();
	test_tls();
	test_certificates();
	test_trust();
	test_cloudsql();
	test_shared_ca();
	test_sni();
	test_downgrades();
	test_gss();
	test_review_fixes();
	test_weak();
	test_purpose();
	test_revocation();
	test_summary();
	return check_status("test-explain");
}
