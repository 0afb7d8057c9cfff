/* SPDX-License-Identifier: MIT */
/* conninfo: reads a target the way libpq reads a connection: host, host:port,
 * [ipv6]:port, postgresql:// URIs and key=value strings; the PG* environment;
 * libpq's defaults. It resolves what libpq would use (host, port, user, dbname,
 * the root-certificate file and where that came from, SNI, where each host's
 * password comes from). It knows nothing of sockets and never prints; a
 * password it holds is a secret, wiped when freed and never shown. */
#ifndef PGI_CONNINFO_H
#define PGI_CONNINFO_H
#include <stdbool.h>

/* Where a value came from, lowest precedence first. A higher source replaces
 * a lower one: option > target > service file > environment > default. */
enum ci_source {
	CI_SRC_NONE = 0, /* unset */
	CI_SRC_DEFAULT,  /* libpq's compiled-in default or ~/.postgresql file */
	CI_SRC_ENV,      /* a PG* environment variable */
	CI_SRC_SERVICE,  /* the service's group of a connection service file */
	CI_SRC_TARGET,   /* the TARGET argument (URI, key=value, host:port) */
	CI_SRC_OPTION,   /* a --host/--port/... command-line option */
};

struct ci_value {
	char *value;          /* heap string, NULL when unset */
	enum ci_source source;
};

/* Opaque keyword table index; use conninfo_get()/conninfo_set() by name. */
struct conninfo {
	struct ci_value *values; /* one per keyword of libpq's table */
	char **warnings;         /* NULL-terminated, e.g. the password file's WARNING */
	int nwarnings;
	char *service_file;      /* the service file whose group was read */
	/* whose rules: libpq 15..18 (a keyword a release does not know is
	 * refused, its variable not read); 0 the newest */
	int libpq_version;
	/* the last error is the tool's own (a target syntax of its own, a
	 * bound on a file), not one libpq would print */
	bool own_error;
	/* per host slot, the password the password file gave (NULL: none);
	 * secrets, wiped by conninfo_free; conninfo_password() reads them */
	char **slot_passwords;
	int nslot_passwords;
};

/* Where the root certificate file libpq would load comes from. */
enum rootcert_source {
	ROOTCERT_NONE,    /* no file: verify-* fail, other modes do not verify */
	ROOTCERT_PARAM,   /* sslrootcert from the target or --sslrootcert */
	ROOTCERT_ENV,     /* PGSSLROOTCERT */
	ROOTCERT_DEFAULT, /* ~/.postgresql/root.crt */
	ROOTCERT_SYSTEM,  /* sslrootcert=system (libpq 16+) */
};

/* Where the password libpq would send for a host slot comes from
 * (connectOptions2, then pg_fe_sendauth: the slot's password from the
 * password file, else the password keyword). */
enum pw_source {
	PW_UNKNOWN = -1, /* not known: a log older than the key, or the tool
			  * stopped reading a password file libpq reads on */
	PW_NONE = 0,  /* none: libpq says "fe_sendauth: no password
		       * supplied" when the server asks for one */
	PW_KEYWORD,   /* the password keyword, set and not empty; where it
		       * came from conninfo_source(ci, "password") tells
		       * (target, service, PGPASSWORD, option), and
		       * conn_target.password_keyword_source */
	PW_PASSFILE,  /* a line of the password file conn_target.passfile */
};

/* What the probes and the reports need, resolved. Strings are heap copies
 * owned by the struct; conninfo_target_free() frees them. */
struct conn_target {
	char *host;        /* first entry of the host list; NULL if only hostaddr */
	char *hostaddr;    /* first entry of hostaddr list, or NULL */
	char *connect_to;  /* what to resolve and connect to: hostaddr, else host */
	char **hosts;      /* the whole host list, NULL-terminated */
	int nhosts;
	int port;          /* the port for the first host */
	char *user;
	char *dbname;
	char *sslmode;     /* as given or defaulted: disable..verify-full */
	char *sslnegotiation; /* postgres | direct */
	char *sslrootcert; /* path libpq would try (even if absent), or "system" */
	enum rootcert_source rootcert_source;
	bool rootcert_exists;  /* stat() succeeded on that path */
	char *sslcert;     /* path libpq would try for the client certificate */
	bool sslcert_exists;
	char *sslkey;
	/* sslpassword, a secret: never shown or written, wiped when freed;
	 * NULL when unset or empty (libpq then installs no callback) */
	char *sslpassword;
	char *sslcrl;      /* the CRL file libpq would try, or NULL */
	/* sslcrl is ~/.postgresql/root.crl, read because neither sslcrl nor
	 * sslcrldir was given: setting sslcrldir drops it */
	bool sslcrl_default;
	bool sslsni;       /* sslsni=1 (default) */
	char *sni;         /* the SNI libpq would send, or NULL (see conninfo.c) */
	int connect_timeout; /* seconds, 0 = none */
	char *ssl_min_protocol_version;
	char *ssl_max_protocol_version;
	char *application_name;
	/* sslkeylogfile (libpq 18): where the TLS secrets are appended, or
	 * NULL (the probes then take SSLKEYLOGFILE: engine/wire.h) */
	char *sslkeylogfile;

	/* Per host slot, nhosts entries each, NULL-terminated (ports: plain
	 * array). A slot libpq fills from hostaddr only has "" in hosts[]; a
	 * slot without hostaddr has "" in hostaddrs[]. */
	char **hostaddrs;
	int *ports;
	/* Where sslmode came from: CI_SRC_DEFAULT means libpq chose it
	 * (prefer; verify-full with sslrootcert=system, as libpq 16+ does;
	 * libpq 15 would use prefer there). PGREQUIRESSL counts as CI_SRC_ENV. */
	enum ci_source sslmode_source;
	char *sslcrldir;   /* as given, or NULL */
	char *sslcertmode; /* disable | allow | require (libpq 16+) */
	char *channel_binding; /* disable | prefer | require */
	char *require_auth;    /* as given (16+), or NULL */
	char *target_session_attrs; /* any (default) | read-write | ... */
	char *load_balance_hosts;   /* disable (default) | random (16+) */
	char *gssencmode;  /* disable | prefer | require */
	/* a Kerberos credential cache exists for this user (1, 0; -1 not
	 * known, as in an old log): libpq tries GSSAPI encryption first then */
	int gss_ticket;
	/* The seconds the probes wait: connect_timeout when libpq has one,
	 * else CONNINFO_DEFAULT_TIMEOUT (libpq would wait forever). */
	int probe_timeout;
	/* keywords set by the target or an option (not env or default),
	 * NULL-terminated, in libpq's table order */
	char **explicit_keywords;
	int nexplicit;
	/* the connection service libpq reads (service or PGSERVICE) and the
	 * file its group came from, or NULL */
	char *service, *service_file;
	/* every keyword with a value and where the value came from
	 * (ci_source_name), in libpq's table order, NULL-terminated */
	char **source_keywords, **source_names;
	int nsources;
	/* The password file libpq would read (passfile, else PGPASSFILE,
	 * else ~/.pgpass), even if absent; NULL when the password keyword is
	 * set and not empty (libpq reads no file then), or with no home. */
	char *passfile;
	/* where passfile came from: the passfile keyword's source
	 * (CI_SRC_ENV: PGPASSFILE), CI_SRC_DEFAULT for ~/.pgpass */
	enum ci_source passfile_source;
	/* Per host slot, nhosts entries: an enum pw_source each. NULL when
	 * not known (a log older than the key; a replayed log knows slot 0
	 * only, the others are PW_UNKNOWN). The password itself is never
	 * here: conninfo_password() gives it. */
	int *password_sources;
	/* where the password keyword came from when a slot uses it
	 * (CI_SRC_ENV: PGPASSWORD), else CI_SRC_NONE */
	enum ci_source password_keyword_source;
};

/* The tool's own timeout when connect_timeout is unset or 0. */
#define CONNINFO_DEFAULT_TIMEOUT 10
/* ... and the most it waits, whatever connect_timeout says. */
#define CONNINFO_MAX_TIMEOUT 86400

void conninfo_init(struct conninfo *ci);
void conninfo_free(struct conninfo *ci);

/* Parse TARGET: "host", "host:port", "[v6]:port", "postgresql://..." or
 * "postgres://...", or a libpq "key=value ..." string. Values take source
 * CI_SRC_TARGET. On error returns -1 and sets *err to a one-line heap message
 * (e.g. `invalid connection option "foo"`, `invalid port number: "x"`). */
int conninfo_parse_target(struct conninfo *ci, const char *target, char **err);

/* Set one libpq keyword from a command-line option (CI_SRC_OPTION). An
 * unknown keyword is an error, as in libpq. */
int conninfo_set(struct conninfo *ci, const char *keyword, const char *value,
		 enum ci_source source, char **err);

/* The value of a keyword, or NULL. */
const char *conninfo_get(const struct conninfo *ci, const char *keyword);
enum ci_source conninfo_source(const struct conninfo *ci, const char *keyword);

/* Fill unset keywords from the environment (using getenv) and libpq's
 * defaults (HOME for ~/.postgresql, the login name for user), validate values
 * as libpq's connectOptions2 does (sslmode, port, connect_timeout, list
 * lengths, ssl_*_protocol_version) and fill *t. -1 with *err on bad input. */
int conninfo_resolve(struct conninfo *ci, struct conn_target *t, char **err);
void conninfo_target_free(struct conn_target *t);
/* For a string libpq refuses: the values as written (host, hostaddr,
 * port, user, dbname, sslmode and the keywords set), nothing resolved. */
void conninfo_target_raw(const struct conninfo *ci, struct conn_target *t);

/* The password libpq would send for host slot `slot` of a target
 * conninfo_resolve() filled from ci (ci not yet freed), as a heap copy the
 * caller wipes; NULL when libpq has none. */
char *conninfo_password(const struct conninfo *ci, const struct conn_target *t,
			int slot);
/* The slot's enum pw_source (PW_UNKNOWN when not known). */
int conninfo_password_source(const struct conn_target *t, int slot);
/* The name the reports give slot 0's source: "none", "password",
 * "PGPASSWORD" (the keyword, from the environment) or "passfile"; NULL
 * when not known. */
const char *conninfo_password_source_name(const struct conn_target *t);

/* TARGET as it may be shown: the value of every secret keyword of a
 * key=value string or a URI's query, and a URI's user:password@, replaced
 * by "********". A heap string. */
char *conninfo_target_shown(const char *target);

/* Change one option of a resolved target whose effect the verdicts can
 * draw from captured facts (host, sslmode, sslrootcert, sslcert, sslkey,
 * sslcrl, sslcrldir): true when done; false for an option that needs a
 * new connection. An empty sslcrl or sslcrldir is unset, as in libpq. */
bool conninfo_target_what_if(struct conn_target *t, const char *keyword,
			     const char *value);

/* The CRL file and directory of a target read back from a saved log
 * (which keeps them with the trust facts), and whether the file is the
 * default one: not written by the target, no directory beside it, and
 * named as the default is. */
void conninfo_target_set_crl(struct conn_target *t, const char *crl,
			     const char *crldir);

/* require_auth as connectOptions2 (16+) reads it: the methods allowed
 * (conn->allowed_auth_methods; 18's allowed_sasl_mechs as the SCRAM and
 * OAUTH bits, which 16 and 17 read as all of SASL) and whether the server
 * must authenticate the client (conn->auth_required). */
enum {
	REQAUTH_PASSWORD = 1 << 0,
	REQAUTH_MD5 = 1 << 1,
	REQAUTH_GSS = 1 << 2,
	REQAUTH_SSPI = 1 << 3,
	REQAUTH_GSS_CONT = 1 << 4,
	REQAUTH_SCRAM = 1 << 5,
	REQAUTH_OAUTH = 1 << 6,
};
struct require_auth_set {
	bool set;            /* require_auth was given (not empty) */
	unsigned allowed;    /* REQAUTH_* bits */
	bool auth_required;
};
/* -1 when libpq refuses the value (conninfo_resolve reports why). */
int conninfo_require_auth(const char *value, struct require_auth_set *out);

/* libpq's keyword table, for listing: returns NULL past the end. */
const char *conninfo_keyword(int i);
/* The environment variable libpq reads for a keyword, or NULL. */
const char *conninfo_envvar(const char *keyword);
/* The first libpq major release that knows the keyword (15 for "15 or
 * older"), or 0 for an unknown keyword. */
int conninfo_keyword_since(const char *keyword);
/* What a keyword does to the negotiation this tool shows. */
enum ci_effect {
	CI_EFFECT_MODELLED, /* the probes and the verdicts follow it */
	CI_EFFECT_INERT,    /* it cannot change how libpq negotiates or the answer */
	CI_EFFECT_OTHER,    /* it can, in a way this tool does not model */
};
/* The effect of a keyword, and in *why (static text) what it does when
 * the tool does not follow it; CI_EFFECT_MODELLED for an unknown one. */
enum ci_effect conninfo_keyword_effect(const char *keyword, const char **why);
const char *ci_effect_name(enum ci_effect e);

/* A secret (password, sslpassword, ...): never show its value. */
bool conninfo_keyword_secret(const char *keyword);
const char *ci_source_name(enum ci_source s);
const char *rootcert_source_name(enum rootcert_source s);

#endif
