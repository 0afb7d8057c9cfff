/* SPDX-License-Identifier: MIT */
/* Unit tests for model/provider: inspections built by hand with the
 * certificates and host names each managed service presents (as each
 * service documents them), recognised against data/providers.json;
 * a private CA that must not be; the evidence line; and broken data files,
 * which must give -1 and one line saying why. */
#include "config.h"
#include "engine/inspection.h"
#include "model/provider.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The DN strings below are written the way GnuTLS prints them; some in
 * RFC 4514 order (CN first), some as the demo prints them (C first), since
 * patterns must not depend on the order. */
#define RDS_LEAF_HOST "mydb.c8x7kq2m4zpt.us-east-1.rds.amazonaws.com"
#define RDS_LEAF \
	"CN=" RDS_LEAF_HOST ",OU=RDS,O=Amazon.com,L=Seattle,ST=Washington,C=US"
#define RDS_SUB                                                              \
	"CN=Amazon RDS us-east-1 Subordinate CA RSA2048 G1.A.10,L=Seattle,ST=WA," \
	"OU=Amazon RDS,O=Amazon Web Services\\, Inc.,C=US"
#define RDS_ROOT                                                  \
	"CN=Amazon RDS us-east-1 Root CA RSA2048 G1,L=Seattle,ST=WA," \
	"OU=Amazon RDS,O=Amazon Web Services\\, Inc.,C=US"
#define SQL_CA                                                      \
	"dnQualifier=4f8a2c1e-6b3d-4e59-9a7c-0d2e1f3b5a68,CN=Google Cloud " \
	"SQL Server CA,O=Google\\, Inc,C=US"
#define SQL_DNS "my-instance.my-project.us-central1.sql.goog"
#define SUPA_INT "CN=Supabase Intermediate 2021 CA"
#define SUPA_ROOT \
	"CN=Supabase Root 2021 CA,O=Supabase Inc,L=New Castle,ST=Delware,C=US"
#define LE_R11 "CN=R11,O=Let's Encrypt,C=US"
#define ISRG "CN=ISRG Root X1,O=Internet Security Research Group,C=US"
#define AZ_ICA "CN=Microsoft Azure RSA TLS Issuing CA 03,O=Microsoft Corporation,C=US"
#define DIGICERT_G2 "CN=DigiCert Global Root G2,OU=www.digicert.com,O=DigiCert Inc,C=US"
#define AIVEN_CA "CN=1c2b3a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d GEN 1 Project CA"
#define DO_CA "CN=0d5e2a3c-7b1f-4c2e-9a8d-6f5e4d3c2b1a Project CA"
#define PRIVATE_INT "C=US,O=Example Corp,CN=Example Corp Database Issuing CA"
#define PRIVATE_ROOT "C=US,O=Example Corp,CN=Example Corp Root CA"

struct sample {
	const char *what;
	const char *host;         /* the host keyword, or NULL */
	const char *leaf_subject; /* NULL: no chain at all */
	const char *leaf_issuer;
	const char *san[4];
	const char *ca_subject;   /* the intermediate the server sends, or NULL */
	const char *ca_issuer;
	bool self_signed;
	const char *want_id;       /* NULL: not recognised */
	const char *want_evidence; /* a part of the evidence line, or NULL */
};

static const struct sample samples[] = {
	{ .what = "RDS instance by endpoint",
	  .host = RDS_LEAF_HOST,
	  .leaf_subject = RDS_LEAF, .leaf_issuer = RDS_SUB,
	  .san = { RDS_LEAF_HOST },
	  .ca_subject = RDS_SUB, .ca_issuer = RDS_ROOT,
	  .want_id = "aws-rds",
	  .want_evidence = "issuer \"" RDS_SUB "\" matches /CN=Amazon RDS " },
	{ .what = "RDS instance by IP address (issuer alone)",
	  .host = "10.0.12.7",
	  .leaf_subject = RDS_LEAF, .leaf_issuer = RDS_SUB,
	  .san = { RDS_LEAF_HOST },
	  .ca_subject = RDS_SUB, .ca_issuer = RDS_ROOT,
	  .want_id = "aws-rds", .want_evidence = "Subordinate CA RSA2048" },
	{ .what = "Aurora cluster, rds-ca-2019 generation",
	  .host = "app.cluster-c8x7kq2m4zpt.eu-west-1.rds.amazonaws.com",
	  .leaf_subject = "CN=app.cluster-c8x7kq2m4zpt.eu-west-1.rds.amazonaws.com,OU=RDS,O=Amazon.com,L=Seattle,ST=Washington,C=US",
	  .leaf_issuer = "CN=Amazon RDS eu-west-1 2019 CA,OU=Amazon RDS,O=Amazon Web Services\\, Inc.,ST=Washington,L=Seattle,C=US",
	  .san = { "app.cluster-c8x7kq2m4zpt.eu-west-1.rds.amazonaws.com",
		   "app.cluster-ro-c8x7kq2m4zpt.eu-west-1.rds.amazonaws.com" },
	  .want_id = "aws-rds", .want_evidence = "eu-west-1 2019 CA" },
	{ .what = "RDS Proxy default endpoint",
	  .host = "myproxy.proxy-c8x7kq2m4zpt.us-east-1.rds.amazonaws.com",
	  .leaf_subject = "CN=*.proxy-c8x7kq2m4zpt.us-east-1.rds.amazonaws.com",
	  .leaf_issuer = "CN=Amazon RSA 2048 M01,O=Amazon,C=US",
	  .san = { "*.proxy-c8x7kq2m4zpt.us-east-1.rds.amazonaws.com" },
	  .ca_subject = "CN=Amazon RSA 2048 M01,O=Amazon,C=US",
	  .ca_issuer = "CN=Amazon Root CA 1,O=Amazon,C=US",
	  .want_id = "aws-rds-proxy",
	  .want_evidence = "SAN \"*.proxy-c8x7kq2m4zpt.us-east-1.rds.amazonaws.com\"" },
	{ .what = "RDS Proxy by host only (no chain: TLS failed)",
	  .host = "reporting.endpoint.proxy-c8x7kq2m4zpt.us-east-1.rds.amazonaws.com",
	  .want_id = "aws-rds-proxy", .want_evidence = "host \"reporting." },
	{ .what = "RDS by host only (no chain)",
	  .host = RDS_LEAF_HOST,
	  .want_id = "aws-rds", .want_evidence = "host \"" RDS_LEAF_HOST "\"" },
	{ .what = "Cloud SQL per-instance CA by IP",
	  .host = "34.118.2.9",
	  .leaf_subject = "CN=my-project:my-instance,O=Google\\, Inc,C=US",
	  .leaf_issuer = SQL_CA,
	  .want_id = "gcp-cloudsql-classic",
	  .want_evidence = "issuer \"" SQL_CA "\" matches /CN=Google Cloud SQL Server CA(,|$)/; subject \"CN=my-project:my-instance" },
	{ .what = "Cloud SQL per-instance CA, domain-scoped project, old CA",
	  .host = "10.20.0.3",
	  .leaf_subject = "C=US,O=Google\\, Inc,CN=example.com:proj-1:db-2",
	  .leaf_issuer = "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA",
	  .want_id = "gcp-cloudsql-classic" },
	{ .what = "Cloud SQL shared CA by DNS name",
	  .host = SQL_DNS,
	  .leaf_subject = "C=US,O=Google\\, Inc,CN=my-project:my-instance",
	  .leaf_issuer = "C=US,O=Google\\, Inc,CN=Google Cloud SQL Intermediate CA",
	  .san = { SQL_DNS },
	  .ca_subject = "C=US,O=Google\\, Inc,CN=Google Cloud SQL Intermediate CA",
	  .ca_issuer = "C=US,O=Google\\, Inc,CN=Google Cloud SQL Root CA",
	  .want_id = "gcp-cloudsql-shared-ca",
	  .want_evidence = "SAN \"" SQL_DNS "\"" },
	{ .what = "Cloud SQL shared CA by IP (CA names alone)",
	  .host = "10.20.0.4",
	  .leaf_subject = "C=US,O=Google\\, Inc,CN=my-project:my-instance",
	  .leaf_issuer = "C=US,O=Google\\, Inc,CN=Google Cloud SQL Intermediate CA",
	  .want_id = "gcp-cloudsql-shared-ca", .want_evidence = "unverified" },
	{ .what = "Cloud SQL customer-managed CA, PSA name",
	  .host = "orders.shop-prod.europe-west1.sql-psa.goog",
	  .leaf_subject = "CN=shop-prod:orders",
	  .leaf_issuer = "CN=Shop Database Issuing CA,O=Shop GmbH,C=DE",
	  .san = { "orders.shop-prod.europe-west1.sql-psa.goog", "db.shop.example" },
	  .want_id = "gcp-cloudsql-customer-ca",
	  .want_evidence = "not Google's" },
	{ .what = "Cloud SQL by host only (no chain)",
	  .host = "orders.shop-prod.europe-west1.sql-psc.goog",
	  .want_id = "gcp-cloudsql" },
	{ .what = "AlloyDB over PSC",
	  .host = "10.3.0.9",
	  .leaf_subject = "CN=30f6af49-74c7-4058-9b00-8a29cff777c9",
	  .leaf_issuer = "CN=AlloyDB cluster CA",
	  .san = { "30f6af49-74c7-4058-9b00-8a29cff777c9.3f031303-8e9c-4941-8b77-1aafad235014.us-east1.alloydb-psc.goog" },
	  .want_id = "gcp-alloydb", .want_evidence = "unverified" },
	{ .what = "AlloyDB by host only",
	  .host = "30f6af49-74c7-4058-9b00-8a29cff777c9.3f031303-8e9c-4941-8b77-1aafad235014.us-east1.alloydb-psc.goog",
	  .want_id = "gcp-alloydb" },
	{ .what = "Azure Flexible Server",
	  .host = "mydemo-server.postgres.database.azure.com",
	  .leaf_subject = "CN=*.postgres.database.azure.com,O=Microsoft Corporation,L=Redmond,ST=WA,C=US",
	  .leaf_issuer = AZ_ICA,
	  .san = { "*.postgres.database.azure.com" },
	  .ca_subject = AZ_ICA, .ca_issuer = DIGICERT_G2,
	  .want_id = "azure-flexible" },
	{ .what = "Azure Flexible Server by host only",
	  .host = "pg1.postgres.database.usgovcloudapi.net",
	  .want_id = "azure-flexible" },
	{ .what = "Azure Single Server gateway certificate",
	  .host = "legacy.postgres.database.azure.com",
	  .leaf_subject = "CN=*.database.windows.net",
	  .leaf_issuer = "CN=Microsoft RSA TLS CA 01,O=Microsoft Corporation,C=US",
	  .san = { "*.database.windows.net", "*.mysql.database.azure.com",
		   "*.postgres.database.azure.com" },
	  .want_id = "azure-single",
	  .want_evidence = "SAN \"*.database.windows.net\"" },
	{ .what = "Azure Cosmos DB for PostgreSQL",
	  .host = "c-mycluster.abcdefghijklmn.postgres.cosmos.azure.com",
	  .want_id = "azure-cosmos" },
	{ .what = "Supabase pooler",
	  .host = "aws-0-eu-central-1.pooler.supabase.com",
	  .leaf_subject = "CN=*.pooler.supabase.com",
	  .leaf_issuer = SUPA_INT,
	  .san = { "*.pooler.supabase.com", "*.pooler.supabase.co" },
	  .ca_subject = SUPA_INT, .ca_issuer = SUPA_ROOT,
	  .want_id = "supabase", .want_evidence = "Supabase Intermediate 2021 CA" },
	{ .what = "Supabase direct, root only seen as an issuer",
	  .host = "2600:1f18:2e13:9d00::1",
	  .leaf_subject = "CN=db.abcdefghijklmnopqrst.supabase.co",
	  .leaf_issuer = "CN=Supabase Intermediate 2021 CA",
	  .want_id = "supabase" },
	{ .what = "Supabase direct by host only",
	  .host = "db.abcdefghijklmnopqrst.supabase.co",
	  .want_id = "supabase" },
	{ .what = "Neon with SNI",
	  .host = "ep-cool-darkness-123456.us-east-2.aws.neon.tech",
	  .leaf_subject = "CN=*.us-east-2.aws.neon.tech",
	  .leaf_issuer = LE_R11,
	  .san = { "*.us-east-2.aws.neon.tech" },
	  .ca_subject = LE_R11, .ca_issuer = ISRG,
	  .want_id = "neon" },
	{ .what = "Neon, a host pattern alone (no chain)",
	  .host = "ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech",
	  .want_id = "neon",
	  .want_evidence = "host \"ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech\" matches /\\.neon\\.tech$/" },
	{ .what = "Heroku classic, self-signed on EC2",
	  .host = "ec2-54-83-10-20.compute-1.amazonaws.com",
	  .leaf_subject = "CN=ip-10-0-1-2.ec2.internal",
	  .leaf_issuer = "CN=ip-10-0-1-2.ec2.internal",
	  .self_signed = true,
	  .want_id = "heroku", .want_evidence = "leaf is self-signed" },
	{ .what = "Heroku on Aurora wins over the RDS issuer",
	  .host = "c5abc123def456.cluster-czrs8kj4isg7.us-east-1.rds.amazonaws.com",
	  .leaf_subject = RDS_LEAF, .leaf_issuer = RDS_SUB,
	  .want_id = "heroku" },
	{ .what = "DigitalOcean",
	  .host = "db-postgresql-nyc3-12345-do-user-123456-0.b.db.ondigitalocean.com",
	  .leaf_subject = "CN=db-postgresql-nyc3-12345-do-user-123456-0.b.db.ondigitalocean.com",
	  .leaf_issuer = DO_CA,
	  .want_id = "digitalocean", .want_evidence = "Project CA" },
	{ .what = "Aiven",
	  .host = "pg-3f1c2a-myproject.a.aivencloud.com",
	  .leaf_subject = "CN=pg-3f1c2a-myproject.a.aivencloud.com",
	  .leaf_issuer = AIVEN_CA,
	  .san = { "pg-3f1c2a-myproject.a.aivencloud.com" },
	  .want_id = "aiven", .want_evidence = "aivencloud" },
	{ .what = "Project CA by IP: Aiven, with DigitalOcean named",
	  .host = "203.0.113.40",
	  .leaf_subject = "CN=db-postgresql-nyc3-12345-do-user-123456-0.b.db.ondigitalocean.com",
	  .leaf_issuer = DO_CA,
	  .want_id = "aiven", .want_evidence = "DigitalOcean" },
	{ .what = "Crunchy Bridge",
	  .host = "p.vbjrfujv5beutaoelw725gvi3i.db.postgresbridge.com",
	  .leaf_subject = "CN=p.vbjrfujv5beutaoelw725gvi3i.db.postgresbridge.com",
	  .leaf_issuer = "CN=Team CA",
	  .want_id = "crunchy-bridge" },
	{ .what = "Timescale, signed by ZeroSSL",
	  .host = "a1b2c3d4e5.f6g7h8i9j0.tsdb.cloud.timescale.com",
	  .leaf_subject = "CN=a1b2c3d4e5.f6g7h8i9j0.tsdb.cloud.timescale.com",
	  .leaf_issuer = "CN=ZeroSSL RSA Domain Secure Site CA,O=ZeroSSL,C=AT",
	  .san = { "a1b2c3d4e5.f6g7h8i9j0.tsdb.cloud.timescale.com" },
	  .want_id = "timescale" },
	{ .what = "Timescale, fresh self-signed certificate",
	  .host = "a1b2c3d4e5.f6g7h8i9j0.tsdb.cloud.timescale.com",
	  .leaf_subject = "CN=localhost", .leaf_issuer = "CN=localhost",
	  .self_signed = true,
	  .want_id = "timescale" },
	{ .what = "Railway template image",
	  .host = "monorail.proxy.rlwy.net",
	  .leaf_subject = "CN=localhost", .leaf_issuer = "CN=root-ca",
	  .san = { "localhost" },
	  .want_id = "railway" },
	{ .what = "Render external host",
	  .host = "dpg-cn1a2b3c4d5e6f7g8h9i-a.oregon-postgres.render.com",
	  .want_id = "render" },
	{ .what = "Render internal host",
	  .host = "dpg-cn1a2b3c4d5e6f7g8h9i-a",
	  .want_id = "render" },
	{ .what = "Fly.io",
	  .host = "my-db.fly.dev",
	  .want_id = "fly" },
	/* not recognised */
	{ .what = "private CA",
	  .host = "db.example.com",
	  .leaf_subject = "CN=db.example.com", .leaf_issuer = PRIVATE_INT,
	  .san = { "db.example.com" },
	  .ca_subject = PRIVATE_INT, .ca_issuer = PRIVATE_ROOT },
	{ .what = "self-signed leaf elsewhere",
	  .host = "db.example.com",
	  .leaf_subject = "CN=db.example.com", .leaf_issuer = "CN=db.example.com",
	  .self_signed = true },
	{ .what = "CA-signed server on an EC2 name is not Heroku",
	  .host = "ec2-54-83-10-20.compute-1.amazonaws.com",
	  .leaf_subject = "CN=ec2-54-83-10-20.compute-1.amazonaws.com",
	  .leaf_issuer = PRIVATE_INT },
	{ .what = "a look-alike suffix",
	  .host = "rds.amazonaws.com.evil.example" },
	{ .what = "nothing known at all" },
};

static void add_cert(struct inspection *ins, const char *subject,
		     const char *issuer, const char *const *san,
		     bool self_signed)
{
	ins->chain = xrealloc(ins->chain,
			      (ins->nchain + 1) * sizeof(*ins->chain));
	struct cert_facts *c = &ins->chain[ins->nchain++];
	memset(c, 0, sizeof(*c));
	c->subject = xstrdup(subject);
	c->issuer = xstrdup(issuer);
	for (int i = 0; san && i < 4 && san[i]; i++)
		strlist_add(&c->san_dns, &c->nsan_dns, san[i]);
	c->self_signed = self_signed;
	c->ca = -1;
	c->version = 3;
}

static void build(struct inspection *ins, const struct sample *s)
{
	inspection_init(ins);
	if (s->host)
		ins->target.host = xstrdup(s->host);
	ins->target.hostaddr = xstrdup("127.0.0.1");
	if (s->leaf_subject)
		add_cert(ins, s->leaf_subject, s->leaf_issuer, s->san,
			 s->self_signed);
	if (s->ca_subject)
		add_cert(ins, s->ca_subject, s->ca_issuer, NULL, false);
}

static void test_samples(void)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		const struct sample *s = &samples[i];
		struct inspection ins;
		struct provider_match m;
		char *err = NULL;

		build(&ins, s);
		int rc = provider_recognise(&ins, &m, &err);
		CHECK_INT(rc, 0);
		CHECK_STR(err, NULL);
		if (!s->want_id != !m.id ||
		    (m.id && strcmp(m.id, s->want_id)))
			fprintf(stderr, "sample \"%s\": evidence %s\n", s->what,
				m.evidence ? m.evidence : "(none)");
		CHECK_STR(m.id, s->want_id);
		if (s->want_id) {
			CHECK(m.name && *m.name);
			CHECK(m.evidence && *m.evidence);
			CHECK(m.advice && *m.advice);
		} else {
			CHECK(!m.name && !m.evidence && !m.advice &&
			      !m.ca_bundle && !m.host_advice);
		}
		if (s->want_evidence) {
			bool found = m.evidence &&
				     strstr(m.evidence, s->want_evidence);
			if (!found)
				fprintf(stderr, "sample \"%s\": evidence \"%s\" lacks \"%s\"\n",
					s->what, m.evidence ? m.evidence : "",
					s->want_evidence);
			CHECK(found);
		}
		/* one line */
		CHECK(!m.evidence || !strchr(m.evidence, '\n'));
		free(err);
		provider_match_free(&m);
		inspection_free(&ins);
	}
}

/* The fix texts of the best-known services, and that an entry which
 * repeats an id inherits them. */
static void test_fix_texts(void)
{
	struct inspection ins;
	struct provider_match m;
	char *err = NULL;

	build(&ins, &samples[0]);
	CHECK_INT(provider_recognise(&ins, &m, &err), 0);
	CHECK_STR(m.name, "Amazon RDS / Aurora");
	CHECK(m.ca_bundle && strstr(m.ca_bundle, "global-bundle.pem"));
	CHECK(m.host_advice && strstr(m.host_advice, "hostaddr="));
	CHECK(m.advice && strstr(m.advice, "sslmode=verify-full"));
	provider_match_free(&m);
	inspection_free(&ins);

	/* the RDS host fallback, a later entry, has the same texts */
	struct sample host_only = { .host = RDS_LEAF_HOST };
	build(&ins, &host_only);
	CHECK_INT(provider_recognise(&ins, &m, &err), 0);
	CHECK_STR(m.id, "aws-rds");
	CHECK_STR(m.name, "Amazon RDS / Aurora");
	CHECK(m.ca_bundle && strstr(m.ca_bundle, "global-bundle.pem"));
	provider_match_free(&m);
	inspection_free(&ins);

	/* per-instance Cloud SQL: verify-ca, since no name can match */
	build(&ins, &samples[6]);
	CHECK_INT(provider_recognise(&ins, &m, &err), 0);
	CHECK_STR(m.id, "gcp-cloudsql-classic");
	CHECK(m.advice && strstr(m.advice, "sslmode=verify-ca"));
	CHECK(m.ca_bundle && strstr(m.ca_bundle, "server-ca-certs"));
	provider_match_free(&m);
	inspection_free(&ins);

	/* every text must hold for libpq: require never verifies */
	for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		build(&ins, &samples[i]);
		CHECK_INT(provider_recognise(&ins, &m, &err), 0);
		const char *texts[] = { m.ca_bundle, m.host_advice, m.advice };
		for (int t = 0; t < 3; t++)
			CHECK(!texts[t] || (!strstr(texts[t], "require verifies") &&
					    !strstr(texts[t], "require checks")));
		provider_match_free(&m);
		inspection_free(&ins);
	}
	free(err);
}

/* A data file in a temporary directory; returns 0 or -1 with *err. */
static int recognise_with(const char *dir, const char *text, char **err)
{
	struct inspection ins;
	struct provider_match m;
	char *path = xasprintf("%s/providers.json", dir);

	unlink(path);
	if (text) {
		FILE *f = fopen(path, "w");
		CHECK(f != NULL);
		if (f) {
			fputs(text, f);
			fclose(f);
		}
	}
	setenv("PGTLS_INSPECT_DATADIR", dir, 1);
	build(&ins, &samples[0]);
	*err = NULL;
	int rc = provider_recognise(&ins, &m, err);
	if (rc < 0)
		CHECK(m.id == NULL);
	provider_match_free(&m);
	inspection_free(&ins);
	unlink(path);
	free(path);
	return rc;
}

#define CHECK_BROKEN(dir, text, want)                                     \
	do {                                                              \
		char *e_;                                                 \
		CHECK_INT(recognise_with((dir), (text), &e_), -1);        \
		CHECK(e_ && strstr(e_, (want)) && !strchr(e_, '\n'));     \
		if (!e_ || !strstr(e_, (want)))                           \
			fprintf(stderr, "error \"%s\" lacks \"%s\"\n",    \
				e_ ? e_ : "(null)", (want));              \
		free(e_);                                                 \
	} while (0)

static void test_broken_files(void)
{
	char tmpl[] = "/tmp/test-provider.XXXXXX";
	char *dir = mkdtemp(tmpl);
	char *saved = getenv("PGTLS_INSPECT_DATADIR");
	char *e;

	CHECK(dir != NULL);
	if (!dir)
		return;
	saved = saved ? xstrdup(saved) : NULL;

	CHECK_BROKEN(dir, NULL, "providers.json not found");
	CHECK_BROKEN(dir, "{\"version\": 1, \"providers\": [", "providers.json:1:");
	CHECK_BROKEN(dir, "{\"version\": 2, \"providers\": []}", "\"version\" is not 1");
	CHECK_BROKEN(dir, "{\"version\": 1}", "no \"providers\" array");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"x\",\"name\":\"X\","
		     "\"match\":{\"issuer_regex\":\"(unclosed\"}}]}",
		     "provider x: issuer_regex /(unclosed/: ");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"x\",\"name\":\"X\","
		     "\"match\":{\"host_regex\":\"a\"}},{\"id\":\"y\",\"name\":\"Y\","
		     "\"match\":{\"issuer_rgex\":\"a\"}}]}",
		     "provider y: unknown match key \"issuer_rgex\"");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"x\",\"name\":\"X\","
		     "\"match\":{}}]}",
		     "provider x: \"match\" lists no pattern");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"x\","
		     "\"match\":{\"host_regex\":\"a\"}}]}",
		     "provider x: no \"name\"");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"Bad Id\",\"name\":\"X\","
		     "\"match\":{\"host_regex\":\"a\"}}]}",
		     "\"id\" must be");
	CHECK_BROKEN(dir,
		     "{\"version\":1,\"providers\":[{\"id\":\"x\",\"name\":\"X\","
		     "\"match\":{\"self_signed\":\"yes\"}}]}",
		     "\"self_signed\" is not true or false");

	/* a good minimal file: AND of two patterns, the first entry wins */
	CHECK_INT(recognise_with(dir,
				 "{\"version\":1,\"providers\":["
				 "{\"id\":\"x\",\"name\":\"X\",\"match\":{\"host_regex\":\"rds\",\"issuer_regex\":\"no such CA\"}}]}",
				 &e),
		  0);
	CHECK_STR(e, NULL);

	if (saved)
		setenv("PGTLS_INSPECT_DATADIR", saved, 1);
	else
		unsetenv("PGTLS_INSPECT_DATADIR");
	free(saved);
	rmdir(dir);
}

int main(void)
{
	const char *top = getenv("abs_top_srcdir");
	if (top) {
		char *d = xasprintf("%s/data", top);
		setenv("PGTLS_INSPECT_DATADIR", d, 1);
		free(d);
	}
	test_samples();
	test_fix_texts();
	test_broken_files();
	return check_status("test-provider");
}
