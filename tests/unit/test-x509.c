/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/x509: certificate facts with exact values, libpq's
 * host-name rules with libpq's exact messages, and chain verification that
 * must agree with the OpenSSL check libpq runs. The fixtures are PEM files
 * in tests/unit/data made by make-certs.sh (certtool only); sha256.txt there
 * holds the fingerprints certtool reported for them. */
#include "config.h"
#include "engine/inspection.h"
#include "engine/judge.h"
#include "engine/x509.h"
#include "util/xalloc.h"
#include "check.h"
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T2000 946684800L      /* 2000-01-01 00:00:00 UTC */
#define T2001 978307200L      /* 2001-01-01 00:00:00 UTC */
#define T2090 3786912000LL    /* 2090-01-01 00:00:00 UTC */
#define T2099END 4102444799LL /* 2099-12-31 23:59:59 UTC */

static const char *datadir = "tests/unit/data";

static char *data_path(const char *name)
{
	return xasprintf("%s/%s", datadir, name);
}

/* Every certificate of a PEM fixture as DER, in file order. Each DER is an
 * exactly-sized allocation, so a sanitizer build catches any overread. */
static unsigned load_ders(const char *name, gnutls_datum_t **out)
{
	char *path = data_path(name);
	gnutls_datum_t pem;
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;

	*out = NULL;
	if (gnutls_load_file(path, &pem) < 0) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(99);
	}
	if (gnutls_x509_crt_list_import2(&crts, &n, &pem, GNUTLS_X509_FMT_PEM,
					 0) < 0 ||
	    n == 0) {
		fprintf(stderr, "no certificate in fixture %s\n", path);
		exit(99);
	}
	*out = xcalloc(n, sizeof(**out));
	for (unsigned i = 0; i < n; i++) {
		if (gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER,
					    &(*out)[i]) < 0) {
			fprintf(stderr, "cannot export %s #%u\n", path, i);
			exit(99);
		}
		gnutls_x509_crt_deinit(crts[i]);
	}
	gnutls_free(crts);
	gnutls_free(pem.data);
	free(path);
	return n;
}

static void free_ders(gnutls_datum_t *d, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gnutls_free(d[i].data);
	free(d);
}

/* The facts of the first certificate of a fixture. */
static void facts_of(const char *name, struct cert_facts *f)
{
	gnutls_datum_t *d;
	unsigned n = load_ders(name, &d);
	char *err = NULL;

	CHECK_INT(x509_cert_facts(d[0].data, d[0].size, f, &err), 0);
	CHECK_STR(err, NULL);
	CHECK_INT(f->der_len, d[0].size);
	CHECK(f->der && !memcmp(f->der, d[0].data, d[0].size));
	free_ders(d, n);
}

/* The fingerprint make-certs.sh had certtool report for a fixture. */
static char *certtool_sha256(const char *name)
{
	char *path = data_path("sha256.txt");
	FILE *fp = fopen(path, "r");
	char line[256], *want = NULL;

	if (!fp) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(99);
	}
	while (!want && fgets(line, sizeof(line), fp)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		if (!strcmp(line, name)) {
			sp[strcspn(sp + 1, "\n") + 1] = '\0';
			want = xstrdup(sp + 1);
		}
	}
	fclose(fp);
	free(path);
	return want;
}

/* A NULL-terminated list with n entries, compared with want (NULL-ended). */
static void list_is(int line, char **got, int n, const char *const *want)
{
	int nwant = 0;

	while (want[nwant])
		nwant++;
	if (n != nwant)
		fprintf(stderr, "(list from line %d)\n", line);
	CHECK_INT(n, nwant);
	for (int i = 0; i < n && i < nwant; i++) {
		if (strcmp(got[i], want[i]) != 0)
			fprintf(stderr, "(list from line %d)\n", line);
		CHECK_STR(got[i], want[i]);
	}
	CHECK(n == 0 ? got == NULL || got[0] == NULL : got[n] == NULL);
}
#define LIST_IS(got, n, ...) \
	list_is(__LINE__, got, n, (const char *const[]){ __VA_ARGS__, NULL })
#define LIST_EMPTY(got, n) \
	list_is(__LINE__, got, n, (const char *const[]){ NULL })

static void sha256_is_certtools(const char *name, const struct cert_facts *f)
{
	char *want = certtool_sha256(name);

	CHECK(want != NULL && strlen(want) == 64);
	CHECK_STR(f->sha256, want);
	free(want);
}

static void test_facts_pki(void)
{
	struct cert_facts f;

	facts_of("root.pem", &f);
	CHECK_STR(f.subject, "CN=pgtls unit root,O=pgtls-inspect");
	CHECK_STR(f.issuer, "CN=pgtls unit root,O=pgtls-inspect");
	CHECK_STR(f.serial, "01");
	LIST_IS(f.cn, f.ncn, "pgtls unit root");
	LIST_EMPTY(f.san_dns, f.nsan_dns);
	LIST_EMPTY(f.san_ip, f.nsan_ip);
	CHECK_STR(f.key, "RSA 2048");
	CHECK_STR(f.signature, "RSA-SHA256");
	CHECK_INT(f.version, 3);
	CHECK_INT(f.ca, 1);
	CHECK(f.self_signed);
	LIST_IS(f.key_usage, f.nkey_usage, "keyCertSign", "cRLSign");
	LIST_EMPTY(f.ext_key_usage, f.next_key_usage);
	CHECK_INT(f.not_before, T2000);
	CHECK_INT(f.not_after, T2099END);
	sha256_is_certtools("root.pem", &f);
	cert_facts_free(&f);

	facts_of("intermediate.pem", &f);
	CHECK_STR(f.subject, "CN=pgtls unit intermediate,O=pgtls-inspect");
	CHECK_STR(f.issuer, "CN=pgtls unit root,O=pgtls-inspect");
	CHECK_STR(f.serial, "02");
	CHECK_STR(f.key, "ECDSA SECP256R1 (256 bits)");
	/* the signature is the issuer's: an RSA root signs an ECDSA key */
	CHECK_STR(f.signature, "RSA-SHA256");
	CHECK_INT(f.ca, 1);
	CHECK(!f.self_signed);
	sha256_is_certtools("intermediate.pem", &f);
	cert_facts_free(&f);

	facts_of("leaf.pem", &f);
	CHECK_STR(f.subject, "CN=localhost");
	CHECK_STR(f.issuer, "CN=pgtls unit intermediate,O=pgtls-inspect");
	CHECK_STR(f.serial, "10");
	LIST_IS(f.cn, f.ncn, "localhost");
	LIST_IS(f.san_dns, f.nsan_dns, "localhost", "db.example.com");
	/* written 2001:DB8:0:0:0:0:0:1 in the template */
	LIST_IS(f.san_ip, f.nsan_ip, "127.0.0.1", "2001:db8::1");
	CHECK_STR(f.key, "ECDSA SECP256R1 (256 bits)");
	CHECK_STR(f.signature, "ECDSA-SHA256");
	CHECK_INT(f.version, 3);
	CHECK_INT(f.ca, 0);
	CHECK(!f.self_signed);
	LIST_IS(f.key_usage, f.nkey_usage, "digitalSignature");
	LIST_IS(f.ext_key_usage, f.next_key_usage, "serverAuth");
	CHECK_INT(f.not_before, T2000);
	CHECK_INT(f.not_after, T2099END);
	sha256_is_certtools("leaf.pem", &f);
	cert_facts_free(&f);
}

static void test_facts_others(void)
{
	struct cert_facts f;

	/* two CNs: the list keeps the encoded order; the DN string is
	 * RFC 4514's, last RDN first */
	facts_of("two-cn.pem", &f);
	CHECK_STR(f.subject, "CN=localhost,CN=foo.example");
	LIST_IS(f.cn, f.ncn, "foo.example", "localhost");
	LIST_EMPTY(f.san_dns, f.nsan_dns);
	LIST_EMPTY(f.ext_key_usage, f.next_key_usage);
	LIST_IS(f.key_usage, f.nkey_usage, "digitalSignature");
	sha256_is_certtools("two-cn.pem", &f);
	cert_facts_free(&f);

	/* a self-signed leaf: not a CA, but self-signed */
	facts_of("selfsigned.pem", &f);
	CHECK_STR(f.subject, "CN=localhost");
	CHECK_STR(f.issuer, "CN=localhost");
	CHECK_INT(f.ca, 0);
	CHECK(f.self_signed);
	CHECK_STR(f.signature, "ECDSA-SHA256");
	sha256_is_certtools("selfsigned.pem", &f);
	cert_facts_free(&f);

	/* X.509 v1: no extensions, so no basicConstraints at all */
	facts_of("v1.pem", &f);
	CHECK_STR(f.subject, "CN=v1.example");
	CHECK_INT(f.version, 1);
	CHECK_INT(f.ca, -1);
	CHECK(f.self_signed);
	CHECK_STR(f.key, "EdDSA (Ed25519)");
	CHECK_STR(f.signature, "EdDSA-Ed25519");
	CHECK_STR(f.serial, "15");
	LIST_EMPTY(f.key_usage, f.nkey_usage);
	LIST_EMPTY(f.ext_key_usage, f.next_key_usage);
	sha256_is_certtools("v1.pem", &f);
	cert_facts_free(&f);

	facts_of("clientauth.pem", &f);
	LIST_IS(f.ext_key_usage, f.next_key_usage, "clientAuth");
	sha256_is_certtools("clientauth.pem", &f);
	cert_facts_free(&f);

	facts_of("anyeku.pem", &f);
	LIST_IS(f.ext_key_usage, f.next_key_usage, "anyExtendedKeyUsage");
	cert_facts_free(&f);

	facts_of("expired.pem", &f);
	CHECK_INT(f.not_before, T2000);
	CHECK_INT(f.not_after, T2001);
	cert_facts_free(&f);

	facts_of("notyet.pem", &f);
	CHECK_INT(f.not_before, T2090);
	CHECK_INT(f.not_after, T2099END);
	cert_facts_free(&f);

	/* other SAN types are not listed */
	facts_of("no-names.pem", &f);
	CHECK_STR(f.subject, "O=pgtls-inspect");
	LIST_EMPTY(f.cn, f.ncn);
	LIST_EMPTY(f.san_dns, f.nsan_dns);
	LIST_EMPTY(f.san_ip, f.nsan_ip);
	cert_facts_free(&f);

	facts_of("san-dns-ip-literal.pem", &f);
	LIST_IS(f.san_dns, f.nsan_dns, "127.0.0.1");
	LIST_EMPTY(f.san_ip, f.nsan_ip);
	cert_facts_free(&f);

	/* not a certificate: kept with its bytes and a parse error, no
	 * facts invented, and the facts can still be freed */
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	char *err = NULL;
	CHECK_INT(x509_cert_facts(junk, sizeof(junk), &f, &err), 1);
	CHECK(err && !strncmp(err, "GnuTLS cannot parse it: ", strlen("GnuTLS cannot parse it: ")));
	CHECK(f.parse_error && !strcmp(f.parse_error, err));
	CHECK(f.der_len == sizeof(junk) && !memcmp(f.der, junk, sizeof(junk)));
	CHECK(!f.subject && !f.sha256 && f.ca == -1 && !f.ncn && !f.nsan_dns);
	free(err);
	cert_facts_free(&f);
}

/* x509_name_check on the first certificate of a fixture. */
static void name_is(int line, const char *name, const char *host, int want,
		    const char *want_msg)
{
	gnutls_datum_t *d;
	unsigned n = load_ders(name, &d);
	char *msg = (char *)"unset";
	int rc = x509_name_check(d[0].data, d[0].size, host, &msg);

	if (rc != want || (msg == NULL) != (want_msg == NULL) ||
	    (msg && strcmp(msg, want_msg)))
		fprintf(stderr, "(name check at line %d: %s, host \"%s\")\n",
			line, name, host ? host : "(null)");
	CHECK_INT(rc, want);
	CHECK_STR(msg, want_msg);
	free(msg);
	free_ders(d, n);
}
#define MATCHES(name, host) name_is(__LINE__, name, host, 1, NULL)
#define MISMATCH(name, host, msg) name_is(__LINE__, name, host, 0, msg)
#define NAME_ERROR(name, host, msg) name_is(__LINE__, name, host, -1, msg)

static void test_names(void)
{
	/* exact, ASCII case-insensitive */
	MATCHES("leaf.pem", "localhost");
	MATCHES("leaf.pem", "LOCALHOST");
	MATCHES("leaf.pem", "DB.Example.COM");
	MISMATCH("leaf.pem", "localhost.",
		 "server certificate for \"localhost\" (and 3 other names) "
		 "does not match host name \"localhost.\"");
	/* IP SANs compare as addresses, through inet_aton / inet_pton */
	MATCHES("leaf.pem", "127.0.0.1");
	MATCHES("leaf.pem", "127.1");
	MATCHES("leaf.pem", "2001:db8::1");
	MATCHES("leaf.pem", "2001:DB8:0::1");
	MISMATCH("leaf.pem", "::1",
		 "server certificate for \"localhost\" (and 3 other names) "
		 "does not match host name \"::1\"");

	/* wildcards: the whole leftmost label, one or more characters */
	MATCHES("wildcard.pem", "a.example.com");
	MATCHES("wildcard.pem", "A.EXAMPLE.COM");
	MATCHES("wildcard.pem", "db-1.example.com");
	MISMATCH("wildcard.pem", "example.com",
		 "server certificate for \"*.example.com\" does not match "
		 "host name \"example.com\"");
	MISMATCH("wildcard.pem", ".example.com",
		 "server certificate for \"*.example.com\" does not match "
		 "host name \".example.com\"");
	MISMATCH("wildcard.pem", "a.b.example.com",
		 "server certificate for \"*.example.com\" does not match "
		 "host name \"a.b.example.com\"");
	/* libpq only rejects a dot before the last character the star
	 * covers (psql 15 connects to both of these) */
	MATCHES("wildcard.pem", "a..example.com");
	MATCHES("wildcard.pem", "..example.com");
	MISMATCH("wildcard.pem", "a.example.org",
		 "server certificate for \"*.example.com\" does not match "
		 "host name \"a.example.org\"");
	/* a partial wildcard never matches; its star is just a character */
	MISMATCH("partial-wildcard.pem", "foo.example.com",
		 "server certificate for \"f*o.example.com\" does not match "
		 "host name \"foo.example.com\"");
	MISMATCH("partial-wildcard.pem", "fo.example.com",
		 "server certificate for \"f*o.example.com\" does not match "
		 "host name \"fo.example.com\"");
	MATCHES("partial-wildcard.pem", "F*O.example.com");
	/* wildcards apply to the CN too, with no guard for IP addresses */
	MATCHES("cn-wildcard-ip.pem", "127.0.0.1");
	MISMATCH("cn-wildcard-ip.pem", "0.0.1",
		 "server certificate for \"*.0.0.1\" does not match host name "
		 "\"0.0.1\"");

	/* DNS host: the CN counts only without a dNSName SAN; an iPAddress
	 * SAN does not hide it */
	MATCHES("cn-dns-san-ip.pem", "localhost");
	MATCHES("cn-dns-san-ip.pem", "127.0.0.1");
	MISMATCH("cn-dns-san-ip.pem", "db.example.com",
		 "server certificate for \"127.0.0.1\" (and 1 other name) "
		 "does not match host name \"db.example.com\"");
	/* IP host with an iPAddress SAN: the CN is not consulted */
	MISMATCH("cn-dns-san-ip.pem", "10.0.0.1",
		 "server certificate for \"127.0.0.1\" does not match host "
		 "name \"10.0.0.1\"");
	/* IP host: the CN counts without an iPAddress SAN, even next to a
	 * dNSName SAN (libpq's break from RFC 6125) */
	MATCHES("cn-ip-san-dns.pem", "127.0.0.1");
	MISMATCH("cn-ip-san-dns.pem", "127.0.0.2",
		 "server certificate for \"localhost\" (and 1 other name) "
		 "does not match host name \"127.0.0.2\"");
	/* DNS host with a dNSName SAN: the CN is not consulted */
	MISMATCH("cn-ip-san-dns.pem", "foo",
		 "server certificate for \"localhost\" does not match host "
		 "name \"foo\"");
	/* every dNSName is compared as a string, even for an IP host */
	MATCHES("san-dns-ip-literal.pem", "127.0.0.1");
	MISMATCH("san-dns-ip-literal.pem", "127.1",
		 "server certificate for \"127.0.0.1\" does not match host "
		 "name \"127.1\"");

	/* only the first CN (in encoded order) counts */
	MISMATCH("two-cn.pem", "localhost",
		 "server certificate for \"foo.example\" does not match host "
		 "name \"localhost\"");
	MATCHES("two-cn.pem", "foo.example");

	/* counting the names examined */
	MATCHES("three-names.pem", "localhost");
	MATCHES("three-names.pem", "db.example.com");
	MISMATCH("three-names.pem", "127.0.0.1",
		 "server certificate for \"localhost\" (and 2 other names) "
		 "does not match host name \"127.0.0.1\"");
	MISMATCH("three-names.pem", "other.example",
		 "server certificate for \"localhost\" (and 1 other name) "
		 "does not match host name \"other.example\"");

	/* a v1 certificate has only its CN */
	MATCHES("v1.pem", "v1.example");
	MISMATCH("v1.pem", "localhost",
		 "server certificate for \"v1.example\" does not match host "
		 "name \"localhost\"");

	/* no dNSName, no iPAddress (an email SAN is ignored), no CN */
	MISMATCH("no-names.pem", "localhost",
		 "could not get server's host name from server certificate");
	MISMATCH("no-names.pem", "127.0.0.1",
		 "could not get server's host name from server certificate");

	NAME_ERROR("leaf.pem", "",
		   "host name must be specified for a verified SSL connection");
	NAME_ERROR("leaf.pem", NULL,
		   "host name must be specified for a verified SSL connection");

	/* not a certificate */
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	char *msg = NULL;
	CHECK_INT(x509_name_check(junk, sizeof(junk), "localhost", &msg), -1);
	CHECK_STR(msg, "could not get server certificate");
	free(msg);
}

static void test_host_is_ip(void)
{
	CHECK_INT(x509_host_is_ip("127.0.0.1"), 1);
	/* inet_aton's shorthand forms count, as in libpq */
	CHECK_INT(x509_host_is_ip("127.1"), 1);
	CHECK_INT(x509_host_is_ip("0x7f000001"), 1);
	CHECK_INT(x509_host_is_ip("2130706433"), 1);
	CHECK_INT(x509_host_is_ip("::1"), 1);
	CHECK_INT(x509_host_is_ip("2001:db8::1"), 1);
	CHECK_INT(x509_host_is_ip("::ffff:127.0.0.1"), 1);
	CHECK_INT(x509_host_is_ip("localhost"), 0);
	CHECK_INT(x509_host_is_ip("db.example.com"), 0);
	CHECK_INT(x509_host_is_ip("1.2.3.4.5"), 0);
	CHECK_INT(x509_host_is_ip("fe80::1%lo"), 0);
	CHECK_INT(x509_host_is_ip(""), 0);
}

/* The certificates of the given fixtures, in order, as ins's chain. */
static void load_chain(struct inspection *ins, const char *const *files)
{
	for (size_t i = 0; files[i]; i++) {
		gnutls_datum_t *d;
		unsigned n = load_ders(files[i], &d);
		for (unsigned k = 0; k < n; k++) {
			struct cert_facts *c;
			char *err = NULL;
			ins->chain = xrealloc(ins->chain, (ins->nchain + 1) *
							  sizeof(*ins->chain));
			c = &ins->chain[ins->nchain++];
			CHECK_INT(x509_cert_facts(d[k].data, d[k].size, c, &err),
				  0);
			CHECK_STR(err, NULL);
		}
		free_ders(d, n);
	}
}

/* An inspection whose chain holds the certificates of the given fixtures,
 * in order, with root as sslrootcert, verified at now. */
static void verify(struct inspection *ins, const char *const *files,
		   const char *root, time_t now)
{
	inspection_init(ins);
	load_chain(ins, files);
	ins->trust.rootcert = data_path(root);
	ins->trust.rootcert_exists = true;
	ins->trust.source = ROOTCERT_PARAM;
	x509_verify_chain(ins, now);
}

/* The same with crl (a fixture's name) as the CRL file libpq would load. */
static void verify_crl(struct inspection *ins, const char *const *files,
		       const char *root, const char *crl)
{
	inspection_init(ins);
	load_chain(ins, files);
	ins->trust.rootcert = data_path(root);
	ins->trust.rootcert_exists = true;
	ins->trust.source = ROOTCERT_PARAM;
	ins->trust.crl = data_path(crl);
	x509_verify_chain(ins, time(NULL));
}

/* chain_ok must be want; when it is 0 the error must contain reason. */
static void chain_is(int line, const char *const *files, const char *root,
		     time_t now, int want, const char *reason)
{
	struct inspection ins;
	const char *e;

	verify(&ins, files, root, now);
	e = ins.trust.chain_error;
	if (ins.trust.chain_ok != want || (want == 1 && e) ||
	    (reason && (!e || !strstr(e, reason))))
		fprintf(stderr, "(chain at line %d against %s: error \"%s\")\n",
			line, root, e ? e : "(null)");
	CHECK_INT(ins.trust.chain_ok, want);
	if (want == 1)
		CHECK_STR(e, NULL);
	if (reason)
		CHECK(e && strstr(e, reason));
	if (want == 0)
		CHECK(e != NULL);
	inspection_free(&ins);
}
#define CHAIN(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CHAIN_OK(files, root) \
	chain_is(__LINE__, files, root, time(NULL), 1, NULL)
#define CHAIN_FAILS(files, root, reason) \
	chain_is(__LINE__, files, root, time(NULL), 0, reason)

static void test_chains(void)
{
	struct inspection ins;

	CHAIN_OK(CHAIN("leaf.pem", "intermediate.pem"), "root.pem");
	/* the server may send the root too */
	CHAIN_OK(CHAIN("leaf.pem", "intermediate.pem", "root.pem"), "root.pem");
	CHAIN_FAILS(CHAIN("leaf.pem", "intermediate.pem"), "other-root.pem",
		    "unable to get local issuer certificate");
	/* the server sent its leaf alone, which names no place its issuer is
	 * published: whether the issuer is an intermediate left out or a
	 * root the file lacks, the facts cannot tell (judge.c) */
	CHAIN_FAILS(CHAIN("leaf.pem"), "root.pem",
		    "unable to get local issuer certificate (the server sent "
		    "only its own certificate, and its issuer is not in the root "
		    "file)");
	/* OpenSSL (no X509_V_FLAG_PARTIAL_CHAIN) ends a path only at a
	 * self-signed certificate: neither the leaf nor the intermediate in
	 * the root file is an anchor */
	CHAIN_FAILS(CHAIN("leaf.pem", "intermediate.pem"), "leaf.pem",
		    "(the root file holds no self-signed CA certificate)");
	CHAIN_FAILS(CHAIN("leaf.pem"), "leaf.pem", "unable to get");
	CHAIN_FAILS(CHAIN("leaf.pem", "intermediate.pem"), "intermediate.pem",
		    "(the root file holds no self-signed CA certificate)");
	CHAIN_FAILS(CHAIN("leaf.pem"), "intermediate.pem", "unable to get");
	/* but OpenSSL builds the path through the store's intermediates */
	CHAIN_OK(CHAIN("leaf.pem"), "root-and-intermediate.pem");
	CHAIN_OK(CHAIN("leaf.pem", "intermediate.pem"),
		 "root-and-intermediate.pem");
	/* a self-signed leaf (CA:FALSE) listed in the root file is trusted */
	CHAIN_OK(CHAIN("selfsigned.pem"), "selfsigned.pem");
	/* OpenSSL's reason for a lone self-signed leaf it does not trust */
	CHAIN_FAILS(CHAIN("selfsigned.pem"), "root.pem",
		    "self-signed certificate; depth 0: CN=localhost");
	/* validity and purpose */
	CHAIN_FAILS(CHAIN("expired.pem", "intermediate.pem"), "root.pem",
		    "certificate has expired");
	CHAIN_FAILS(CHAIN("notyet.pem", "intermediate.pem"), "root.pem",
		    "certificate is not yet valid");
	CHAIN_FAILS(CHAIN("clientauth.pem", "intermediate.pem"), "root.pem",
		    "unsupported certificate purpose");
	/* OpenSSL wants serverAuth in an EKU: anyExtendedKeyUsage is not
	 * enough (GnuTLS alone would accept it; psql 15 refuses it) */
	CHAIN_FAILS(CHAIN("anyeku.pem", "intermediate.pem"), "root.pem",
		    "unsupported certificate purpose");
	/* nor is a listed self-signed leaf exempt from the purpose test */
	CHAIN_FAILS(CHAIN("selfsigned-clientauth.pem"),
		    "selfsigned-clientauth.pem",
		    "unsupported certificate purpose");
	/* no EKU at all is fine */
	CHAIN_OK(CHAIN("three-names.pem", "intermediate.pem"), "root.pem");

	/* the time comes from the caller */
	chain_is(__LINE__, CHAIN("leaf.pem", "intermediate.pem"), "root.pem",
		 (time_t)T2099END + 1, 0, "certificate has expired");
	chain_is(__LINE__, CHAIN("leaf.pem", "intermediate.pem"), "root.pem",
		 (time_t)T2000 - 1, 0, "certificate is not yet valid");
	chain_is(__LINE__, CHAIN("selfsigned.pem"), "selfsigned.pem",
		 (time_t)T2099END + 1, 0, "certificate has expired");
	chain_is(__LINE__, CHAIN("notyet.pem", "intermediate.pem"), "root.pem",
		 (time_t)T2090 + 1, 1, NULL);

	/* what the root file held */
	verify(&ins, CHAIN("leaf.pem"), "root-and-intermediate.pem",
	       time(NULL));
	CHECK_INT(ins.trust.rootcert_certs, 2);
	CHECK_STR(ins.trust.rootcert_error, NULL);
	inspection_free(&ins);
	verify(&ins, CHAIN("leaf.pem", "intermediate.pem"), "root.pem",
	       time(NULL));
	CHECK_INT(ins.trust.rootcert_certs, 1);
	inspection_free(&ins);

	/* a root file without a certificate */
	verify(&ins, CHAIN("leaf.pem", "intermediate.pem"), "no-cert.pem",
	       time(NULL));
	CHECK_INT(ins.trust.chain_ok, 0);
	CHECK(ins.trust.chain_error != NULL);
	CHECK_INT(ins.trust.rootcert_certs, -1);
	/* initialize_SSL's words, with OpenSSL's reason */
	CHECK(ins.trust.rootcert_error &&
	      strstr(ins.trust.rootcert_error, "could not read root certificate file \"") &&
	      strstr(ins.trust.rootcert_error, "\": no certificate or crl found"));
	inspection_free(&ins);

	/* no root file, or nothing to verify: not checked */
	inspection_init(&ins);
	ins.trust.rootcert = data_path("root.pem");
	ins.trust.rootcert_exists = true;
	ins.trust.source = ROOTCERT_PARAM;
	x509_verify_chain(&ins, time(NULL));
	CHECK_INT(ins.trust.chain_ok, -1);
	inspection_free(&ins);
	inspection_init(&ins);
	ins.trust.rootcert = data_path("does-not-exist.pem");
	ins.trust.rootcert_exists = false;
	ins.trust.source = ROOTCERT_DEFAULT;
	x509_verify_chain(&ins, time(NULL));
	CHECK_INT(ins.trust.chain_ok, -1);
	CHECK_STR(ins.trust.chain_error, NULL);
	inspection_free(&ins);
}

/* x509_verify decides the failure's code and gap itself, and its text
 * reads back as the same (what a replay of the log decides on). */
static void code_is(int line, const char *const *files, const char *root,
		    time_t now, enum chain_failure want, enum chain_gap want_gap)
{
	struct inspection ins;
	enum chain_gap gap;

	verify(&ins, files, root, now);
	if (ins.trust.chain_code != want || ins.trust.chain_gap != want_gap)
		fprintf(stderr, "(chain at line %d: %s/%s, \"%s\")\n", line,
			facts_chain_failures[ins.trust.chain_code].name,
			facts_chain_gaps[ins.trust.chain_gap].name,
			ins.trust.chain_error ? ins.trust.chain_error : "(null)");
	CHECK_INT(ins.trust.chain_code, want);
	CHECK_INT(ins.trust.chain_gap, want_gap);
	CHECK_INT(facts_chain_failure_parse(ins.trust.chain_error, &gap), want);
	CHECK_INT(gap, want_gap);
	inspection_free(&ins);
}
#define CODE_IS(files, root, want, gap) \
	code_is(__LINE__, files, root, time(NULL), want, gap)

static void test_chain_codes(void)
{
	CODE_IS(CHAIN("leaf.pem", "intermediate.pem"), "root.pem",
		CHAIN_FAIL_NONE, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("leaf.pem", "intermediate.pem"), "other-root.pem",
		CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("leaf.pem"), "root.pem", CHAIN_FAIL_ISSUER_UNKNOWN,
		CHAIN_GAP_LEAF_ONLY);
	CODE_IS(CHAIN("leaf.pem", "intermediate.pem"), "leaf.pem",
		CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_NO_ANCHOR);
	CODE_IS(CHAIN("selfsigned.pem"), "root.pem", CHAIN_FAIL_SELF_SIGNED,
		CHAIN_GAP_NONE);
	CODE_IS(CHAIN("expired.pem", "intermediate.pem"), "root.pem",
		CHAIN_FAIL_EXPIRED, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("notyet.pem", "intermediate.pem"), "root.pem",
		CHAIN_FAIL_NOT_YET_VALID, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("clientauth.pem", "intermediate.pem"), "root.pem",
		CHAIN_FAIL_PURPOSE, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("selfsigned-clientauth.pem"), "selfsigned-clientauth.pem",
		CHAIN_FAIL_PURPOSE, CHAIN_GAP_NONE);
	CODE_IS(CHAIN("leaf.pem", "intermediate.pem"), "no-cert.pem",
		CHAIN_FAIL_ROOT_UNREADABLE, CHAIN_GAP_NONE);
	/* a listed self-signed leaf past its end */
	code_is(__LINE__, CHAIN("selfsigned.pem"), "selfsigned.pem",
		(time_t)T2099END + 1, CHAIN_FAIL_EXPIRED, CHAIN_GAP_NONE);
	/* a lone leaf past its end, its intermediate missing: OpenSSL stops
	 * at the missing issuer, before any date is checked */
	code_is(__LINE__, CHAIN("leaf.pem"), "root.pem", (time_t)T2099END + 1,
		CHAIN_FAIL_ISSUER_UNKNOWN, CHAIN_GAP_LEAF_ONLY);
}

/* What the judge records beside its verdict: the certificate it refused
 * (depth and subject apart from the text), whether revocation was
 * checked, and OpenSSL's security level. */
static void test_judge_facts(void)
{
	struct inspection ins;

	verify(&ins, CHAIN("leaf.pem", "intermediate.pem"), "root.pem", time(NULL));
	CHECK_INT(ins.trust.chain_ok, 1);
	CHECK_INT(ins.trust.chain_depth, -1);
	CHECK_STR(ins.trust.chain_subject, NULL);
	CHECK_INT(ins.trust.crl_checked, 0); /* no CRL file named */
	CHECK(ins.trust.security_level >= 0 && ins.trust.security_level <= 5);
	inspection_free(&ins);

	verify(&ins, CHAIN("clientauth.pem", "intermediate.pem"), "root.pem", time(NULL));
	CHECK_INT(ins.trust.chain_code, CHAIN_FAIL_PURPOSE);
	CHECK_INT(ins.trust.chain_depth, 0);
	CHECK_STR(ins.trust.chain_subject, "CN=localhost");
	CHECK_INT((long)ins.trust.revoked_at, -1);
	inspection_free(&ins);

	/* the issuer's subject in OpenSSL's RFC 2253 order */
	verify(&ins, CHAIN("leaf.pem", "intermediate.pem"), "other-root.pem", time(NULL));
	CHECK_INT(ins.trust.chain_depth, 1);
	CHECK_STR(ins.trust.chain_subject, "CN=pgtls unit intermediate,O=pgtls-inspect");
	inspection_free(&ins);

	/* a CRL file that loads (X509_load_cert_crl_file takes a file of
	 * certificates too) turns CRL checking on; none of it is the
	 * intermediate's CRL, so the leaf's revocation cannot be checked */
	verify_crl(&ins, CHAIN("leaf.pem", "intermediate.pem"), "root.pem", "root.pem");
	CHECK_INT(ins.trust.crl_checked, 1);
	CHECK_INT(ins.trust.chain_code, CHAIN_FAIL_CRL_MISSING);
	CHECK_INT(ins.trust.chain_depth, 0);
	CHECK_STR(ins.trust.chain_subject, "CN=localhost");
	inspection_free(&ins);
	/* initialize_SSL: a CRL file that does not load is ignored */
	verify_crl(&ins, CHAIN("leaf.pem", "intermediate.pem"), "root.pem", "does-not-exist.crl");
	CHECK_INT(ins.trust.crl_checked, 0);
	CHECK_INT(ins.trust.chain_ok, 1);
	inspection_free(&ins);

	/* nothing to judge: nothing known */
	inspection_init(&ins);
	ins.trust.rootcert = data_path("root.pem");
	ins.trust.rootcert_exists = true;
	ins.trust.source = ROOTCERT_PARAM;
	ins.trust.crl_checked = 1;
	ins.trust.chain_depth = 3;
	x509_verify_chain(&ins, time(NULL));
	CHECK_INT(ins.trust.crl_checked, -1);
	CHECK_INT(ins.trust.chain_depth, -1);
	CHECK_INT(ins.trust.security_level, -1);
	inspection_free(&ins);
}

/* judge_root_holds: a certificate of the file byte for byte, or not, or
 * the file unreadable. */
static void test_file_holds(void)
{
	gnutls_datum_t *d;
	unsigned n = load_ders("leaf.pem", &d);
	char *with = xasprintf("%s/root-and-intermediate.pem", datadir);
	char *leaf = xasprintf("%s/leaf.pem", datadir);
	char *junk = xasprintf("%s/sha256.txt", datadir);

	CHECK_INT(judge_root_holds(leaf, d[0].data, d[0].size), 1);
	CHECK_INT(judge_root_holds(with, d[0].data, d[0].size), 0);
	CHECK_INT(judge_root_holds(with, d[0].data, d[0].size - 1), 0);
	CHECK_INT(judge_root_holds(junk, d[0].data, d[0].size), -1);
	CHECK_INT(judge_root_holds("/nonexistent/root.crt", d[0].data, d[0].size), -1);
	CHECK_INT(judge_root_holds(leaf, NULL, 0), -1);
	free_ders(d, n);
	n = load_ders("intermediate.pem", &d);
	CHECK_INT(judge_root_holds(with, d[0].data, d[0].size), 1);
	free_ders(d, n);
	free(with);
	free(leaf);
	free(junk);
}

int main(void)
{
	const char *top = getenv("abs_top_srcdir");
	char *dir = NULL;

	if (top && *top)
		datadir = dir = xasprintf("%s/tests/unit/data", top);
	gnutls_global_init();
	test_facts_pki();
	test_facts_others();
	test_names();
	test_host_is_ip();
	test_chains();
	test_chain_codes();
	test_judge_facts();
	test_file_holds();
	gnutls_global_deinit();
	free(dir);
	return check_status("test-x509");
}
