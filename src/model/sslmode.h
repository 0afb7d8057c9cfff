/* SPDX-License-Identifier: MIT */
/* sslmode: the verdict model. A pure function from the facts one probe
 * established and the connection options to what libpq (15, 16, 17 or 18)
 * would do under each of the six sslmodes: connect encrypted, connect in
 * plaintext, or fail with the exact text of PQerrorMessage, and the path
 * it takes. It reads no socket; it may read the root certificate and client
 * key files named in the options (to answer "what if" without reconnecting). */
#ifndef PGI_SSLMODE_H
#define PGI_SSLMODE_H
#include <stdbool.h>
#include "engine/inspection.h"

enum sslmode {
	SSLMODE_DISABLE,
	SSLMODE_ALLOW,
	SSLMODE_PREFER,
	SSLMODE_REQUIRE,
	SSLMODE_VERIFY_CA,
	SSLMODE_VERIFY_FULL,
	SSLMODE_COUNT,
};

enum outcome {
	OUTCOME_ENCRYPTED,
	OUTCOME_PLAINTEXT,
	OUTCOME_FAILS,
	OUTCOME_UNKNOWN, /* the probe could not see what decides it */
};

struct verdict {
	enum outcome outcome;
	char *error;   /* PQerrorMessage without its last newline; NULL on success */
	char **path;   /* the steps libpq takes, NULL-terminated */
	int npath;
	char *caveat;  /* why the verdict may not hold (GSS, unknown), or NULL */
	unsigned lanes; /* the probes whose facts this path uses: LANE_* bits */
	int fail_lane;  /* the lane where it failed, -1 none */
	int host;       /* the host of the list where the path ended (0 first) */
};

#define LANE_TLS 1u    /* the SSLRequest probe */
#define LANE_PLAIN 2u  /* the plaintext probe */
#define LANE_DIRECT 4u /* the direct-TLS probe */

/* What the verdicts depend on besides the server: the connection options
 * (defaults as conninfo resolved them) and the libpq release. Strings are
 * borrowed. */
struct verdict_opts {
	int libpq_version;                 /* 15..18 */
	const char *host;                  /* the host keyword, or NULL */
	const char *hostaddr;              /* or NULL */
	int port;
	const char *sslrootcert;           /* path libpq would try, or "system" */
	enum rootcert_source rootcert_source;
	bool rootcert_exists;
	const char *sslcert, *sslkey;
	const char *sslpassword; /* a secret: decrypts sslkey, never shown */
	const char *ssl_min_protocol_version, *ssl_max_protocol_version;
	const char *sslnegotiation;        /* "postgres" or "direct" */
	enum ci_source sslmode_source;     /* CI_SRC_DEFAULT: not chosen by the user */
	char **explicit_keywords;          /* written in the target or options */
	bool gss_ticket;                   /* a Kerberos credential cache exists */
	const char *gssencmode;
	/* authentication (model/auth.h) and the session libpq wants */
	const char *channel_binding, *require_auth, *sslcertmode;
	const char *target_session_attrs;
	int password;         /* libpq has a password: 1, 0 none, -1 unknown */
	bool load_balance_random; /* load_balance_hosts=random (16+) */
	const char *password_from; /* where it comes from, for the path */
	const char *passfile; /* the password file, when the password came from it */
};

/* the hosts of a list whose orders load_balance_hosts=random weighs */
#define SSLMODE_MAX_HOSTS 8

#define LIBPQ_VERSION_MIN 15
#define LIBPQ_VERSION_MAX 18
#define LIBPQ_VERSION_DEFAULT 18

/* Options from a resolved target (borrowing its strings). */
void verdict_opts_from_target(struct verdict_opts *o, const struct conn_target *t,
			      int libpq_version);

/* The six verdicts, indexed by enum sslmode. */
void sslmode_verdicts(const struct inspection *ins, const struct verdict_opts *o,
		      struct verdict out[SSLMODE_COUNT]);
/* The same over a host list, walked as PQconnectPoll walks connhost[]:
 * hosts[i] is the inspection of host i (nhosts probed, nlisted in the
 * list; a walk that reaches an unprobed host is unknown). o describes the
 * first host; the others' host, hostaddr and port come from their
 * inspections' targets. */
void sslmode_verdicts_list(const struct inspection *const *hosts, int nhosts, int nlisted,
			   const struct verdict_opts *o, struct verdict out[SSLMODE_COUNT]);
void verdict_free(struct verdict *v);

const char *sslmode_name(enum sslmode m);
int sslmode_parse(const char *s); /* -1 when unknown */
const char *outcome_name(enum outcome o);

#endif
