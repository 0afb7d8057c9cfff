/* SPDX-License-Identifier: MIT */
/* conninfo_check: the validations of libpq's connectOptions2 (the enum
 * values, require_auth, ssl_min/max_protocol_version and their range, the
 * counts of host, hostaddr and port entries), the port check of
 * PQconnectPoll, the connect_timeout rule of pqConnectDBComplete, the
 * numeric hostaddr of connectDBStart and initialize_SSL's test for an SNI
 * name. Each check returns -1 with libpq's message in *err. It reads values
 * and, where libpq does the same in the same place, writes a checked value
 * (the sslcertmode default, the ports and timeouts of a conn_target); it
 * fills no other defaults, reads no environment and no file (that is
 * conninfo_resolve.c), and the order of the checks is conninfo_resolve.c's
 * to keep. */
#include "config.h"
#include "engine/conninfo_int.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define DEFAULT_PORT 5432

/* The values connectOptions2 accepts, NULL-terminated. */
static const char *const channel_bindings[] = { "disable", "prefer",
						"require", NULL };
static const char *const sslmodes[] = {
	"disable", "allow", "prefer", "require", "verify-ca", "verify-full", NULL
};
static const char *const negotiations[] = { "postgres", "direct", NULL };
static const char *const certmodes[] = { "disable", "allow", "require", NULL };
static const char *const gssmodes[] = { "disable", "prefer", "require", NULL };
static const char *const session_attrs[] = {
	"any",	   "read-write", "read-only", "primary",
	"standby", "prefer-standby", NULL
};
static const char *const balances[] = { "disable", "random", NULL };

/* fe-connect.c: parse_int_param */
static int parse_int(const char *value, const char *context, int *result,
		     char **err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (end == value || errno || v != (long)(int)v)
		goto bad;
	while (*end && isspace((unsigned char)*end))
		end++;
	if (*end)
		goto bad;
	*result = (int)v;
	return 0;
bad:
	return ci_fail(err,
		       "invalid integer value \"%s\" for connection option \"%s\"",
		       value, context);
}

static bool one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return true;
	return false;
}

/* connectOptions2: an unset keyword passes; a set one must be listed */
static int check_enum(const struct conninfo *ci, const char *keyword,
		      const char *const *allowed, char **err)
{
	const char *v = conninfo_get(ci, keyword);

	if (v && !one_of(v, allowed))
		return ci_fail(err, "invalid %s value: \"%s\"", keyword, v);
	return 0;
}

/* fe-connect.c: sslVerifyProtocolVersion ("" and unset mean no bound) */
static bool ssl_version_ok(const char *v)
{
	return !v || !*v || strcasecmp(v, "TLSv1") == 0 ||
	       strcasecmp(v, "TLSv1.1") == 0 ||
	       strcasecmp(v, "TLSv1.2") == 0 || strcasecmp(v, "TLSv1.3") == 0;
}

/* fe-connect.c: sslVerifyProtocolRange */
static bool ssl_range_ok(const char *min, const char *max)
{
	if (!min || !max || !*min || !*max)
		return true;
	if (strcasecmp(min, "TLSv1") == 0)
		return true;
	if (strcasecmp(max, "TLSv1") == 0)
		return false;
	/* TLSv1.1 .. TLSv1.3 order as strings */
	return strcasecmp(min, max) <= 0;
}

/* connectOptions2: each bound, then the range */
static int check_ssl_versions(const struct conninfo *ci, char **err)
{
	const char *min = conninfo_get(ci, "ssl_min_protocol_version");
	const char *max = conninfo_get(ci, "ssl_max_protocol_version");

	/* 17 quotes the keyword (pqConnectOptions2) */
	bool quoted = !ci->libpq_version || ci->libpq_version >= 17;
	const char *bad = !ssl_version_ok(min) ? "ssl_min_protocol_version" :
			  !ssl_version_ok(max) ? "ssl_max_protocol_version" :
						 NULL;

	if (bad && quoted)
		return ci_fail(err, "invalid \"%s\" value: \"%s\"", bad,
			       conninfo_get(ci, bad));
	if (bad)
		return ci_fail(err, "invalid %s value: \"%s\"", bad,
			       conninfo_get(ci, bad));
	if (!ssl_range_ok(min, max))
		return ci_fail(err, "invalid SSL protocol version range");
	return 0;
}

/* ---- require_auth ----------------------------------------------------- */

/* The method bits are conninfo.h's REQAUTH_*. libpq 16/17 count SCRAM as
 * all of SASL; 18 tracks SASL mechanisms apart, so scram-sha-256 and oauth
 * get separate bits here. */
enum {
	RA_PASSWORD = REQAUTH_PASSWORD,
	RA_MD5 = REQAUTH_MD5,
	RA_GSS = REQAUTH_GSS,
	RA_SSPI = REQAUTH_SSPI,
	RA_GSS_CONT = REQAUTH_GSS_CONT,
	RA_SCRAM = REQAUTH_SCRAM,
	RA_OAUTH = REQAUTH_OAUTH,
};

/* What connectOptions2 builds while it reads the list: the allowed
 * methods (conn->allowed_auth_methods) and conn->auth_required. */
struct require_auth {
	unsigned allowed;
	bool auth_required;
	bool negated; /* the list is of "!method" entries */
	bool first;
	int version;  /* the libpq release, 0 the newest */
};

/* The bits a method name stands for ("none" has none); false for a name
 * libpq does not know. */
static bool require_auth_bits(const char *method, int version, unsigned *bits)
{
	static const struct {
		const char *name;
		unsigned bits;
	} methods[] = {
		{ "password", RA_PASSWORD },
		{ "md5", RA_MD5 },
		{ "gss", RA_GSS | RA_GSS_CONT },
		{ "sspi", RA_SSPI | RA_GSS_CONT },
		{ "scram-sha-256", RA_SCRAM },
		{ "oauth", RA_OAUTH },
		{ "none", 0 },
	};

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		/* OAUTHBEARER came with 18 */
		if (methods[i].bits == RA_OAUTH && version && version < 18)
			continue;
		if (strcmp(method, methods[i].name) == 0) {
			*bits = methods[i].bits;
			return true;
		}
	}
	return false;
}

/* Add (or, negated, take away) a method; false when that changes nothing,
 * which libpq reports as a method given twice. "none" and "!none" set
 * auth_required instead of a bit. */
static bool require_auth_add(struct require_auth *ra, unsigned bits)
{
	if (bits == 0) {
		if (ra->negated ? ra->auth_required : !ra->auth_required)
			return false;
		ra->auth_required = ra->negated;
	} else if (ra->negated) {
		if ((ra->allowed & bits) == 0)
			return false;
		ra->allowed &= ~bits;
	} else {
		if ((ra->allowed & bits) == bits)
			return false;
		ra->allowed |= bits;
	}
	return true;
}

/* One entry of the list. A leading '!' negates it; a list that starts
 * negated allows everything and takes away, and the two kinds may not be
 * mixed. */
static int require_auth_entry(struct require_auth *ra, const char *part,
			      char **err)
{
	const char *method = part;
	unsigned bits;

	if (*method == '!') {
		if (ra->first) {
			ra->auth_required = false;
			ra->allowed = ~0u;
		} else if (!ra->negated) {
			return ci_fail(err,
				       "negative require_auth method \"%s\" cannot be mixed with non-negative methods",
				       method);
		}
		ra->negated = true;
		method++;
	} else if (ra->negated) {
		return ci_fail(err,
			       "require_auth method \"%s\" cannot be mixed with negative methods",
			       method);
	}
	if (!require_auth_bits(method, ra->version, &bits))
		return ci_fail(err, "invalid %s value: \"%s\"", "require_auth",
			       method);
	if (!require_auth_add(ra, bits))
		return ci_fail(err,
			       "require_auth method \"%s\" is specified more than once",
			       part);
	ra->first = false;
	return 0;
}

/* fe-connect.c: the require_auth block of connectOptions2 (16+), over the
 * comma-separated list */
static int parse_require_auth(const char *value, int version,
			      struct require_auth *out, char **err)
{
	struct require_auth ra = { .auth_required = true, .first = true,
				   .version = version };
	const char *s = value;

	*out = ra;
	if (!value || !*value)
		return 0;
	for (;;) {
		const char *e = strchr(s, ',');
		char *part;
		int rc;

		if (!e)
			e = s + strlen(s);
		part = xstrndup(s, (size_t)(e - s));
		rc = require_auth_entry(&ra, part, err);
		free(part);
		if (rc || !*e) {
			*out = ra;
			return rc;
		}
		s = e + 1;
	}
}

static int check_require_auth(const char *value, int version, char **err)
{
	struct require_auth ra;

	return parse_require_auth(value, version, &ra, err);
}

int conninfo_require_auth(const char *value, struct require_auth_set *out)
{
	struct require_auth ra;
	char *err = NULL;

	memset(out, 0, sizeof(*out));
	if (!value || !*value)
		return 0;
	if (parse_require_auth(value, 0, &ra, &err) < 0) {
		free(err);
		return -1;
	}
	out->set = true;
	out->allowed = ra.allowed;
	out->auth_required = ra.auth_required;
	return 0;
}

/* ---- what conninfo_resolve.c calls ------------------------------------ */

/* connectOptions2: with hostaddr given, host must name each address */
int ci_check_host_count(int nhosts, int nhostaddrs, char **err)
{
	if (nhosts != nhostaddrs)
		return ci_fail(err,
			       "could not match %d host names to %d hostaddr values",
			       nhosts, nhostaddrs);
	return 0;
}

/* connectOptions2: one port for all hosts, or one per host */
int ci_check_port_count(int nports, int nhosts, char **err)
{
	if (nports != 1 && nports != nhosts)
		return ci_fail(err,
			       "could not match %d port numbers to %d hosts",
			       nports, nhosts);
	return 0;
}

/* fe-connect.c: is_unixsock_path (absolute, or "@" for the abstract
 * namespace); the tool speaks TCP only */
int ci_check_tcp_host(const char *host, char **err)
{
	if (host[0] == '/' || host[0] == '@')
		return ci_fail(err,
			       "Unix-domain sockets are not supported; give a TCP host");
	return 0;
}

/* fe-connect.c: connectOptions2's value checks, in libpq's order */
int ci_check_values(struct conninfo *ci, char **err)
{
	if (check_require_auth(conninfo_get(ci, "require_auth"), ci->libpq_version, err) ||
	    check_enum(ci, "channel_binding", channel_bindings, err) ||
	    check_enum(ci, "sslmode", sslmodes, err) ||
	    check_enum(ci, "sslnegotiation", negotiations, err) ||
	    check_ssl_versions(ci, err) ||
	    check_enum(ci, "sslcertmode", certmodes, err))
		return -1;
	/* the keyword has no compiled default: connectOptions2 sets "allow"
	 * right after checking it */
	if (!conninfo_get(ci, "sslcertmode"))
		ci_store(ci, ci_keyword_index("sslcertmode"), "allow",
			 CI_SRC_DEFAULT);
	if (check_enum(ci, "gssencmode", gssmodes, err) ||
	    check_enum(ci, "target_session_attrs", session_attrs, err) ||
	    check_enum(ci, "load_balance_hosts", balances, err))
		return -1;
	return 0;
}

/* PQconnectPoll: an empty port is DEF_PGPORT; otherwise an integer in
 * 1..65535. libpq checks each host's port only when it reaches that host;
 * we check them all up front. */
int ci_check_ports(struct conn_target *t, char *const *portstr, char **err)
{
	for (int i = 0; i < t->nhosts; i++) {
		if (!portstr[i] || !portstr[i][0]) {
			t->ports[i] = DEFAULT_PORT;
			continue;
		}
		if (parse_int(portstr[i], "port", &t->ports[i], err))
			return -1;
		if (t->ports[i] < 1 || t->ports[i] > 65535)
			return ci_fail(err, "invalid port number: \"%s\"",
				       portstr[i]);
	}
	return 0;
}

/* pqConnectDBComplete: garbage is an error, negative means no timeout,
 * and 1 becomes 2 so rounding cannot make it instant. */
int ci_check_timeout(const struct conninfo *ci, struct conn_target *t,
		     char **err)
{
	const char *v = conninfo_get(ci, "connect_timeout");

	t->connect_timeout = 0;
	if (v) {
		if (parse_int(v, "connect_timeout", &t->connect_timeout, err))
			return -1;
		if (t->connect_timeout > 0 && t->connect_timeout < 2)
			t->connect_timeout = 2;
		else if (t->connect_timeout < 0)
			t->connect_timeout = 0;
	}
	/* Without a timeout libpq would wait for the kernel's TCP timeout
	 * (minutes); an inspection tool must answer sooner. */
	t->probe_timeout = t->connect_timeout > 0 ? t->connect_timeout
						  : CONNINFO_DEFAULT_TIMEOUT;
	/* libpq has no upper bound; a day is plenty and keeps the
	 * milliseconds within an int */
	if (t->probe_timeout > CONNINFO_MAX_TIMEOUT)
		t->probe_timeout = CONNINFO_MAX_TIMEOUT;
	return 0;
}

/* fe-connect.c: connectDBStart resolves hostaddr with getaddrinfo and
 * AI_NUMERICHOST, never by name; that also takes inet_aton's forms (127.1,
 * 0x7f000001) */
int ci_check_hostaddr(const char *hostaddr, char **err)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res = NULL;
	int bad = getaddrinfo(hostaddr, NULL, &hints, &res);

	if (res)
		freeaddrinfo(res);
	if (bad)
		return ci_fail(err, "could not parse network address \"%s\": %s",
			       hostaddr, gai_strerror(bad));
	return 0;
}

/* fe-secure-openssl.c: initialize_SSL sends no SNI for an IP literal:
 * only digits and dots (IPv4-looking), or any colon (IPv6) */
bool ci_sni_host_ok(const char *host)
{
	return host && *host && strspn(host, "0123456789.") != strlen(host) &&
	       !strchr(host, ':');
}
