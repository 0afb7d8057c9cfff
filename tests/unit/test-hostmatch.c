/* SPDX-License-Identifier: MIT */
/* Unit tests for model/hostmatch: each stack's name matcher on the rules
 * where the stacks differ (wildcard placement and reach, partial-label
 * wildcards, IDNA labels, trailing dots, case), and the IP-literal helpers
 * the matrix uses for iPAddress SANs. */
#include "config.h"
#include "model/hostmatch.h"
#include "util/xalloc.h"
#include "check.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hm_case {
	const char *pattern, *host;
	bool want;
};

static void run(const char *stack, bool (*fn)(const char *, const char *),
		const struct hm_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool got = fn(cases[i].pattern, cases[i].host);
		if (got != cases[i].want)
			fprintf(stderr, "(%s: \"%s\" against \"%s\": got %d)\n", stack,
				cases[i].pattern, cases[i].host, got);
		CHECK_INT(got, cases[i].want);
	}
}
#define RUN(fn, cases) run(#fn, fn, cases, sizeof(cases) / sizeof(*cases))

/* X509_check_host with NO_PARTIAL_WILDCARDS (asyncpg, .NET on Linux). */
static const struct hm_case openssl_cases[] = {
	{ "db.example.com", "db.example.com", true },
	{ "DB.Example.COM", "db.example.com", true },
	{ "*.example.com", "db.example.com", true },
	{ "*.example.com", "DB.EXAMPLE.COM", true },
	{ "*.example.com", "xn--bcher-kva.example.com", true },
	/* one label, and never the bare domain */
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", "example.com", false },
	/* two dots after the star */
	{ "*.com", "example.com", false },
	/* the star is a whole label, leftmost */
	{ "db*.example.com", "db1.example.com", false },
	{ "*db.example.com", "xdb.example.com", false },
	{ "db.*.example.com", "db.x.example.com", false },
	{ "xn--*.example.com", "xn--abc.example.com", false },
	/* only LDH characters under the star */
	{ "*.example.com", "d_b.example.com", false },
	/* no trailing dot is dropped */
	{ "db.example.com", "db.example.com.", false },
	{ "*.example.com", "db.example.com.", false },
	{ "*.example.com", ".example.com", false },
};

/* Node's checkServerIdentity (node-postgres). */
static const struct hm_case node_cases[] = {
	{ "db.example.com", "db.example.com", true },
	{ "DB.EXAMPLE.COM", "db.example.com", true },
	/* one trailing dot dropped on either side */
	{ "db.example.com", "db.example.com.", true },
	{ "db.example.com.", "db.example.com", true },
	{ "*.example.com", "db.example.com.", true },
	{ "*.example.com", "db.example.com", true },
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", "example.com", false },
	/* never "*.tld" */
	{ "*.com", "example.com", false },
	/* partial-label wildcards, the star may cover nothing */
	{ "db*.example.com", "db1.example.com", true },
	{ "*db.example.com", "xdb.example.com", true },
	{ "d*b.example.com", "dxb.example.com", true },
	{ "db*.example.com", "db.example.com", true },
	{ "db*.example.com", "xb1.example.com", false },
	/* a star in an IDNA label is a plain character */
	{ "xn--*.example.com", "xn--abc.example.com", false },
	{ "xn--*.example.com", "xn--*.example.com", true },
	{ "*.example.com", "xn--bcher-kva.example.com", true },
	/* only in the leftmost label, only one */
	{ "db.*.com", "db.x.com", false },
	{ "**.example.com", "ab.example.com", false },
	/* no empty or non-ASCII pattern label */
	{ "db..example.com", "db..example.com", false },
	{ "b\xc3\xbc" "cher.example", "b\xc3\xbc" "cher.example", false },
	{ "", "", false },
};

/* Go's VerifyHostname (pgx). */
static const struct hm_case go_cases[] = {
	{ "db.example.com", "db.example.com", true },
	{ "DB.Example.com", "db.EXAMPLE.com", true },
	/* the host's trailing dot goes, the pattern's makes it invalid */
	{ "db.example.com", "db.example.com.", true },
	{ "*.example.com", "db.example.com.", true },
	{ "db.example.com.", "db.example.com", false },
	{ "*.example.com", "db.example.com", true },
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", "example.com", false },
	/* no two-labels rule */
	{ "*.test", "db.test", true },
	/* "_" is a host name character */
	{ "*.example.com", "a_b.example.com", true },
	{ "_srv.example.com", "_SRV.example.com", true },
	/* a partial wildcard is no valid pattern: exact text only */
	{ "db*.example.com", "db1.example.com", false },
	{ "db*.example.com", "DB*.example.com", true },
	/* an invalid host matches no wildcard */
	{ "*.example.com", "db..example.com", false },
	{ "*.example.com", "-db.example.com", false },
	{ "*.example.com", "xn--bcher-kva.example.com", true },
};

/* webpki (the rustls drivers). */
static const struct hm_case webpki_cases[] = {
	{ "db.example.com", "db.example.com", true },
	{ "db.example.com", "DB.example.COM", true },
	{ "*.example.com", "db.example.com", true },
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", "example.com", false },
	/* at least two labels after the star */
	{ "*.com", "example.com", false },
	{ "db*.example.com", "db1.example.com", false },
	{ "*.*.example.com", "a.b.example.com", false },
	{ "*.example.com", "db.example.com.", false },
	{ "*.example.com", ".example.com", false },
	{ "*.example.com", "xn--bcher-kva.example.com", true },
};

/* PGjdbcHostnameVerifier (pgjdbc). */
static const struct hm_case jdbc_cases[] = {
	{ "db.example.com", "db.example.com", true },
	{ "DB.example.com", "db.EXAMPLE.com", true },
	{ "*.example.com", "db.example.com", true },
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", "example.com", false },
	/* no two-labels rule, and the star may cover an empty label */
	{ "*.com", "longhostname.com", true },
	{ "*.example.com", ".example.com", true },
	/* the only star comes first, and the pattern needs a dot */
	{ "db*.example.com", "db1.example.com", false },
	{ "*.*.example.com", "a.b.example.com", false },
	{ "*", "db", false },
	{ "db.example.com", "db.example.com.", false },
	/* IPv6 as Java prints it */
	{ "0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1", true },
	{ "0:0:0:0:0:0:0:1", "::1", false },
};

static void test_matchers(void)
{
	RUN(hostmatch_openssl, openssl_cases);
	RUN(hostmatch_node, node_cases);
	RUN(hostmatch_go, go_cases);
	RUN(hostmatch_webpki, webpki_cases);
	RUN(hostmatch_jdbc, jdbc_cases);
	CHECK(hostmatch_equal("Db.Test", "dB.tEST"));
	CHECK(!hostmatch_equal("db.test", NULL));
	CHECK(!hostmatch_equal(NULL, NULL));

	/* no label limit: a 300-label name matches itself, and under a
	 * wildcard, under every stack that splits names into labels */
	char *name = xstrdup("db"), *wild = xstrdup("*");
	for (int i = 0; i < 299; i++) {
		char *n = xasprintf("%s.l%d", name, i), *w = xasprintf("%s.l%d", wild, i);
		free(name);
		free(wild);
		name = n;
		wild = w;
	}
	CHECK(hostmatch_go(name, name));
	CHECK(hostmatch_node(name, name));
	CHECK(hostmatch_go(wild, name));
	CHECK(hostmatch_node(wild, name));
	CHECK(!hostmatch_go(wild + 2, name));
	free(name);
	free(wild);
}

static void test_ip(void)
{
	static const uint8_t v4[4] = { 127, 0, 0, 1 };
	static const uint8_t v6[16] = { [15] = 1 };
	uint8_t b[16];
	char *t;

	CHECK_INT(hostmatch_parse_ip("127.0.0.1", b), 4);
	CHECK(!memcmp(b, v4, 4));
	CHECK_INT(hostmatch_parse_ip("::1", b), 16);
	CHECK(!memcmp(b, v6, 16));
	CHECK_INT(hostmatch_parse_ip("[::1]", b), 16);
	/* strict: inet_pton, not inet_aton */
	CHECK_INT(hostmatch_parse_ip("127.1", b), 0);
	CHECK_INT(hostmatch_parse_ip("010.0.0.1", b), 0);
	CHECK_INT(hostmatch_parse_ip("fe80::1%eth0", b), 0);
	CHECK_INT(hostmatch_parse_ip("[::1", b), 0);
	CHECK_INT(hostmatch_parse_ip("db.example.com", b), 0);
	CHECK_INT(hostmatch_parse_ip("", b), 0);
	CHECK_INT(hostmatch_parse_ip(NULL, b), 0);

	CHECK(hostmatch_ip_is("::1", v6, 16));
	CHECK(hostmatch_ip_is("0:0:0:0:0:0:0:1", v6, 16));
	CHECK(hostmatch_ip_is("127.0.0.1", v4, 4));
	CHECK(!hostmatch_ip_is("127.0.0.1", v6, 16));
	CHECK(!hostmatch_ip_is("127.0.0.2", v4, 4));
	CHECK(!hostmatch_ip_is("localhost", v4, 4));

	t = hostmatch_java_ip("::1");
	CHECK_STR(t, "0:0:0:0:0:0:0:1");
	free(t);
	t = hostmatch_java_ip("2001:db8::a:1");
	CHECK_STR(t, "2001:db8:0:0:0:0:a:1");
	free(t);
	t = hostmatch_java_ip("10.0.0.1");
	CHECK_STR(t, "10.0.0.1");
	free(t);

	/* more dots, then fewer stars, then longer */
	CHECK(hostmatch_jdbc_more_specific("a.b.c", "b.c"));
	CHECK(hostmatch_jdbc_more_specific("a.b.c", "*.b.c"));
	CHECK(!hostmatch_jdbc_more_specific("*.b.c", "a.b.c"));
	CHECK(hostmatch_jdbc_more_specific("ab.c", "a.c"));
	CHECK(!hostmatch_jdbc_more_specific("a.c", "a.c"));
}

int main(void)
{
	test_matchers();
	test_ip();
	return check_status("test-hostmatch");
}
