/* SPDX-License-Identifier: MIT */
/* conninfo_resolve: turns a parsed conninfo into the conn_target libpq
 * would use. It fills what no source set from the PG* environment and
 * libpq's compiled-in defaults (conninfo_add_defaults), then walks
 * connectOptions2 in libpq's order: the per-host slots, the user and
 * dbname defaults, the checks (conninfo_check.c, called from here so the
 * first fault reported is libpq's), the probed slot, and last the files
 * initialize_SSL would read from the home directory, with where the root
 * certificate comes from; on the way, where each host slot's password
 * comes from (conninfo_passfile.c reads the password file). It reads the
 * environment, the passwd entry and stat() of those paths; it parses no
 * strings (conninfo_parse.c), opens no socket and never prints. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/strlist.h"
#include "util/oserror.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pwd.h>
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
/* fe-connect.c: PGPASSFILE (not Windows), in the home directory */
#define PGPASSFILE ".pgpass"
/* pg_config_manual.h: MAXPGPATH, the buffer libpq builds that path in */
#define MAXPGPATH 1024

/* ---- defaults ------------------------------------------------------- */

/* fe-connect.c: conninfo_add_defaults, after the service file. A value
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
		/* PGPASSWORD too: kept as a secret, never shown; a
		 * release reads only the variables of its own keywords */
		if (k->envvar &&
		    !(ci->libpq_version && k->since > ci->libpq_version)) {
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

/* The passwd entry of the effective user, as libpq reads it
 * (getpwuid_r, never getpwuid's shared buffer: sessions resolve targets
 * from several threads). 0, or the errno value (ENOENT: no such user).
 * *buf holds the strings and is freed by the caller. */
static int own_passwd(struct passwd *pw, char **buf)
{
	long size = sysconf(_SC_GETPW_R_SIZE_MAX);
	struct passwd *found = NULL;
	int rc;
	size_t len = size > 0 ? (size_t)size : 1024;
	for (;;) {
		*buf = xmalloc(len);
		rc = getpwuid_r(geteuid(), pw, *buf, len, &found);
		if (rc != ERANGE || len >= (1u << 20))
			break;
		free(*buf);
		len *= 2;
	}
	/* getpwuid_r opens the passwd database (nsswitch): a full
	 * descriptor table is noted, never taken for a missing user */
	return rc ? os_note_fd_error(rc) : found ? 0 : ENOENT;
}

/* fe-auth.c: pg_fe_getauthname */
static char *login_name(char **err)
{
	struct passwd pw;
	char *buf = NULL, *name = NULL;
	int rc = own_passwd(&pw, &buf);
	if (rc == ENOENT)
		ci_fail(err, "local user with ID %d does not exist", (int)geteuid());
	else if (rc)
		ci_fail(err, "could not look up local user ID %d: %s", (int)geteuid(),
			OS_ERROR(rc));
	else
		name = xstrdup(pw.pw_name);
	free(buf);
	return name;
}

/* fe-connect.c: pqGetHomeDirectory: $HOME, else the passwd entry */
static char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd pw;
	char *buf = NULL, *dir = NULL;

	if (home && *home)
		return xstrdup(home);
	if (own_passwd(&pw, &buf) == 0 && pw.pw_dir && *pw.pw_dir)
		dir = xstrdup(pw.pw_dir);
	free(buf);
	return dir;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0;
}

/* ---- the per-host slots --------------------------------------------- */

/* fe-connect.c: count_comma_separated_elems */
static int count_elems(const char *s)
{
	int n = 1;

	for (; *s; s++)
		if (*s == ',')
			n++;
	return n;
}

/* Split a comma list into exactly n heap strings (the caller counted); an
 * unset or empty list gives n empty strings. */
static void split_list(const char *s, char **out, int n)
{
	if (!s || !*s) {
		for (int i = 0; i < n; i++)
			out[i] = xstrdup("");
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *e = strchr(s, ',');

		if (!e)
			e = s + strlen(s);
		out[i] = xstrndup(s, (size_t)(e - s));
		s = *e ? e + 1 : e;
	}
}

/* connectOptions2: a slot with a hostaddr is CHT_HOST_ADDRESS and its host
 * only a name; one with neither would get DEFAULT_PGSOCKET_DIR, for which
 * the tool, doing TCP only, takes "localhost" and says so. */
static int default_hosts(struct conninfo *ci, struct conn_target *t,
			 char **err)
{
	bool defaulted = false;

	for (int i = 0; i < t->nhosts; i++) {
		if (t->hostaddrs[i][0])
			continue;
		if (t->hosts[i][0]) {
			if (ci_check_tcp_host(t->hosts[i], err)) {
				ci->own_error = true;
				return -1;
			}
			continue;
		}
		free(t->hosts[i]);
		t->hosts[i] = xstrdup(DEFAULT_HOST);
		defaulted = true;
	}
	if (defaulted)
		ci_add_warning(ci,
			       "no host given: libpq would use a Unix-domain socket; "
			       "pgtls-inspect only does TCP and uses \"localhost\"");
	return 0;
}

/* connectOptions2: one slot per hostaddr entry, else per host entry, else
 * one; with both lists given they must be as long. */
static int fill_slots(struct conninfo *ci, struct conn_target *t,
		      char **err)
{
	const char *host = conninfo_get(ci, "host");
	const char *hostaddr = conninfo_get(ci, "hostaddr");
	int n;

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
	split_list(hostaddr, t->hostaddrs, n);
	if (host && *host && ci_check_host_count(count_elems(host), n, err))
		return -1;
	split_list(host, t->hosts, n);
	return default_hosts(ci, t, err);
}

/* connectOptions2: the port list, one for all hosts or one per host, as
 * strings: PQconnectPoll reads each later (ci_check_ports), after the
 * other checks. A NULL-terminated list of t->nhosts strings, "" for none. */
static int split_ports(const struct conninfo *ci, int n, char ***portstr,
		       char **err)
{
	const char *port = conninfo_get(ci, "port");
	int m;

	*portstr = xcalloc((size_t)n + 1, sizeof(char *));
	if (!port || !*port) {
		split_list(port, *portstr, n);
		return 0;
	}
	m = count_elems(port);
	if (ci_check_port_count(m, n, err))
		return -1;
	if (m == 1)
		for (int i = 0; i < n; i++)
			(*portstr)[i] = xstrdup(port);
	else
		split_list(port, *portstr, n);
	return 0;
}

/* connectOptions2: an unset or empty user is pg_fe_getauthname's login
 * name, and dbname defaults to the user. Only an unset one is recorded as
 * libpq's default, so a "" keeps showing where it came from. */
static int fill_user_dbname(struct conninfo *ci, struct conn_target *t,
			    char **err)
{
	const char *v = conninfo_get(ci, "user");

	if (v && *v) {
		t->user = xstrdup(v);
	} else {
		t->user = login_name(err);
		if (!t->user)
			return -1;
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
	return 0;
}

/* connectOptions2: a password keyword set and not empty serves every
 * slot and no file is read; else each slot looks in the password file
 * (passfile, from the keyword or PGPASSFILE, else ~/.pgpass in
 * pqGetHomeDirectory's home) by its host (else its hostaddr), its port
 * string, dbname and user, as passwordFromFile. libpq writes the file's
 * WARNING to stderr; here it is a warning of the target. */
static void fill_passwords(struct conninfo *ci, struct conn_target *t,
			   char *const *portstr, const char *home)
{
	const char *pw = conninfo_get(ci, "password");
	const char *file = conninfo_get(ci, "passfile");

	ci_clear_slot_passwords(ci);
	t->password_sources = xcalloc((size_t)t->nhosts, sizeof(int));
	if (pw && *pw) {
		for (int i = 0; i < t->nhosts; i++)
			t->password_sources[i] = PW_KEYWORD;
		t->password_keyword_source = conninfo_source(ci, "password");
		return;
	}
	if (file && *file) {
		t->passfile = xstrdup(file);
		t->passfile_source = conninfo_source(ci, "passfile");
	} else if (home) {
		t->passfile = xasprintf("%s/%s", home, PGPASSFILE);
		/* snprintf into MAXPGPATH bytes cuts a longer path */
		if (strlen(t->passfile) >= MAXPGPATH)
			t->passfile[MAXPGPATH - 1] = '\0';
		t->passfile_source = CI_SRC_DEFAULT;
	}
	if (!t->passfile)
		return; /* every slot PW_NONE */
	ci->slot_passwords = xcalloc((size_t)t->nhosts, sizeof(char *));
	ci->nslot_passwords = t->nhosts;
	for (int i = 0; i < t->nhosts; i++) {
		const char *host = t->hosts[i][0] ? t->hosts[i] : t->hostaddrs[i];
		char *warning = NULL, *found;
		bool gave_up;

		found = ci_passfile_lookup(t->passfile, host, portstr[i], t->dbname,
					   t->user, &warning, &gave_up);
		if (warning)
			ci_add_warning(ci, warning);
		free(warning);
		/* an empty password found is none (pg_fe_sendauth) */
		if (found && *found) {
			ci->slot_passwords[i] = found;
			t->password_sources[i] = PW_PASSFILE;
		} else {
			ci_wipe_free(found);
			t->password_sources[i] = gave_up ? PW_UNKNOWN : PW_NONE;
		}
	}
}

int conninfo_password_source(const struct conn_target *t, int slot)
{
	if (!t->password_sources || slot < 0 || slot >= t->nhosts)
		return PW_UNKNOWN;
	return t->password_sources[slot];
}

const char *conninfo_password_source_name(const struct conn_target *t)
{
	switch (conninfo_password_source(t, 0)) {
	case PW_NONE:
		return "none";
	case PW_KEYWORD:
		return t->password_keyword_source == CI_SRC_ENV ? "PGPASSWORD" :
								  "password";
	case PW_PASSFILE:
		return "passfile";
	}
	return NULL;
}

/* fe-auth.c: pg_fe_sendauth's choice: the slot's password from the file,
 * else the password keyword; an empty one is none. */
char *conninfo_password(const struct conninfo *ci, const struct conn_target *t,
			int slot)
{
	const char *v = NULL;

	switch (conninfo_password_source(t, slot)) {
	case PW_KEYWORD:
		v = conninfo_get(ci, "password");
		break;
	case PW_PASSFILE:
		if (slot < ci->nslot_passwords)
			v = ci->slot_passwords[slot];
		break;
	}
	return v && *v ? xstrdup(v) : NULL;
}

/* The slot probed is the first, where PQconnectPoll starts (libpq 16+
 * shuffles the slots first with load_balance_hosts=random; the tool does
 * not): hostaddr when given, a numeric address as connectDBStart checks
 * it, else host. */
static int fill_first_slot(struct conn_target *t, char **err)
{
	t->host = t->hosts[0][0] ? xstrdup(t->hosts[0]) : NULL;
	t->hostaddr = t->hostaddrs[0][0] ? xstrdup(t->hostaddrs[0]) : NULL;
	t->connect_to = xstrdup(t->hostaddr ? t->hostaddr : t->host);
	if (t->hostaddr && ci_check_hostaddr(t->hostaddr, err))
		return -1;
	t->port = t->ports[0];
	return 0;
}

/* ---- TLS settings and files ----------------------------------------- */

static char *dup_nonempty(const char *v)
{
	return v && *v ? xstrdup(v) : NULL;
}

/* The checked TLS settings, copied; fe-secure-openssl.c: initialize_SSL
 * turns SNI on only when sslsni starts with '1', and the name sent is
 * host, never hostaddr. */
static void fill_tls_settings(const struct conninfo *ci, struct conn_target *t)
{
	const char *v;

	t->sslmode = xstrdup(conninfo_get(ci, "sslmode"));
	t->sslmode_source = conninfo_source(ci, "sslmode");
	t->sslnegotiation = xstrdup(conninfo_get(ci, "sslnegotiation"));
	t->sslcertmode = xstrdup(conninfo_get(ci, "sslcertmode"));
	t->channel_binding = xstrdup(conninfo_get(ci, "channel_binding"));
	v = conninfo_get(ci, "require_auth");
	t->require_auth = v && *v ? xstrdup(v) : NULL;
	v = conninfo_get(ci, "target_session_attrs");
	t->target_session_attrs = xstrdup(v && *v ? v : "any");
	v = conninfo_get(ci, "load_balance_hosts");
	t->load_balance_hosts = v && *v ? xstrdup(v) : NULL;
	t->gssencmode = xstrdup(conninfo_get(ci, "gssencmode"));
	t->ssl_min_protocol_version =
		dup_nonempty(conninfo_get(ci, "ssl_min_protocol_version"));
	t->ssl_max_protocol_version =
		dup_nonempty(conninfo_get(ci, "ssl_max_protocol_version"));
	v = conninfo_get(ci, "application_name");
	t->application_name = v ? xstrdup(v) : NULL;
	t->sslkeylogfile = dup_nonempty(conninfo_get(ci, "sslkeylogfile"));

	v = conninfo_get(ci, "sslsni");
	t->sslsni = v && v[0] == '1';
	t->sni = t->sslsni && ci_sni_host_ok(t->host) ? xstrdup(t->host) : NULL;
}

/* fe-secure-openssl.c: initialize_SSL's file names: the parameter when it
 * is set and not empty, else the file under the home directory (none
 * without a home). */
static char *param_or_home(const char *v, const char *home, const char *file)
{
	if (v && *v)
		return xstrdup(v);
	if (home)
		return xasprintf("%s/%s", home, file);
	return NULL;
}

/* initialize_SSL: the root certificate file, and which source named it */
static void fill_rootcert(const struct conninfo *ci, struct conn_target *t,
			  const char *home)
{
	const char *v = conninfo_get(ci, "sslrootcert");

	t->sslrootcert = param_or_home(v, home, ROOT_CERT_FILE);
	if (!t->sslrootcert)
		t->rootcert_source = ROOTCERT_NONE;
	else if (!v || !*v)
		t->rootcert_source = ROOTCERT_DEFAULT;
	else if (strcmp(v, "system") == 0)
		t->rootcert_source = ROOTCERT_SYSTEM;
	else if (conninfo_source(ci, "sslrootcert") == CI_SRC_ENV)
		t->rootcert_source = ROOTCERT_ENV;
	else
		t->rootcert_source = ROOTCERT_PARAM;
	/* for "system" this stats a file named "system", which is what
	 * libpq 15 loads; 16+ use the system store instead */
	t->rootcert_exists = path_exists(t->sslrootcert);
}

/* initialize_SSL: the client certificate, its key and the CRL; the
 * default CRL file is used only when neither sslcrl nor sslcrldir is. */
static void fill_client_files(const struct conninfo *ci,
			      struct conn_target *t, const char *home)
{
	const char *crldir = conninfo_get(ci, "sslcrldir");
	const char *crl = conninfo_get(ci, "sslcrl");

	t->sslcert = param_or_home(conninfo_get(ci, "sslcert"), home,
				   USER_CERT_FILE);
	t->sslcert_exists = path_exists(t->sslcert);
	t->sslkey = param_or_home(conninfo_get(ci, "sslkey"), home,
				  USER_KEY_FILE);
	t->sslpassword = dup_nonempty(conninfo_get(ci, "sslpassword"));
	t->sslcrl = param_or_home(crl, crldir && *crldir ? NULL : home,
				  ROOT_CRL_FILE);
	t->sslcrl_default = t->sslcrl && !(crl && *crl);
	t->sslcrldir = dup_nonempty(crldir);
}

/* Is there a Kerberos credential cache libpq's pg_GSS_have_cred_cache
 * could use? KRB5CCNAME, else the default FILE cache of this user. A fact
 * of the inspecting machine, recorded with the target so that a replay
 * elsewhere judges the same. */
static int have_gss_ticket(void)
{
	const char *cc = getenv("KRB5CCNAME");
	struct stat st;
	if (cc && *cc) {
		if (!strncmp(cc, "FILE:", 5))
			return stat(cc + 5, &st) == 0;
		return 1; /* KEYRING:, KCM:, ...: assume it may hold one */
	}
	char path[64];
	snprintf(path, sizeof(path), "/tmp/krb5cc_%u", (unsigned)getuid());
	return stat(path, &st) == 0;
}

/* fe-connect.c: connectOptions2 (pqConnectOptions2 in 17+) in libpq's
 * order, the password file included, with the port check of
 * PQconnectPoll and the connect_timeout rule of pqConnectDBComplete, then
 * the file names of initialize_SSL. The order decides which fault a target
 * with several is told about. */
static int fill_target(struct conninfo *ci, struct conn_target *t, char **err)
{
	char **portstr = NULL;
	char *home = NULL;
	int rc = -1;

	if (fill_slots(ci, t, err) ||
	    split_ports(ci, t->nhosts, &portstr, err) ||
	    fill_user_dbname(ci, t, err))
		goto out;
	home = home_dir();
	fill_passwords(ci, t, portstr, home);
	if (ci_check_values(ci, err) || ci_check_ports(t, portstr, err) ||
	    ci_check_timeout(ci, t, err) || fill_first_slot(t, err))
		goto out;
	fill_tls_settings(ci, t);
	fill_rootcert(ci, t, home);
	fill_client_files(ci, t, home);
	t->gss_ticket = have_gss_ticket();
	rc = 0;
out:
	free(home);
	strlist_free(portstr);
	return rc;
}

/* Not libpq's: the keywords written in the target or given as options. A
 * libpq release that does not know one refuses the whole connection
 * string, so the reports name them. */
static void list_explicit(const struct conninfo *ci, struct conn_target *t)
{
	for (int i = 0; conninfo_keyword(i); i++) {
		enum ci_source src = conninfo_source(ci, conninfo_keyword(i));

		if (src == CI_SRC_TARGET || src == CI_SRC_OPTION)
			strlist_add(&t->explicit_keywords, &t->nexplicit,
				    conninfo_keyword(i));
	}
}

int conninfo_resolve(struct conninfo *ci, struct conn_target *t, char **err)
{
	memset(t, 0, sizeof(*t));
	/* conninfo_add_defaults: the service file first, before the
	 * environment and the compiled defaults */
	char *home = home_dir();
	int rc = ci_apply_service(ci, home, err);
	free(home);
	if (rc != 0)
		return -1;
	add_defaults(ci);
	if (fill_target(ci, t, err)) {
		conninfo_target_free(t);
		return -1;
	}
	list_explicit(ci, t);
	/* the service keyword, or PGSERVICE read by add_defaults */
	const char *service = conninfo_get(ci, "service");
	t->service = service ? xstrdup(service) : NULL;
	t->service_file = ci->service_file ? xstrdup(ci->service_file) : NULL;
	for (int i = 0; conninfo_keyword(i); i++) {
		enum ci_source src = conninfo_source(ci, conninfo_keyword(i));
		if (src == CI_SRC_NONE || !conninfo_get(ci, conninfo_keyword(i)))
			continue;
		int n = t->nsources;
		strlist_add(&t->source_keywords, &n, conninfo_keyword(i));
		strlist_add(&t->source_names, &t->nsources, ci_source_name(src));
	}
	return 0;
}

void conninfo_target_raw(const struct conninfo *ci, struct conn_target *t)
{
	const char *port = conninfo_get(ci, "port");

	memset(t, 0, sizeof(*t));
	t->host = dup_nonempty(conninfo_get(ci, "host"));
	t->hostaddr = dup_nonempty(conninfo_get(ci, "hostaddr"));
	t->user = dup_nonempty(conninfo_get(ci, "user"));
	t->dbname = dup_nonempty(conninfo_get(ci, "dbname"));
	t->sslmode = dup_nonempty(conninfo_get(ci, "sslmode"));
	t->sslmode_source = conninfo_source(ci, "sslmode");
	t->port = port ? atoi(port) : 0;
	t->gss_ticket = -1;
	list_explicit(ci, t);
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
	ci_wipe_free(t->sslpassword);
	free(t->sslcrl);
	free(t->sslcrldir);
	free(t->sni);
	free(t->ssl_min_protocol_version);
	free(t->ssl_max_protocol_version);
	free(t->application_name);
	free(t->sslkeylogfile);
	free(t->sslcertmode);
	free(t->channel_binding);
	free(t->require_auth);
	free(t->target_session_attrs);
	free(t->load_balance_hosts);
	free(t->gssencmode);
	strlist_free(t->explicit_keywords);
	free(t->service);
	free(t->service_file);
	strlist_free(t->source_keywords);
	strlist_free(t->source_names);
	free(t->passfile);
	free(t->password_sources);
	memset(t, 0, sizeof(*t));
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

/* initialize_SSL's CRL file and directory with one of them changed: an
 * empty value unsets it, as libpq reads an empty keyword; the default file
 * (~/.postgresql/root.crl) is read only while neither is set. */
static void crl_what_if(struct conn_target *t, const char *keyword,
			const char *value)
{
	bool dir_keyword = strcmp(keyword, "sslcrldir") == 0;
	bool given = t->sslcrl && !t->sslcrl_default;
	char *crl = dir_keyword ? (given ? xstrdup(t->sslcrl) : NULL) : dup_nonempty(value);
	char *dir = dup_nonempty(dir_keyword ? value : t->sslcrldir);
	bool deflt = !crl && !dir;
	char *home;

	if (deflt && t->sslcrl_default) {
		/* the default file the target had (a log's, on a replay) */
		crl = xstrdup(t->sslcrl);
	} else if (deflt) {
		home = home_dir();
		crl = param_or_home(NULL, home, ROOT_CRL_FILE);
		free(home);
	}
	free(t->sslcrl);
	free(t->sslcrldir);
	t->sslcrl = crl;
	t->sslcrldir = dir;
	t->sslcrl_default = deflt && crl;
}

void conninfo_target_set_crl(struct conn_target *t, const char *crl,
			     const char *crldir)
{
	size_t n = crl ? strlen(crl) : 0, m = strlen(ROOT_CRL_FILE);
	bool written = false;

	for (char **p = t->explicit_keywords; p && *p; p++)
		written |= strcmp(*p, "sslcrl") == 0;
	free(t->sslcrl);
	free(t->sslcrldir);
	t->sslcrl = dup_nonempty(crl);
	t->sslcrldir = dup_nonempty(crldir);
	t->sslcrl_default = t->sslcrl && !t->sslcrldir && !written && n > m &&
			    crl[n - m - 1] == '/' && strcmp(crl + n - m, ROOT_CRL_FILE) == 0;
}

/* A what-if on a replayed inspection: the verdicts are drawn again from
 * the recorded facts with this option changed, without reconnecting (the
 * chain is re-verified against another root file or other CRLs, the name
 * checked against another host, other client key files checked). */
bool conninfo_target_what_if(struct conn_target *t, const char *keyword,
			     const char *value)
{
	char **slot;

	if (strcmp(keyword, "sslcrl") == 0 || strcmp(keyword, "sslcrldir") == 0) {
		crl_what_if(t, keyword, value);
		return true;
	}
	if (strcmp(keyword, "host") == 0)
		slot = &t->host;
	else if (strcmp(keyword, "sslmode") == 0)
		slot = &t->sslmode;
	else if (strcmp(keyword, "sslrootcert") == 0)
		slot = &t->sslrootcert;
	else if (strcmp(keyword, "sslcert") == 0)
		slot = &t->sslcert;
	else if (strcmp(keyword, "sslkey") == 0)
		slot = &t->sslkey;
	else
		return false;
	free(*slot);
	*slot = xstrdup(value);
	if (slot == &t->sslrootcert) {
		t->rootcert_source = strcmp(value, "system") == 0 ?
					     ROOTCERT_SYSTEM :
					     ROOTCERT_PARAM;
		t->rootcert_exists = path_exists(value);
	} else if (slot == &t->sslcert) {
		t->sslcert_exists = path_exists(value);
	} else if (slot == &t->sslmode) {
		t->sslmode_source = CI_SRC_OPTION;
	} else if (slot == &t->host) {
		/* the SNI libpq would send to the other host (a replayed
		 * target knows sslsni only by the name it sent) */
		bool sni_on = t->sslsni || t->sni;
		free(t->sni);
		t->sni = sni_on && ci_sni_host_ok(value) ? xstrdup(value) : NULL;
	}
	return true;
}
