/* SPDX-License-Identifier: MIT */
/* Unit tests for model/clients: the other-client-stacks matrix. Chains come
 * either from the PEM fixtures in tests/unit/data (x509_cert_facts, with the
 * trust re-checked by the model against a fixture root file) or are built by
 * hand with libpq's trust result set directly, for what no fixture holds
 * (CN-only, "*.tld", SHA-1, RSA-1024, a v1 intermediate). Each expectation
 * follows each driver's source (lab rows where a driver was run). */
#include "config.h"
#include "engine/inspection.h"
#include "engine/judge.h"
#include "engine/x509.h"
#include "model/clients.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "util/sanitize.h"
#include "check.h"
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *datadir = "tests/unit/data";

/* the rows, by client and the stack's own setting */
#define LIBPQ_CA "libpq", "sslmode=verify-ca"
#define LIBPQ_FULL "libpq", "sslmode=verify-full"
#define JDBC_CA "pgjdbc", "sslmode=verify-ca (LibPQFactory)"
#define JDBC_FULL "pgjdbc", "sslmode=verify-full (LibPQFactory)"
#define NODE_CA "node-postgres", "sslmode=verify-ca (default parsing)"
#define NODE_COMPAT "node-postgres", "sslmode=verify-ca&uselibpqcompat=true"
#define NODE_FULL "node-postgres", "sslmode=verify-full"
#define PGX_CA "pgx", "sslmode=verify-ca"
#define PGX_FULL "pgx", "sslmode=verify-full"
#define PGX_REQ "pgx", "sslmode=require"
#define TPR_CA "rustls", "tokio-postgres-rustls (no verify-ca)"
#define TPR_FULL "rustls", "tokio-postgres-rustls, WebPkiServerVerifier"
#define TPR020 "rustls", "tokio-postgres-rustls over rustls 0.20, WebPkiVerifier"
#define SQLX_CA "rustls", "sqlx sslmode=verify-ca"
#define SQLX_FULL "rustls", "sqlx sslmode=verify-full"
#define NPG_CA "Npgsql", "SslMode=VerifyCA"
#define NPG_FULL "Npgsql", "SslMode=VerifyFull"
#define APG_CA "asyncpg", "sslmode=verify-ca"
#define APG_FULL "asyncpg", "sslmode=verify-full"
#define PQ_REQ "lib/pq", "sslmode=require"
#define PQ_CA "lib/pq", "sslmode=verify-ca"
#define PQ_FULL "lib/pq", "sslmode=verify-full"
#define PJS_CA "postgres.js", "sslmode=verify-ca (Node's default CAs)"
#define PJS_FULL "postgres.js", "sslmode=verify-full (Node's default CAs)"
#define PJS_OPT "postgres.js", "ssl: {ca: sslrootcert}"
#define PJS_REQ "postgres.js", "sslmode=require/prefer/allow"
#define P8K "pg8000", "ssl=True (pg8000 1.10.x)"
#define NROWS 27

#define A CLIENT_ACCEPTS
#define R CLIENT_REJECTS
#define U CLIENT_UNKNOWN

struct matrix {
	struct client_verdict *v;
	int n;
};

static void eval(struct matrix *m, const struct inspection *ins, const char *host)
{
	clients_evaluate(ins, host, &m->v, &m->n);
}

static void done(struct matrix *m)
{
	clients_free(m->v, m->n);
	m->v = NULL;
	m->n = 0;
}

static const struct client_verdict *row(const struct matrix *m,
					const char *client, const char *mode)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].client, client) && !strcmp(m->v[i].mode, mode))
			return &m->v[i];
	return NULL;
}

/* The outcome of one row, and (when want_in is not NULL) a phrase its rule
 * must contain. */
static void expect(int line, const struct matrix *m, const char *client,
		   const char *mode, enum client_outcome want,
		   const char *want_in)
{
	const struct client_verdict *r = row(m, client, mode);

	check_count++;
	if (!r) {
		check_failures++;
		fprintf(stderr, "%s:%d: no row %s / %s\n", __FILE__, line,
			client, mode);
		return;
	}
	if (r->outcome != want || !r->rule || !*r->rule ||
	    (want_in && !strstr(r->rule, want_in))) {
		check_failures++;
		fprintf(stderr, "%s:%d: %s / %s: got %s \"%s\", want %s%s%s%s\n",
			__FILE__, line, client, mode,
			client_outcome_name(r->outcome), r->rule ? r->rule : "(null)",
			client_outcome_name(want), want_in ? " with \"" : "",
			want_in ? want_in : "", want_in ? "\"" : "");
	}
}

#define EXPECT(m, row, want, in) expect(__LINE__, m, row, want, in)

/* Every row of the Go drivers (pgx, lib/pq: require, verify-ca,
 * verify-full) the same. */
static void expect_go(int line, const struct matrix *m,
		      enum client_outcome want, const char *want_in)
{
	static const char *const modes[] = { "sslmode=require", "sslmode=verify-ca",
					     "sslmode=verify-full" };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		expect(line, m, "pgx", modes[i], want, want_in);
		expect(line, m, "lib/pq", modes[i], want, want_in);
	}
}

#define EXPECT_GO(m, want, in) expect_go(__LINE__, m, want, in)

/* ---- building facts ---------------------------------------------------- */

static char *data_path(const char *name)
{
	return xasprintf("%s/%s", datadir, name);
}

/* A handshake that completed with TLS 1.3. */
static void base(struct inspection *ins, const char *host)
{
	inspection_init(ins);
	ins->target.host = xstrdup(host);
	ins->tls.attempted = true;
	ins->tls.ok = true;
	ins->tls.version = xstrdup("TLS1.3");
}

static void add_cert(struct inspection *ins, const struct cert_facts *f)
{
	ins->chain = xrealloc(ins->chain, (ins->nchain + 1) * sizeof(*ins->chain));
	ins->chain[ins->nchain++] = *f;
}

/* Every certificate of the PEM fixtures named (NULL-terminated), in order,
 * appended to the chain. */
static void chain_from(struct inspection *ins, ...)
{
	va_list ap;
	const char *name;

	va_start(ap, ins);
	while ((name = va_arg(ap, const char *))) {
		char *path = data_path(name);
		gnutls_datum_t pem;
		gnutls_x509_crt_t *crts = NULL;
		unsigned n = 0;

		if (gnutls_load_file(path, &pem) < 0 ||
		    gnutls_x509_crt_list_import2(&crts, &n, &pem,
						 GNUTLS_X509_FMT_PEM, 0) < 0) {
			fprintf(stderr, "cannot read fixture %s\n", path);
			exit(99);
		}
		for (unsigned i = 0; i < n; i++) {
			gnutls_datum_t der;
			struct cert_facts f;
			char *err = NULL;
			if (gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER,
						    &der) < 0 ||
			    x509_cert_facts(der.data, der.size, &f, &err) < 0) {
				fprintf(stderr, "cannot use fixture %s: %s\n", path,
					err ? err : "export");
				exit(99);
			}
			add_cert(ins, &f);
			gnutls_free(der.data);
			gnutls_x509_crt_deinit(crts[i]);
		}
		gnutls_free(crts);
		gnutls_free(pem.data);
		free(path);
	}
	va_end(ap);
}

/* sslrootcert=FIXTURE given as a parameter; the model re-checks the chain
 * against it (chain_ok stays unchecked, as before a probe's check). */
static void root_file(struct inspection *ins, const char *name)
{
	ins->trust.rootcert = data_path(name);
	ins->trust.source = ROOTCERT_PARAM;
	ins->trust.rootcert_exists = true;
}

/* leaf.pem under its intermediate for db.example.com, sslrootcert=system. */
static void system_roots(struct inspection *ins)
{
	base(ins, "db.example.com");
	chain_from(ins, "leaf.pem", "intermediate.pem", NULL);
	ins->trust.rootcert = xstrdup("system");
	ins->trust.source = ROOTCERT_SYSTEM;
	ins->trust.rootcert_exists = true;
}

/* A hand-made certificate: names as "cn:X", "dns:X", "ip:X", "eku:X",
 * "ku:X" (a keyUsage bit). */
static struct cert_facts hand(const char *subject, int version, int ca,
			      bool self_signed, const char *key,
			      const char *sig, ...)
{
	struct cert_facts f;
	va_list ap;
	const char *s;

	memset(&f, 0, sizeof(f));
	f.subject = xstrdup(subject);
	f.issuer = xstrdup(self_signed ? subject : "CN=Issuing CA");
	f.version = version;
	f.ca = ca;
	f.self_signed = self_signed;
	f.key = xstrdup(key);
	f.signature = xstrdup(sig);
	f.not_before = 946684800;   /* 2000 */
	f.not_after = 4102444799LL; /* 2099 */
	va_start(ap, sig);
	while ((s = va_arg(ap, const char *))) {
		if (!strncmp(s, "cn:", 3))
			strlist_add(&f.cn, &f.ncn, s + 3);
		else if (!strncmp(s, "dns:", 4))
			strlist_add(&f.san_dns, &f.nsan_dns, s + 4);
		else if (!strncmp(s, "ip:", 3))
			strlist_add(&f.san_ip, &f.nsan_ip, s + 3);
		else if (!strncmp(s, "eku:", 4))
			strlist_add(&f.ext_key_usage, &f.next_key_usage, s + 4);
		else if (!strncmp(s, "ku:", 3))
			strlist_add(&f.key_usage, &f.nkey_usage, s + 3);
	}
	va_end(ap);
	return f;
}

#define EC "ECDSA SECP256R1 (256 bits)"

static void add_issuing_ca(struct inspection *ins)
{
	struct cert_facts f = hand("CN=Issuing CA", 3, 1, false, EC,
				   "ECDSA-SHA256", "cn:Issuing CA", NULL);
	add_cert(ins, &f);
}

/* libpq's results as a probe records them: the chain against a root file
 * given as sslrootcert, and the name check for host. */
static void libpq_said(struct inspection *ins, int chain_ok,
		       const char *chain_error, int name_ok,
		       const char *name_error)
{
	ins->trust.rootcert = xstrdup("/home/u/root.crt");
	ins->trust.source = ROOTCERT_PARAM;
	ins->trust.rootcert_exists = true;
	ins->trust.rootcert_certs = 1;
	ins->trust.chain_ok = chain_ok;
	ins->trust.chain_error = chain_error ? xstrdup(chain_error) : NULL;
	ins->trust.name_checked = 1;
	ins->trust.name_ok = name_ok;
	ins->trust.name_error = name_error ? xstrdup(name_error) : NULL;
	ins->trust.name_host = xstrdup(ins->target.host);
}

/* ---- the cases --------------------------------------------------------- */

/* A CN-only leaf (also run against the drivers): accepted by
 * libpq, pgjdbc, Node, Python/asyncpg and .NET on Linux; Go and webpki
 * ignore the CN. */
static void test_cn_only(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.example.com");
	struct cert_facts leaf = hand("CN=db.example.com", 3, 0, false, EC,
				      "ECDSA-SHA256", "cn:db.example.com",
				      "eku:serverAuth", NULL);
	add_cert(&ins, &leaf);
	add_issuing_ca(&ins);
	libpq_said(&ins, 1, NULL, 1, NULL);
	eval(&m, &ins, NULL);
	CHECK_INT(m.n, NROWS);
	for (int i = 0; i < m.n; i++) {
		CHECK(m.v[i].meaning && (!strcmp(m.v[i].meaning, "verify-ca") ||
					 !strcmp(m.v[i].meaning, "verify-full") ||
					 !strcmp(m.v[i].meaning, "require")));
		CHECK(m.v[i].rule && !strchr(m.v[i].rule, '\n'));
	}
	EXPECT(&m, LIBPQ_CA, A, "trusted");
	EXPECT(&m, LIBPQ_FULL, A, "CN");
	EXPECT(&m, JDBC_FULL, A, "most specific CN");
	EXPECT(&m, NODE_FULL, A, "Node falls back to the CN");
	EXPECT(&m, NODE_CA, A, "treats verify-ca as verify-full");
	EXPECT(&m, NODE_COMPAT, A, NULL);
	EXPECT(&m, PGX_CA, A, NULL);
	EXPECT(&m, PGX_FULL, R, "legacy Common Name");
	EXPECT(&m, TPR_CA, U, "no verify-ca");
	EXPECT(&m, TPR_FULL, R, "no CN path");
	EXPECT(&m, TPR_FULL, R, "verify_is_valid_for_subject_name (rustls >= 0.21)");
	EXPECT(&m, TPR020, R, "no CN path");
	EXPECT(&m, TPR020, R, "verify_is_valid_for_dns_name (rustls 0.20)");
	EXPECT(&m, SQLX_CA, A, "NoHostnameTlsVerifier");
	EXPECT(&m, SQLX_FULL, R, "no CN path");
	EXPECT(&m, NPG_CA, A, NULL);
	EXPECT(&m, NPG_FULL, A, "macOS");
	EXPECT(&m, APG_CA, A, "check_hostname");
	EXPECT(&m, APG_FULL, A, "falls back to the CN");
	done(&m);

	/* another host: every verify-full refuses, every verify-ca takes it */
	free(ins.trust.name_host);
	ins.trust.name_host = xstrdup("other.example.com");
	ins.trust.name_ok = 0;
	ins.trust.name_error = xstrdup("server certificate for \"db.example.com\" does not match host name \"other.example.com\"");
	eval(&m, &ins, "other.example.com");
	EXPECT(&m, LIBPQ_FULL, R, "does not match host name \"other.example.com\"");
	EXPECT(&m, JDBC_FULL, R, "does not match");
	EXPECT(&m, NODE_FULL, R, "is not cert's CN");
	EXPECT(&m, NPG_FULL, R, NULL);
	EXPECT(&m, APG_FULL, R, NULL);
	EXPECT(&m, LIBPQ_CA, A, NULL);
	EXPECT(&m, APG_CA, A, NULL);
	done(&m);
	inspection_free(&ins);
}

/* two-cn.pem holds CN=foo.example then CN=localhost (DER order): libpq
 * takes the first CN, pgjdbc the most specific, Node and OpenSSL any. */
static void test_two_cns(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "localhost");
	chain_from(&ins, "two-cn.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, A, "trusted by");
	EXPECT(&m, LIBPQ_FULL, R, "\"foo.example\"");
	EXPECT(&m, JDBC_FULL, R, "\"foo.example\"");
	EXPECT(&m, NODE_FULL, A, "CN \"localhost\"");
	EXPECT(&m, APG_FULL, A, "CN \"localhost\"");
	EXPECT(&m, NPG_FULL, A, NULL);
	EXPECT(&m, PGX_FULL, R, NULL);
	done(&m);
	eval(&m, &ins, "foo.example");
	EXPECT(&m, LIBPQ_FULL, A, "CN");
	EXPECT(&m, JDBC_FULL, A, "most specific CN");
	EXPECT(&m, NODE_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	done(&m);
	inspection_free(&ins);
}

/* A SAN that matches, from the fixture PKI (leaf.pem: DNS localhost,
 * db.example.com, IP 127.0.0.1, 2001:db8::1, EKU serverAuth). */
static void test_san_match(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	for (int i = 0; i < m.n; i++) {
		if (!strcmp(m.v[i].mode, "tokio-postgres-rustls (no verify-ca)") ||
		    strstr(m.v[i].mode, "Node's default CAs"))
			CHECK_INT(m.v[i].outcome, U);
		else
			CHECK_INT(m.v[i].outcome, A);
	}
	EXPECT(&m, PGX_FULL, A, "matches dNSName SAN \"db.example.com\"");
	EXPECT(&m, TPR_FULL, A, "RootCertStore");
	EXPECT(&m, SQLX_FULL, A, "dNSName SAN");
	done(&m);

	/* the IPv6 SAN: Java prints it uncompressed */
	eval(&m, &ins, "2001:db8::1");
	EXPECT(&m, LIBPQ_FULL, A, "iPAddress SAN");
	EXPECT(&m, JDBC_FULL, R, "uncompressed");
	EXPECT(&m, PGX_FULL, A, "iPAddress SAN");
	EXPECT(&m, TPR_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	EXPECT(&m, NPG_FULL, A, NULL);
	/* node-postgres checks "localhost" for an IP, and leaf.pem has it */
	EXPECT(&m, NODE_FULL, A, "#2263");
	done(&m);

	/* a name the SANs do not hold: the CN is not looked at */
	eval(&m, &ins, "other.example.com");
	EXPECT(&m, LIBPQ_FULL, R, "(and 3 other names)");
	EXPECT(&m, JDBC_FULL, R, "CN ignored");
	EXPECT(&m, NODE_FULL, R, "altnames");
	EXPECT(&m, PGX_FULL, R, "no dNSName SAN matches");
	EXPECT(&m, SQLX_FULL, R, "webpki");
	EXPECT(&m, NPG_FULL, R, "X509_check_host");
	EXPECT(&m, APG_FULL, R, "CN not consulted");
	EXPECT(&m, SQLX_CA, A, NULL);
	EXPECT(&m, NPG_CA, A, "RemoteCertificateNameMismatch");
	done(&m);
	inspection_free(&ins);
}

/* IP host with an iPAddress SAN and no dNSName: every stack, node-postgres
 * since pg 8.23.1 (before, it checked "localhost"; tests/clients). */
static void test_ip_san(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "10.0.0.5");
	struct cert_facts leaf = hand("CN=pg", 3, 0, false, EC, "ECDSA-SHA256",
				      "cn:pg", "ip:10.0.0.5", "eku:serverAuth",
				      NULL);
	add_cert(&ins, &leaf);
	add_issuing_ca(&ins);
	libpq_said(&ins, 1, NULL, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, "iPAddress SAN");
	EXPECT(&m, JDBC_FULL, A, "iPAddress SAN");
	EXPECT(&m, NODE_FULL, A, "pg 8.23.1 checks the IP host itself");
	EXPECT(&m, NODE_FULL, A, "checked \"localhost\" instead (#2263) and rejected");
	EXPECT(&m, PGX_FULL, A, NULL);
	EXPECT(&m, TPR_FULL, A, "10.0.0.5 matches an iPAddress SAN");
	EXPECT(&m, TPR_FULL, A, "rustls >= 0.21; rustls 0.20 refuses every IP host");
	EXPECT(&m, SQLX_FULL, A, NULL);
	EXPECT(&m, NPG_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	/* rustls 0.20 has no IP name check at all (tests/clients: a real
	 * tokio-postgres 0.7.7 + rustls 0.20.8 fails so); a custom verify-ca
	 * verifier calling WebPkiVerifier fails the same way */
	EXPECT(&m, TPR020, R, "UnsupportedNameType");
	EXPECT(&m, TPR_CA, U, "refuses an IP host before the chain");
	done(&m);

	/* a DNS name on the same chain: no IP words, no DNS SAN */
	eval(&m, &ins, "db.example.com");
	EXPECT(&m, TPR020, R, "no dNSName SAN for \"db.example.com\"");
	EXPECT(&m, TPR_CA, U, NULL);
	CHECK(!strstr(row(&m, TPR_CA)->rule, "IP host"));
	done(&m);

	/* .NET takes a CN with the IP text even though a SAN exists */
	eval(&m, &ins, "10.0.0.6");
	EXPECT(&m, NPG_FULL, R, NULL);
	done(&m);
	inspection_free(&ins);
}

/* IP host whose address is only a dNSName "127.0.0.1": libpq and pgjdbc
 * compare text (lab ip_in_dns_san), the others want an iPAddress SAN. */
static void test_ip_as_dnsname(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "127.0.0.1");
	chain_from(&ins, "san-dns-ip-literal.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, "address text");
	EXPECT(&m, JDBC_FULL, A, "dNSName SAN \"127.0.0.1\"");
	EXPECT(&m, NODE_FULL, R, "rejected too");
	EXPECT(&m, PGX_FULL, R, "does not count for an IP");
	EXPECT(&m, TPR_FULL, R, "iPAddress");
	EXPECT(&m, SQLX_FULL, R, "iPAddress");
	EXPECT(&m, NPG_FULL, R, "CryptoNative_CheckX509IpAddress");
	EXPECT(&m, APG_FULL, R, "X509_check_host");
	/* verify-ca does not look at names */
	EXPECT(&m, LIBPQ_CA, A, NULL);
	EXPECT(&m, PGX_CA, A, NULL);
	EXPECT(&m, SQLX_CA, A, NULL);
	EXPECT(&m, APG_CA, A, NULL);
	done(&m);
	inspection_free(&ins);
}

/* Wildcards. */
static void test_wildcards(void)
{
	struct inspection ins;
	struct matrix m;

	/* wildcard.pem: DNS *.example.com; two labels deep fails everywhere */
	base(&ins, "a.b.example.com");
	chain_from(&ins, "wildcard.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	for (int i = 0; i < m.n; i++)
		if (!strcmp(m.v[i].meaning, "verify-full"))
			CHECK_INT(m.v[i].outcome, R);
	EXPECT(&m, LIBPQ_FULL, R, "\"*.example.com\"");
	EXPECT(&m, TPR_FULL, R, "covers one");
	done(&m);
	eval(&m, &ins, "a.example.com");
	for (int i = 0; i < m.n; i++)
		if (!strcmp(m.v[i].meaning, "verify-full") &&
		    !strstr(m.v[i].mode, "Node's default CAs"))
			CHECK_INT(m.v[i].outcome, A);
	EXPECT(&m, PJS_FULL, U, "bundled Mozilla");
	done(&m);
	inspection_free(&ins);

	/* partial wildcard f*o.example.com: only Node (lab wild_partial) */
	base(&ins, "foo.example.com");
	chain_from(&ins, "partial-wildcard.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, R, NULL);
	EXPECT(&m, JDBC_FULL, R, NULL);
	EXPECT(&m, NODE_FULL, A, "f*o.example.com");
	EXPECT(&m, PGX_FULL, R, NULL);
	EXPECT(&m, SQLX_FULL, R, NULL);
	EXPECT(&m, NPG_FULL, R, NULL);
	EXPECT(&m, APG_FULL, R, NULL);
	done(&m);
	inspection_free(&ins);

	/* "*.test": libpq, pgjdbc and Go take it; Node, OpenSSL and webpki
	 * do not (lab wild_1label; Go and webpki from code) */
	base(&ins, "db.test");
	struct cert_facts leaf = hand("O=x", 3, 0, false, EC, "ECDSA-SHA256",
				      "dns:*.test", NULL);
	add_cert(&ins, &leaf);
	add_issuing_ca(&ins);
	libpq_said(&ins, 1, NULL, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, NULL);
	EXPECT(&m, JDBC_FULL, A, "\"*.test\"");
	EXPECT(&m, NODE_FULL, R, NULL);
	EXPECT(&m, PGX_FULL, A, "\"*.test\"");
	EXPECT(&m, TPR_FULL, R, "two labels");
	EXPECT(&m, SQLX_FULL, R, NULL);
	EXPECT(&m, NPG_FULL, R, NULL);
	EXPECT(&m, APG_FULL, R, "two labels");
	done(&m);
	inspection_free(&ins);
}

/* X.509 v1 (Matrix C): webpki takes only v3 end entities and
 * intermediates; a v1 trust anchor is fine. */
static void test_v1(void)
{
	struct inspection ins;
	struct matrix m;

	/* v1.pem: self-signed v1, CN=v1.example, trusted as its own root */
	base(&ins, "v1.example");
	chain_from(&ins, "v1.pem", NULL);
	root_file(&ins, "v1.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, A, NULL);
	EXPECT(&m, LIBPQ_FULL, A, "CN");
	EXPECT(&m, JDBC_FULL, A, NULL);
	EXPECT(&m, NODE_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	EXPECT(&m, PGX_CA, A, "itself in the root pool");
	EXPECT(&m, PQ_CA, R, "legacy Common Name");
	EXPECT(&m, PQ_FULL, R, "legacy Common Name");
	EXPECT(&m, PGX_FULL, R, "legacy Common Name");
	EXPECT(&m, TPR_FULL, R, "UnsupportedCertVersion");
	EXPECT(&m, SQLX_CA, R, "UnsupportedCertVersion");
	EXPECT(&m, SQLX_FULL, R, "UnsupportedCertVersion");
	EXPECT(&m, TPR_CA, U, "UnsupportedCertVersion");
	done(&m);
	inspection_free(&ins);

	/* a v1 intermediate: OpenSSL says "invalid CA certificate" */
	base(&ins, "db.example.com");
	struct cert_facts leaf = hand("CN=db.example.com", 3, 0, false, EC,
				      "ECDSA-SHA256", "dns:db.example.com", NULL);
	struct cert_facts mid = hand("CN=Issuing CA", 1, -1, false, EC,
				     "ECDSA-SHA256", NULL);
	add_cert(&ins, &leaf);
	add_cert(&ins, &mid);
	libpq_said(&ins, 0, "invalid CA certificate", 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "invalid CA certificate");
	EXPECT(&m, PGX_CA, R, "invalid CA certificate");
	EXPECT(&m, SQLX_CA, R, "invalid CA certificate");
	EXPECT(&m, JDBC_CA, U, "not verified");
	EXPECT(&m, NPG_CA, U, NULL);
	EXPECT(&m, APG_CA, R, NULL);
	done(&m);
	inspection_free(&ins);

	/* a v1 root sent along: webpki anchors at it, no version refusal */
	base(&ins, "db.example.com");
	leaf = hand("CN=db.example.com", 3, 0, false, EC, "ECDSA-SHA256",
		    "dns:db.example.com", NULL);
	struct cert_facts root = hand("CN=Old Root", 1, -1, true, EC,
				      "ECDSA-SHA256", NULL);
	add_cert(&ins, &leaf);
	add_cert(&ins, &root);
	libpq_said(&ins, 1, NULL, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, TPR_FULL, A, NULL);
	EXPECT(&m, SQLX_CA, A, NULL);
	EXPECT(&m, SQLX_FULL, A, NULL);
	done(&m);
	inspection_free(&ins);
}

/* A self-signed CA:FALSE leaf for db.test, libpq's chain result as given. */
static void selfsigned_leaf(struct inspection *ins, int chain_ok,
			    const char *chain_error)
{
	base(ins, "db.test");
	struct cert_facts leaf = hand("CN=db.test", 3, 0, true, EC, "ECDSA-SHA256",
				      "cn:db.test", "dns:db.test", "eku:serverAuth",
				      NULL);
	add_cert(ins, &leaf);
	libpq_said(ins, chain_ok, chain_error, 1, NULL);
}

/* The PostgreSQL docs' recipe: self-signed, CA:TRUE, CN only, trusted as
 * the root (lab selfsigned_ca_cn): webpki refuses even for verify-ca. */
static void test_selfsigned_ca_leaf(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.test");
	struct cert_facts leaf = hand("CN=db.test", 3, 1, true, "RSA 2048",
				      "RSA-SHA256", "cn:db.test", NULL);
	add_cert(&ins, &leaf);
	libpq_said(&ins, 1, NULL, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, NULL);
	EXPECT(&m, JDBC_FULL, A, NULL);
	EXPECT(&m, NODE_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	EXPECT(&m, PGX_CA, A, NULL);
	EXPECT(&m, PGX_FULL, R, NULL);
	EXPECT(&m, SQLX_CA, R, "CaUsedAsEndEntity");
	EXPECT(&m, TPR_FULL, R, "CaUsedAsEndEntity");
	EXPECT(&m, TPR020, R, "CaUsedAsEndEntity");
	done(&m);
	inspection_free(&ins);

	/* CA:FALSE, trusted as its own root: webpki takes it (tests/clients:
	 * tokio-postgres 0.7.7 + rustls 0.20.8 connects) */
	selfsigned_leaf(&ins, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, TPR_FULL, A, "its own trust anchor");
	EXPECT(&m, TPR020, A, "its own trust anchor");
	EXPECT(&m, SQLX_CA, A, "its own trust anchor");
	EXPECT(&m, SQLX_FULL, A, NULL);
	EXPECT(&m, TPR_CA, U, NULL);
	CHECK(!strstr(row(&m, TPR_CA)->rule, "would still refuse"));
	done(&m);
	inspection_free(&ins);

	/* the same leaf, not in the root file: refused for the chain */
	selfsigned_leaf(&ins, 0, "self-signed certificate");
	eval(&m, &ins, NULL);
	EXPECT(&m, TPR_FULL, R, "does not hold it");
	EXPECT(&m, TPR020, R, NULL);
	CHECK(!strstr(row(&m, TPR_FULL)->rule, "own trust anchor"));
	done(&m);
	inspection_free(&ins);
}

/* A chain the root file does not anchor: every verify-ca that uses only
 * that file refuses; sqlx adds webpki-roots, which we cannot see. */
static void test_untrusted(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	root_file(&ins, "other-root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "unable to get local issuer certificate");
	EXPECT(&m, JDBC_CA, R, "not trusted");
	EXPECT(&m, NODE_CA, R, "not trusted");
	EXPECT(&m, NODE_COMPAT, R, "not trusted");
	EXPECT(&m, PGX_CA, R, "not trusted");
	EXPECT(&m, NPG_CA, R, "not trusted");
	EXPECT(&m, APG_CA, R, "not trusted");
	EXPECT(&m, TPR_FULL, R, "not trusted");
	EXPECT(&m, SQLX_CA, U, "webpki-roots");
	EXPECT(&m, TPR_CA, U, NULL);
	done(&m);
	inspection_free(&ins);

	/* an expired leaf fails everywhere, other stores included, but
	 * lib/pq's require without sslrootcert verifies nothing */
	base(&ins, "localhost");
	chain_from(&ins, "expired.pem", "intermediate.pem", NULL);
	ins.trust.rootcert = xstrdup("/nonexistent/root.crt");
	ins.trust.source = ROOTCERT_DEFAULT;
	eval(&m, &ins, NULL);
	for (int i = 0; i < m.n; i++)
		if (strcmp(m.v[i].mode, "tokio-postgres-rustls (no verify-ca)") &&
		    strcmp(m.v[i].mode, "sslmode=require") && strcmp(m.v[i].meaning, "require"))
			CHECK_INT(m.v[i].outcome, R);
	EXPECT(&m, PJS_REQ, A, "rejectUnauthorized: false");
	EXPECT(&m, P8K, A, "nothing is verified");
	EXPECT(&m, PGX_CA, R, "expired");
	EXPECT(&m, PQ_CA, R, "expired");
	EXPECT(&m, PQ_REQ, A, "verifies nothing");
	EXPECT(&m, PGX_REQ, A, "verifies nothing");
	EXPECT(&m, NODE_CA, R, "expired");
	done(&m);
	inspection_free(&ins);

	/* EKU clientAuth only: refused by all (lab eku_client) */
	base(&ins, "localhost");
	chain_from(&ins, "clientauth.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	for (int i = 0; i < m.n; i++)
		if (strcmp(m.v[i].mode, "tokio-postgres-rustls (no verify-ca)") &&
		    strcmp(m.v[i].meaning, "require"))
			CHECK_INT(m.v[i].outcome, R);
	EXPECT(&m, PJS_REQ, A, "rejectUnauthorized: false");
	EXPECT(&m, P8K, A, "nothing is verified");
	EXPECT(&m, JDBC_CA, R, "serverAuth");
	done(&m);
	inspection_free(&ins);

	/* the root file holds only the intermediate: OpenSSL wants a
	 * self-signed root, JDK PKIX anchors at the intermediate (pgjdbc
	 * 42.5.5 on Java 17.0.15, tests/clients) */
	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	root_file(&ins, "intermediate.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "unable to get issuer certificate");
	EXPECT(&m, JDBC_CA, A, "not self-signed");
	EXPECT(&m, JDBC_FULL, A, "Java 17.0.15");
	EXPECT(&m, NODE_CA, R, "unable to get issuer certificate");
	EXPECT(&m, APG_CA, R, "unable to get issuer certificate");
	EXPECT(&m, PGX_CA, A, "not self-signed");
	EXPECT(&m, PGX_FULL, A, "buildChains");
	EXPECT(&m, PQ_CA, A, "not self-signed");
	EXPECT(&m, PQ_REQ, A, "like verify-ca");
	/* a RootCertStore entry need not be self-signed (tests/clients:
	 * tokio-postgres 0.7.7 + rustls 0.20.8 connects) */
	EXPECT(&m, SQLX_CA, A, "webpki anchors at any certificate");
	EXPECT(&m, TPR_FULL, A, "self-signed or not");
	EXPECT(&m, TPR020, A, "self-signed or not");
	done(&m);
	inspection_free(&ins);

	/* the root file holds the leaf itself: no anchor above the leaf,
	 * which is what webpki needs */
	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	root_file(&ins, "leaf.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, NULL);
	CHECK(row(&m, TPR_FULL)->outcome != A);
	CHECK(row(&m, TPR020)->outcome != A);
	done(&m);
	inspection_free(&ins);
}

/* No root file at all (~/.postgresql/root.crt missing): verify-ca without
 * any root file, stack by stack. */
static void test_no_root_file(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	ins.trust.rootcert = xstrdup("/home/u/.postgresql/root.crt");
	ins.trust.source = ROOTCERT_DEFAULT;
	ins.trust.rootcert_exists = false;
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "does not exist");
	EXPECT(&m, JDBC_CA, R, "Could not open SSL root certificate file");
	EXPECT(&m, NODE_CA, U, "bundled Mozilla CA set");
	EXPECT(&m, NODE_COMPAT, R, "throws without sslrootcert");
	EXPECT(&m, PGX_CA, U, "Go system pool");
	EXPECT(&m, TPR_FULL, U, "RootCertStore");
	EXPECT(&m, SQLX_CA, U, "does not read ~/.postgresql/root.crt");
	EXPECT(&m, NPG_CA, U, "OS trust store");
	EXPECT(&m, APG_CA, R, "does not exist or cannot be accessed");
	EXPECT(&m, APG_FULL, R, NULL);
	done(&m);

	/* with no root file a name mismatch still decides */
	eval(&m, &ins, "other.example.com");
	EXPECT(&m, NODE_FULL, R, "altnames");
	EXPECT(&m, PGX_FULL, R, "no dNSName SAN matches");
	EXPECT(&m, SQLX_FULL, R, NULL);
	EXPECT(&m, NPG_FULL, R, NULL);
	EXPECT(&m, NPG_CA, U, NULL);
	done(&m);
	inspection_free(&ins);

	/* sslrootcert=system: libpq allows only verify-full; pgx turns
	 * verify-ca into verify-full; the rest read a file named "system" */
	system_roots(&ins);
	ins.trust.chain_ok = 1;
	eval(&m, &ins, "other.example.com");
	EXPECT(&m, LIBPQ_CA, R, "only verify-full");
	EXPECT(&m, LIBPQ_FULL, R, "does not match");
	EXPECT(&m, PGX_CA, R, "forces verify-full");
	EXPECT(&m, JDBC_CA, R, "\"system\"");
	EXPECT(&m, NODE_CA, R, "\"system\"");
	EXPECT(&m, SQLX_CA, R, "\"system\"");
	EXPECT(&m, NPG_CA, R, "\"system\"");
	EXPECT(&m, APG_CA, R, "\"system\"");
	done(&m);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, "system store");
	EXPECT(&m, PGX_CA, A, "forces verify-full");
	done(&m);
	inspection_free(&ins);
}

/* A db.test leaf (KEY, SIG, and a keyUsage bit KU or NULL) under the
 * issuing CA, with libpq's chain result CHAIN_OK / CHAIN_ERROR. */
static void crypto_case(struct inspection *ins, const char *key, const char *sig,
			const char *ku, int chain_ok, const char *chain_error)
{
	base(ins, "db.test");
	struct cert_facts leaf = hand("CN=db.test", 3, 0, false, key, sig,
				      "dns:db.test", ku, NULL);
	add_cert(ins, &leaf);
	add_issuing_ca(ins);
	libpq_said(ins, chain_ok, chain_error, 1, NULL);
}

/* Crypto floors: SHA-1 passes only pgjdbc under a private root; RSA-1024
 * passes pgjdbc and Go (pgx, lib/pq), is conditional for Node, refused by
 * webpki and Python at security level 2. */
static void test_crypto(void)
{
	struct inspection ins;
	struct matrix m;

	crypto_case(&ins, "RSA 2048", "RSA-SHA1", NULL, 0,
		    "insecure signature algorithm");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "insecure");
	EXPECT(&m, JDBC_CA, A, "SHA-1");
	EXPECT(&m, JDBC_FULL, A, NULL);
	EXPECT(&m, NODE_FULL, R, "insecure signature algorithm");
	EXPECT(&m, PGX_CA, R, "SHA-1");
	EXPECT(&m, SQLX_CA, R, "SHA-1");
	EXPECT(&m, PQ_CA, R, "SHA-1");
	EXPECT(&m, PQ_REQ, R, "SHA-1");
	EXPECT(&m, NPG_CA, U, NULL);
	EXPECT(&m, APG_CA, R, NULL);
	done(&m);
	inspection_free(&ins);

	crypto_case(&ins, "RSA 1024", "RSA-SHA256", NULL, 1, NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, JDBC_FULL, A, NULL);
	EXPECT(&m, PGX_FULL, A, NULL);
	EXPECT(&m, NODE_FULL, A, "Node 20 (OpenSSL 3.0, level 1)");
	EXPECT(&m, SQLX_CA, R, "2048-8192");
	EXPECT(&m, APG_CA, R, "security level 2");
	EXPECT(&m, NPG_CA, U, "unverified");
	done(&m);
	inspection_free(&ins);

	/* the same leaf as libpq judges it at Debian's security level 2:
	 * pgjdbc and Node 20 still connect (tests/clients) */
	crypto_case(&ins, "RSA 1024", "RSA-SHA256", NULL, 0,
		    "EE certificate key too weak; depth 0: CN=db.test");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "key too weak");
	EXPECT(&m, JDBC_CA, A, "RSA-1024");
	EXPECT(&m, JDBC_FULL, A, "Java 17.0.15");
	EXPECT(&m, PGX_CA, A, "no RSA floor");
	EXPECT(&m, PQ_FULL, A, "no RSA floor");
	EXPECT(&m, NODE_CA, A, "security level 1");
	EXPECT(&m, NODE_FULL, A, "Node 20 (OpenSSL 3.0, level 1)");
	EXPECT(&m, PJS_OPT, A, "security level 1");
	EXPECT(&m, APG_FULL, R, NULL);
	done(&m);
	inspection_free(&ins);

	/* SHA-1 as OpenSSL 3.0 words it at level 1+ (CA_MD_TOO_WEAK): JDK
	 * PKIX takes it under a root-file anchor (pgjdbc 42.5.5, tests/clients) */
	crypto_case(&ins, "RSA 2048", "RSA-SHA1", NULL, 0,
		    "CA signature digest algorithm too weak; depth 0: CN=db.test");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "too weak");
	EXPECT(&m, JDBC_CA, A, "SHA-1");
	EXPECT(&m, NODE_FULL, R, NULL);
	EXPECT(&m, APG_FULL, R, NULL);
	done(&m);
	inspection_free(&ins);

	/* keyUsage keyEncipherment only: OpenSSL's sslserver purpose takes
	 * it, JSSE refuses a key that signs the handshake */
	crypto_case(&ins, "RSA 2048", "RSA-SHA256", "ku:keyEncipherment", 1,
		    NULL);
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_FULL, A, NULL);
	EXPECT(&m, JDBC_CA, R, "KeyUsage does not allow digital signatures");
	EXPECT(&m, JDBC_FULL, R, "digitalSignature");
	EXPECT(&m, NODE_FULL, A, NULL);
	EXPECT(&m, APG_FULL, A, NULL);
	done(&m);
	inspection_free(&ins);
}

/* leaf.pem for db.example.com under its intermediate, the root file PATH
 * (taken over; NULL none) from source SRC, existing or not. */
static void go_case(struct inspection *ins, char *path,
		    enum rootcert_source src, bool exists)
{
	base(ins, "db.example.com");
	chain_from(ins, "leaf.pem", "intermediate.pem", NULL);
	ins->trust.rootcert = path;
	ins->trust.source = src;
	ins->trust.rootcert_exists = exists;
}

/* The Go drivers (pgx v4 pgconn configTLS, lib/pq 1.10.7 ssl.go) where
 * they part from each other and from libpq: lib/pq's verify-ca and
 * require check a DNS host's name, never an IP's; the root files each
 * reads; what Go takes that OpenSSL refuses. */
static void test_go_drivers(void)
{
	struct inspection ins;
	struct matrix m;

	/* the leaf names db.example.com: another DNS host fails lib/pq's
	 * verify-ca and require too, pgx's verify-ca does not check */
	go_case(&ins, data_path("root.pem"), ROOTCERT_PARAM, true);
	eval(&m, &ins, "other.example.com");
	EXPECT(&m, PGX_CA, A, "without a DNSName");
	EXPECT(&m, PGX_REQ, A, "like verify-ca");
	EXPECT(&m, PGX_FULL, R, "no dNSName SAN matches");
	EXPECT(&m, PQ_CA, R, "lib/pq >= 1.10.7 before 1.11.0");
	EXPECT(&m, PQ_REQ, R, "sslVerifyCertificateAuthority");
	EXPECT(&m, PQ_FULL, R, "no dNSName SAN matches");
	done(&m);
	eval(&m, &ins, NULL);
	EXPECT(&m, PQ_CA, A, "matches dNSName SAN");
	EXPECT(&m, PQ_REQ, A, "like verify-ca");
	EXPECT(&m, PQ_FULL, A, NULL);
	done(&m);
	/* an IP the leaf does not name: no SNI, so no name for verify-ca */
	eval(&m, &ins, "10.1.2.3");
	EXPECT(&m, PQ_CA, A, "no SNI for an IP");
	EXPECT(&m, PQ_REQ, A, "no SNI for an IP");
	EXPECT(&m, PQ_FULL, R, "no iPAddress SAN");
	EXPECT(&m, PGX_FULL, R, "no iPAddress SAN");
	done(&m);
	/* PGSSLROOTCERT: both read it */
	ins.trust.source = ROOTCERT_ENV;
	eval(&m, &ins, NULL);
	EXPECT(&m, PGX_CA, A, "trusted");
	EXPECT(&m, PQ_CA, A, "trusted");
	EXPECT(&m, PQ_REQ, A, "like verify-ca");
	done(&m);
	/* ~/.postgresql/root.crt: pgx reads it, lib/pq 1.10.7 does not */
	ins.trust.source = ROOTCERT_DEFAULT;
	eval(&m, &ins, NULL);
	EXPECT(&m, PGX_CA, A, "trusted");
	EXPECT(&m, PGX_REQ, A, "like verify-ca");
	EXPECT(&m, PQ_CA, U, "does not read ~/.postgresql/root.crt");
	EXPECT(&m, PQ_FULL, U, "Go system pool");
	EXPECT(&m, PQ_REQ, A, "verifies nothing");
	done(&m);
	inspection_free(&ins);

	/* a named root file that does not exist */
	go_case(&ins, xstrdup("/nonexistent/ca.pem"), ROOTCERT_PARAM, false);
	eval(&m, &ins, NULL);
	EXPECT(&m, PGX_CA, R, "unable to read CA file");
	EXPECT(&m, PGX_REQ, R, "unable to read CA file");
	EXPECT(&m, PQ_CA, R, "cannot read sslrootcert");
	EXPECT(&m, PQ_FULL, R, "sslCertificateAuthority");
	EXPECT(&m, PQ_REQ, A, "drops it and verifies nothing");
	done(&m);
	inspection_free(&ins);

	/* sslrootcert=system: a file named "system" for lib/pq < 1.12.0 */
	go_case(&ins, xstrdup("system"), ROOTCERT_SYSTEM, true);
	ins.trust.chain_ok = 1;
	eval(&m, &ins, NULL);
	EXPECT(&m, PQ_CA, R, "\"system\"");
	EXPECT(&m, PQ_FULL, R, "\"system\"");
	EXPECT(&m, PQ_REQ, A, "\"system\"");
	EXPECT(&m, PGX_FULL, A, "pgx v4");
	done(&m);
	inspection_free(&ins);

	/* the root file holds the leaf itself, not self-signed: OpenSSL
	 * finds no anchor, Go takes the leaf as it is; an unrelated leaf as
	 * the root file anchors nothing anywhere */
	go_case(&ins, data_path("leaf.pem"), ROOTCERT_PARAM, true);
	eval(&m, &ins, "localhost");
	EXPECT(&m, LIBPQ_CA, R, "no self-signed CA");
	EXPECT_GO(&m, A, "Roots.contains");
	EXPECT(&m, JDBC_CA, A, "PKIXValidator");
	done(&m);
	inspection_free(&ins);
	go_case(&ins, data_path("wildcard.pem"), ROOTCERT_PARAM, true);
	eval(&m, &ins, "localhost");
	EXPECT(&m, LIBPQ_CA, R, "no self-signed CA");
	EXPECT_GO(&m, R, "unknown authority");
	EXPECT(&m, JDBC_CA, R, "PKIX path building failed");
	done(&m);
	/* the same from a replay, the file gone: whether it holds the leaf
	 * is not known */
	ins.trust.rootcert_exists = true;
	free(ins.trust.rootcert);
	ins.trust.rootcert = xstrdup("/nonexistent/pinned.pem");
	ins.trust.chain_ok = 0;
	ins.trust.chain_code = CHAIN_FAIL_ISSUER_UNKNOWN;
	ins.trust.chain_gap = CHAIN_GAP_NO_ANCHOR;
	ins.trust.chain_error = xstrdup("unable to get local issuer certificate");
	eval(&m, &ins, "localhost");
	EXPECT(&m, PGX_CA, U, "cannot be read again");
	EXPECT(&m, JDBC_CA, U, "cannot be read again");
	EXPECT(&m, LIBPQ_CA, R, NULL);
	done(&m);
	inspection_free(&ins);

	/* anyExtendedKeyUsage only: OpenSSL refuses, Go takes it */
	base(&ins, "localhost");
	chain_from(&ins, "anyeku.pem", "intermediate.pem", NULL);
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, NULL);
	EXPECT_GO(&m, A, "checkChainForKeyUsage");
	EXPECT(&m, JDBC_CA, A, "checkTLSServer");
	done(&m);
	inspection_free(&ins);
}

/* No certificate: the handshake failed. A version refusal under libpq's
 * TLSv1.2 floor decides for every stack with that floor. */
static void test_no_chain(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.example.com");
	ins.tls.ok = false;
	ins.tls.error = xstrdup("the server chose a TLS version outside the range allowed");
	ins.tls.failure_kind = xstrdup("version");
	free(ins.tls.version);
	ins.tls.version = NULL;
	root_file(&ins, "root.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, LIBPQ_CA, R, "TLS 1.2");
	EXPECT(&m, JDBC_FULL, R, "TLS 1.2");
	EXPECT(&m, NODE_FULL, R, "TLS 1.2");
	EXPECT(&m, PGX_FULL, R, "TLS 1.2");
	EXPECT(&m, TPR_FULL, R, "TLS 1.2");
	EXPECT(&m, APG_FULL, R, "TLS 1.2");
	EXPECT(&m, NPG_FULL, U, "OS default");
	done(&m);
	free(ins.tls.failure_kind);
	ins.tls.failure_kind = xstrdup("eof");
	eval(&m, &ins, NULL);
	for (int i = 0; i < m.n; i++)
		CHECK_INT(m.v[i].outcome, U);
	EXPECT(&m, LIBPQ_FULL, U, "did not complete");
	done(&m);
	inspection_free(&ins);

	/* no TLS at all */
	inspection_init(&ins);
	eval(&m, &ins, "db.example.com");
	CHECK_INT(m.n, NROWS);
	for (int i = 0; i < m.n; i++)
		CHECK_INT(m.v[i].outcome, U);
	done(&m);
	inspection_free(&ins);
}

/* Rules hold certificate text raw, like the findings: the sinks escape it
 * once (a rule escaped here too showed a doubled backslash in every
 * report). */
static void test_sanitized(void)
{
	struct inspection ins;
	struct matrix m;

	base(&ins, "db.test");
	struct cert_facts leaf = hand("CN=x", 3, 0, false, EC, "ECDSA-SHA256",
				      "dns:evil\033[2J.test", NULL);
	add_cert(&ins, &leaf);
	add_issuing_ca(&ins);
	libpq_said(&ins, 1, NULL, 0, "server certificate for \"evil\033[2J.test\" does not match host name \"db.test\"");
	eval(&m, &ins, NULL);
	EXPECT(&m, PGX_FULL, R, "\"evil\033[2J.test\"");
	for (int i = 0; i < m.n; i++) {
		char *shown = sanitize(m.v[i].rule);
		CHECK(!strchr(shown, '\033') && !strstr(shown, "\\\\x1b"));
		if (strchr(m.v[i].rule, '\033'))
			CHECK(strstr(shown, "evil\\x1b[2J.test") != NULL);
		free(shown);
	}
	done(&m);
	inspection_free(&ins);
}

/* OpenSSL-based stacks judged with their own settings (judge_chain_as):
 * an RSA-1024 leaf that is its own root passes Node's level 1 and fails
 * the system level (libpq, Python) when that is 2 or more. */
static void test_openssl_settings(void)
{
	struct inspection ins;
	struct matrix m;
	bool level2 = judge_system_level() >= 2;

	base(&ins, "localhost");
	chain_from(&ins, "rsa1024-selfsigned.pem", NULL);
	root_file(&ins, "rsa1024-selfsigned.pem");
	eval(&m, &ins, NULL);
	EXPECT(&m, NODE_CA, A, "SecureContext with ca as the only roots");
	EXPECT(&m, NODE_FULL, A, "security level 1");
	EXPECT(&m, NODE_COMPAT, A, "security level 1");
	EXPECT(&m, PJS_OPT, A, "security level 1");
	EXPECT(&m, PJS_FULL, U, "sslrootcert is not read");
	EXPECT(&m, PJS_CA, U, "bundled Mozilla");
	EXPECT(&m, PJS_REQ, A, NULL);
	EXPECT(&m, P8K, A, NULL);
	EXPECT(&m, NPG_CA, U, "weak signature or key");
	if (level2) {
		EXPECT(&m, LIBPQ_CA, R, "key too weak");
		EXPECT(&m, APG_CA, R, "Python ssl.SSLContext(PROTOCOL_TLS_CLIENT)");
		EXPECT(&m, APG_FULL, R, "key too weak");
	} else {
		EXPECT(&m, APG_CA, A, "Python ssl.SSLContext(PROTOCOL_TLS_CLIENT)");
	}
	done(&m);
	/* a name postgres.js's {ca} row checks as Node does */
	eval(&m, &ins, "other.example");
	EXPECT(&m, PJS_OPT, R, "altnames");
	EXPECT(&m, PJS_FULL, R, "altnames");
	EXPECT(&m, PJS_REQ, A, NULL);
	done(&m);
	/* an IP host: postgres.js sets no servername, Node checks
	 * "localhost" (the leaf's name here) instead of the IP */
	eval(&m, &ins, "127.0.0.1");
	EXPECT(&m, PJS_OPT, A, "Node checks \"localhost\"");
	EXPECT(&m, NODE_FULL, R, "IP: 127.0.0.1");
	done(&m);

	/* judge_chain_as itself: the level and the partial-chain flag decide */
	struct judge_settings js = { 1, false, false, false };
	struct trust_facts t;
	memset(&t, 0, sizeof(t));
	t.rootcert = ins.trust.rootcert;
	t.source = ROOTCERT_PARAM;
	t.rootcert_exists = true;
	judge_chain_as(ins.chain, ins.nchain, &t, 0, &js);
	CHECK_INT(t.chain_ok, 1);
	CHECK_INT(t.security_level, 1);
	js.security_level = 2;
	judge_chain_as(ins.chain, ins.nchain, &t, 0, &js);
	CHECK_INT(t.chain_ok, 0);
	CHECK_INT(t.chain_code, CHAIN_FAIL_EE_KEY_WEAK);
	free(t.chain_error);
	free(t.chain_subject);
	free(t.ssl_error);
	t.chain_error = t.chain_subject = t.ssl_error = NULL;
	inspection_free(&ins);

	base(&ins, "db.example.com");
	chain_from(&ins, "leaf.pem", "intermediate.pem", NULL);
	t.rootcert = data_path("intermediate.pem");
	js.security_level = -1;
	judge_chain_as(ins.chain, ins.nchain, &t, 0, &js);
	CHECK_INT(t.chain_ok, 0); /* no self-signed anchor */
	CHECK_INT(t.security_level, judge_system_level());
	free(t.chain_error);
	free(t.chain_subject);
	free(t.ssl_error);
	t.chain_error = t.chain_subject = t.ssl_error = NULL;
	js.partial_chain = true;
	judge_chain_as(ins.chain, ins.nchain, &t, 0, &js);
	CHECK_INT(t.chain_ok, 1);
	free(t.rootcert);
	free(t.chain_error);
	free(t.chain_subject);
	free(t.ssl_error);
	inspection_free(&ins);

	/* sslrootcert=system: postgres.js turns on ssl "verify-full" only */
	system_roots(&ins);
	eval(&m, &ins, NULL);
	EXPECT(&m, PJS_CA, U, "not the system store");
	EXPECT(&m, PJS_OPT, U, "no root file");
	done(&m);
	inspection_free(&ins);
}

int main(void)
{
	const char *top = getenv("abs_top_srcdir");
	char *dir = NULL;

	if (top && *top)
		datadir = dir = xasprintf("%s/tests/unit/data", top);
	gnutls_global_init();
	CHECK_STR(client_outcome_name(CLIENT_ACCEPTS), "accepts");
	CHECK_STR(client_outcome_name(CLIENT_REJECTS), "rejects");
	CHECK_STR(client_outcome_name(CLIENT_UNKNOWN), "unknown");
	test_cn_only();
	test_two_cns();
	test_san_match();
	test_ip_san();
	test_ip_as_dnsname();
	test_wildcards();
	test_v1();
	test_selfsigned_ca_leaf();
	test_untrusted();
	test_no_root_file();
	test_crypto();
	test_go_drivers();
	test_openssl_settings();
	test_no_chain();
	test_sanitized();
	gnutls_global_deinit();
	free(dir);
	return check_status("test-clients");
}
