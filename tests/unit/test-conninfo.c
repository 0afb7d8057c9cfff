/* SPDX-License-Identifier: MIT */
/* Unit tests for engine/conninfo: targets, URIs, key=value strings, the PG*
 * environment and libpq's defaults, each with exact values and libpq's exact
 * error texts. HOME points at a fresh directory under /tmp so the
 * ~/.postgresql defaults are under the test's control. */
#include "config.h"
#include "engine/conninfo.h"
#include "check.h"
#include "conninfo_env.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[512];

static const char *home_path(const char *rel)
{
	snprintf(path, sizeof(path), "%s/%s", home, rel);
	return path;
}

static void touch(const char *file)
{
	FILE *f = fopen(file, "w");

	CHECK(f != NULL);
	if (f)
		fclose(f);
}

static const char *login(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw ? pw->pw_name : "?";
}

#define PW_WARNING                                                  \
	"password kept only to predict whether libpq has one; "     \
	"pgtls-inspect sends no password unless --login is given"
#define HOST_WARNING                                                   \
	"no host given: libpq would use a Unix-domain socket; "        \
	"pgtls-inspect only does TCP and uses \"localhost\""

static void parse_fails(const char *target, const char *want)
{
	struct conninfo ci;
	char *err = NULL;

	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, target, &err), -1);
	CHECK_STR(err, want);
	/* a failed parse stores nothing */
	CHECK_STR(conninfo_get(&ci, "host"), NULL);
	CHECK_INT(ci.nwarnings, 0);
	free(err);
	conninfo_free(&ci);
}

/* Under the rules of libpq release v: the target parses (or not: perr),
 * and resolving it fails with `want` (NULL: resolves). */
static void versioned(int v, const char *target, const char *perr, const char *want)
{
	struct conninfo ci;
	struct conn_target t;
	char *err = NULL;

	conninfo_init(&ci);
	ci.libpq_version = v;
	if (perr) {
		CHECK_INT(conninfo_parse_target(&ci, target, &err), -1);
		CHECK_STR(err, perr);
		CHECK(!ci.own_error);
		free(err);
		conninfo_free(&ci);
		return;
	}
	CHECK_INT(conninfo_parse_target(&ci, target, &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), want ? -1 : 0);
	CHECK_STR(err, want);
	conninfo_target_free(&t);
	free(err);
	conninfo_free(&ci);
}

/* What each release refuses, in its words (connectOptions2 in 15/16,
 * pqConnectOptions2 in 17+) */
static void test_versions(void)
{
	for (int v = 15; v <= 16; v++)
		versioned(v, "host=h ssl_min_protocol_version=TLSv1.4", NULL,
			  "invalid ssl_min_protocol_version value: \"TLSv1.4\"");
	for (int v = 17; v <= 18; v++)
		versioned(v, "host=h ssl_max_protocol_version=SSLv3", NULL,
			  "invalid \"ssl_max_protocol_version\" value: \"SSLv3\"");
	/* a keyword the release does not know: PQconninfoParse's error */
	versioned(15, "host=h sslcertmode=allow", "invalid connection option \"sslcertmode\"", NULL);
	versioned(16, "host=h sslnegotiation=direct", "invalid connection option \"sslnegotiation\"", NULL);
	versioned(17, "host=h sslnegotiation=direct sslmode=require", NULL, NULL);
	versioned(17, "postgresql://h/?load_balance_hosts=random", NULL, NULL);
	versioned(15, "postgresql://h/?load_balance_hosts=random",
		  "invalid URI query parameter: \"load_balance_hosts\"", NULL);
	/* OAUTHBEARER came with 18 */
	versioned(17, "host=h require_auth=oauth", NULL, "invalid require_auth value: \"oauth\"");
	versioned(18, "host=h require_auth=oauth", NULL, NULL);
	/* a release reads only its own keywords' variables */
	setenv("PGSSLCERTMODE", "bogus", 1);
	versioned(15, "host=h", NULL, NULL);
	versioned(16, "host=h", NULL, "invalid sslcertmode value: \"bogus\"");
	unsetenv("PGSSLCERTMODE");
	/* every keyword of libpq 18's table is taken by 18, and by an older
	 * release only from the release that added it (PQconninfoOptions) */
	for (int i = 0; conninfo_keyword(i); i++) {
		const char *k = conninfo_keyword(i);
		const char *why;
		char *s = xasprintf("%s=%s", k, !strcmp(k, "port") ? "5432" : "x");
		struct conninfo c;
		char *e = NULL;
		for (int v = 15; v <= 18; v++) {
			conninfo_init(&c);
			c.libpq_version = v;
			int rc = conninfo_parse_target(&c, s, &e);
			CHECK_INT(rc, conninfo_keyword_since(k) <= v ? 0 : -1);
			if (rc < 0) {
				char *want = xasprintf("invalid connection option \"%s\"", k);
				CHECK_STR(e, want);
				free(want);
			}
			free(e);
			e = NULL;
			conninfo_free(&c);
		}
		/* a keyword the tool does not follow says why */
		if (conninfo_keyword_effect(k, &why) != CI_EFFECT_MODELLED)
			CHECK(why && *why);
		free(s);
	}
	/* the tool's own syntax errors are its own */
	struct conninfo ci;
	char *err = NULL;
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "[::1", &err), -1);
	CHECK(ci.own_error);
	free(err);
	conninfo_free(&ci);
}

/* The target parses, and resolving it fails with `want`. */
static void resolve_fails(const char *target, const char *want)
{
	struct conninfo ci;
	struct conn_target t;
	char *err = NULL;

	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, target, &err), 0);
	CHECK_STR(err, NULL);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), -1);
	CHECK_STR(err, want);
	CHECK(t.hosts == NULL && t.host == NULL && t.sslmode == NULL);
	conninfo_target_free(&t);
	free(err);
	conninfo_free(&ci);
}

static void test_keywords(void)
{
	static const char *const want[] = {
		"host", "hostaddr", "port", "dbname", "user", "password",
		"passfile", "channel_binding", "connect_timeout",
		"client_encoding", "options", "application_name",
		"fallback_application_name", "keepalives", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "tcp_user_timeout",
		"replication", "gssencmode", "sslmode", "sslnegotiation",
		"sslcompression", "sslcert", "sslkey", "sslcertmode",
		"sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni",
		"requirepeer", "ssl_min_protocol_version",
		"ssl_max_protocol_version", "krbsrvname", "gsslib",
		"gssdelegation", "target_session_attrs", "load_balance_hosts",
		"service", "require_auth", "min_protocol_version",
		"max_protocol_version", "sslkeylogfile", "scram_client_key",
		"scram_server_key", "oauth_issuer", "oauth_client_id",
		"oauth_client_secret", "oauth_scope", NULL
	};
	int n = 0;

	while (conninfo_keyword(n))
		n++;
	CHECK_INT(n, 50);
	CHECK_STR(conninfo_keyword(-1), NULL);
	for (int i = 0; want[i]; i++) {
		bool found = false;

		for (int j = 0; j < n; j++)
			if (strcmp(conninfo_keyword(j), want[i]) == 0)
				found = true;
		if (!found)
			fprintf(stderr, "missing keyword %s\n", want[i]);
		CHECK(found);
	}
	CHECK_STR(conninfo_envvar("host"), "PGHOST");
	CHECK_STR(conninfo_envvar("hostaddr"), "PGHOSTADDR");
	CHECK_STR(conninfo_envvar("dbname"), "PGDATABASE");
	CHECK_STR(conninfo_envvar("application_name"), "PGAPPNAME");
	CHECK_STR(conninfo_envvar("sslmode"), "PGSSLMODE");
	CHECK_STR(conninfo_envvar("sslnegotiation"), "PGSSLNEGOTIATION");
	CHECK_STR(conninfo_envvar("ssl_min_protocol_version"),
		  "PGSSLMINPROTOCOLVERSION");
	CHECK_STR(conninfo_envvar("ssl_max_protocol_version"),
		  "PGSSLMAXPROTOCOLVERSION");
	CHECK_STR(conninfo_envvar("target_session_attrs"),
		  "PGTARGETSESSIONATTRS");
	CHECK_STR(conninfo_envvar("load_balance_hosts"), "PGLOADBALANCEHOSTS");
	CHECK_STR(conninfo_envvar("require_auth"), "PGREQUIREAUTH");
	CHECK_STR(conninfo_envvar("min_protocol_version"),
		  "PGMINPROTOCOLVERSION");
	CHECK_STR(conninfo_envvar("gssdelegation"), "PGGSSDELEGATION");
	CHECK_STR(conninfo_envvar("sslsni"), "PGSSLSNI");
	CHECK_STR(conninfo_envvar("sslpassword"), NULL);
	CHECK_STR(conninfo_envvar("fallback_application_name"), NULL);
	CHECK_STR(conninfo_envvar("nonsense"), NULL);
	CHECK_INT(conninfo_keyword_since("host"), 15);
	CHECK_INT(conninfo_keyword_since("sslcertmode"), 16);
	CHECK_INT(conninfo_keyword_since("sslnegotiation"), 17);
	CHECK_INT(conninfo_keyword_since("sslkeylogfile"), 18);
	/* sslkeylogfile is followed (the probes write the key log) */
	const char *why_kl;
	CHECK_INT(conninfo_keyword_effect("sslkeylogfile", &why_kl), CI_EFFECT_MODELLED);
	CHECK_INT(conninfo_keyword_since("nonsense"), 0);
	CHECK(conninfo_keyword_secret("password"));
	CHECK(conninfo_keyword_secret("sslpassword"));
	CHECK(conninfo_keyword_secret("oauth_client_secret"));
	CHECK(!conninfo_keyword_secret("sslkey"));
	CHECK_STR(ci_source_name(CI_SRC_NONE), "unset");
	CHECK_STR(ci_source_name(CI_SRC_DEFAULT), "default");
	CHECK_STR(ci_source_name(CI_SRC_ENV), "environment");
	CHECK_STR(ci_source_name(CI_SRC_TARGET), "target");
	CHECK_STR(ci_source_name(CI_SRC_OPTION), "option");
	CHECK_STR(rootcert_source_name(ROOTCERT_NONE), "none");
	CHECK_STR(rootcert_source_name(ROOTCERT_PARAM), "param");
	CHECK_STR(rootcert_source_name(ROOTCERT_ENV), "env");
	CHECK_STR(rootcert_source_name(ROOTCERT_DEFAULT), "default");
	CHECK_STR(rootcert_source_name(ROOTCERT_SYSTEM), "system");
}

static void test_keyvalue(void)
{
	struct conninfo ci;
	char *err = NULL;

	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"  host=db.example.com port = 5433\tdbname= app "
		"application_name='my app' options='-c search_path=a\\'b' "
		"sslmode=''  user=a\\ b\\\\c sslcert='x\\\\y\\z'",
		&err), 0);
	CHECK_STR(err, NULL);
	CHECK_STR(conninfo_get(&ci, "host"), "db.example.com");
	CHECK_INT(conninfo_source(&ci, "host"), CI_SRC_TARGET);
	CHECK_STR(conninfo_get(&ci, "port"), "5433");
	CHECK_STR(conninfo_get(&ci, "dbname"), "app");
	CHECK_STR(conninfo_get(&ci, "application_name"), "my app");
	CHECK_STR(conninfo_get(&ci, "options"), "-c search_path=a'b");
	CHECK_STR(conninfo_get(&ci, "sslmode"), "");
	CHECK_INT(conninfo_source(&ci, "sslmode"), CI_SRC_TARGET);
	CHECK_STR(conninfo_get(&ci, "user"), "a b\\c");
	CHECK_STR(conninfo_get(&ci, "sslcert"), "x\\yz");
	CHECK_STR(conninfo_get(&ci, "sslkey"), NULL);
	CHECK_INT(conninfo_source(&ci, "sslkey"), CI_SRC_NONE);
	CHECK_INT(ci.nwarnings, 0);
	CHECK(ci.warnings != NULL && ci.warnings[0] == NULL);
	conninfo_free(&ci);

	/* a later pair wins; a quoted value needs no space after it */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"host=a host=b dbname='x y'port=7", &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "b");
	CHECK_STR(conninfo_get(&ci, "dbname"), "x y");
	CHECK_STR(conninfo_get(&ci, "port"), "7");
	/* requiressl is libpq's old spelling of sslmode */
	CHECK_INT(conninfo_parse_target(&ci, "requiressl=1", &err), 0);
	CHECK_STR(conninfo_get(&ci, "sslmode"), "require");
	CHECK_INT(conninfo_parse_target(&ci, "requiressl=0", &err), 0);
	CHECK_STR(conninfo_get(&ci, "sslmode"), "prefer");
	conninfo_free(&ci);

	/* the password is kept (the last one wins), with a warning, once */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"host=h password='s3cret' password=again", &err), 0);
	CHECK_STR(conninfo_get(&ci, "password"), "again");
	CHECK_INT(conninfo_source(&ci, "password"), CI_SRC_TARGET);
	CHECK_INT(ci.nwarnings, 1);
	CHECK_STR(ci.warnings[0], PW_WARNING);
	CHECK_STR(ci.warnings[1], NULL);
	CHECK_STR(conninfo_get(&ci, "host"), "h");
	conninfo_free(&ci);

	parse_fails("host=a port", "missing \"=\" after \"port\" in connection info string");
	parse_fails("host x=1", "missing \"=\" after \"host\" in connection info string");
	parse_fails("host=a application_name='abc",
		    "unterminated quoted string in connection info string");
	parse_fails("host=a application_name='abc\\'",
		    "unterminated quoted string in connection info string");
	parse_fails("host=a foo=bar", "invalid connection option \"foo\"");
	parse_fails("=x", "invalid connection option \"\"");
	parse_fails("Host=a", "invalid connection option \"Host\"");
	/* the first problem in the string is the one reported, as in libpq */
	parse_fails("foo=1 'x", "invalid connection option \"foo\"");
}

static void test_uri(void)
{
	struct conninfo ci;
	char *err = NULL;

	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"postgresql://alice@db.example.com:5433/app"
		"?sslmode=verify-full&application_name=x", &err), 0);
	CHECK_STR(err, NULL);
	CHECK_STR(conninfo_get(&ci, "user"), "alice");
	CHECK_STR(conninfo_get(&ci, "host"), "db.example.com");
	CHECK_STR(conninfo_get(&ci, "port"), "5433");
	CHECK_STR(conninfo_get(&ci, "dbname"), "app");
	CHECK_STR(conninfo_get(&ci, "sslmode"), "verify-full");
	CHECK_STR(conninfo_get(&ci, "application_name"), "x");
	CHECK_INT(conninfo_source(&ci, "dbname"), CI_SRC_TARGET);
	CHECK_INT(ci.nwarnings, 0);
	conninfo_free(&ci);

	/* short prefix; empty parts stay unset */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgres://db", &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "db");
	CHECK_STR(conninfo_get(&ci, "port"), NULL);
	CHECK_STR(conninfo_get(&ci, "dbname"), NULL);
	conninfo_free(&ci);
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql:///mydb", &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), NULL);
	CHECK_STR(conninfo_get(&ci, "dbname"), "mydb");
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://", &err), 0);
	CHECK_STR(conninfo_get(&ci, "dbname"), "mydb");
	conninfo_free(&ci);

	/* a trailing '&' ends the query quietly, as in libpq */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://h?sslmode=allow&",
					&err), 0);
	CHECK_STR(conninfo_get(&ci, "sslmode"), "allow");
	conninfo_free(&ci);

	/* percent-decoding of every part, keywords included */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"postgresql://us%40er@h%2Dx/d%20b"
		"?application%5Fname=a%26b%3d&options=-c%20x%3D1", &err), 0);
	CHECK_STR(err, NULL);
	CHECK_STR(conninfo_get(&ci, "user"), "us@er");
	CHECK_STR(conninfo_get(&ci, "host"), "h-x");
	CHECK_STR(conninfo_get(&ci, "dbname"), "d b");
	CHECK_STR(conninfo_get(&ci, "application_name"), "a&b=");
	CHECK_STR(conninfo_get(&ci, "options"), "-c x=1");
	conninfo_free(&ci);

	/* IPv6 and host lists; ports line up with hosts, empty ones kept */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://[::1]:5433/db",
					&err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "::1");
	CHECK_STR(conninfo_get(&ci, "port"), "5433");
	conninfo_free(&ci);
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"postgresql://[2001:db8::1],h2:5434,h3?connect_timeout=3",
		&err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "2001:db8::1,h2,h3");
	CHECK_STR(conninfo_get(&ci, "port"), ",5434,");
	CHECK_STR(conninfo_get(&ci, "connect_timeout"), "3");
	CHECK_STR(conninfo_get(&ci, "dbname"), NULL);
	conninfo_free(&ci);

	/* query parameters override the netloc; ssl=true is JDBC's */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"postgresql://h1/db?host=h2&ssl=true&requiressl=1&sslsni=0",
		&err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "h2");
	CHECK_STR(conninfo_get(&ci, "sslmode"), "require");
	CHECK_STR(conninfo_get(&ci, "sslsni"), "0");
	conninfo_free(&ci);

	/* a password is kept with a warning, the query's over the
	 * userinfo's (conninfo_storeval replaces); user still set */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci,
		"postgresql://u:s3cret@h/db?password=x", &err), 0);
	CHECK_STR(conninfo_get(&ci, "user"), "u");
	CHECK_STR(conninfo_get(&ci, "password"), "x");
	CHECK_STR(conninfo_get(&ci, "host"), "h");
	CHECK_INT(ci.nwarnings, 1);
	CHECK_STR(ci.warnings[0], PW_WARNING);
	conninfo_free(&ci);
	/* the userinfo's password, percent-decoded */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://u:p%40ss@h", &err), 0);
	CHECK_STR(conninfo_get(&ci, "password"), "p@ss");
	CHECK_INT(conninfo_source(&ci, "password"), CI_SRC_TARGET);
	CHECK_STR(conninfo_get(&ci, "host"), "h");
	conninfo_free(&ci);
	/* an empty password is no password, and stored not at all */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "postgresql://u:@h", &err), 0);
	CHECK_STR(conninfo_get(&ci, "user"), "u");
	CHECK_STR(conninfo_get(&ci, "password"), NULL);
	CHECK_INT(ci.nwarnings, 0);
	conninfo_free(&ci);

	parse_fails("postgresql://h/db%zz",
		    "invalid percent-encoded token: \"db%zz\"");
	parse_fails("postgresql://h/db%4",
		    "invalid percent-encoded token: \"db%4\"");
	parse_fails("postgresql://h/db%",
		    "invalid percent-encoded token: \"db%\"");
	parse_fails("postgresql://h/a%00b",
		    "forbidden value %00 in percent-encoded value: \"a%00b\"");
	parse_fails("postgresql://h%g1",
		    "invalid percent-encoded token: \"h%g1\"");
	parse_fails("postgresql://h?application_name=%zz",
		    "invalid percent-encoded token: \"%zz\"");
	/* secrets are never quoted back */
	parse_fails("postgresql://u:s%zz@h/db",
		    "invalid percent-encoded token: \"********\"");
	parse_fails("postgresql://h?sslpassword=%zz",
		    "invalid percent-encoded token: \"********\"");
	parse_fails("postgresql://u:pw@[::1",
		    "end of string reached when looking for matching \"]\" in "
		    "IPv6 host address in URI: \"postgresql://u:********@[::1\"");
	parse_fails("postgresql://[::1/db",
		    "end of string reached when looking for matching \"]\" in "
		    "IPv6 host address in URI: \"postgresql://[::1/db\"");
	parse_fails("postgresql://[]/db",
		    "IPv6 host address may not be empty in URI: \"postgresql://[]/db\"");
	parse_fails("postgresql://[::1]x/db",
		    "unexpected character \"x\" at position 19 in URI "
		    "(expected \":\" or \"/\"): \"postgresql://[::1]x/db\"");
	parse_fails("postgresql://h?foo=1", "invalid URI query parameter: \"foo\"");
	parse_fails("postgresql://h?ssl=false", "invalid URI query parameter: \"ssl\"");
	parse_fails("postgresql://h?sslmode",
		    "missing key/value separator \"=\" in URI query parameter: \"sslmode\"");
	parse_fails("postgresql://h?&sslmode=require",
		    "missing key/value separator \"=\" in URI query parameter: \"\"");
	parse_fails("postgresql://h?a=b=c",
		    "extra key/value separator \"=\" in URI query parameter: \"a\"");
	/* the prefix is case-sensitive in libpq: this is key=value */
	parse_fails("PostgreSQL://h?sslmode=require",
		    "invalid connection option \"PostgreSQL://h?sslmode\"");
}

static void test_hostport(void)
{
	static const struct {
		const char *target, *host, *port;
	} ok[] = {
		{ "db.example.com", "db.example.com", NULL },
		{ "db.example.com:6432", "db.example.com", "6432" },
		{ "10.0.0.1:5432", "10.0.0.1", "5432" },
		{ "[::1]:5433", "::1", "5433" },
		{ "[::1]", "::1", NULL },
		{ "[fe80::1%eth0]:1", "fe80::1%eth0", "1" },
		{ "::1", "::1", NULL },
		{ "2001:db8::5", "2001:db8::5", NULL },
		{ ":5433", NULL, "5433" },
		{ "h:65535", "h", "65535" },
	};
	struct conninfo ci;
	char *err = NULL;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		conninfo_init(&ci);
		CHECK_INT(conninfo_parse_target(&ci, ok[i].target, &err), 0);
		CHECK_STR(err, NULL);
		CHECK_STR(conninfo_get(&ci, "host"), ok[i].host);
		CHECK_STR(conninfo_get(&ci, "port"), ok[i].port);
		conninfo_free(&ci);
	}
	/* an empty target sets nothing and is not an error */
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, "", &err), 0);
	CHECK_INT(conninfo_parse_target(&ci, NULL, &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), NULL);
	conninfo_free(&ci);

	parse_fails("h:abc", "invalid port number: \"abc\"");
	parse_fails("h:0", "invalid port number: \"0\"");
	parse_fails("h:65536", "invalid port number: \"65536\"");
	parse_fails("h:", "invalid port number: \"\"");
	parse_fails("h:+5", "invalid port number: \"+5\"");
	parse_fails("[::1]:x", "invalid port number: \"x\"");
	parse_fails("[::1]x", "unexpected \"x\" after \"]\" in \"[::1]x\" (expected \":port\")");
	parse_fails("[::1", "missing \"]\" after IPv6 address in \"[::1\"");
	parse_fails("[]:5432", "empty IPv6 address in \"[]:5432\"");
}

static void test_precedence(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *err = NULL;

	reset_env();
	/* conninfo_set: a lower source never replaces a higher one */
	conninfo_init(&ci);
	CHECK_INT(conninfo_set(&ci, "host", "opt", CI_SRC_OPTION, &err), 0);
	CHECK_INT(conninfo_set(&ci, "host", "tgt", CI_SRC_TARGET, &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "opt");
	CHECK_INT(conninfo_source(&ci, "host"), CI_SRC_OPTION);
	CHECK_INT(conninfo_set(&ci, "host", "opt2", CI_SRC_OPTION, &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "opt2");
	CHECK_INT(conninfo_set(&ci, "port", "1", CI_SRC_ENV, &err), 0);
	CHECK_INT(conninfo_set(&ci, "port", "2", CI_SRC_DEFAULT, &err), 0);
	CHECK_STR(conninfo_get(&ci, "port"), "1");
	CHECK_INT(conninfo_set(&ci, "port", "3", CI_SRC_TARGET, &err), 0);
	CHECK_STR(conninfo_get(&ci, "port"), "3");
	CHECK_INT(conninfo_set(&ci, "nope", "1", CI_SRC_OPTION, &err), -1);
	CHECK_STR(err, "invalid connection option \"nope\"");
	free(err);
	err = NULL;
	CHECK_STR(conninfo_get(&ci, "nope"), NULL);
	CHECK_INT(conninfo_source(&ci, "nope"), CI_SRC_NONE);
	/* a target parsed after an option does not replace it */
	CHECK_INT(conninfo_parse_target(&ci, "host=t1 dbname=d1", &err), 0);
	CHECK_STR(conninfo_get(&ci, "host"), "opt2");
	CHECK_STR(conninfo_get(&ci, "dbname"), "d1");
	conninfo_free(&ci);

	/* option > target > environment > default */
	setenv("PGHOST", "envhost", 1);
	setenv("PGPORT", "6000", 1);
	setenv("PGSSLMODE", "require", 1);
	setenv("PGDATABASE", "envdb", 1);
	setenv("PGAPPNAME", "envapp", 1);
	conninfo_init(&ci);
	CHECK_INT(conninfo_set(&ci, "sslmode", "verify-ca", CI_SRC_OPTION,
			       &err), 0);
	CHECK_INT(conninfo_parse_target(&ci,
		"host=tgthost sslmode=disable dbname=tgtdb", &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), 0);
	CHECK_STR(err, NULL);
	CHECK_STR(t.host, "tgthost");
	CHECK_INT(conninfo_source(&ci, "host"), CI_SRC_TARGET);
	CHECK_INT(t.port, 6000);
	CHECK_INT(conninfo_source(&ci, "port"), CI_SRC_ENV);
	CHECK_STR(t.sslmode, "verify-ca");
	CHECK_INT(t.sslmode_source, CI_SRC_OPTION);
	CHECK_STR(t.dbname, "tgtdb");
	CHECK_STR(t.application_name, "envapp");
	CHECK_STR(t.sslnegotiation, "postgres");
	CHECK_INT(conninfo_source(&ci, "sslnegotiation"), CI_SRC_DEFAULT);
	done(&ci, &t);

	/* sslkeylogfile: the file, or NULL when empty or not given */
	resolve_ok("host=h sslkeylogfile=/tmp/keys.log", &ci, &t);
	CHECK_STR(t.sslkeylogfile, "/tmp/keys.log");
	done(&ci, &t);
	resolve_ok("host=h sslkeylogfile=''", &ci, &t);
	CHECK_STR(t.sslkeylogfile, NULL);
	done(&ci, &t);

	/* an empty value from the target keeps the environment out */
	resolve_ok("host='' port=''", &ci, &t);
	CHECK_STR(t.host, "localhost");
	CHECK_INT(t.port, 5432);
	CHECK(has_warning(&ci, HOST_WARNING));
	CHECK_STR(conninfo_get(&ci, "host"), "");
	done(&ci, &t);

	/* the environment fills what the target leaves */
	resolve_ok("postgresql://tgthost", &ci, &t);
	CHECK_STR(t.host, "tgthost");
	CHECK_INT(t.port, 6000);
	CHECK_STR(t.dbname, "envdb");
	CHECK_STR(t.sslmode, "require");
	CHECK_INT(t.sslmode_source, CI_SRC_ENV);
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);
	reset_env();
}

static void test_defaults(void)
{
	struct conninfo ci;
	struct conn_target t;
	struct passwd *pw;
	char want[600];

	reset_env();
	resolve_ok("", &ci, &t);
	CHECK_STR(t.host, "localhost");
	CHECK_STR(t.hostaddr, NULL);
	CHECK_STR(t.connect_to, "localhost");
	CHECK_INT(t.nhosts, 1);
	CHECK_STR(t.hosts[0], "localhost");
	CHECK_STR(t.hosts[1], NULL);
	CHECK_STR(t.hostaddrs[0], "");
	CHECK_INT(t.port, 5432);
	CHECK_INT(t.ports[0], 5432);
	CHECK_INT(ci.nwarnings, 1);
	CHECK_STR(ci.warnings[0], HOST_WARNING);
	CHECK_STR(t.user, login());
	CHECK_STR(t.dbname, login());
	CHECK_STR(conninfo_get(&ci, "user"), login());
	CHECK_INT(conninfo_source(&ci, "user"), CI_SRC_DEFAULT);
	CHECK_STR(t.sslmode, "prefer");
	CHECK_INT(t.sslmode_source, CI_SRC_DEFAULT);
	CHECK_STR(t.sslnegotiation, "postgres");
	CHECK_STR(t.sslrootcert, home_path(".postgresql/root.crt"));
	CHECK_INT(t.rootcert_source, ROOTCERT_DEFAULT);
	CHECK(!t.rootcert_exists);
	CHECK_STR(t.sslcert, home_path(".postgresql/postgresql.crt"));
	CHECK(!t.sslcert_exists);
	CHECK_STR(t.sslkey, home_path(".postgresql/postgresql.key"));
	CHECK_STR(t.sslcrl, home_path(".postgresql/root.crl"));
	CHECK_STR(t.sslcrldir, NULL);
	CHECK(t.sslsni);
	CHECK_STR(t.sni, "localhost");
	CHECK_INT(t.connect_timeout, 0);
	CHECK_INT(t.probe_timeout, CONNINFO_DEFAULT_TIMEOUT);
	CHECK_INT(t.probe_timeout, 10);
	CHECK_STR(t.ssl_min_protocol_version, "TLSv1.2");
	CHECK_STR(t.ssl_max_protocol_version, NULL);
	CHECK_STR(t.sslcertmode, "allow");
	CHECK_STR(t.channel_binding, "prefer");
	CHECK_STR(t.gssencmode, "prefer");
	CHECK_STR(t.application_name, NULL);
	CHECK_STR(conninfo_get(&ci, "sslcompression"), "0");
	CHECK_STR(conninfo_get(&ci, "target_session_attrs"), "any");
	CHECK_STR(conninfo_get(&ci, "krbsrvname"), "postgres");
	CHECK_STR(conninfo_get(&ci, "options"), "");
	done(&ci, &t);

	/* with files in ~/.postgresql */
	touch(home_path(".postgresql/root.crt"));
	touch(home_path(".postgresql/postgresql.crt"));
	resolve_ok("db.example.com", &ci, &t);
	CHECK_STR(t.sslrootcert, home_path(".postgresql/root.crt"));
	CHECK_INT(t.rootcert_source, ROOTCERT_DEFAULT);
	CHECK(t.rootcert_exists);
	CHECK(t.sslcert_exists);
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);
	unlink(home_path(".postgresql/root.crt"));
	unlink(home_path(".postgresql/postgresql.crt"));

	/* PGUSER, and dbname following user; "" counts as unset */
	setenv("PGUSER", "bob", 1);
	resolve_ok("dbname=''", &ci, &t);
	CHECK_STR(t.user, "bob");
	CHECK_STR(t.dbname, "bob");
	CHECK_INT(conninfo_source(&ci, "user"), CI_SRC_ENV);
	done(&ci, &t);
	setenv("PGUSER", "", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.user, login());
	CHECK_STR(t.dbname, login());
	done(&ci, &t);
	reset_env();

	/* no HOME: the passwd entry's directory, as pqGetHomeDirectory */
	unsetenv("HOME");
	pw = getpwuid(geteuid());
	resolve_ok("h", &ci, &t);
	if (pw) {
		snprintf(want, sizeof(want), "%s/.postgresql/root.crt",
			 pw->pw_dir);
		CHECK_STR(t.sslrootcert, want);
		CHECK_INT(t.rootcert_source, ROOTCERT_DEFAULT);
	}
	done(&ci, &t);
	setenv("HOME", "", 1);
	resolve_ok("h", &ci, &t);
	if (pw) {
		snprintf(want, sizeof(want), "%s/.postgresql/postgresql.key",
			 pw->pw_dir);
		CHECK_STR(t.sslkey, want);
	}
	done(&ci, &t);
	reset_env();

	/* PGPASSWORD is read, as a secret, without a warning; PGSERVICE is
	 * followed (test_service) */
	setenv("PGPASSWORD", "envsecret", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(conninfo_get(&ci, "password"), "envsecret");
	CHECK_INT(conninfo_source(&ci, "password"), CI_SRC_ENV);
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);
	setenv("PGSERVICE", "prod", 1);
	resolve_fails("h", "definition of service \"prod\" not found");
	reset_env();
}

static void test_rootcert(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *err = NULL;
	char file[300];

	reset_env();
	snprintf(file, sizeof(file), "%s/ca.pem", home);
	touch(file);

	/* from the target */
	{
		char target[400];

		snprintf(target, sizeof(target), "host=h sslrootcert=%s", file);
		resolve_ok(target, &ci, &t);
		CHECK_STR(t.sslrootcert, file);
		CHECK_INT(t.rootcert_source, ROOTCERT_PARAM);
		CHECK(t.rootcert_exists);
		done(&ci, &t);
	}
	/* from an option, missing file */
	conninfo_init(&ci);
	CHECK_INT(conninfo_set(&ci, "sslrootcert", "/nonexistent/ca.pem",
			       CI_SRC_OPTION, &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), 0);
	CHECK_STR(t.sslrootcert, "/nonexistent/ca.pem");
	CHECK_INT(t.rootcert_source, ROOTCERT_PARAM);
	CHECK(!t.rootcert_exists);
	done(&ci, &t);
	/* from PGSSLROOTCERT; the target still wins over it */
	setenv("PGSSLROOTCERT", file, 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslrootcert, file);
	CHECK_INT(t.rootcert_source, ROOTCERT_ENV);
	CHECK(t.rootcert_exists);
	done(&ci, &t);
	resolve_ok("host=h sslrootcert=/other.pem", &ci, &t);
	CHECK_STR(t.sslrootcert, "/other.pem");
	CHECK_INT(t.rootcert_source, ROOTCERT_PARAM);
	done(&ci, &t);
	/* empty means the default file, as initialize_SSL does */
	resolve_ok("host=h sslrootcert=''", &ci, &t);
	CHECK_STR(t.sslrootcert, home_path(".postgresql/root.crt"));
	CHECK_INT(t.rootcert_source, ROOTCERT_DEFAULT);
	done(&ci, &t);
	reset_env();

	/* system: sslmode defaults to verify-full (16+) unless set anywhere */
	resolve_ok("host=h sslrootcert=system", &ci, &t);
	CHECK_STR(t.sslrootcert, "system");
	CHECK_INT(t.rootcert_source, ROOTCERT_SYSTEM);
	CHECK_STR(t.sslmode, "verify-full");
	CHECK_INT(t.sslmode_source, CI_SRC_DEFAULT);
	done(&ci, &t);
	setenv("PGSSLROOTCERT", "system", 1);
	resolve_ok("h", &ci, &t);
	CHECK_INT(t.rootcert_source, ROOTCERT_SYSTEM);
	CHECK_STR(t.sslmode, "verify-full");
	done(&ci, &t);
	setenv("PGSSLMODE", "require", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "require");
	CHECK_INT(t.sslmode_source, CI_SRC_ENV);
	done(&ci, &t);
	unsetenv("PGSSLMODE");
	setenv("PGREQUIRESSL", "1", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "require");
	done(&ci, &t);
	reset_env();

	/* CRL: the default only when neither sslcrl nor sslcrldir is set */
	resolve_ok("host=h sslcrldir=/crls", &ci, &t);
	CHECK_STR(t.sslcrl, NULL);
	CHECK_STR(t.sslcrldir, "/crls");
	done(&ci, &t);
	resolve_ok("host=h sslcrl=/a.crl sslcert=/c.crt sslkey=/c.key", &ci, &t);
	CHECK_STR(t.sslcrl, "/a.crl");
	CHECK_STR(t.sslcert, "/c.crt");
	CHECK(!t.sslcert_exists);
	CHECK_STR(t.sslkey, "/c.key");
	done(&ci, &t);
	unlink(file);
}

/* What-ifs on the CRL files follow initialize_SSL's precedence: the
 * default file only while neither sslcrl nor sslcrldir is set. */
static void test_crl_what_if(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *deflt;

	reset_env();
	resolve_ok("host=h", &ci, &t);
	deflt = xstrdup(home_path(".postgresql/root.crl"));
	CHECK_STR(t.sslcrl, deflt);
	CHECK(t.sslcrl_default);
	/* a directory drops the default file */
	CHECK(conninfo_target_what_if(&t, "sslcrldir", "/crls"));
	CHECK_STR(t.sslcrl, NULL);
	CHECK_STR(t.sslcrldir, "/crls");
	/* a file given goes with the directory */
	CHECK(conninfo_target_what_if(&t, "sslcrl", "/a.crl"));
	CHECK_STR(t.sslcrl, "/a.crl");
	CHECK_STR(t.sslcrldir, "/crls");
	CHECK(!t.sslcrl_default);
	CHECK(conninfo_target_what_if(&t, "sslcrldir", ""));
	CHECK_STR(t.sslcrl, "/a.crl");
	CHECK_STR(t.sslcrldir, NULL);
	/* both unset: the default again */
	CHECK(conninfo_target_what_if(&t, "sslcrl", ""));
	CHECK_STR(t.sslcrl, deflt);
	CHECK(t.sslcrl_default);
	done(&ci, &t);
	resolve_ok("host=h sslcrl=/given.crl", &ci, &t);
	CHECK(!t.sslcrl_default);
	CHECK(conninfo_target_what_if(&t, "sslcrldir", "/crls"));
	CHECK_STR(t.sslcrl, "/given.crl");
	done(&ci, &t);

	/* a replayed log keeps the files with its trust facts */
	memset(&t, 0, sizeof(t));
	conninfo_target_set_crl(&t, "/home/u/.postgresql/root.crl", NULL);
	CHECK(t.sslcrl_default);
	conninfo_target_set_crl(&t, "/home/u/.postgresql/root.crl", "/crls");
	CHECK(!t.sslcrl_default);
	conninfo_target_set_crl(&t, "/etc/my-root.crl", NULL);
	CHECK(!t.sslcrl_default);
	strlist_add(&t.explicit_keywords, &t.nexplicit, "sslcrl");
	conninfo_target_set_crl(&t, "/home/u/.postgresql/root.crl", NULL);
	CHECK(!t.sslcrl_default);
	conninfo_target_free(&t);
	free(deflt);
}

static void test_requiressl(void)
{
	struct conninfo ci;
	struct conn_target t;

	reset_env();
	setenv("PGREQUIRESSL", "1", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "require");
	CHECK_INT(t.sslmode_source, CI_SRC_ENV);
	done(&ci, &t);
	setenv("PGREQUIRESSL", "1yes", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "require");
	done(&ci, &t);
	/* PGSSLMODE wins over PGREQUIRESSL; so does the target */
	setenv("PGSSLMODE", "disable", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "disable");
	done(&ci, &t);
	unsetenv("PGSSLMODE");
	resolve_ok("host=h sslmode=allow", &ci, &t);
	CHECK_STR(t.sslmode, "allow");
	CHECK_INT(t.sslmode_source, CI_SRC_TARGET);
	done(&ci, &t);
	setenv("PGREQUIRESSL", "0", 1);
	resolve_ok("h", &ci, &t);
	CHECK_STR(t.sslmode, "prefer");
	CHECK_INT(t.sslmode_source, CI_SRC_DEFAULT);
	done(&ci, &t);
	reset_env();
}

static void test_sni(void)
{
	static const struct {
		const char *target, *sni;
	} cases[] = {
		{ "db.example.com", "db.example.com" },
		{ "10.0.0.1", NULL },
		{ "123", NULL },
		{ "1.2.3.4.nip.io", "1.2.3.4.nip.io" },
		{ "::1", NULL },
		{ "[2001:db8::1]:5432", NULL },
		{ "host=db.example.com sslsni=0", NULL },
		{ "host=db.example.com sslsni=yes", NULL },
		{ "host=db.example.com sslsni=1", "db.example.com" },
		{ "host=a.example,b.example", "a.example" },
		{ "host=db.example.com hostaddr=192.0.2.7", "db.example.com" },
		{ "hostaddr=192.0.2.7", NULL },
	};
	struct conninfo ci;
	struct conn_target t;

	reset_env();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resolve_ok(cases[i].target, &ci, &t);
		CHECK_STR(t.sni, cases[i].sni);
		done(&ci, &t);
	}
	setenv("PGSSLSNI", "0", 1);
	resolve_ok("db.example.com", &ci, &t);
	CHECK(!t.sslsni);
	CHECK_STR(t.sni, NULL);
	done(&ci, &t);
	reset_env();

	/* hostaddr is what is dialled; host only names it */
	resolve_ok("host=db.example.com hostaddr=192.0.2.7", &ci, &t);
	CHECK_STR(t.host, "db.example.com");
	CHECK_STR(t.hostaddr, "192.0.2.7");
	CHECK_STR(t.connect_to, "192.0.2.7");
	done(&ci, &t);
	resolve_ok("hostaddr=192.0.2.7", &ci, &t);
	CHECK_STR(t.host, NULL);
	CHECK_STR(t.hosts[0], "");
	CHECK_STR(t.connect_to, "192.0.2.7");
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);
	/* a host naming a socket is harmless when hostaddr is given */
	resolve_ok("host=/tmp hostaddr=127.0.0.1", &ci, &t);
	CHECK_STR(t.connect_to, "127.0.0.1");
	done(&ci, &t);
}

static void test_host_lists(void)
{
	struct conninfo ci;
	struct conn_target t;

	reset_env();
	resolve_ok("host=a,b,c port=1,2,3", &ci, &t);
	CHECK_INT(t.nhosts, 3);
	CHECK_STR(t.hosts[0], "a");
	CHECK_STR(t.hosts[1], "b");
	CHECK_STR(t.hosts[2], "c");
	CHECK_STR(t.hosts[3], NULL);
	CHECK_INT(t.ports[0], 1);
	CHECK_INT(t.ports[1], 2);
	CHECK_INT(t.ports[2], 3);
	CHECK_STR(t.host, "a");
	CHECK_INT(t.port, 1);
	done(&ci, &t);
	/* one port serves every host; an empty entry is 5432 */
	resolve_ok("host=a,b port=5433", &ci, &t);
	CHECK_INT(t.ports[0], 5433);
	CHECK_INT(t.ports[1], 5433);
	done(&ci, &t);
	resolve_ok("postgresql://a,b:5433", &ci, &t);
	CHECK_INT(t.nhosts, 2);
	CHECK_INT(t.ports[0], 5432);
	CHECK_INT(t.ports[1], 5433);
	done(&ci, &t);
	/* hostaddr decides the number of slots */
	resolve_ok("hostaddr=192.0.2.1,192.0.2.2 host=x,y", &ci, &t);
	CHECK_INT(t.nhosts, 2);
	CHECK_STR(t.hostaddrs[0], "192.0.2.1");
	CHECK_STR(t.hostaddrs[1], "192.0.2.2");
	CHECK_STR(t.hostaddrs[2], NULL);
	CHECK_STR(t.hosts[1], "y");
	done(&ci, &t);
	/* an empty host entry gets libpq's default, which we make TCP */
	resolve_ok("host=a,,c", &ci, &t);
	CHECK_INT(t.nhosts, 3);
	CHECK_STR(t.hosts[1], "localhost");
	CHECK(has_warning(&ci, HOST_WARNING));
	done(&ci, &t);
	/* PGHOST lists too */
	setenv("PGHOST", "e1,e2", 1);
	setenv("PGPORT", "7,8", 1);
	resolve_ok("", &ci, &t);
	CHECK_INT(t.nhosts, 2);
	CHECK_STR(t.hosts[1], "e2");
	CHECK_INT(t.ports[1], 8);
	CHECK_INT(ci.nwarnings, 0);
	done(&ci, &t);
	reset_env();

	resolve_fails("host=a,b port=1,2,3",
		      "could not match 3 port numbers to 2 hosts");
	resolve_fails("host=a port=1,2",
		      "could not match 2 port numbers to 1 hosts");
	resolve_fails("host=a,b hostaddr=192.0.2.1",
		      "could not match 2 host names to 1 hostaddr values");
	resolve_fails("host=a hostaddr=192.0.2.1,192.0.2.2",
		      "could not match 1 host names to 2 hostaddr values");
	/* hostaddr is never looked up; a name there is an input error (a
	 * host list here once leaked: found by fuzz-conninfo) */
	resolve_fails("hostaddr=localhost", "could not parse network address \"localhost\": Name or service not known");
	resolve_fails("host=a,b hostaddr=db1,10.0.0.2 port=5432,5433",
		      "could not parse network address \"db1\": Name or service not known");
}

static void test_resolve_errors(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *err = NULL;

	reset_env();
	resolve_fails("host=h sslmode=foo", "invalid sslmode value: \"foo\"");
	resolve_fails("host=h sslmode=''", "invalid sslmode value: \"\"");
	resolve_fails("host=h sslmode=Require", "invalid sslmode value: \"Require\"");
	resolve_fails("host=h sslnegotiation=tls",
		      "invalid sslnegotiation value: \"tls\"");
	/* the newest release quotes the keyword (17+) */
	resolve_fails("host=h ssl_min_protocol_version=TLSv1.4",
		      "invalid \"ssl_min_protocol_version\" value: \"TLSv1.4\"");
	resolve_fails("host=h ssl_max_protocol_version=SSLv3",
		      "invalid \"ssl_max_protocol_version\" value: \"SSLv3\"");
	resolve_fails("host=h ssl_min_protocol_version=TLSv1.3 "
		      "ssl_max_protocol_version=TLSv1.2",
		      "invalid SSL protocol version range");
	/* the default minimum is TLSv1.2, so this range is empty in libpq */
	resolve_fails("host=h ssl_max_protocol_version=TLSv1.1",
		      "invalid SSL protocol version range");
	resolve_fails("host=h ssl_min_protocol_version=tlsv1.1 "
		      "ssl_max_protocol_version=TLSv1",
		      "invalid SSL protocol version range");
	resolve_fails("host=h channel_binding=maybe",
		      "invalid channel_binding value: \"maybe\"");
	resolve_fails("host=h gssencmode=on", "invalid gssencmode value: \"on\"");
	resolve_fails("host=h sslcertmode=always",
		      "invalid sslcertmode value: \"always\"");
	resolve_fails("host=h target_session_attrs=master",
		      "invalid target_session_attrs value: \"master\"");
	resolve_fails("host=h load_balance_hosts=yes",
		      "invalid load_balance_hosts value: \"yes\"");
	resolve_fails("host=h connect_timeout=abc",
		      "invalid integer value \"abc\" for connection option \"connect_timeout\"");
	resolve_fails("host=h connect_timeout=''",
		      "invalid integer value \"\" for connection option \"connect_timeout\"");
	resolve_fails("host=h connect_timeout=5s",
		      "invalid integer value \"5s\" for connection option \"connect_timeout\"");
	resolve_fails("host=h connect_timeout=99999999999",
		      "invalid integer value \"99999999999\" for connection option \"connect_timeout\"");
	resolve_fails("host=h port=abc",
		      "invalid integer value \"abc\" for connection option \"port\"");
	resolve_fails("host=h port=70000", "invalid port number: \"70000\"");
	resolve_fails("host=h port=0", "invalid port number: \"0\"");
	resolve_fails("host=a,b port=5432,-1", "invalid port number: \"-1\"");
	resolve_fails("host=/var/run/postgresql",
		      "Unix-domain sockets are not supported; give a TCP host");
	resolve_fails("host=@abstract",
		      "Unix-domain sockets are not supported; give a TCP host");
	resolve_fails("postgresql://%2Fvar%2Frun%2Fpostgresql/db",
		      "Unix-domain sockets are not supported; give a TCP host");
	resolve_fails("host=a,/tmp",
		      "Unix-domain sockets are not supported; give a TCP host");
	resolve_fails("host=h require_auth=md5,!password",
		      "negative require_auth method \"!password\" cannot be mixed with non-negative methods");
	resolve_fails("host=h require_auth=!md5,password",
		      "require_auth method \"password\" cannot be mixed with negative methods");
	resolve_fails("host=h require_auth=md5,md5",
		      "require_auth method \"md5\" is specified more than once");
	resolve_fails("host=h require_auth=!md5,!md5",
		      "require_auth method \"!md5\" is specified more than once");
	resolve_fails("host=h require_auth=none,none",
		      "require_auth method \"none\" is specified more than once");
	resolve_fails("host=h require_auth=kerberos",
		      "invalid require_auth value: \"kerberos\"");
	resolve_fails("host=h require_auth=!kerberos",
		      "invalid require_auth value: \"kerberos\"");

	/* values libpq accepts */
	resolve_ok("host=h require_auth=scram-sha-256,md5,none", &ci, &t);
	done(&ci, &t);
	resolve_ok("host=h require_auth=!none,!password", &ci, &t);
	done(&ci, &t);
	resolve_ok("host=h require_auth=gss,sspi", &ci, &t);
	done(&ci, &t);
	resolve_ok("host=h ssl_min_protocol_version=tlsv1 "
		   "ssl_max_protocol_version=TLSV1.3 sslnegotiation=direct "
		   "sslmode=verify-full gssencmode=disable "
		   "target_session_attrs=prefer-standby load_balance_hosts=random "
		   "sslcertmode=require channel_binding=require",
		   &ci, &t);
	CHECK_STR(t.ssl_min_protocol_version, "tlsv1");
	CHECK_STR(t.ssl_max_protocol_version, "TLSV1.3");
	CHECK_STR(t.sslnegotiation, "direct");
	CHECK_STR(t.sslcertmode, "require");
	CHECK_STR(t.channel_binding, "require");
	CHECK_STR(t.gssencmode, "disable");
	done(&ci, &t);
	/* an empty protocol bound is no bound */
	resolve_ok("host=h ssl_min_protocol_version='' "
		   "ssl_max_protocol_version=TLSv1.1", &ci, &t);
	CHECK_STR(t.ssl_min_protocol_version, NULL);
	CHECK_STR(t.ssl_max_protocol_version, "TLSv1.1");
	done(&ci, &t);

	/* connect_timeout: pqConnectDBComplete's rules */
	resolve_ok("host=h connect_timeout=1", &ci, &t);
	CHECK_INT(t.connect_timeout, 2);
	CHECK_INT(t.probe_timeout, 2);
	done(&ci, &t);
	resolve_ok("host=h connect_timeout=-5", &ci, &t);
	CHECK_INT(t.connect_timeout, 0);
	CHECK_INT(t.probe_timeout, 10);
	done(&ci, &t);
	resolve_ok("host=h connect_timeout=0", &ci, &t);
	CHECK_INT(t.connect_timeout, 0);
	CHECK_INT(t.probe_timeout, 10);
	done(&ci, &t);
	resolve_ok("host=h connect_timeout=' 30 '", &ci, &t);
	CHECK_INT(t.connect_timeout, 30);
	CHECK_INT(t.probe_timeout, 30);
	done(&ci, &t);
	setenv("PGCONNECT_TIMEOUT", "7", 1);
	resolve_ok("h", &ci, &t);
	CHECK_INT(t.connect_timeout, 7);
	done(&ci, &t);
	setenv("PGCONNECT_TIMEOUT", "x", 1);
	conninfo_init(&ci);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), -1);
	CHECK_STR(err, "invalid integer value \"x\" for connection option \"connect_timeout\"");
	free(err);
	err = NULL;
	conninfo_free(&ci);
	reset_env();

	/* port: whitespace as strtol takes it, + sign, an empty list entry */
	resolve_ok("host=h port=' 6543'", &ci, &t);
	CHECK_INT(t.port, 6543);
	done(&ci, &t);
	setenv("PGSSLMODE", "bogus", 1);
	conninfo_init(&ci);
	CHECK_INT(conninfo_resolve(&ci, &t, &err), -1);
	CHECK_STR(err, "invalid sslmode value: \"bogus\"");
	free(err);
	err = NULL;
	conninfo_free(&ci);
	reset_env();
}

static void write_file(const char *file, const char *text)
{
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* parseServiceInfo / parseServiceFile */
static void test_service(void)
{
	struct conninfo ci;
	struct conn_target t;
	char *file = xstrdup(home_path("svc.conf"));

	write_file(file, "[a]\nhost=ahost\n[b] \n  host=bhost\t\nport=6001\n"
			 "sslmode=verify-ca\npassword=secret\n[c]\nport=1\n");
	setenv("PGSERVICEFILE", file, 1);
	setenv("PGSSLMODE", "disable", 1);
	/* the target wins over the service, the service over PGSSLMODE; the
	 * group ends at the next header; the password is kept, with a
	 * warning */
	resolve_ok("service=b port=7000", &ci, &t);
	CHECK_STR(t.host, "bhost");
	CHECK_INT(t.port, 7000);
	CHECK_STR(t.sslmode, "verify-ca");
	CHECK_INT(conninfo_source(&ci, "sslmode"), CI_SRC_SERVICE);
	CHECK_STR(conninfo_get(&ci, "password"), "secret");
	CHECK_INT(conninfo_source(&ci, "password"), CI_SRC_SERVICE);
	CHECK(has_warning(&ci, PW_WARNING));
	CHECK_STR(t.service, "b");
	CHECK_STR(t.service_file, file);
	done(&ci, &t);
	/* PGSERVICE names it too */
	setenv("PGSERVICE", "a", 1);
	resolve_ok("", &ci, &t);
	CHECK_STR(t.host, "ahost");
	CHECK_STR(t.sslmode, "disable");
	done(&ci, &t);
	unsetenv("PGSERVICE");
	unsetenv("PGSSLMODE");
	/* "[bx]" is not group b, but "[b]x" is (libpq looks at the one
	 * character after the name); a key with spaces is no keyword */
	write_file(file, "[bx]\nhost=no\n");
	resolve_fails("service=b", "definition of service \"b\" not found");
	write_file(file, "[b]x\nhost=yes\n");
	resolve_ok("service=b", &ci, &t);
	CHECK_STR(t.host, "yes");
	done(&ci, &t);
	write_file(file, "[b]\nhost =x\n");
	char *want = xasprintf("syntax error in service file \"%s\", line 2", file);
	resolve_fails("service=b", want);
	free(want);
	unsetenv("PGSERVICEFILE");
	unlink(file);
	free(file);
}

int main(void)
{
	if (make_home("conninfo") < 0)
		return 1;
	if (mkdir(home_path(".postgresql"), 0700) != 0) {
		perror("mkdir");
		return 1;
	}

	test_keywords();
	test_keyvalue();
	test_uri();
	test_hostport();
	test_precedence();
	test_defaults();
	test_rootcert();
	test_requiressl();
	test_crl_what_if();
	test_sni();
	test_host_lists();
	test_resolve_errors();
	test_versions();
	test_service();

	rmdir(home_path(".postgresql"));
	rmdir(home);
	return check_status("test-conninfo");
}
