/* SPDX-License-Identifier: MIT */
/* conninfo: owns libpq's keyword table and reads a TARGET the way libpq reads
 * a connection string (URI, key=value, or the tool's own host:port form),
 * then fills the PG* environment and libpq's defaults and checks the values
 * as libpq's connectOptions2 does. The result is a conn_target: what libpq
 * would connect to, with which root certificate, sending which SNI. It opens
 * no socket, never prints and never exits; the only outside state it reads is
 * the environment, the passwd entry and stat() of certificate paths.
 *
 * Where a function mirrors libpq, its comment names the libpq function. The
 * code is our own; the error texts are libpq's (PG 15 wording) because users
 * compare them with what psql printed. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/strlist.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"

/* libpq-int.h: ROOT_CERT_FILE, ROOT_CRL_FILE, USER_CERT_FILE, USER_KEY_FILE */
#define ROOT_CERT_FILE ".postgresql/root.crt"
#define ROOT_CRL_FILE ".postgresql/root.crl"
#define USER_CERT_FILE ".postgresql/postgresql.crt"
#define USER_KEY_FILE ".postgresql/postgresql.key"

/* fe-connect.c: PQconninfoOptions[], the union of libpq 15 to 18. The
 * compiled defaults are those of a build with SSL and GSS (Debian's). */
const struct ci_keyword ci_keywords[] = {
	{ "service", "PGSERVICE", NULL, 15, false },
	{ "user", "PGUSER", NULL, 15, false },
	{ "password", "PGPASSWORD", NULL, 15, true },
	{ "passfile", "PGPASSFILE", NULL, 15, false },
	{ "channel_binding", "PGCHANNELBINDING", "prefer", 15, false },
	{ "connect_timeout", "PGCONNECT_TIMEOUT", NULL, 15, false },
	{ "dbname", "PGDATABASE", NULL, 15, false },
	{ "host", "PGHOST", NULL, 15, false },
	{ "hostaddr", "PGHOSTADDR", NULL, 15, false },
	{ "port", "PGPORT", "5432", 15, false },
	{ "client_encoding", "PGCLIENTENCODING", NULL, 15, false },
	{ "options", "PGOPTIONS", "", 15, false },
	{ "application_name", "PGAPPNAME", NULL, 15, false },
	{ "fallback_application_name", NULL, NULL, 15, false },
	{ "keepalives", NULL, NULL, 15, false },
	{ "keepalives_idle", NULL, NULL, 15, false },
	{ "keepalives_interval", NULL, NULL, 15, false },
	{ "keepalives_count", NULL, NULL, 15, false },
	{ "tcp_user_timeout", NULL, NULL, 15, false },
	{ "sslmode", "PGSSLMODE", "prefer", 15, false },
	{ "sslnegotiation", "PGSSLNEGOTIATION", "postgres", 17, false },
	{ "sslcompression", "PGSSLCOMPRESSION", "0", 15, false },
	{ "sslcert", "PGSSLCERT", NULL, 15, false },
	{ "sslkey", "PGSSLKEY", NULL, 15, false },
	/* no compiled default: connectOptions2 sets "allow" itself */
	{ "sslcertmode", "PGSSLCERTMODE", NULL, 16, false },
	{ "sslpassword", NULL, NULL, 15, true },
	{ "sslrootcert", "PGSSLROOTCERT", NULL, 15, false },
	{ "sslcrl", "PGSSLCRL", NULL, 15, false },
	{ "sslcrldir", "PGSSLCRLDIR", NULL, 15, false },
	{ "sslsni", "PGSSLSNI", "1", 15, false },
	{ "sslkeylogfile", NULL, NULL, 18, false },
	{ "requirepeer", "PGREQUIREPEER", NULL, 15, false },
	{ "require_auth", "PGREQUIREAUTH", NULL, 16, false },
	{ "ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION", "TLSv1.2", 15,
	  false },
	{ "ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION", NULL, 15,
	  false },
	{ "min_protocol_version", "PGMINPROTOCOLVERSION", NULL, 18, false },
	{ "max_protocol_version", "PGMAXPROTOCOLVERSION", NULL, 18, false },
	{ "gssencmode", "PGGSSENCMODE", "prefer", 15, false },
	{ "krbsrvname", "PGKRBSRVNAME", "postgres", 15, false },
	{ "gsslib", "PGGSSLIB", NULL, 15, false },
	{ "gssdelegation", "PGGSSDELEGATION", "0", 16, false },
	{ "replication", NULL, NULL, 15, false },
	{ "target_session_attrs", "PGTARGETSESSIONATTRS", "any", 15, false },
	{ "load_balance_hosts", "PGLOADBALANCEHOSTS", "disable", 16, false },
	{ "scram_client_key", NULL, NULL, 18, true },
	{ "scram_server_key", NULL, NULL, 18, true },
	{ "oauth_issuer", NULL, NULL, 18, false },
	{ "oauth_client_id", NULL, NULL, 18, false },
	{ "oauth_client_secret", NULL, NULL, 18, true },
	{ "oauth_scope", NULL, NULL, 18, false },
};

const int ci_nkeywords =
	(int)(sizeof(ci_keywords) / sizeof(ci_keywords[0]));

int ci_keyword_index(const char *keyword)
{
	for (int i = 0; i < ci_nkeywords; i++)
		if (strcmp(ci_keywords[i].keyword, keyword) == 0)
			return i;
	return -1;
}

int ci_fail(char **err, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	if (!err)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*err = s;
	return -1;
}

void ci_add_warning(struct conninfo *ci, const char *text)
{
	for (int i = 0; i < ci->nwarnings; i++)
		if (strcmp(ci->warnings[i], text) == 0)
			return;
	ci->warnings = xrealloc(ci->warnings,
				((size_t)ci->nwarnings + 2) * sizeof(char *));
	ci->warnings[ci->nwarnings++] = xstrdup(text);
	ci->warnings[ci->nwarnings] = NULL;
}

void ci_wipe_free(char *s)
{
	if (s) {
		volatile char *p = s;

		while (*p)
			*p++ = '\0';
		free(s);
	}
}

void conninfo_init(struct conninfo *ci)
{
	ci->values = xcalloc((size_t)ci_nkeywords, sizeof(struct ci_value));
	ci->warnings = xcalloc(1, sizeof(char *));
	ci->nwarnings = 0;
}

void conninfo_free(struct conninfo *ci)
{
	if (ci->values) {
		for (int i = 0; i < ci_nkeywords; i++) {
			if (ci_keywords[i].secret)
				ci_wipe_free(ci->values[i].value);
			else
				free(ci->values[i].value);
		}
	}
	free(ci->values);
	ci->values = NULL;
	for (int i = 0; i < ci->nwarnings; i++)
		free(ci->warnings[i]);
	free(ci->warnings);
	ci->warnings = NULL;
	ci->nwarnings = 0;
}

void ci_store(struct conninfo *ci, int i, const char *value,
	      enum ci_source source)
{
	struct ci_value *v = &ci->values[i];

	if (ci_keywords[i].secret)
		ci_wipe_free(v->value);
	else
		free(v->value);
	v->value = xstrdup(value);
	v->source = source;
}

/* fe-connect.c: conninfo_storeval, plus the precedence of sources */
int conninfo_set(struct conninfo *ci, const char *keyword, const char *value,
		 enum ci_source source, char **err)
{
	int i;

	/* requiressl=1 was libpq's old spelling of sslmode=require, and
	 * requiressl=anything-else of sslmode=prefer; libpq still takes it */
	if (strcmp(keyword, "requiressl") == 0) {
		keyword = "sslmode";
		if (value)
			value = value[0] == '1' ? "require" : "prefer";
	}
	i = ci_keyword_index(keyword);
	if (i < 0)
		return ci_fail(err, "invalid connection option \"%s\"", keyword);
	if (!value)
		return 0;
	if (strcmp(keyword, "password") == 0) {
		/* never kept: nothing downstream can leak or send it */
		ci_add_warning(ci, CI_PASSWORD_WARNING);
		return 0;
	}
	if (ci->values[i].source > source)
		return 0;
	ci_store(ci, i, value, source);
	return 0;
}

const char *conninfo_get(const struct conninfo *ci, const char *keyword)
{
	int i = ci_keyword_index(keyword);

	return i < 0 ? NULL : ci->values[i].value;
}

enum ci_source conninfo_source(const struct conninfo *ci, const char *keyword)
{
	int i = ci_keyword_index(keyword);

	return i < 0 ? CI_SRC_NONE : ci->values[i].source;
}

/* fe-connect.c: parse_connection_string / recognized_connection_string.
 * The target is parsed into a scratch conninfo first, so a bad target
 * leaves ci untouched, as a failed PQconninfoParse does. */
int conninfo_parse_target(struct conninfo *ci, const char *target, char **err)
{
	struct conninfo tmp;
	int rc;

	if (!target || !*target)
		return 0;
	conninfo_init(&tmp);
	rc = ci_parse(&tmp, target, err);
	if (rc == 0) {
		for (int i = 0; i < ci_nkeywords; i++)
			if (tmp.values[i].value &&
			    ci->values[i].source <= CI_SRC_TARGET)
				ci_store(ci, i, tmp.values[i].value,
				      CI_SRC_TARGET);
		for (int i = 0; i < tmp.nwarnings; i++)
			ci_add_warning(ci, tmp.warnings[i]);
	}
	conninfo_free(&tmp);
	return rc;
}

/* ---- defaults and checks ---------------------------------------------- */

/* fe-connect.c: conninfo_add_defaults, without the service file. A value
 * set from any source, even "", keeps the environment out, as in libpq. */
static void add_defaults(struct conninfo *ci)
{
	bool sslmode_compiled = false;
	int i;

	for (i = 0; i < ci_nkeywords; i++) {
		const struct ci_keyword *k = &ci_keywords[i];
		const char *env;

		if (ci->values[i].source != CI_SRC_NONE)
			continue;
		/* PGPASSWORD is not read: the tool sends no password */
		if (k->envvar && strcmp(k->keyword, "password") != 0) {
			env = getenv(k->envvar);
			if (env) {
				ci_store(ci, i, env, CI_SRC_ENV);
				continue;
			}
		}
		if (strcmp(k->keyword, "sslmode") == 0) {
			/* deprecated PGREQUIRESSL: "1..." means require;
			 * PGSSLMODE wins, checked just above */
			env = getenv("PGREQUIRESSL");
			if (env && env[0] == '1') {
				ci_store(ci, i, "require", CI_SRC_ENV);
				continue;
			}
			sslmode_compiled = true;
		}
		if (k->compiled)
			ci_store(ci, i, k->compiled, CI_SRC_DEFAULT);
	}

	/* libpq 16+: sslrootcert=system with sslmode from no source makes
	 * the default verify-full (commit 8eda731465) */
	i = ci_keyword_index("sslrootcert");
	if (sslmode_compiled && ci->values[i].value &&
	    strcmp(ci->values[i].value, "system") == 0)
		ci_store(ci, ci_keyword_index("sslmode"), "verify-full",
		      CI_SRC_DEFAULT);
}

/* fe-auth.c: pg_fe_getauthname */
static char *login_name(char **err)
{
	uid_t uid = geteuid();
	struct passwd *pw;

	errno = 0;
	pw = getpwuid(uid);
	if (!pw) {
		if (errno)
			ci_fail(err, "could not look up local user ID %d: %s",
			     (int)uid, strerror(errno));
		else
			ci_fail(err, "local user with ID %d does not exist",
			     (int)uid);
		return NULL;
	}
	return xstrdup(pw->pw_name);
}

/* fe-connect.c: pqGetHomeDirectory: $HOME, else the passwd entry */
static char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return xstrdup(home);
	pw = getpwuid(geteuid());
	if (pw && pw->pw_dir && *pw->pw_dir)
		return xstrdup(pw->pw_dir);
	return NULL;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0;
}

/* fe-connect.c: count_comma_separated_elems */
static int count_elems(const char *s)
{
	int n = 1;

	for (; *s; s++)
		if (*s == ',')
			n++;
	return n;
}

/* Split a comma list into exactly n heap strings (the caller counted). */
static void split_list(const char *s, char **out, int n)
{
	for (int i = 0; i < n; i++) {
		const char *e = strchr(s, ',');

		if (!e)
			e = s + strlen(s);
		out[i] = xstrndup(s, (size_t)(e - s));
		s = *e ? e + 1 : e;
	}
}

/* fe-connect.c: connectOptions2 (pqConnectOptions2 in 17+), then the
 * port check of PQconnectPoll and the connect_timeout rule of
 * pqConnectDBComplete, then the file names of fe-secure-openssl.c:
 * initialize_SSL. */
static int fill_target(struct conninfo *ci, struct conn_target *t, char **err)
{
	const char *host = conninfo_get(ci, "host");
	const char *hostaddr = conninfo_get(ci, "hostaddr");
	const char *port = conninfo_get(ci, "port");
	const char *v, *crldir;
	char **portstr = NULL;
	char *home = NULL;
	int n, i, rc = -1;
	bool defaulted_host = false;

	/* one slot per hostaddr entry, else per host entry, else one */
	if (hostaddr && *hostaddr)
		n = count_elems(hostaddr);
	else if (host && *host)
		n = count_elems(host);
	else
		n = 1;
	t->nhosts = n;
	t->hosts = xcalloc((size_t)n + 1, sizeof(char *));
	t->hostaddrs = xcalloc((size_t)n + 1, sizeof(char *));
	t->ports = xcalloc((size_t)n, sizeof(int));
	portstr = xcalloc((size_t)n, sizeof(char *));

	if (hostaddr && *hostaddr)
		split_list(hostaddr, t->hostaddrs, n);
	else
		for (i = 0; i < n; i++)
			t->hostaddrs[i] = xstrdup("");
	if (host && *host) {
		if (ci_check_host_count(count_elems(host), n, err))
			goto out;
		split_list(host, t->hosts, n);
	} else {
		for (i = 0; i < n; i++)
			t->hosts[i] = xstrdup("");
	}

	for (i = 0; i < n; i++) {
		if (t->hostaddrs[i][0])
			continue; /* CHT_HOST_ADDRESS: host is only a name */
		if (t->hosts[i][0]) {
			if (ci_check_tcp_host(t->hosts[i], err))
				goto out;
			continue;
		}
		/* libpq would use its default Unix-socket directory here */
		free(t->hosts[i]);
		t->hosts[i] = xstrdup(DEFAULT_HOST);
		defaulted_host = true;
	}
	if (defaulted_host)
		ci_add_warning(ci,
			    "no host given: libpq would use a Unix-domain socket; "
			    "pgtls-inspect only does TCP and uses \"localhost\"");

	if (port && *port) {
		int m = count_elems(port);

		if (ci_check_port_count(m, n, err))
			goto out;
		if (m == 1)
			for (i = 0; i < n; i++)
				portstr[i] = xstrdup(port);
		else
			split_list(port, portstr, n);
	}

	/* user: "" counts as unset; then the login name */
	v = conninfo_get(ci, "user");
	if (v && *v) {
		t->user = xstrdup(v);
	} else {
		t->user = login_name(err);
		if (!t->user)
			goto out;
		if (!v)
			ci_store(ci, ci_keyword_index("user"), t->user,
			      CI_SRC_DEFAULT);
	}
	v = conninfo_get(ci, "dbname");
	if (v && *v) {
		t->dbname = xstrdup(v);
	} else {
		t->dbname = xstrdup(t->user);
		if (!v)
			ci_store(ci, ci_keyword_index("dbname"), t->dbname,
			      CI_SRC_DEFAULT);
	}

	if (ci_check_values(ci, err) || ci_check_ports(t, portstr, err) ||
	    ci_check_timeout(ci, t, err))
		goto out;

	/* slot 0 is the one probed */
	t->host = t->hosts[0][0] ? xstrdup(t->hosts[0]) : NULL;
	t->hostaddr = t->hostaddrs[0][0] ? xstrdup(t->hostaddrs[0]) : NULL;
	t->connect_to = xstrdup(t->hostaddr ? t->hostaddr : t->host);
	if (t->hostaddr && ci_check_hostaddr(t->hostaddr, err))
		goto out;
	t->port = t->ports[0];

	t->sslmode = xstrdup(conninfo_get(ci, "sslmode"));
	t->sslmode_source = conninfo_source(ci, "sslmode");
	t->sslnegotiation = xstrdup(conninfo_get(ci, "sslnegotiation"));
	t->sslcertmode = xstrdup(conninfo_get(ci, "sslcertmode"));
	t->channel_binding = xstrdup(conninfo_get(ci, "channel_binding"));
	t->gssencmode = xstrdup(conninfo_get(ci, "gssencmode"));
	v = conninfo_get(ci, "ssl_min_protocol_version");
	t->ssl_min_protocol_version = v && *v ? xstrdup(v) : NULL;
	v = conninfo_get(ci, "ssl_max_protocol_version");
	t->ssl_max_protocol_version = v && *v ? xstrdup(v) : NULL;
	v = conninfo_get(ci, "application_name");
	t->application_name = v ? xstrdup(v) : NULL;

	/* fe-secure-openssl.c: initialize_SSL. sslsni is on only when its
	 * first character is '1'; the name sent is host, never hostaddr. */
	v = conninfo_get(ci, "sslsni");
	t->sslsni = v && v[0] == '1';
	t->sni = t->sslsni && ci_sni_host_ok(t->host) ? xstrdup(t->host) : NULL;

	home = home_dir();
	v = conninfo_get(ci, "sslrootcert");
	if (v && *v) {
		t->sslrootcert = xstrdup(v);
		if (strcmp(v, "system") == 0)
			t->rootcert_source = ROOTCERT_SYSTEM;
		else if (conninfo_source(ci, "sslrootcert") == CI_SRC_ENV)
			t->rootcert_source = ROOTCERT_ENV;
		else
			t->rootcert_source = ROOTCERT_PARAM;
	} else if (home) {
		t->sslrootcert = xasprintf("%s/%s", home, ROOT_CERT_FILE);
		t->rootcert_source = ROOTCERT_DEFAULT;
	} else {
		t->rootcert_source = ROOTCERT_NONE;
	}
	/* for "system" this stats a file named "system", which is what
	 * libpq 15 loads; 16+ use the system store instead */
	t->rootcert_exists = path_exists(t->sslrootcert);

	v = conninfo_get(ci, "sslcert");
	if (v && *v)
		t->sslcert = xstrdup(v);
	else if (home)
		t->sslcert = xasprintf("%s/%s", home, USER_CERT_FILE);
	t->sslcert_exists = path_exists(t->sslcert);
	v = conninfo_get(ci, "sslkey");
	if (v && *v)
		t->sslkey = xstrdup(v);
	else if (home)
		t->sslkey = xasprintf("%s/%s", home, USER_KEY_FILE);
	/* the default CRL is used only when neither sslcrl nor sslcrldir */
	v = conninfo_get(ci, "sslcrl");
	crldir = conninfo_get(ci, "sslcrldir");
	if (v && *v)
		t->sslcrl = xstrdup(v);
	else if (home && !(crldir && *crldir))
		t->sslcrl = xasprintf("%s/%s", home, ROOT_CRL_FILE);
	t->sslcrldir = crldir && *crldir ? xstrdup(crldir) : NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(portstr[i]);
	free(portstr);
	free(home);
	return rc;
}

int conninfo_resolve(struct conninfo *ci, struct conn_target *t, char **err)
{
	const char *service;

	memset(t, 0, sizeof(*t));
	add_defaults(ci);
	service = conninfo_get(ci, "service");
	if (service && *service) {
		char *w = xasprintf("service \"%s\": pg_service.conf is not read, "
				    "so its parameters are not applied",
				    service);

		ci_add_warning(ci, w);
		free(w);
	}
	if (fill_target(ci, t, err)) {
		conninfo_target_free(t);
		return -1;
	}
	/* the keywords written in the target or given as options: a libpq
	 * release that does not know one refuses the whole connection string */
	for (int i = 0; conninfo_keyword(i); i++) {
		enum ci_source src = conninfo_source(ci, conninfo_keyword(i));
		if (src == CI_SRC_TARGET || src == CI_SRC_OPTION)
			strlist_add(&t->explicit_keywords, &t->nexplicit,
				    conninfo_keyword(i));
	}
	return 0;
}

void conninfo_target_free(struct conn_target *t)
{
	free(t->host);
	free(t->hostaddr);
	free(t->connect_to);
	strlist_free(t->hosts);
	strlist_free(t->hostaddrs);
	free(t->ports);
	free(t->user);
	free(t->dbname);
	free(t->sslmode);
	free(t->sslnegotiation);
	free(t->sslrootcert);
	free(t->sslcert);
	free(t->sslkey);
	free(t->sslcrl);
	free(t->sslcrldir);
	free(t->sni);
	free(t->ssl_min_protocol_version);
	free(t->ssl_max_protocol_version);
	free(t->application_name);
	free(t->sslcertmode);
	free(t->channel_binding);
	free(t->gssencmode);
	strlist_free(t->explicit_keywords);
	memset(t, 0, sizeof(*t));
}

/* ---- listing ---------------------------------------------------------- */

const char *conninfo_keyword(int i)
{
	return i >= 0 && i < ci_nkeywords ? ci_keywords[i].keyword : NULL;
}

const char *conninfo_envvar(const char *keyword)
{
	int i = ci_keyword_index(keyword);

	return i < 0 ? NULL : ci_keywords[i].envvar;
}

int conninfo_keyword_since(const char *keyword)
{
	int i = ci_keyword_index(keyword);

	return i < 0 ? 0 : ci_keywords[i].since;
}

bool conninfo_keyword_secret(const char *keyword)
{
	int i = ci_keyword_index(keyword);

	return i >= 0 && ci_keywords[i].secret;
}

const char *ci_source_name(enum ci_source s)
{
	switch (s) {
	case CI_SRC_NONE:
		return "unset";
	case CI_SRC_DEFAULT:
		return "default";
	case CI_SRC_ENV:
		return "environment";
	case CI_SRC_TARGET:
		return "target";
	case CI_SRC_OPTION:
		return "option";
	}
	return "unknown";
}

const char *rootcert_source_name(enum rootcert_source s)
{
	switch (s) {
	case ROOTCERT_NONE:
		return "none";
	case ROOTCERT_PARAM:
		return "param";
	case ROOTCERT_ENV:
		return "env";
	case ROOTCERT_DEFAULT:
		return "default";
	case ROOTCERT_SYSTEM:
		return "system";
	}
	return "unknown";
}

/* A what-if on a replayed inspection: the verdicts are drawn again from
 * the recorded facts with this option changed, without reconnecting (the
 * chain is re-verified against another root file, the name checked against
 * another host, other client key files checked). */
bool conninfo_target_what_if(struct conn_target *t, const char *keyword, const char *value)
{
	struct stat st;
	if (strcmp(keyword, "host") && strcmp(keyword, "sslmode") &&
	    strcmp(keyword, "sslrootcert") && strcmp(keyword, "sslcert") &&
	    strcmp(keyword, "sslkey"))
		return false;
	char **slot = !strcmp(keyword, "host")	      ? &t->host :
		      !strcmp(keyword, "sslmode")     ? &t->sslmode :
		      !strcmp(keyword, "sslrootcert") ? &t->sslrootcert :
		      !strcmp(keyword, "sslcert")     ? &t->sslcert :
							&t->sslkey;
	free(*slot);
	*slot = xstrdup(value);
	if (!strcmp(keyword, "sslrootcert")) {
		t->rootcert_source = !strcmp(value, "system") ? ROOTCERT_SYSTEM :
								ROOTCERT_PARAM;
		t->rootcert_exists = stat(value, &st) == 0;
	} else if (!strcmp(keyword, "sslcert")) {
		t->sslcert_exists = stat(value, &st) == 0;
	} else if (!strcmp(keyword, "sslmode")) {
		t->sslmode_source = CI_SRC_OPTION;
	}
	return true;
}

