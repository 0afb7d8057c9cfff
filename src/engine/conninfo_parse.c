/* SPDX-License-Identifier: MIT */
/* conninfo_parse: reads a TARGET string into a conninfo the way libpq's
 * conninfo_parse and conninfo_uri_parse_options read a connection string:
 * key=value pairs with their quoting, postgresql:// URIs with their
 * percent-decoding and query parameters, and the tool's own host, host:port
 * and [v6]:port shorthands. Every value goes through conninfo_set, so the
 * keyword table and the precedence of sources stay in conninfo.c; nothing
 * here reads the environment, fills defaults or checks values (those are
 * conninfo_resolve.c and conninfo_check.c). Error texts are libpq's. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- key=value strings ------------------------------------------------ */

static char *skip_space(char *cp)
{
	while (isspace((unsigned char)*cp))
		cp++;
	return cp;
}

/* fe-connect.c: conninfo_parse, a bare value: whitespace ends it, a
 * backslash escapes the next byte. Decoded in place from cp; returns where
 * the next pair may start. */
static char *kv_bare_value(char *cp)
{
	char *out = cp;

	while (*cp) {
		if (isspace((unsigned char)*cp)) {
			cp++;
			break;
		}
		if (*cp == '\\') {
			cp++;
			if (*cp)
				*out++ = *cp++;
		} else {
			*out++ = *cp++;
		}
	}
	*out = '\0';
	return cp;
}

/* fe-connect.c: conninfo_parse, a single-quoted value: a backslash escapes
 * the next byte. cp is the opening quote and the decoded value is written
 * from there; returns what follows the closing quote, or NULL when the
 * string ends first. */
static char *kv_quoted_value(char *cp)
{
	char *out = cp;

	cp++;
	for (;;) {
		if (!*cp)
			return NULL;
		if (*cp == '\\') {
			cp++;
			if (*cp)
				*out++ = *cp++;
			continue;
		}
		if (*cp == '\'') {
			*out = '\0';
			return cp + 1;
		}
		*out++ = *cp++;
	}
}

/* fe-connect.c: conninfo_parse. Whitespace separates pairs and may surround
 * '='; a value is bare or single-quoted. */
static int parse_keyvalue(struct conninfo *ci, const char *str, char **err)
{
	char *buf = xstrdup(str);
	char *cp = buf;
	int rc = 0;

	while (*cp) {
		char *name, *val;

		if (isspace((unsigned char)*cp)) {
			cp++;
			continue;
		}
		name = cp;
		while (*cp && *cp != '=' && !isspace((unsigned char)*cp))
			cp++;
		if (isspace((unsigned char)*cp)) {
			*cp++ = '\0';
			cp = skip_space(cp);
		}
		if (*cp != '=') {
			rc = ci_fail(err,
				     "missing \"=\" after \"%s\" in connection info string",
				     name);
			break;
		}
		*cp++ = '\0';
		val = cp = skip_space(cp);
		cp = *cp == '\'' ? kv_quoted_value(cp) : kv_bare_value(cp);
		if (!cp) {
			rc = ci_fail(err,
				     "unterminated quoted string in connection info string");
			break;
		}
		rc = conninfo_set(ci, name, val, CI_SRC_TARGET, err);
		if (rc)
			break;
	}
	ci_wipe_free(buf); /* it may have held a password */
	return rc;
}

/* ---- URIs ------------------------------------------------------------- */

/* fe-connect.c: uri_prefix_length (case-sensitive, as in libpq) */
static size_t uri_prefix_length(const char *s)
{
	static const char full[] = "postgresql://", shrt[] = "postgres://";

	if (strncmp(s, full, sizeof(full) - 1) == 0)
		return sizeof(full) - 1;
	if (strncmp(s, shrt, sizeof(shrt) - 1) == 0)
		return sizeof(shrt) - 1;
	return 0;
}

/* fe-connect.c: conninfo_uri_decode. `shown` is what an error quotes: the
 * raw text, or a mask for secrets (libpq would quote the password). */
static char *uri_decode(const char *str, const char *shown, char **err)
{
	struct strbuf sb = STRBUF_INIT;
	const char *q = str;

	while (*q) {
		int hi, lo;

		if (*q != '%') {
			sb_addc(&sb, *q++);
			continue;
		}
		hi = hex_digit(q[1]);
		lo = hi < 0 ? -1 : hex_digit(q[2]);
		if (hi < 0 || lo < 0) {
			ci_fail(err, "invalid percent-encoded token: \"%s\"",
				shown);
			goto bad;
		}
		if (hi == 0 && lo == 0) {
			ci_fail(err,
				"forbidden value %%00 in percent-encoded value: \"%s\"",
				shown);
			goto bad;
		}
		sb_addc(&sb, (char)(hi << 4 | lo));
		q += 3;
	}
	return sb_detach(&sb);
bad:
	if (sb.buf)
		memset(sb.buf, 0, sb.cap);
	sb_free(&sb);
	return NULL;
}

static int uri_store(struct conninfo *ci, const char *keyword,
		     const char *raw, char **err)
{
	char *v = uri_decode(raw, raw, err);
	int rc;

	if (!v)
		return -1;
	rc = conninfo_set(ci, keyword, v, CI_SRC_TARGET, err);
	free(v);
	return rc;
}

/* fe-connect.c: conninfo_uri_parse_params, one "key=value" cut off the
 * front of *params (up to '&'); *params moves past it. */
static int uri_param_next(char **params, char **value, char **err)
{
	char *keyword = *params, *p = keyword;

	*value = NULL;
	for (;;) {
		if (*p == '=') {
			if (*value)
				return ci_fail(err,
					       "extra key/value separator \"=\" in URI query parameter: \"%s\"",
					       keyword);
			*p++ = '\0';
			*value = p;
		} else if (*p == '&' || *p == '\0') {
			if (*p)
				*p++ = '\0';
			if (!*value)
				return ci_fail(err,
					       "missing key/value separator \"=\" in URI query parameter: \"%s\"",
					       keyword);
			break;
		} else {
			p++;
		}
	}
	*params = p;
	return 0;
}

/* fe-connect.c: conninfo_uri_parse_params, one parameter decoded and
 * stored. A keyword libpq does not know is an error here, with the URI
 * wording; ssl=true is JDBC's spelling, which libpq accepts. */
static int uri_param_store(struct conninfo *ci, const char *keyword,
			   const char *value, char **err)
{
	char *k, *v;
	const char *kk, *vv;
	int rc;

	k = uri_decode(keyword, keyword, err);
	if (!k)
		return -1;
	v = uri_decode(value, conninfo_keyword_secret(k) ? CI_HIDDEN : value,
		       err);
	if (!v) {
		free(k);
		return -1;
	}
	kk = k;
	vv = v;
	if (strcmp(k, "ssl") == 0 && strcmp(v, "true") == 0) {
		kk = "sslmode";
		vv = "require";
	}
	if (strcmp(kk, "requiressl") != 0 && ci_known(ci, kk) < 0)
		rc = ci_fail(err, "invalid URI query parameter: \"%s\"", kk);
	else
		rc = conninfo_set(ci, kk, vv, CI_SRC_TARGET, err);
	free(k);
	ci_wipe_free(v);
	return rc;
}

/* fe-connect.c: conninfo_uri_parse_params. `params` is modified. */
static int uri_parse_params(struct conninfo *ci, char *params, char **err)
{
	while (*params) {
		char *keyword = params, *value;

		if (uri_param_next(&params, &value, err) ||
		    uri_param_store(ci, keyword, value, err))
			return -1;
	}
	return 0;
}

/* A URI taken apart in place, as conninfo_uri_parse_options does: each
 * part is cut with a NUL where its separator was, and the separator is
 * kept in prevchar to decide what comes next. */
struct uri_parse {
	const char *uri; /* as given */
	char *buf;       /* a copy, cut up */
	char *shown;     /* the URI for messages, password masked */
	char *p;         /* where the next part starts */
	char prevchar;   /* the separator the last part ended at */
};

/* The password, decoded (a bad encoding is reported masked) and stored
 * as the secret it is; later messages quote the URI without it. */
static int uri_password(struct conninfo *ci, struct uri_parse *up,
			const char *password, const char *end, char **err)
{
	char *pw = uri_decode(password, CI_HIDDEN, err);
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (!pw)
		return -1;
	rc = conninfo_set(ci, "password", pw, CI_SRC_TARGET, err);
	ci_wipe_free(pw);
	sb_add(&sb, up->uri, (size_t)(password - up->buf));
	sb_adds(&sb, CI_HIDDEN);
	sb_adds(&sb, up->uri + (end - up->buf));
	ci_wipe_free(up->shown);
	up->shown = sb_detach(&sb);
	return rc;
}

/* conninfo_uri_parse_options: user[:password]@, if an '@' comes before
 * the first '/'. */
static int uri_userinfo(struct conninfo *ci, struct uri_parse *up,
			char **err)
{
	char *user = up->p, *p = up->p;
	char sep;

	while (*p && *p != '@' && *p != '/')
		p++;
	if (*p != '@')
		return 0;
	p = user;
	while (*p != ':' && *p != '@')
		p++;
	sep = *p;
	*p = '\0';
	if (*user && uri_store(ci, "user", user, err))
		return -1;
	if (sep == ':') {
		char *password = p + 1;

		while (*p != '@')
			p++;
		*p = '\0';
		if (*password && uri_password(ci, up, password, p, err))
			return -1;
	}
	up->p = p + 1;
	return 0;
}

/* conninfo_uri_parse_options: one host[:port] entry, an IPv6 address in
 * brackets, added to the host and port lists. */
static int uri_host_entry(struct uri_parse *up, struct strbuf *hosts,
			  struct strbuf *ports, char **err)
{
	char *p = up->p, *host;

	if (*p == '[') {
		host = ++p;
		while (*p && *p != ']')
			p++;
		if (!*p)
			return ci_fail(err,
				       "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"%s\"",
				       up->shown);
		if (p == host)
			return ci_fail(err,
				       "IPv6 host address may not be empty in URI: \"%s\"",
				       up->shown);
		*p++ = '\0';
		if (*p && *p != ':' && *p != '/' && *p != '?' && *p != ',')
			return ci_fail(err,
				       "unexpected character \"%c\" at position %d in URI (expected \":\" or \"/\"): \"%s\"",
				       *p, (int)(p - up->buf + 1), up->shown);
	} else {
		host = p;
		p += strcspn(p, ":/?,");
	}
	up->prevchar = *p;
	*p = '\0';
	sb_adds(hosts, host);
	if (up->prevchar == ':') {
		char *port = ++p;

		p += strcspn(p, "/?,");
		up->prevchar = *p;
		*p = '\0';
		sb_adds(ports, port);
	}
	up->p = p;
	return 0;
}

/* conninfo_uri_parse_options: host[:port] entries separated by commas,
 * stored as one host list and one port list. */
static int uri_hosts(struct conninfo *ci, struct uri_parse *up, char **err)
{
	struct strbuf hosts = STRBUF_INIT, ports = STRBUF_INIT;
	int rc;

	for (;;) {
		rc = uri_host_entry(up, &hosts, &ports, err);
		if (rc || up->prevchar != ',')
			break;
		up->p++;
		sb_addc(&hosts, ',');
		sb_addc(&ports, ',');
	}
	if (!rc && hosts.len)
		rc = uri_store(ci, "host", sb_str(&hosts), err);
	if (!rc && ports.len)
		rc = uri_store(ci, "port", sb_str(&ports), err);
	sb_free(&hosts);
	sb_free(&ports);
	return rc;
}

/* conninfo_uri_parse_options: /dbname, after the hosts and before '?'.
 * An empty dbname is left unset, so PGDATABASE still applies. */
static int uri_dbname(struct conninfo *ci, struct uri_parse *up, char **err)
{
	char *p = up->p, *dbname;

	if (!up->prevchar || up->prevchar == '?')
		return 0;
	dbname = ++p;
	while (*p && *p != '?')
		p++;
	up->prevchar = *p;
	*p = '\0';
	up->p = p;
	if (*dbname && uri_store(ci, "dbname", dbname, err))
		return -1;
	return 0;
}

/* fe-connect.c: conninfo_uri_parse_options.
 * postgresql://[user[:password]@][host][:port][,host2[:port2]...][/dbname]
 * [?k=v&...]; each part percent-decoded, [v6addr] for IPv6 hosts. */
static int parse_uri(struct conninfo *ci, const char *uri, size_t prefix_len,
		     char **err)
{
	struct uri_parse up = { .uri = uri };
	int rc;

	up.buf = xstrdup(uri);
	up.shown = xstrdup(uri);
	up.p = up.buf + prefix_len;
	rc = uri_userinfo(ci, &up, err);
	if (!rc)
		rc = uri_hosts(ci, &up, err);
	if (!rc)
		rc = uri_dbname(ci, &up, err);
	if (!rc && up.prevchar)
		rc = uri_parse_params(ci, up.p + 1, err);
	ci_wipe_free(up.buf);
	ci_wipe_free(up.shown);
	return rc;
}

/* ---- host, host:port, [v6], [v6]:port --------------------------------- */

/* A port as the tool's own host:port form takes it: 1 to 65535, digits. */
static bool valid_port(const char *s)
{
	long v = 0;

	if (!*s || strlen(s) > 5)
		return false;
	for (const char *q = s; *q; q++) {
		if (*q < '0' || *q > '9')
			return false;
		v = v * 10 + (*q - '0');
	}
	return v >= 1 && v <= 65535;
}

/* Not libpq's (to libpq such a string is a dbname): the tool's own host,
 * host:port, [v6] and [v6]:port; a bare v6 address has no port. */
static int parse_hostport(struct conninfo *ci, const char *s, char **err)
{
	const char *port = NULL;
	char *host;
	int rc = 0;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end)
			return ci_fail_own(ci, err,
				       "missing \"]\" after IPv6 address in \"%s\"",
				       s);
		if (end == s + 1)
			return ci_fail_own(ci, err, "empty IPv6 address in \"%s\"", s);
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			return ci_fail_own(ci, err,
				       "unexpected \"%c\" after \"]\" in \"%s\" (expected \":port\")",
				       end[1], s);
		host = xstrndup(s + 1, (size_t)(end - s - 1));
	} else {
		const char *colon = strchr(s, ':');

		/* two or more colons: a bare IPv6 address, no port */
		if (colon && !strchr(colon + 1, ':')) {
			host = xstrndup(s, (size_t)(colon - s));
			port = colon + 1;
		} else {
			host = xstrdup(s);
		}
	}
	if (port && !valid_port(port))
		rc = ci_fail_own(ci, err, "invalid port number: \"%s\"", port);
	if (!rc && *host)
		rc = conninfo_set(ci, "host", host, CI_SRC_TARGET, err);
	if (!rc && port)
		rc = conninfo_set(ci, "port", port, CI_SRC_TARGET, err);
	free(host);
	return rc;
}

/* fe-connect.c: parse_connection_string / recognized_connection_string:
 * a URI by its prefix, key=value by an '=', else the tool's host:port. */
int ci_parse(struct conninfo *ci, const char *target, char **err)
{
	size_t plen = uri_prefix_length(target);

	if (plen)
		return parse_uri(ci, target, plen, err);
	if (strchr(target, '='))
		return parse_keyvalue(ci, target, err);
	return parse_hostport(ci, target, err);
}

/* ---- the target as it may be shown ------------------------------------ */

/* Is the keyword written from key to end a secret one? */
static bool secret_span(const char *key, const char *end, bool uri)
{
	char *raw = xstrndup(key, (size_t)(end - key)), *k = raw;
	bool secret;

	if (uri) {
		k = uri_decode(raw, raw, NULL);
		if (!k)
			k = xstrdup(raw);
		free(raw);
		raw = k;
	}
	secret = conninfo_keyword_secret(k);
	free(raw);
	return secret;
}

/* The key=value pairs as conninfo_parse cuts them (parse_keyvalue), each
 * secret value masked. A pair without '=' or a quote left open, which
 * libpq refuses, is copied as it is, but an open quote of a secret is
 * masked to the end. */
static void shown_keyvalue(struct strbuf *sb, const char *s)
{
	const char *p = s;

	while (*p) {
		const char *name = p, *name_end, *v;

		if (isspace((unsigned char)*p)) {
			sb_addc(sb, *p++);
			continue;
		}
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		name_end = p;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=') {
			sb_add(sb, name, (size_t)(p - name));
			continue;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		sb_add(sb, name, (size_t)(p - name));
		v = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else {
			for (; *p && !isspace((unsigned char)*p); p++)
				if (*p == '\\' && p[1])
					p++;
		}
		/* nothing, or '', is no secret */
		if (p > v && strncmp(v, "''", (size_t)(p - v)) != 0 &&
		    secret_span(name, name_end, false))
			sb_adds(sb, CI_HIDDEN);
		else
			sb_add(sb, v, (size_t)(p - v));
	}
}

/* A URI as conninfo_uri_parse_options cuts it: user:password@ (an '@'
 * before the first '/'), then the query after the first '?' outside an
 * [IPv6] host, its secret parameters' values masked. */
static void shown_uri(struct strbuf *sb, const char *uri, size_t prefix_len)
{
	const char *p = uri + prefix_len, *at, *colon, *q;

	sb_add(sb, uri, prefix_len);
	at = p + strcspn(p, "@/");
	if (*at == '@') {
		colon = memchr(p, ':', (size_t)(at - p));
		if (colon && colon + 1 < at) {
			sb_add(sb, p, (size_t)(colon + 1 - p));
			sb_adds(sb, CI_HIDDEN);
			p = at;
		}
	}
	for (q = p; *q && *q != '?'; q++)
		if (*q == '[' && strchr(q, ']'))
			q = strchr(q, ']');
	sb_add(sb, p, (size_t)(q - p));
	if (!*q)
		return;
	p = q;
	sb_addc(sb, *p++);
	while (*p) {
		const char *key = p, *eq, *end = p + strcspn(p, "&");

		eq = memchr(key, '=', (size_t)(end - key));
		if (eq && eq + 1 < end && secret_span(key, eq, true)) {
			sb_add(sb, key, (size_t)(eq + 1 - key));
			sb_adds(sb, CI_HIDDEN);
		} else {
			sb_add(sb, key, (size_t)(end - key));
		}
		p = end;
		if (*p)
			sb_addc(sb, *p++);
	}
}

/* Not libpq's: what the fleet's rows show of a target they could not or
 * did inspect, read the way ci_parse reads it. */
char *conninfo_target_shown(const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	size_t plen;

	if (!target)
		return xstrdup("");
	plen = uri_prefix_length(target);
	if (plen)
		shown_uri(&sb, target, plen);
	else if (strchr(target, '='))
		shown_keyvalue(&sb, target);
	else
		sb_adds(&sb, target);
	return sb_detach(&sb);
}
