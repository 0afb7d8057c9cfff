/* SPDX-License-Identifier: MIT */
/* sslmode: libpq's connection state machine replayed over the probe's
 * facts, once per sslmode. Each step names the libpq function it mirrors.
 * The probe saw one TLS attempt and one plaintext attempt; every path libpq
 * can take through PQconnectPoll (fe-connect.c) is a sequence of those two,
 * on the same or a new connection, so the facts answer all six modes. */
#include "config.h"
#include "model/sslmode.h"
#include "model/sslerr.h"
#include "model/auth.h"
#include "engine/conninfo.h"
#include "engine/tls.h"
#include "engine/x509.h"
#include "util/strbuf.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const mode_names[SSLMODE_COUNT] = {
	"disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};

const char *sslmode_name(enum sslmode m)
{
	return mode_names[m];
}

int sslmode_parse(const char *s)
{
	for (int i = 0; i < SSLMODE_COUNT; i++)
		if (s && !strcmp(s, mode_names[i]))
			return i;
	return -1;
}

const char *outcome_name(enum outcome o)
{
	switch (o) {
	case OUTCOME_ENCRYPTED:
		return "encrypted";
	case OUTCOME_PLAINTEXT:
		return "plaintext";
	case OUTCOME_FAILS:
		return "fails";
	default:
		return "unknown";
	}
}

/* Whether libpq has a password for the target's first host slot, and
 * from where (connectOptions2 and pg_fe_sendauth's order). */
static void password_of(struct verdict_opts *o, const struct conn_target *t)
{
	o->passfile = NULL;
	switch (conninfo_password_source(t, 0)) {
	case PW_NONE:
		o->password = 0;
		o->password_from = NULL;
		break;
	case PW_KEYWORD:
		o->password = 1;
		o->password_from = t->password_keyword_source == CI_SRC_ENV ? "PGPASSWORD" :
									      "the password keyword";
		break;
	case PW_PASSFILE:
		o->password = 1;
		o->password_from = "the password file";
		o->passfile = t->passfile;
		break;
	default:
		o->password = -1;
		o->password_from = NULL;
	}
}

void verdict_opts_from_target(struct verdict_opts *o, const struct conn_target *t,
			      int libpq_version)
{
	memset(o, 0, sizeof(*o));
	o->libpq_version = libpq_version;
	o->host = t->host;
	o->hostaddr = t->hostaddr;
	o->port = t->port;
	o->sslrootcert = t->sslrootcert;
	o->rootcert_source = t->rootcert_source;
	o->rootcert_exists = t->rootcert_exists;
	o->sslcert = t->sslcert;
	o->sslkey = t->sslkey;
	o->sslpassword = t->sslpassword;
	o->ssl_min_protocol_version = t->ssl_min_protocol_version;
	o->ssl_max_protocol_version = t->ssl_max_protocol_version;
	o->sslnegotiation = t->sslnegotiation;
	o->sslmode_source = t->sslmode_source;
	o->explicit_keywords = t->explicit_keywords;
	o->gssencmode = t->gssencmode;
	o->gss_ticket = t->gss_ticket > 0;
	o->channel_binding = t->channel_binding;
	o->require_auth = t->require_auth;
	o->sslcertmode = t->sslcertmode;
	o->target_session_attrs = t->target_session_attrs;
	o->load_balance_random = t->load_balance_hosts &&
				 !strcmp(t->load_balance_hosts, "random");
	password_of(o, t);
}

/* The error text keeps libpq's newlines and tabs, so every piece that
 * comes from the server or the user is escaped as it is added. */
static char *clean(const char *s)
{
	return sanitize(s ? s : "");
}

/* One evaluation: the facts, the options, the mode, and the growing
 * PQerrorMessage. */
struct run {
	const struct inspection *ins;
	const struct verdict_opts *o;
	enum sslmode mode;
	struct strbuf err;
	struct verdict *v;
	struct trust_facts trust; /* the chain against o's root file */
	bool trust_ready;
	bool first_connection_done;
	bool direct; /* sslnegotiation=direct: the direct probe's facts */
	/* the attempt on this host ended the way that sends libpq to the
	 * next host of its list (try_next_host, try_next_addr) */
	bool next_host;
	const char *tsa;  /* target_session_attrs in force (prefer-standby's
			   * second pass takes "any") */
	int nhosts;       /* hosts in the list walked */
};

/* What one attempt came to. */
enum att {
	ATT_OK,       /* the server went on to authentication */
	ATT_NEGOTIATION_FAILED, /* 'N': another method may follow on the same socket */
	ATT_SOFT,     /* failed; prefer (and 17+ allow) may try a new connection */
	ATT_HARD,     /* failed; libpq gives up (error_return) */
	ATT_UNKNOWN,  /* the probe did not see this */
	ATT_NEXT_HOST, /* failed; libpq goes on to the next host of its list */
	ATT_NEXT,     /* within ssl_attempt: this step passed, on to the next */
};

static void step(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void step(struct run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	strlist_add(&r->v->path, &r->v->npath, s);
	free(s);
}

static void unknown(struct run *r, const char *why)
{
	r->v->outcome = OUTCOME_UNKNOWN;
	free(r->v->caveat);
	r->v->caveat = xstrdup(why);
}

/* fe-connect.c emitHostIdentityInfo: the line that starts the messages of
 * every new connection. With hostaddr the address is shown alone; a host
 * name that differs from the address it resolved to is shown with it. */
static void prefix(struct run *r, const char *ip)
{
	const struct verdict_opts *o = r->o;
	const char *shown = o->hostaddr && *o->hostaddr ? o->hostaddr :
			    o->host && *o->host	      ? o->host :
							"localhost";
	bool by_addr = o->hostaddr && *o->hostaddr;
	char *h = clean(shown), *a = clean(ip);
	if (!by_addr && ip && *ip && strcmp(shown, ip) != 0)
		sb_addf(&r->err, "connection to server at \"%s\" (%s), port %d failed: ",
			h, a, o->port);
	else
		sb_addf(&r->err, "connection to server at \"%s\", port %d failed: ",
			h, o->port);
	free(h);
	free(a);
}

static void add_line(struct run *r, const char *msg);

static const struct connect_fact *conn_fact(const struct run *r)
{
	const struct server_facts *sf = &r->ins->server;
	if (r->direct)
		return &sf->direct_connect;
	if (sf->tls_connect.attempted && (sf->tls_connect.ok || !sf->plain_connect.ok))
		return &sf->tls_connect;
	return &sf->plain_connect;
}

/* A new connection (PQconnectPoll, CONNECTION_NEEDED). The first one also
 * reports the addresses that refused before (try_next_addr); a fallback
 * connects again to the address that worked. false when none connects. */
static bool new_connection(struct run *r)
{
	const struct connect_fact *c = conn_fact(r);
	if (!r->first_connection_done) {
		r->first_connection_done = true;
		for (int i = 0; i < c->nfailed; i++) {
			prefix(r, c->failed_ips[i]);
			/* fe-connect.c connectFailureMessage */
			char *e = clean(c->failed_errors[i]);
			sb_addf(&r->err, "%s\n\tIs the server running on that host and accepting TCP/IP connections?\n",
				e);
			free(e);
		}
	}
	if (!c->ok)
		r->next_host = true; /* try_next_addr, then try_next_host */
	if (!c->ok && c->error && !strncmp(c->error, "could not translate host name", 29)) {
		/* PQconnectPoll reports a failed lookup without a server line */
		add_line(r, c->error);
		step(r, "%s", c->error);
		return false;
	}
	if (!c->ok) {
		prefix(r, c->ip);
		if (c->error && !strcmp(c->error, "timeout expired"))
			sb_adds(&r->err, "timeout expired\n");
		else {
			char *e = clean(c->error ? c->error : "could not connect");
			sb_addf(&r->err, "%s\n\tIs the server running on that host and accepting TCP/IP connections?\n",
				e);
			free(e);
		}
		step(r, "connect to %s: %s", c->address ? c->address : "the server",
		     c->error ? c->error : "failed");
		return false;
	}
	prefix(r, c->ip);
	step(r, "connect to %s", c->address);
	return true;
}

/* pqGetErrorNotice3 with the default verbosity: "SEVERITY:  message",
 * then DETAIL and HINT lines. */
static void add_fatal(struct run *r, const struct startup_answer *a)
{
	char *sev = clean(a->severity ? a->severity : "FATAL");
	char *msg = clean(a->message);
	sb_addf(&r->err, "%s:  %s\n", sev, msg);
	free(sev);
	free(msg);
	if (a->detail) {
		char *d = clean(a->detail);
		sb_addf(&r->err, "DETAIL:  %s\n", d);
		free(d);
	}
	if (a->hint) {
		char *h = clean(a->hint);
		sb_addf(&r->err, "HINT:  %s\n", h);
		free(h);
	}
}

/* Append a message that may hold untrusted text, then a newline. */
static void add_line(struct run *r, const char *msg)
{
	char *m = clean(msg);
	sb_addf(&r->err, "%s\n", m);
	free(m);
}

#define EOF_TEXT                                                      \
	"server closed the connection unexpectedly\n"                 \
	"\tThis probably means the server terminated abnormally\n"    \
	"\tbefore or while processing the request.\n"

static void alert_line(struct run *r, int alert);
static void unpredicted_line(struct run *r, const char *what, const char *gnutls);

static void add_caveat(struct run *r, const char *text);

/* fe-connect.c PQconnectPoll, CONNECTION_CHECK_TARGET: what
 * target_session_attrs asks of the server, read from the in_hot_standby
 * and default_transaction_read_only it reported after AuthenticationOk.
 * A mismatch sends libpq to the next host; prefer-standby, out of hosts,
 * takes them all again accepting any server. */
static enum att target_check(struct run *r, const struct startup_answer *a)
{
	const char *t = r->tsa;
	const char *why = NULL;

	if (!t || !*t || !strcmp(t, "any"))
		return ATT_OK;
	if (!strcmp(t, "prefer-standby") && !a->authenticated && r->nhosts == 1) {
		/* with one host either pass connects to it */
		step(r, "target_session_attrs=prefer-standby: a standby is taken at once, any other "
			"server on the second pass over the list");
		return ATT_OK;
	}
	if (!a->authenticated) {
		char *m = xasprintf("target_session_attrs=%s is decided after authentication, from what "
				    "the server reports then; it asks for a password, which pgtls-inspect "
				    "sends only with --login", t);
		unknown(r, m);
		free(m);
		return ATT_UNKNOWN;
	}
	if (!strcmp(t, "read-write") || !strcmp(t, "read-only")) {
		bool rw = t[5] == 'w';
		if (a->default_transaction_read_only < 0 || a->in_hot_standby < 0) {
			unknown(r, "the server did not report default_transaction_read_only and "
				   "in_hot_standby (a server before 14): libpq would ask \"SHOW "
				   "transaction_read_only\", which pgtls-inspect does not send");
			return ATT_UNKNOWN;
		}
		bool ro = a->default_transaction_read_only == 1 || a->in_hot_standby == 1;
		step(r, "target_session_attrs=%s: the session is %s", t, ro ? "read-only" : "read-write");
		if (rw && ro)
			why = "session is read-only";
		else if (!rw && !ro)
			why = "session is not read-only";
	} else {
		if (a->in_hot_standby < 0) {
			unknown(r, "the server did not report in_hot_standby (a server before 14): libpq "
				   "would ask \"SELECT pg_catalog.pg_is_in_recovery()\", which "
				   "pgtls-inspect does not send");
			return ATT_UNKNOWN;
		}
		bool standby = a->in_hot_standby == 1;
		step(r, "target_session_attrs=%s: the server is %s", t,
		     standby ? "in hot standby" : "not in hot standby");
		if (!strcmp(t, "primary") && standby)
			why = "server is in hot standby mode";
		else if (strcmp(t, "primary") != 0 && !standby)
			why = "server is not in hot standby mode";
		if (why && !strcmp(t, "prefer-standby") && r->nhosts == 1) {
			step(r, "no standby in the list: libpq takes the list again accepting any server, "
				"and connects the same way");
			return ATT_OK;
		}
	}
	if (!why)
		return ATT_OK;
	step(r, "%s: libpq closes this connection and moves on to the next host", why);
	add_line(r, why);
	return ATT_NEXT_HOST;
}

/* fe-auth.c pg_fe_sendauth for the request the probe saw (model/auth.c),
 * then the session check. */
static enum att authenticate(struct run *r, const struct startup_answer *a,
			     const struct tls_facts *tf)
{
	const struct verdict_opts *o = r->o;
	bool certs_off = o->libpq_version >= 16 && o->sslcertmode &&
			 !strcmp(o->sslcertmode, "disable");
	struct auth_opts ao = {
		.libpq_version = o->libpq_version,
		.channel_binding = o->channel_binding,
		.require_auth = o->require_auth,
		.sslcertmode = o->sslcertmode,
		/* --login answered: libpq had the password the probe sent */
		.password = o->password < 0 && a->login_sent ? 1 : o->password,
	};
	struct auth_link l = {
		.ssl_in_use = tf != NULL,
		.cert_requested = tf && tf->client_cert_requested,
		/* initialize_SSL loads no certificate under sslcertmode=disable */
		.cert_sent = tf && tf->client_cert_sent && !certs_off,
		.leaf = tf && r->ins->nchain ? r->ins->chain[0].der : NULL,
		.leaf_len = tf && r->ins->nchain ? r->ins->chain[0].der_len : 0,
		.leaf_signature = tf && r->ins->nchain ? r->ins->chain[0].signature : NULL,
	};
	struct auth_outcome out;
	enum att res = ATT_OK;

	auth_judge(&ao, &l, a->auth, a->sasl_mechanisms, &out);
	switch (out.result) {
	case AUTH_FAILS:
		if (out.after_first_message)
			step(r, "libpq starts SCRAM-SHA-256-PLUS, then cannot hash the server's certificate: %s",
			     out.message);
		else
			step(r, "libpq refuses: %s", out.message);
		add_line(r, out.message);
		res = ATT_HARD;
		break;
	case AUTH_UNKNOWN:
		unknown(r, out.message);
		res = ATT_UNKNOWN;
		break;
	case AUTH_PROCEEDS:
		if (!out.method)
			break;
		if (a->login_error) {
			/* --login saw libpq stop later in the exchange (no
			 * password, the server's SCRAM messages or signature):
			 * pg_fe_sendauth fails, error_return, no other attempt */
			step(r, "libpq answers with %s, then stops: %s", out.method, a->login_error);
			add_line(r, a->login_error);
			res = ATT_HARD;
			break;
		}
		if (a->authenticated) {
			step(r, "libpq answers with %s; the server accepts (AuthenticationOk)", out.method);
			break;
		}
		if (a->login_skipped) {
			step(r, "libpq answers with %s (not tried: %s)", out.method, a->login_skipped);
			break;
		}
		/* the server judges the password: without --login, not tried */
		step(r, "libpq answers with %s, the password from %s (not tried without --login)",
		     out.method, o->password_from ? o->password_from : "the connection options");
		break;
	}
	auth_outcome_free(&out);
	if (res != ATT_OK)
		return res;
	return target_check(r, a);
}

/* The server's answer to a StartupMessage, as a probe saw it; tf is the
 * TLS session it went over, NULL in clear. */
static enum att startup(struct run *r, const struct startup_answer *a,
			const char *how, const struct tls_facts *tf)
{
	enum startup_failure fail = facts_startup_failure(a);

	if (!a->attempted || (a->accepted < 0 && fail == STARTUP_FAIL_NONE))
		return ATT_UNKNOWN;
	if (a->accepted == 1) {
		if (a->auth && strcmp(a->auth, "ok") != 0)
			step(r, "StartupMessage %s: accepted; the server asks for %s authentication",
			     how, a->auth);
		else
			step(r, "StartupMessage %s: accepted (AuthenticationOk)", how);
		return authenticate(r, a, tf);
	}
	if (a->accepted == 0 && a->login_sent)
		step(r, "StartupMessage %s: the server asks for %s authentication; libpq answers with %s",
		     how, a->auth ? a->auth : "?", a->login_method ? a->login_method : "?");
	if (a->accepted == 0) {
		step(r, "StartupMessage %s: rejected, %s %s", how,
		     a->severity ? a->severity : "FATAL", a->sqlstate ? a->sqlstate : "");
		add_fatal(r, a);
		/* fe-connect.c pgpassfileWarning: a password from the file
		 * that the server refused (28P01) */
		if (a->login_sent && r->o->passfile && a->sqlstate &&
		    !strcmp(a->sqlstate, "28P01")) {
			char *m = xasprintf("password retrieved from file \"%s\"", r->o->passfile);
			add_line(r, m);
			free(m);
		}
		/* PQconnectPoll: "the database system is starting up" and the
		 * other 57P03 answers send libpq to the next host, with no
		 * retry of this one */
		if (a->sqlstate && !strcmp(a->sqlstate, "57P03"))
			return ATT_NEXT_HOST;
		return ATT_SOFT;
	}
	if (fail == STARTUP_FAIL_TLS_ALERT && tf && tf->alert_code >= 0)
		step(r, "StartupMessage %s: the server ends the session with alert %d (%s)",
		     how, tf->alert_code, tf->alert ? tf->alert : "?");
	else
		step(r, "StartupMessage %s: %s", how, a->failure);
	if (fail == STARTUP_FAIL_FLOOD) {
		/* libpq reads on until its connect_timeout ends the attempt */
		free(r->v->caveat);
		r->v->caveat = xstrdup("the server floods messages without deciding; libpq would read "
				       "them until connect_timeout (\"timeout expired\") or forever");
		return ATT_UNKNOWN;
	}
	if (fail == STARTUP_FAIL_TLS_ALERT) {
		/* pgtls_read, SSL_ERROR_SSL: SSLerrmessage's "SSL error: %s";
		 * pqReadData fails and PQconnectPoll takes error_return, with
		 * no fallback in any release */
		if (tf && tf->alert_code >= 0)
			alert_line(r, tf->alert_code);
		else
			unpredicted_line(r, "the alert that ended the TLS session", NULL);
		return ATT_HARD;
	}
	if (fail == STARTUP_FAIL_TIMEOUT) {
		/* pqConnectDBComplete: connect_timeout moves on */
		sb_adds(&r->err, "timeout expired\n");
		r->next_host = true;
	} else
		sb_adds(&r->err, EOF_TEXT);
	return ATT_HARD;
}

/* open_client_SSL's second line after a protocol-version reason: the
 * option values, or MIN/MAX_OPENSSL_TLS_VERSION when unset */
static void protocol_hint(struct run *r)
{
	char *m = xasprintf(
		"This may indicate that the server does not support any SSL protocol version between %s and %s.",
		r->o->ssl_min_protocol_version && *r->o->ssl_min_protocol_version ?
			r->o->ssl_min_protocol_version : "TLSv1",
		r->o->ssl_max_protocol_version && *r->o->ssl_max_protocol_version ?
			r->o->ssl_max_protocol_version : "TLSv1.3");
	add_line(r, m);
	free(m);
}

/* Add a caveat to the verdict's, on a line of its own. */
static void add_caveat(struct run *r, const char *text)
{
	char *c = r->v->caveat ? xasprintf("%s\n%s", r->v->caveat, text) : xstrdup(text);

	free(r->v->caveat);
	r->v->caveat = c;
}

/* A line of libpq's message that OpenSSL's reason would fill and the facts
 * cannot: left empty, and the caveat says so (with GnuTLS's words for what
 * it saw, which never go into libpq's message). */
static void unpredicted_line(struct run *r, const char *what, const char *gnutls)
{
	char *g = gnutls ? clean(gnutls) : NULL;
	char *c = g ? xasprintf("libpq's words for %s cannot be predicted: OpenSSL names it, and "
				"GnuTLS, which ran the session, reported \"%s\"; the message leaves "
				"that line empty",
				what, g) :
		      xasprintf("libpq's words for %s cannot be predicted; the message leaves "
				"that line empty",
				what);

	sb_addc(&r->err, '\n');
	add_caveat(r, c);
	free(c);
	free(g);
}

/* SSLerrmessage for a fatal alert from the server: "SSL error: " and
 * OpenSSL's reason (model/sslerr.c), as open_client_SSL words it during
 * the handshake and pgtls_read after it. */
static void alert_line(struct run *r, int alert)
{
	char *m = sslerr_alert_message(alert);
	const char *c = sslerr_alert_caveat(alert, r->o->libpq_version);

	sb_addf(&r->err, "SSL error: %s\n", m);
	free(m);
	if (c)
		add_caveat(r, c);
}

/* fe-secure-openssl.c open_client_SSL: the text of a failed handshake.
 * Every line is OpenSSL's as libpq prints it; a failure OpenSSL would
 * name in words the facts cannot tell leaves its line empty and says so
 * in the caveat, never GnuTLS's words in libpq's message. */
static enum att handshake_failure(struct run *r, const struct tls_facts *f)
{
	enum tls_failure kind = facts_tls_failure(f);
	step(r, "TLS handshake fails: %s",
	     f->error ? f->error : f->failure_kind ? f->failure_kind : "other");
	switch (kind) {
	case TLS_FAIL_ALERT:
		alert_line(r, f->alert_code);
		/* SSL_R_TLSV1_ALERT_PROTOCOL_VERSION is one of the reasons
		 * open_client_SSL adds the range hint to */
		if (f->alert_code == SSLERR_AD_PROTOCOL_VERSION)
			protocol_hint(r);
		return ATT_SOFT;
	case TLS_FAIL_VERSION:
		/* OpenSSL refuses the ServerHello itself: SSL_R_UNSUPPORTED_PROTOCOL,
		 * one of the reasons open_client_SSL adds the range hint to */
		sb_adds(&r->err, "SSL error: unsupported protocol\n");
		protocol_hint(r);
		return ATT_SOFT;
	case TLS_FAIL_NOT_TLS:
		/* ssl3_get_record: the first record's version is not 3.x, and
		 * the bytes are no HTTP request either: SSL_R_WRONG_VERSION_NUMBER,
		 * which also gets the range hint */
		sb_adds(&r->err, "SSL error: wrong version number\n");
		protocol_hint(r);
		return ATT_SOFT;
	case TLS_FAIL_HTTP_REQUEST:
		/* ssl3_get_record: "GET ", "POST ", "HEAD " or "PUT " */
		sb_adds(&r->err, "SSL error: http request\n");
		return ATT_SOFT;
	case TLS_FAIL_PROXY_REQUEST:
		/* ssl3_get_record: "CONNE" */
		sb_adds(&r->err, "SSL error: https proxy request\n");
		return ATT_SOFT;
	case TLS_FAIL_EOF:
		/* 18 answers BIO_CTRL_EOF (commit 6f782a2a17); OpenSSL 3 then
		 * names the EOF itself */
		sb_adds(&r->err, r->o->libpq_version >= 18 ?
					 "SSL error: unexpected eof while reading\n" :
					 "SSL SYSCALL error: EOF detected\n");
		return ATT_SOFT;
	case TLS_FAIL_RESET:
	case TLS_FAIL_IO: {
		char *m = xasprintf("SSL SYSCALL error: %s",
				    f->failure_errno ? f->failure_errno : "Connection reset by peer");
		add_line(r, m);
		free(m);
		return ATT_SOFT;
	}
	case TLS_FAIL_TIMEOUT:
		sb_adds(&r->err, "timeout expired\n");
		r->next_host = true;
		return ATT_HARD;
	default:
		break;
	}
	unpredicted_line(r, "this handshake failure", f->error);
	return ATT_SOFT;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The chain against the root file libpq would load under these options;
 * the probe's own result when the options did not change it (which is
 * also what a replay has). */
static const struct trust_facts *trust(struct run *r)
{
	const struct inspection *ins = r->ins;
	if (same(r->o->sslrootcert, ins->trust.rootcert) &&
	    r->o->rootcert_source == ins->trust.source && ins->trust.chain_ok >= 0)
		return &ins->trust;
	if (!r->trust_ready) {
		memset(&r->trust, 0, sizeof(r->trust));
		r->trust.chain_ok = -1;
		r->trust.name_ok = -1;
		r->trust.rootcert = r->o->sslrootcert ? xstrdup(r->o->sslrootcert) : NULL;
		r->trust.source = r->o->rootcert_source;
		r->trust.rootcert_exists = r->o->rootcert_exists;
		r->trust.crl = ins->trust.crl ? xstrdup(ins->trust.crl) : NULL;
		r->trust.crldir = ins->trust.crldir ? xstrdup(ins->trust.crldir) : NULL;
		x509_verify(ins->chain, ins->nchain, &r->trust, X509_JUDGED_AT(&ins->trust));
		r->trust_ready = true;
	}
	return &r->trust;
}

/* The client certificate files (initialize_SSL): the probe's check, or a
 * fresh one when the options name other files. */
static char *client_files_error(struct run *r)
{
	const struct trust_facts *t = &r->ins->trust;
	if (same(r->o->sslcert, t->client_cert) && same(r->o->sslkey, t->client_key))
		return r->ins->trust.client_files_error ?
			       xstrdup(r->ins->trust.client_files_error) :
			       NULL;
	struct conn_target tmp;
	memset(&tmp, 0, sizeof(tmp));
	tmp.sslcert = (char *)r->o->sslcert;
	tmp.sslkey = (char *)r->o->sslkey;
	tmp.sslpassword = (char *)r->o->sslpassword;
	char *msg = NULL;
	tls_client_files_check(&tmp, &msg);
	return msg;
}

/* libpq's host-name check (verify-full only): the probe's result, or a
 * fresh one for another host. 1 match, else the message in *msg. */
static int name_check(struct run *r, char **msg)
{
	const struct inspection *ins = r->ins;
	*msg = NULL;
	if (same(r->o->host, ins->trust.name_host) && ins->trust.name_checked &&
	    ins->trust.name_ok >= 0) {
		if (ins->trust.name_ok)
			return 1;
		*msg = xstrdup(ins->trust.name_error ? ins->trust.name_error : "");
		return 0;
	}
	if (ins->nchain == 0)
		return -1;
	return x509_name_check(ins->chain[0].der, ins->chain[0].der_len,
			       r->o->host, msg) == 1;
}

/* root certificate missing under verify-* (initialize_SSL) */
static void root_missing(struct run *r)
{
	char *m = xasprintf("root certificate file \"%s\" does not exist",
			    r->o->sslrootcert ? r->o->sslrootcert : "");
	add_line(r, m);
	free(m);
	if (r->o->libpq_version >= 16)
		sb_adds(&r->err, "Either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification.\n");
	else
		sb_adds(&r->err, "Either provide the file or change sslmode to disable server certificate verification.\n");
}

/* A byte libpq prints with %c, escaped for the terminal (a NUL as \x00). */
static char *byte_text(uint8_t byte)
{
	char b[2] = { (char)byte, 0 };
	return byte ? clean(b) : xstrdup("\\x00");
}

/* PQconnectPoll, CONNECTION_SSL_STARTUP: the byte that answers the
 * SSLRequest; only an 'S' goes on to pqsecure_open_client. */
static enum att sslrequest_reply(struct run *r)
{
	const struct server_facts *sf = &r->ins->server;

	switch (sf->sslrequest_reply) {
	case REPLY_NONE:
		return ATT_UNKNOWN;
	case REPLY_CLOSED:
		step(r, "send SSLRequest; the server closes the connection");
		sb_adds(&r->err, EOF_TEXT);
		return ATT_HARD;
	case REPLY_TIMEOUT:
		step(r, "send SSLRequest; no answer in time");
		sb_adds(&r->err, "timeout expired\n");
		r->next_host = true;
		return ATT_HARD;
	case REPLY_E:
		step(r, "send SSLRequest; the server answers with an ErrorResponse");
		sb_adds(&r->err, "server sent an error response during SSL exchange\n");
		return ATT_HARD;
	case REPLY_OTHER:
		step(r, "send SSLRequest; the server answers 0x%02x", sf->reply_byte);
		{
			char *c = byte_text(sf->reply_byte);
			sb_addf(&r->err, "received invalid response to SSL negotiation: %s\n", c);
			free(c);
		}
		return ATT_HARD;
	case REPLY_N:
		step(r, "send SSLRequest; the server answers 'N'");
		return ATT_NEGOTIATION_FAILED;
	case REPLY_S:
		break;
	}
	step(r, "send SSLRequest; the server answers 'S'");
	return ATT_NEXT;
}

/* PQconnectPoll's first SSL step: with sslnegotiation=direct (17+) the
 * ClientHello goes out at once, else the SSLRequest and its reply. */
static enum att negotiate(struct run *r)
{
	if (!r->direct)
		return sslrequest_reply(r);
	step(r, "send a TLS ClientHello at once (sslnegotiation=direct), ALPN \"postgresql\"");
	return ATT_NEXT;
}

/* fe-secure-openssl.c initialize_SSL, the root file: a file that exists
 * makes libpq verify the chain whatever the mode; *have_root says so. */
static enum att load_root(struct run *r, bool *have_root)
{
	bool verify = r->mode >= SSLMODE_VERIFY_CA;

	*have_root = false;
	if (r->o->rootcert_source == ROOTCERT_SYSTEM && r->o->libpq_version >= 16) {
		*have_root = true;
		step(r, "trust the system's roots (sslrootcert=system)");
	} else if (r->o->rootcert_exists) {
		*have_root = true;
		const struct trust_facts *tr = trust(r);
		if (tr->rootcert_certs < 0 && tr->rootcert_error) {
			step(r, "read the root file %s: %s", r->o->sslrootcert,
			     tr->rootcert_error);
			char *m = xasprintf("could not read root certificate file \"%s\": no certificate or crl found",
					    r->o->sslrootcert);
			add_line(r, m);
			free(m);
			return ATT_SOFT;
		}
		if (verify)
			step(r, "read the root file %s", r->o->sslrootcert);
		else
			step(r, "read the root file %s: its presence makes libpq verify the chain even under %s",
			     r->o->sslrootcert, sslmode_name(r->mode));
	} else if (verify) {
		step(r, "no root file at %s", r->o->sslrootcert ? r->o->sslrootcert : "(none)");
		root_missing(r);
		return ATT_SOFT;
	} else {
		step(r, "no root file: the server's certificate is not checked");
	}
	return ATT_NEXT;
}

/* initialize_SSL, after the root file: the client certificate and key. */
static enum att client_files(struct run *r)
{
	if (r->o->libpq_version >= 16 && r->o->sslcertmode &&
	    !strcmp(r->o->sslcertmode, "disable"))
		return ATT_NEXT; /* initialize_SSL reads no client certificate */
	char *cf = client_files_error(r);

	if (!cf)
		return ATT_NEXT;
	step(r, "client certificate files: %s", cf);
	add_line(r, cf);
	free(cf);
	return ATT_SOFT;
}

/* open_client_SSL: SSL_connect, the handshake itself. */
static enum att handshake(struct run *r, const struct tls_facts *tf)
{
	if (!tf->attempted)
		return ATT_UNKNOWN;
	if (!tf->ok && facts_tls_failure(tf) == TLS_FAIL_CERT_UNPARSABLE && r->ins->nchain) {
		/* GnuTLS stopped at a certificate that OpenSSL reads: libpq's
		 * SSL_connect goes on to verify the chain, which the judge
		 * decides from the bytes; past that this tool saw nothing */
		step(r, "TLS handshake: OpenSSL reads the certificate GnuTLS could not (%s)",
		     tf->error ? tf->error : "unparsable");
		return ATT_NEXT;
	}
	if (!tf->ok)
		return handshake_failure(r, tf);
	/* initialize_SSL sends SNI from the host keyword unless it is empty
	 * or an IP literal, or sslsni=0 */
	if (tf->sni)
		step(r, "TLS handshake (%s, SNI \"%s\")", tf->version ? tf->version : "TLS",
		     tf->sni);
	else
		step(r, "TLS handshake (%s, no SNI)", tf->version ? tf->version : "TLS");
	return ATT_NEXT;
}

/* open_client_SSL: SSL_connect verified the chain when initialize_SSL
 * loaded roots (SSL_VERIFY_PEER); its failure is the handshake's. */
static enum att verify_chain(struct run *r, bool have_root)
{
	if (!have_root)
		return ATT_NEXT;
	const struct trust_facts *tr = trust(r);
	if (r->o->rootcert_source == ROOTCERT_SYSTEM && r->o->libpq_version >= 16 &&
	    tr->chain_ok < 0)
		return ATT_UNKNOWN;
	if (tr->chain_ok == 0) {
		step(r, "verify the chain: fails (%s)",
		     tr->chain_error ? tr->chain_error : "untrusted");
		sb_addf(&r->err, "SSL error: %s\n",
			tr->ssl_error ? tr->ssl_error : "certificate verify failed");
		return ATT_SOFT;
	}
	step(r, "verify the chain: trusted");
	return ATT_NEXT;
}

/* open_client_SSL (17+): after SSL_connect, which verified the chain, a
 * direct connection needs the server to have chosen ALPN "postgresql";
 * the host name is checked after that. */
static enum att check_alpn(struct run *r, const struct tls_facts *tf)
{
	if (!r->direct)
		return ATT_NEXT;
	if (!tf->ok) {
		unknown(r, "GnuTLS could not finish the handshake (a certificate it cannot parse), "
			   "so the server's ALPN answer was not seen");
		return ATT_UNKNOWN;
	}
	if (!tf->alpn) {
		step(r, "the server selected no ALPN protocol");
		sb_adds(&r->err, "direct SSL connection was established without ALPN protocol negotiation extension\n");
		return ATT_HARD;
	}
	if (strcmp(tf->alpn, "postgresql") != 0) {
		step(r, "the server selected another ALPN protocol");
		sb_adds(&r->err, "SSL connection was established with unexpected ALPN protocol\n");
		return ATT_HARD;
	}
	return ATT_NEXT;
}

/* open_client_SSL, verify-full only: fe-secure-common.c
 * pq_verify_peer_name_matches_certificate. */
static enum att check_host(struct run *r)
{
	if (r->mode != SSLMODE_VERIFY_FULL)
		return ATT_NEXT;
	char *msg = NULL;
	int ok = name_check(r, &msg);
	if (ok < 0) {
		free(msg);
		return ATT_UNKNOWN;
	}
	if (!ok) {
		step(r, "check the host name: %s", msg);
		add_line(r, msg);
		free(msg);
		return ATT_SOFT;
	}
	step(r, "check the host name \"%s\": matches", r->o->host);
	return ATT_NEXT;
}

/* PQconnectPoll, after pqsecure_open_client: bytes that came with the 'S'
 * were not encrypted (CVE-2021-23222); direct TLS has no 'S'. */
static enum att unencrypted_after_reply(struct run *r)
{
	if (r->direct || r->ins->server.n_after_reply == 0)
		return ATT_NEXT;
	step(r, "unencrypted bytes came with 'S': refused");
	sb_adds(&r->err, "received unencrypted data after SSL response\n");
	return ATT_HARD;
}

/* One SSL attempt on the current connection: SSLRequest, the reply, the
 * files initialize_SSL reads, the handshake, its checks, then the
 * StartupMessage over TLS. Each step ends the attempt unless it returns
 * ATT_NEXT. */
static enum att ssl_attempt(struct run *r)
{
	const struct inspection *ins = r->ins;
	const struct tls_facts *tf = r->direct ? &ins->direct_tls : &ins->tls;
	bool have_root = false;
	enum att a;

	r->v->lanes |= r->direct ? LANE_DIRECT : LANE_TLS;
	r->v->fail_lane = r->direct ? LANE_DIRECT : LANE_TLS;
	a = negotiate(r);
	if (a == ATT_NEXT)
		a = load_root(r, &have_root);
	if (a == ATT_NEXT)
		a = client_files(r);
	if (a == ATT_NEXT)
		a = handshake(r, tf);
	if (a == ATT_NEXT)
		a = verify_chain(r, have_root);
	if (a == ATT_NEXT)
		a = check_alpn(r, tf);
	if (a == ATT_NEXT)
		a = check_host(r);
	if (a == ATT_NEXT)
		a = unencrypted_after_reply(r);
	if (a == ATT_NEXT)
		a = startup(r, r->direct ? &ins->server.direct_startup : &ins->server.tls,
			    "over TLS", tf);
	return a;
}

static enum att plain_attempt(struct run *r, const char *how)
{
	r->v->lanes |= LANE_PLAIN;
	r->v->fail_lane = LANE_PLAIN;
	return startup(r, &r->ins->server.plain, how, NULL);
}

/* PQconnectPoll after an 'N': CONNECTION_SSL_STARTUP marks only that byte
 * consumed (conn->inStart = conn->inCursor) and CONNECTION_MADE sends the
 * StartupMessage on the same connection; in CONNECTION_AWAITING_RESPONSE,
 * once pqReadData has new bytes (the server's answer, taken to be the one
 * the probe's own plaintext StartupMessage got), libpq parses the bytes
 * that came with the 'N' first, as the start of the server's answer. Their
 * first byte must be 'R' or 'E' ('v' too in 18: PqMsg_NegotiateProtocol-
 * Version; 16 and 17 are taken to as well), and an 'R' (or 'v') length
 * word 8..2000, worded per release (15 and 18 checked with psql; 16/17's
 * words for a bad length are not predicted). What follows a well-formed
 * start joins the server's real answer: not predicted either. */
static enum att bytes_after_n(struct run *r, const char *how)
{
	const struct server_facts *sf = &r->ins->server;
	const struct startup_answer *a = &sf->plain;
	const uint8_t *b = sf->bytes_after_reply;
	size_t n = sf->n_after_reply;
	int v = r->o->libpq_version;

	r->v->lanes |= LANE_PLAIN;
	r->v->fail_lane = LANE_PLAIN;
	enum startup_failure fail = facts_startup_failure(a);
	if (!a->attempted || (a->accepted < 0 && fail != STARTUP_FAIL_UNEXPECTED &&
			      fail != STARTUP_FAIL_BAD_LENGTH && fail != STARTUP_FAIL_FLOOD))
		/* the server sends nothing new: pqReadData sees the close
		 * or the timeout, as the probe did */
		return startup(r, a, how, NULL);
	step(r, "StartupMessage %s: libpq reads the %zu byte%s that came with the 'N' as the start of the server's answer",
	     how, n, n == 1 ? "" : "s");
	if (b[0] != 'R' && b[0] != 'E' && (b[0] != 'v' || v == 15)) {
		char *c = byte_text(b[0]);
		sb_addf(&r->err, "expected authentication request from server, but received %s\n", c);
		free(c);
		return ATT_HARD;
	}
	if (b[0] != 'E' && n >= 5) {
		uint32_t len = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
		if ((int32_t)len < 8 || len > 2000) {
			if (v == 15) {
				sb_adds(&r->err, "expected authentication request from server, but received R\n");
				return ATT_HARD;
			}
			if (v >= 18) {
				sb_adds(&r->err, b[0] == 'R' ? "received invalid authentication request\n" :
							"received invalid protocol negotiation message\n");
				return ATT_HARD;
			}
		}
	}
	unknown(r, "bytes after 'N' start a server message; libpq would read on into the server's "
		   "answer to its StartupMessage, which the probe did not see joined to them");
	return ATT_UNKNOWN;
}

/* The plaintext StartupMessage on the connection that got an 'N'. */
static enum att plain_after_n(struct run *r)
{
	const char *how = "in clear, on the same connection";
	return r->ins->server.n_after_reply ? bytes_after_n(r, how) : plain_attempt(r, how);
}

/* The verdict an attempt that ends the path comes to: ok when it
 * connected, unknown when the probe did not see it, else a failure. */
static enum outcome outcome_of(struct run *r, enum att a, enum outcome ok)
{
	if (a == ATT_OK)
		return ok;
	if (a == ATT_NEXT_HOST)
		r->next_host = true;
	if (a == ATT_UNKNOWN) {
		if (!r->v->caveat)
			unknown(r, "the probe did not see the step that decides this mode");
		return OUTCOME_UNKNOWN;
	}
	return OUTCOME_FAILS;
}

/* PQconnectPoll, an 'N' when SSL is required (17+ also for allow, when
 * no encryption method is left: ENCRYPTION_NEGOTIATION_FAILED). */
static enum outcome ssl_required(struct run *r)
{
	sb_adds(&r->err, "server does not support SSL, but SSL was required\n");
	return OUTCOME_FAILS;
}

/* sslmode=disable: the plaintext startup only. */
static enum outcome mode_disable(struct run *r)
{
	if (!new_connection(r))
		return OUTCOME_FAILS;
	return outcome_of(r, plain_attempt(r, "in clear"), OUTCOME_PLAINTEXT);
}

/* sslmode=allow: plaintext first; its ErrorResponse makes libpq try SSL
 * on a new connection (15/16 clear wait_ssl_try, 17+
 * select_next_encryption_method). */
static enum outcome mode_allow(struct run *r)
{
	enum att a;

	if (!new_connection(r))
		return OUTCOME_FAILS;
	a = plain_attempt(r, "in clear");
	if (a != ATT_SOFT)
		return outcome_of(r, a, OUTCOME_PLAINTEXT);
	step(r, "new connection, with SSL this time");
	if (!new_connection(r))
		return OUTCOME_FAILS;
	a = ssl_attempt(r);
	if (a != ATT_NEGOTIATION_FAILED)
		return outcome_of(r, a, OUTCOME_ENCRYPTED);
	if (r->o->libpq_version >= 17)
		return ssl_required(r);
	/* 15/16 clear allow_ssl_try and send the plaintext startup again on
	 * the same socket */
	a = plain_after_n(r);
	return outcome_of(r, a, OUTCOME_PLAINTEXT);
}

/* sslmode=prefer: SSL first; an 'N' falls back on the same socket, a
 * failed handshake or a rejected TLS startup on a new connection without
 * SSL (15/16 clear allow_ssl_try, 17+ select_next_encryption_method). */
static enum outcome mode_prefer(struct run *r)
{
	enum att a;

	if (!new_connection(r))
		return OUTCOME_FAILS;
	a = ssl_attempt(r);
	if (a == ATT_NEGOTIATION_FAILED)
		return outcome_of(r, plain_after_n(r), OUTCOME_PLAINTEXT);
	if (a != ATT_SOFT)
		return outcome_of(r, a, OUTCOME_ENCRYPTED);
	step(r, "new connection, without SSL");
	if (!new_connection(r))
		return OUTCOME_FAILS;
	return outcome_of(r, plain_attempt(r, "in clear"), OUTCOME_PLAINTEXT);
}

/* sslmode=require, verify-ca, verify-full: SSL or nothing. */
static enum outcome mode_require(struct run *r)
{
	enum att a;

	if (!new_connection(r))
		return OUTCOME_FAILS;
	a = ssl_attempt(r);
	if (a == ATT_NEGOTIATION_FAILED)
		return ssl_required(r);
	return outcome_of(r, a, OUTCOME_ENCRYPTED);
}

/* fe-connect.c PQconnectPoll per mode (15/16: allow_ssl_try/wait_ssl_try;
 * 17+: init_allowed_encryption_methods, select_next_encryption_method). */
static void evaluate(struct run *r)
{
	enum outcome out;

	switch (r->mode) {
	case SSLMODE_DISABLE:
		out = mode_disable(r);
		break;
	case SSLMODE_ALLOW:
		out = mode_allow(r);
		break;
	case SSLMODE_PREFER:
		out = mode_prefer(r);
		break;
	default:
		out = mode_require(r);
		break;
	}
	r->v->outcome = out;
	/* a connection that succeeded failed on no lane */
	if (out == OUTCOME_ENCRYPTED || out == OUTCOME_PLAINTEXT)
		r->v->fail_lane = -1;
}

/* Option checks libpq makes before connecting (connectOptions2 in 15/16,
 * pqConnectOptions2 in 17+, conninfo parsing): a message or NULL. */
static char *option_error(const struct verdict_opts *o, enum sslmode m)
{
	for (char **k = o->explicit_keywords; k && *k; k++) {
		int since = conninfo_keyword_since(*k);
		if (since > o->libpq_version)
			return xasprintf("invalid connection option \"%s\"", *k);
	}
	/* pqConnectOptions2 (17+) checks sslnegotiation before sslrootcert */
	if (o->libpq_version >= 17 && o->sslnegotiation &&
	    !strcmp(o->sslnegotiation, "direct") && m < SSLMODE_REQUIRE)
		return xasprintf("weak sslmode \"%s\" may not be used with sslnegotiation=direct (use \"require\", \"verify-ca\", or \"verify-full\")",
				 sslmode_name(m));
	if (o->libpq_version >= 16 && o->rootcert_source == ROOTCERT_SYSTEM &&
	    m != SSLMODE_VERIFY_FULL)
		return xasprintf("weak sslmode \"%s\" may not be used with sslrootcert=system (use \"verify-full\")",
				 sslmode_name(m));
	return NULL;
}

static void run_free_trust(struct run *r)
{
	if (!r->trust_ready)
		return;
	free(r->trust.rootcert);
	free(r->trust.rootcert_error);
	free(r->trust.crl);
	free(r->trust.crldir);
	free(r->trust.chain_error);
	free(r->trust.chain_subject);
	free(r->trust.ssl_error);
	free(r->trust.name_error);
	free(r->trust.client_files_error);
	r->trust_ready = false;
}

/* One host of the list under one mode: the path libpq takes there,
 * appended to v (its path) and err (PQerrorMessage). */
static enum outcome one_host(const struct inspection *ins, const struct verdict_opts *o,
			     enum sslmode m, const char *tsa, int nhosts,
			     struct verdict *v, struct strbuf *err, bool *next)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.ins = ins;
	r.o = o;
	r.mode = m;
	r.v = v;
	r.tsa = tsa;
	r.nhosts = nhosts;
	r.err = *err;
	v->lanes = 0;
	v->fail_lane = -1;
	*next = false;
	if (o->sslnegotiation && !strcmp(o->sslnegotiation, "direct") && o->libpq_version >= 17) {
		if (!ins->server.direct_connect.attempted) {
			unknown(&r, "sslnegotiation=direct starts with a TLS ClientHello; this inspection did not probe that way");
			*err = r.err;
			return OUTCOME_UNKNOWN;
		}
		r.direct = true;
	}
	evaluate(&r);
	run_free_trust(&r);
	*err = r.err;
	*next = r.next_host;
	return v->outcome;
}

/* The options for host i: its host, hostaddr and port. */
static void opts_for_host(struct verdict_opts *h, const struct verdict_opts *o,
			  const struct inspection *ins, int i)
{
	*h = *o;
	if (i == 0)
		return;
	h->host = ins->target.host;
	h->hostaddr = ins->target.hostaddr;
	h->port = ins->target.port;
	/* each host its own password (the password file is read per host);
	 * where its target does not say, the first host's answer stands */
	if (conninfo_password_source(&ins->target, 0) != PW_UNKNOWN)
		password_of(h, &ins->target);
}

/* PQconnectPoll over the list in the order given (order[k] is the k-th
 * host tried; NULL: as written): v gets the outcome, the path and the
 * message. */
static void walk(const struct inspection *const *hosts, int nhosts, int nlisted,
		 const int *order, const struct verdict_opts *o, enum sslmode m,
		 struct verdict *v)
{
	const char *tsa = o->target_session_attrs;
	bool prefer_standby = tsa && !strcmp(tsa, "prefer-standby");
	struct strbuf err = STRBUF_INIT;
	enum outcome res = OUTCOME_FAILS;
	bool next = false;

	/* the hosts in order; prefer-standby, finding no standby, takes them
	 * again accepting any server */
	for (int pass = 0; pass < (prefer_standby && nlisted > 1 ? 2 : 1); pass++) {
		for (int k = 0; k < nlisted; k++) {
			int i = order ? order[k] : k;
			struct verdict_opts h;
			if (i >= nhosts) {
				char *c = xasprintf("host %d of the list was not probed "
						    "(pgtls-inspect probes the first %d)",
						    i + 1, nhosts);
				free(v->caveat);
				v->caveat = c;
				res = OUTCOME_UNKNOWN;
				break;
			}
			opts_for_host(&h, o, hosts[i], i);
			if (nlisted > 1) {
				char *s = xasprintf("host %d of %d: %s, port %d%s", i + 1, nlisted,
						    h.hostaddr && *h.hostaddr ? h.hostaddr :
						    h.host ? h.host : "localhost", h.port,
						    pass ? " (second pass: any server)" : "");
				strlist_add(&v->path, &v->npath, s);
				free(s);
			}
			res = one_host(hosts[i], &h, m,
				       pass ? "any" : prefer_standby && nlisted > 1 ? "standby" : tsa,
				       nlisted, v, &err, &next);
			v->host = i;
			if (res != OUTCOME_FAILS || !next)
				break;
		}
		if (res != OUTCOME_FAILS || !next)
			break;
	}
	v->outcome = res;
	if (res == OUTCOME_ENCRYPTED || res == OUTCOME_PLAINTEXT)
		v->fail_lane = -1;
	if (res == OUTCOME_FAILS && err.len) {
		/* psql prints PQerrorMessage without its last newline */
		if (err.buf[err.len - 1] == '\n')
			err.buf[--err.len] = '\0';
		v->error = sb_detach(&err);
	}
	sb_free(&err);
}

/* The next permutation of order[0..n) in lexicographic order; false
 * after the last. */
static bool next_order(int *order, int n)
{
	int i = n - 2;
	while (i >= 0 && order[i] >= order[i + 1])
		i--;
	if (i < 0)
		return false;
	int j = n - 1;
	while (order[j] <= order[i])
		j--;
	int t = order[i];
	order[i] = order[j];
	order[j] = t;
	for (int a = i + 1, b = n - 1; a < b; a++, b--) {
		t = order[a];
		order[a] = order[b];
		order[b] = t;
	}
	return true;
}

/* load_balance_hosts=random (16+, fe-connect.c libpq_prng shuffles the
 * hosts before the walk): when another order gives this mode another
 * outcome, the caveat says so. Every order up to 6 hosts, else each
 * host first in turn (the rest as written). */
static void shuffled(const struct inspection *const *hosts, int n,
		     const struct verdict_opts *o, enum sslmode m, struct verdict *v)
{
	int order[SSLMODE_MAX_HOSTS], counts[4] = { 0 }, first_other = -1, total = 0;
	bool all = n <= 6;

	for (int k = 0; k < n; k++)
		order[k] = k;
	for (int rot = 0;; rot++) {
		if (!all) {
			if (rot == n)
				break;
			for (int k = 0; k < n; k++)
				order[k] = k == 0 ? rot : k <= rot ? k - 1 : k;
		}
		struct verdict t;
		memset(&t, 0, sizeof(t));
		t.fail_lane = -1;
		walk(hosts, n, n, order, o, m, &t);
		counts[t.outcome]++;
		total++;
		if (t.outcome != v->outcome && first_other < 0)
			first_other = order[0];
		verdict_free(&t);
		if (all && !next_order(order, n))
			break;
	}
	if (first_other < 0)
		return;
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "load_balance_hosts=random: libpq tries the hosts in a random order, and the "
		     "outcome depends on it: of %d orders%s, ", total, all ? "" : " (each host first)");
	bool comma = false;
	for (int k = 0; k < 4; k++)
		if (counts[k]) {
			sb_addf(&sb, "%s%s in %d", comma ? ", " : "", outcome_name((enum outcome)k),
				counts[k]);
			comma = true;
		}
	sb_addf(&sb, " (for example when host %d comes first)", first_other + 1);
	char *c = v->caveat ? xasprintf("%s\n%s", v->caveat, sb_str(&sb)) : sb_detach(&sb);
	sb_free(&sb);
	free(v->caveat);
	v->caveat = c;
}

void sslmode_verdicts_list(const struct inspection *const *hosts, int nhosts, int nlisted,
			   const struct verdict_opts *o, struct verdict out[SSLMODE_COUNT])
{
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		struct verdict *v = &out[m];
		memset(v, 0, sizeof(*v));
		v->fail_lane = -1;
		char *opt = hosts[0]->refused ? xstrdup(hosts[0]->refused) :
						option_error(o, (enum sslmode)m);
		if (opt) {
			v->outcome = OUTCOME_FAILS;
			v->error = opt;
			strlist_add(&v->path, &v->npath,
				    "refused while reading the options, before connecting");
			continue;
		}
		walk(hosts, nhosts, nlisted, NULL, o, (enum sslmode)m, v);
		if (o->load_balance_random && o->libpq_version >= 16 && nlisted > 1 &&
		    nlisted == nhosts && nhosts <= SSLMODE_MAX_HOSTS)
			shuffled(hosts, nhosts, o, (enum sslmode)m, v);
		if (o->gss_ticket && !(o->gssencmode && !strcmp(o->gssencmode, "disable")) &&
		    !v->caveat)
			v->caveat = xstrdup("a Kerberos ticket exists and gssencmode is not disable: "
					    "libpq tries GSSAPI encryption first, and a server that accepts it "
					    "makes this verdict moot (not probed)");
	}
}

void sslmode_verdicts(const struct inspection *ins, const struct verdict_opts *o,
		      struct verdict out[SSLMODE_COUNT])
{
	sslmode_verdicts_list(&ins, 1, 1, o, out);
}

void verdict_free(struct verdict *v)
{
	free(v->error);
	strlist_free(v->path);
	free(v->caveat);
	memset(v, 0, sizeof(*v));
}
