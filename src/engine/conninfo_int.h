/* SPDX-License-Identifier: MIT */
/* conninfo_int: what the conninfo files share and nothing else includes
 * (but tests/unit/test-passfile.c): libpq's keyword table, the store that
 * skips the precedence of sources, the error and warning helpers, and the
 * calls from one part to another (conninfo.c: table and store;
 * conninfo_parse.c: target strings; conninfo_resolve.c: defaults and the
 * conn_target; conninfo_check.c: connectOptions2's checks;
 * conninfo_service.c and conninfo_passfile.c: the service file and the
 * password file). It adds no state of its own; callers outside
 * src/engine/conninfo*.c use engine/conninfo.h. */
#ifndef PGI_CONNINFO_INT_H
#define PGI_CONNINFO_INT_H
#include "engine/conninfo.h"

#include <stdbool.h>

#define CI_PASSWORD_WARNING                                                  \
	"password kept only to predict whether libpq has one; "              \
	"pgtls-inspect sends no password unless --login is given"
/* what a message shows instead of a secret */
#define CI_HIDDEN "********"

struct ci_keyword {
	const char *keyword;
	const char *envvar;   /* PG* fallback, or NULL */
	const char *compiled; /* libpq's compiled-in default, or NULL */
	int since;            /* first libpq major that knows it (15 = <= 15) */
	bool secret;          /* libpq shows it as "*" or it is key material */
};

/* fe-connect.c: PQconninfoOptions[]; ci_nkeywords entries */
extern const struct ci_keyword ci_keywords[];
extern const int ci_nkeywords;

/* The table index of a keyword, or -1. */
int ci_keyword_index(const char *keyword);
/* The same for a keyword the libpq release ci follows knows, else -1. */
int ci_known(const struct conninfo *ci, const char *keyword);
/* A message of the tool's own (ci->own_error): always -1. */
int ci_fail_own(struct conninfo *ci, char **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Store without any precedence check; a secret's old value is wiped. */
void ci_store(struct conninfo *ci, int i, const char *value,
	      enum ci_source source);
/* Set *err to a fresh one-line message; always returns -1. */
int ci_fail(char **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add a warning once (the same text twice is kept once). */
void ci_add_warning(struct conninfo *ci, const char *text);
/* Zero a string that may have held a secret, then free it. */
void ci_wipe_free(char *s);
/* Wipe and free ci->slot_passwords. */
void ci_clear_slot_passwords(struct conninfo *ci);

/* conninfo_service.c: fe-connect.c parseServiceInfo. The service's group
 * sets what nothing set (CI_SRC_SERVICE) and ci->service_file names the
 * file it came from; -1 with libpq's message. home: ~, or NULL. */
int ci_apply_service(struct conninfo *ci, const char *home, char **err);

/* conninfo_passfile.c: fe-connect.c passwordFromFile. The password the
 * password file `file` gives for host, port, dbname and user (heap, the
 * caller wipes it), or NULL. *warning (heap, else NULL) is libpq's WARNING
 * line, without its newline, when libpq refuses the file, or the tool's
 * own words when it stopped reading a file libpq would read on (too large,
 * a line too long: ci_passfile_lookup tells these apart). */
char *ci_passfile_password(const char *file, const char *host,
			   const char *port, const char *dbname,
			   const char *user, char **warning);
/* The same; *gave_up is true when the tool stopped before libpq would, so
 * that a NULL result does not tell what libpq finds. */
char *ci_passfile_lookup(const char *file, const char *host, const char *port,
			 const char *dbname, const char *user, char **warning,
			 bool *gave_up);

/* conninfo_parse.c: read TARGET (URI, key=value or host[:port]) into ci,
 * values with CI_SRC_TARGET. ci may be partly filled on error. */
int ci_parse(struct conninfo *ci, const char *target, char **err);

/* conninfo_check.c, in the order conninfo_resolve.c calls them: -1 with
 * libpq's message in *err when a value is refused. */
int ci_check_host_count(int nhosts, int nhostaddrs, char **err);
/* a host entry that names a Unix-domain socket is refused */
int ci_check_tcp_host(const char *host, char **err);
int ci_check_port_count(int nports, int nhosts, char **err);
/* require_auth, the enums, the TLS version range; sets sslcertmode's
 * default as libpq does there */
int ci_check_values(struct conninfo *ci, char **err);
/* fills t->ports from the nhosts port strings ("" or NULL: the default) */
int ci_check_ports(struct conn_target *t, char *const *portstr, char **err);
/* fills t->connect_timeout and t->probe_timeout */
int ci_check_timeout(const struct conninfo *ci, struct conn_target *t,
		     char **err);
int ci_check_hostaddr(const char *hostaddr, char **err);
/* true when libpq would send host as the SNI name (not an IP literal) */
bool ci_sni_host_ok(const char *host);

#endif
