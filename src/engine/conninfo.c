/* SPDX-License-Identifier: MIT */
/* conninfo: owns libpq's keyword table and the values read against it:
 * storing them with the precedence of sources (option > target >
 * environment > default), getting them, listing the table, and the entry
 * point that reads a TARGET into a scratch conninfo and merges it only when
 * it parsed. How a string is read is conninfo_parse.c's, how values become a
 * conn_target conninfo_resolve.c's, the checks conninfo_check.c's; this
 * file touches no environment, no file and no socket, and never prints.
 *
 * Where a function mirrors libpq, its comment names the libpq function. The
 * code is our own; the error texts are libpq's (PG 15 wording) because users
 * compare them with what psql printed. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int ci_known(const struct conninfo *ci, const char *keyword)
{
	int i = ci_keyword_index(keyword);

	if (i >= 0 && ci->libpq_version && ci_keywords[i].since > ci->libpq_version)
		return -1;
	return i;
}

int ci_fail_own(struct conninfo *ci, char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = xvasprintf(fmt, ap);
	va_end(ap);
	ci->own_error = true;
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
	memset(ci, 0, sizeof(*ci));
	ci->values = xcalloc((size_t)ci_nkeywords, sizeof(struct ci_value));
	ci->warnings = xcalloc(1, sizeof(char *));
	ci->nwarnings = 0;
	ci->service_file = NULL;
	ci->slot_passwords = NULL;
	ci->nslot_passwords = 0;
}

void ci_clear_slot_passwords(struct conninfo *ci)
{
	for (int i = 0; i < ci->nslot_passwords; i++)
		ci_wipe_free(ci->slot_passwords[i]);
	free(ci->slot_passwords);
	ci->slot_passwords = NULL;
	ci->nslot_passwords = 0;
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
	free(ci->service_file);
	ci->service_file = NULL;
	ci_clear_slot_passwords(ci);
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
	i = ci_known(ci, keyword);
	if (i < 0)
		return ci_fail(err, "invalid connection option \"%s\"",
			       keyword);
	if (!value)
		return 0;
	/* kept as a secret (ci_store wipes it), never shown: the reports
	 * say only where libpq's password comes from */
	if (strcmp(keyword, "password") == 0 && *value &&
	    source > CI_SRC_ENV)
		ci_add_warning(ci, CI_PASSWORD_WARNING);
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
	tmp.libpq_version = ci->libpq_version;
	rc = ci_parse(&tmp, target, err);
	ci->own_error = tmp.own_error;
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

/* ---- listing ---------------------------------------------------------- */

/* The keywords the probes and verdicts do not follow, and why (libpq's
 * uses of each in fe-connect.c and fe-secure-openssl.c). */
static const struct {
	const char *keyword;
	enum ci_effect effect;
	const char *why;
} effects[] = {
	{ "client_encoding", CI_EFFECT_OTHER,
	  "sent in the StartupMessage; a value the server rejects ends the connection there" },
	{ "options", CI_EFFECT_OTHER,
	  "sent in the StartupMessage as settings; one the server rejects ends the connection there" },
	{ "application_name", CI_EFFECT_INERT, "a name the server shows; it decides nothing" },
	{ "fallback_application_name", CI_EFFECT_INERT, "a name the server shows; it decides nothing" },
	{ "keepalives", CI_EFFECT_INERT, "TCP keepalive settings of an open connection" },
	{ "keepalives_idle", CI_EFFECT_INERT, "TCP keepalive settings of an open connection" },
	{ "keepalives_interval", CI_EFFECT_INERT, "TCP keepalive settings of an open connection" },
	{ "keepalives_count", CI_EFFECT_INERT, "TCP keepalive settings of an open connection" },
	{ "tcp_user_timeout", CI_EFFECT_INERT, "a TCP timeout for unacknowledged data of an open connection" },
	{ "sslcompression", CI_EFFECT_INERT, "OpenSSL 3 has no TLS compression to turn on" },
	{ "requirepeer", CI_EFFECT_INERT, "checked on Unix-domain sockets only" },
	{ "min_protocol_version", CI_EFFECT_OTHER,
	  "libpq 18 refuses a server that cannot speak this protocol version; this tool speaks 3.0" },
	{ "max_protocol_version", CI_EFFECT_OTHER,
	  "the protocol version libpq 18 asks for; this tool asks for 3.0" },
	{ "krbsrvname", CI_EFFECT_OTHER, "GSSAPI only, which this tool does not negotiate" },
	{ "gsslib", CI_EFFECT_OTHER, "GSSAPI only, which this tool does not negotiate" },
	{ "gssdelegation", CI_EFFECT_OTHER, "GSSAPI only, which this tool does not negotiate" },
	{ "replication", CI_EFFECT_OTHER,
	  "a replication connection, which pg_hba.conf matches with its own lines" },
	{ "scram_client_key", CI_EFFECT_OTHER,
	  "SCRAM keys in place of a password (postgres_fdw and dblink pass them on)" },
	{ "scram_server_key", CI_EFFECT_OTHER,
	  "SCRAM keys in place of a password (postgres_fdw and dblink pass them on)" },
	{ "oauth_issuer", CI_EFFECT_OTHER, "OAuth (libpq 18), used when the server asks for OAUTHBEARER" },
	{ "oauth_client_id", CI_EFFECT_OTHER, "OAuth (libpq 18), used when the server asks for OAUTHBEARER" },
	{ "oauth_client_secret", CI_EFFECT_OTHER, "OAuth (libpq 18), used when the server asks for OAUTHBEARER" },
	{ "oauth_scope", CI_EFFECT_OTHER, "OAuth (libpq 18), used when the server asks for OAUTHBEARER" },
};

enum ci_effect conninfo_keyword_effect(const char *keyword, const char **why)
{
	*why = NULL;
	for (size_t i = 0; i < sizeof(effects) / sizeof(effects[0]); i++)
		if (!strcmp(keyword, effects[i].keyword)) {
			*why = effects[i].why;
			return effects[i].effect;
		}
	return CI_EFFECT_MODELLED;
}

const char *ci_effect_name(enum ci_effect e)
{
	return e == CI_EFFECT_INERT ? "inert" : e == CI_EFFECT_OTHER ? "not modelled" : "modelled";
}


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
	case CI_SRC_SERVICE:
		return "service";
	case CI_SRC_TARGET:
		return "target";
	case CI_SRC_OPTION:
		return "option";
	}
	return "unknown";
}
