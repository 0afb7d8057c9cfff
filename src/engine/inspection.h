/* SPDX-License-Identifier: MIT */
/* inspection: the one result model every sink renders (TUI, text report,
 * JSON). It holds the resolved target, the event log and the facts the probes
 * established. Strings here are raw (server text included); sinks sanitize.
 * Unknown facts stay NULL / -1, never invented. */
#ifndef PGI_INSPECTION_H
#define PGI_INSPECTION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "engine/conninfo.h"
#include "engine/event.h"
#include "engine/facts.h"
#include "engine/wire.h"
#include "util/strlist.h"

/* The server's answer to the SSLRequest. */
enum ssl_reply {
	REPLY_NONE = 0, /* not asked (no TCP connection) */
	REPLY_S,
	REPLY_N,
	REPLY_E,        /* an ErrorResponse instead of one byte */
	REPLY_OTHER,    /* any other byte */
	REPLY_CLOSED,   /* EOF or reset before a reply */
	REPLY_TIMEOUT,
};

/* A TCP connection attempt. */
struct connect_fact {
	bool attempted;
	bool ok;
	char *address;  /* "127.0.0.1:5432" */
	char *ip;       /* "127.0.0.1", "::1": the address as libpq shows it */
	char *error;    /* "Connection refused", "timeout expired", ... */
	double ms;      /* time to connect */
	/* addresses tried before, in order, that did not connect */
	char **failed_ips, **failed_errors;
	int nfailed;
};

/* What the server answered to a StartupMessage (or, for the SSLRequest's E
 * reply, the ErrorResponse it sent). */
struct startup_answer {
	bool attempted;
	int accepted;          /* 1 auth request or ok, 0 ErrorResponse, -1 unknown */
	char *auth;            /* "ok","cleartext","md5","sasl","gss","sspi",... */
	char **sasl_mechanisms; /* NULL-terminated */
	int nsasl;
	char *severity, *sqlstate, *message, *detail, *hint;
	int npv_minor;         /* NegotiateProtocolVersion newest minor, -1 none */
	enum startup_failure failure_code; /* why no answer came, or NONE */
	char *failure;         /* its text: "server closed the connection", ... */
	char *server_version;  /* ParameterStatus server_version after AuthOk */
	/* --login: what the tool did with the server's request for a
	 * password (auth stays the first request the server made) */
	bool login_sent;       /* a password, md5 answer or SCRAM proof went out */
	char *login_method;    /* "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "md5",
				* "password"; NULL when nothing was chosen */
	char *login_skipped;   /* why the tool did not answer (its own rule) */
	char *login_error;     /* libpq's words for the client-side failure that
				* stopped the exchange ("fe_sendauth: no password
				* supplied", "incorrect server signature", ...) */
	/* AuthenticationOk came: at once (trust, cert) or after an exchange */
	bool authenticated;
	/* ParameterStatus after AuthenticationOk (servers 14+ report both):
	 * 1 "on", 0 "off", -1 not reported; what libpq's target_session_attrs
	 * reads before it sends SHOW or SELECT pg_is_in_recovery() */
	int in_hot_standby, default_transaction_read_only;
};

/* An answer not yet seen: accepted and the numbers unknown. */
void startup_answer_init(struct startup_answer *a);

struct server_facts {
	struct connect_fact tls_connect, plain_connect;
	enum ssl_reply sslrequest_reply;
	uint8_t reply_byte;            /* for REPLY_OTHER (and S/N/E) */
	struct startup_answer ssl_error; /* for REPLY_E */
	uint8_t *bytes_after_reply;    /* sent after 'S' before our ClientHello */
	size_t n_after_reply;
	struct startup_answer plain, tls;
	/* the direct-TLS probe (sslnegotiation=direct), when it ran */
	struct connect_fact direct_connect;
	struct startup_answer direct_startup;
};

struct tls_facts {
	bool attempted;        /* a handshake was started */
	bool ok;               /* it completed */
	char *error;           /* GnuTLS's reason when it did not */
	char *alert;           /* alert name received (during the handshake, or
				* ending the first read after it), or NULL */
	int alert_code;        /* its number (70 protocol_version), -1 none */
	enum tls_failure failure_code; /* how it failed, or NONE */
	char *failure_kind;    /* its name: "alert", "eof", "reset", "timeout", ... */
	char *failure_errno;   /* the OS's text for "reset" and I/O errors */
	char *version, *cipher, *group, *alpn, *sni;
	char *kx, *mac, *description;
	bool client_cert_requested;
	char **client_ca_names; /* NULL-terminated DN strings */
	int nclient_ca;
	bool client_cert_sent;
	char *client_cert_error; /* loading sslcert/sslkey failed */
	/* after the handshake the server sent more of one kind of TLS message
	 * than the probe reads (engine/tls.h TLS_MAX_POST_MESSAGES): its name
	 * ("NewSessionTicket") and the count read, or NULL and 0 */
	char *flood_kind;
	int flood_count;
};

struct cert_facts {
	char *subject, *issuer, *serial;
	/* CNs and dNSName SANs keep every byte: *_len[i] is the length of
	 * name i, which an embedded NUL makes longer than strlen (a list
	 * built without lengths, as some tests do, has NULL there) */
	char **cn;   int ncn;
	size_t *cn_len;
	char **san_dns; int nsan_dns;
	size_t *san_dns_len;
	char **san_ip;  int nsan_ip;
	time_t not_before, not_after;
	char *key;        /* "RSA 2048", "ECDSA SECP256R1 (256 bits)", "EdDSA (Ed25519)" */
	char *signature;  /* "RSA-SHA256" */
	int version;
	int ca;           /* basicConstraints CA: 1, 0, -1 absent */
	bool self_signed;
	char **key_usage; int nkey_usage;
	char **ext_key_usage; int next_key_usage;
	char *sha256;     /* lowercase hex */
	uint8_t *der;
	size_t der_len;
	/* why GnuTLS could not read the certificate, or NULL; the facts
	 * above are then what OpenSSL could read of it (and NULL/-1 where
	 * neither could), and the certificate keeps its place in the chain */
	char *parse_error;
};

/* Name i of a name list with its lengths (cert_facts.cn, san_dns). */
static inline size_t cert_name_len(char *const *names, const size_t *lens, int i)
{
	return lens ? lens[i] : strlen(names[i]);
}
/* The name holds a NUL byte: no host name can match it. */
static inline bool cert_name_has_nul(char *const *names, const size_t *lens, int i)
{
	return cert_name_len(names, lens, i) != strlen(names[i]);
}
/* Append len bytes of name (NULs kept) to a name list and its lengths. */
void cert_name_add(char ***names, size_t **lens, int *n, const char *name, size_t len);
/* Name i, made safe to show (an embedded NUL as \x00): a fresh string. */
char *cert_name_show(char *const *names, const size_t *lens, int i);
/* Name i as raw text for composing untrusted text that a sink escapes,
 * each embedded NUL as SANITIZE_NUL (which sanitize shows as \x00). */
char *cert_name_text(char *const *names, const size_t *lens, int i);

struct trust_facts {
	char *rootcert;            /* path libpq would load, or NULL */
	enum rootcert_source source;
	bool rootcert_exists;
	int rootcert_certs;        /* certificates read from it, -1 unreadable */
	char *rootcert_error;      /* why it could not be read */
	/* the CRL file and directory libpq would load with a root file
	 * (sslcrl, sslcrldir, else ~/.postgresql/root.crl), or NULL */
	char *crl, *crldir;
	/* 1 when OpenSSL checked revocation (the CRL load succeeded, so
	 * initialize_SSL set X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL),
	 * 0 when the chain was judged without, -1 not judged */
	int crl_checked;
	int security_level;        /* OpenSSL's, for the judgement; -1 unknown */
	int chain_ok;              /* 1, 0, -1 not checked */
	enum chain_failure chain_code; /* why the chain failed, or NONE */
	/* what libpq prints after "SSL error: " when the chain fails: the
	 * reason of the first error OpenSSL queued while verifying (libpq's
	 * open_client_SSL reports ERR_get_error()), which is not always
	 * "certificate verify failed"; or NULL */
	char *ssl_error;
	enum chain_gap chain_gap;  /* and what was found about a missing issuer */
	char *chain_error;         /* its text, with the verifier's own words */
	/* the certificate OpenSSL refused (X509_STORE_CTX_get_error_depth,
	 * the current certificate's subject, RFC 2253): -1 and NULL when none */
	int chain_depth;
	char *chain_subject;
	/* for a revoked certificate, the revocationDate its CRL entry gives;
	 * (time_t)-1 unknown */
	time_t revoked_at;
	/* the time the chain was judged at (the inspection's, a replay's
	 * recorded one, or --at), -1 when it was not judged */
	time_t verified_at;
	int name_checked;          /* 1 when a host name was compared */
	int name_ok;               /* 1, 0, -1 not checked */
	char *name_error;          /* libpq's message for a mismatch */
	char *name_host;           /* the host name that was compared */
	/* libpq's message for the client certificate/key files (sslcert,
	 * sslkey: missing key, permissions, unreadable), NULL when fine */
	char *client_files_error;
	char *client_cert, *client_key; /* the files that were checked */
};

struct inspection {
	char *tool_version;
	time_t started;            /* wall clock, UTC */
	struct conn_target target;
	struct event_log log;
	/* every byte the probes' sockets carried, per connection, and the TLS
	 * secrets; the live run's only (a saved log does not carry it yet) */
	struct wire_journal wire;
	/* sslkeylogfile (or SSLKEYLOGFILE) could not be opened or written:
	 * libpq's message; NULL when fine or not asked */
	char *keylog_error;
	struct server_facts server;
	struct tls_facts tls;
	struct tls_facts direct_tls; /* attempted only when the direct probe ran */
	struct cert_facts *chain;
	size_t nchain;
	struct trust_facts trust;
	int reachable;             /* 1 a TCP connection was made, 0 none, -1 unknown */
	/* --login as the probes ran: 0 off, 1 on (a cleartext password only
	 * over TLS), 2 any (probe.h's PROBE_LOGIN_*); -1 not known (a log
	 * from before the key) */
	int login;
	/* libpq refused the connection string before connecting (fe-connect.c
	 * conninfo parsing, connectOptions2): its message for the release
	 * judged, raw; no probe ran. NULL when it connects. */
	char *refused;
	char *scenario, *teaches;  /* the demo scenario inspected, or NULL */
};

void inspection_init(struct inspection *ins);
/* "Now" for judging these facts: when the chain was judged, else when the
 * inspection started, else the present; so a replay judges as the
 * inspection did. */
time_t inspection_now(const struct inspection *ins);
void inspection_free(struct inspection *ins);
void startup_answer_free(struct startup_answer *a);
void inspection_set_refused(struct inspection *ins, const char *msg);
void cert_facts_free(struct cert_facts *c);
void tls_facts_free(struct tls_facts *t); /* its strings; the struct stays */
const char *ssl_reply_name(enum ssl_reply r);
/* inspection.login as the JSON writes it: "off", "on", "any"; NULL for
 * -1. The parser answers -1 for anything else. */
const char *login_mode_name(int login);
int login_mode_parse(const char *s);
int ssl_reply_parse(const char *s);

#endif
