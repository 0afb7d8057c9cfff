/* SPDX-License-Identifier: MIT */
/* probe_login: --login, a probe's answer to the server's request for a
 * password, as libpq's pg_fe_sendauth (fe-auth.c) gives it. Whether libpq
 * answers, with what, or which words it refuses in is model/auth's
 * judgement (the verdict model's own rule); the SCRAM exchange after
 * pg_SASL_init is followed here, with libpq's words for what goes wrong
 * in it. The tool's own rules come on top: a password goes only on a
 * connection libpq, with the target's settings, would send it on, and a
 * cleartext password only over TLS unless --login=any. What goes out is
 * logged with the secret bytes replaced by '*'; the buffers that held it
 * are wiped. The computation is login.c's. */
#include "config.h"
#include "engine/login.h"
#include "engine/probe_int.h"
#include "engine/pgwire.h"
#include "engine/x509.h"
#include "engine/facts.h"
#include "model/auth.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCRUBBED " (password scrubbed)"

static void set_text(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* Send nothing more, record why (taken over), close. libpq's own refusal
 * is an error in its words; the tool's rule is a skip. */
static void refuse(struct probe *p, bool libpq, char *why)
{
	struct startup_answer *a = p->ans;
	EV(p, EV_NOTE, libpq ? "LoginError" : "LoginSkipped", NULL, 0, "%s%s", why,
	   libpq ? " (libpq stops here; nothing sent)" : " (nothing sent)");
	set_text(libpq ? &a->login_error : &a->login_skipped, why);
	scram_free(p->scram);
	p->scram = NULL;
	probe_conn_finish(p);
}

static bool cb_is(const struct probe *p, char c)
{
	const char *cb = p->run->opts.channel_binding;
	return (cb ? cb[0] : 'p') == c;
}

/* ---- would libpq, with the target's settings, be on this connection? -- */

static void trust_free_fields(struct trust_facts *tr)
{
	free(tr->rootcert_error);
	free(tr->chain_error);
	free(tr->chain_subject);
	free(tr->ssl_error);
}

/* initialize_SSL and open_client_SSL: with a root file (verify-ca,
 * verify-full, or any mode when the file exists) the chain is verified
 * during the handshake, and verify-full checks the host name after it;
 * a failure ends the TLS attempt before any StartupMessage. */
static char *tls_refusal(struct probe *p, const char *mode)
{
	struct inspection *ins = p->ins;
	const struct conn_target *t = &ins->target;
	bool verify = !strcmp(mode, "verify-ca") || !strcmp(mode, "verify-full");
	bool system = t->rootcert_source == ROOTCERT_SYSTEM;

	if (ins->trust.client_files_error)
		return xasprintf("libpq would not get this far: %s", ins->trust.client_files_error);
	if (!verify && !t->rootcert_exists && !system)
		return NULL;
	if (ins->nchain == 0)
		return xstrdup("no certificate chain was captured to check as libpq would");
	struct trust_facts tr = { .rootcert = t->sslrootcert, .source = t->rootcert_source,
				  .rootcert_exists = t->rootcert_exists, .crl = t->sslcrl,
				  .crldir = t->sslcrldir, .chain_ok = -1 };
	if (!t->rootcert_exists && !system) {
		return xasprintf("sslmode=%s and no root certificate file: libpq would not connect",
				 mode);
	}
	x509_verify(ins->chain, ins->nchain, &tr, X509_NOW);
	char *why = NULL;
	if (tr.chain_ok != 1)
		why = xasprintf("the server's certificate does not verify against %s (%s): libpq would end the handshake",
				t->sslrootcert ? t->sslrootcert : "the root file",
				tr.chain_error ? tr.chain_error : "untrusted");
	trust_free_fields(&tr);
	if (why || strcmp(mode, "verify-full"))
		return why;
	char *msg = NULL;
	if (x509_name_check(ins->chain[0].der, ins->chain[0].der_len, t->host, &msg) != 1)
		why = xasprintf("the host name check fails (%s): libpq would end the connection",
				msg ? msg : "no match");
	free(msg);
	return why;
}

/* The connection this probe made, against the target's sslmode and
 * sslnegotiation: NULL when libpq could send a password on it, else why
 * not (heap). */
static char *not_libpqs_connection(struct probe *p)
{
	const struct conn_target *t = &p->ins->target;
	const char *mode = t->sslmode ? t->sslmode : "prefer";
	bool direct = t->sslnegotiation && !strcmp(t->sslnegotiation, "direct");
	bool needs_tls = !strcmp(mode, "require") || !strcmp(mode, "verify-ca") ||
			 !strcmp(mode, "verify-full");

	if (!p->over_tls) {
		if (needs_tls || direct)
			return xasprintf("sslmode=%s%s: libpq never sends a password without TLS",
					 mode, direct ? " with sslnegotiation=direct" : "");
		return NULL;
	}
	if (!strcmp(mode, "disable"))
		return xstrdup("sslmode=disable: libpq would not use TLS");
	if (direct && !p->direct)
		return xstrdup("sslnegotiation=direct: libpq would not send an SSLRequest");
	return tls_refusal(p, mode);
}

/* ---- sending --------------------------------------------------------- */

/* Send m (which holds a secret from byte off, n bytes, unless n is 0):
 * the event keeps the type and length with the secret as '*'. */
static void send_secret(struct probe *p, struct strbuf *m, const char *kind, size_t off,
			size_t n, const char *what)
{
	uint8_t *shown = xmemdup(m->buf, m->len);
	if (n)
		memset(shown + off, '*', n);
	EV(p, EV_SEND, kind, shown, m->len, "%s%s%s", what, n ? SCRUBBED : "",
	   p->over_tls ? " (over TLS)" : "");
	/* the answer is open again until the server's next message */
	p->ans->accepted = -1;
	if (n && p->over_tls && p->ws)
		p->ws->secret_inside = true;
	probe_conn_send_shown(p, m, n ? shown : NULL);
	if (!n)
		free(shown);
	sb_wipe(m);
	sb_free(m);
}

/* pg_password_sendauth: the password, or md5's answer, in a
 * PasswordMessage. */
static void send_password(struct probe *p, const struct pgwire_msg *m)
{
	struct startup_answer *a = p->ans;
	const char *user = p->ins->target.user ? p->ins->target.user : "";
	struct strbuf msg = STRBUF_INIT;

	if (m->u.auth.code == PGWIRE_AUTH_MD5) {
		char md5[LOGIN_MD5_LEN + 1];
		if (login_md5(p->run->opts.password, user, m->u.auth.md5_salt, md5) < 0) {
			refuse(p, true, xstrdup("could not encrypt password: could not compute MD5"));
			return;
		}
		pgwire_password(&msg, md5);
		explicit_bzero(md5, sizeof(md5));
		set_text(&a->login_method, xstrdup("md5"));
		a->login_sent = true;
		/* "md5" stays, the 32 hex digits go */
		send_secret(p, &msg, "PasswordMessage", 5 + 3, 32, "PasswordMessage md5");
	} else {
		pgwire_password(&msg, p->run->opts.password);
		set_text(&a->login_method, xstrdup("password"));
		a->login_sent = true;
		send_secret(p, &msg, "PasswordMessage", 5, msg.len - 6,
			    "PasswordMessage cleartext password");
	}
}

/* pg_SASL_init, once model/auth chose the mechanism as it does: the
 * SASLInitialResponse (no secret in it yet). */
static void sasl_init(struct probe *p, const char *mech)
{
	bool plus = !strcmp(mech, "SCRAM-SHA-256-PLUS");
	char *err = NULL;

	if (p->scram) {
		refuse(p, true, xstrdup("duplicate SASL authentication request"));
		return;
	}
	/* build_client_first_message: 'y' when libpq could bind but the
	 * server did not offer PLUS */
	char flag = plus ? 'p' : p->over_tls && !cb_is(p, 'd') ? 'y' : 'n';
	p->scram = scram_new(p->run->opts.password, flag);
	char *first = scram_client_first(p->scram, "", NULL, &err);
	if (!first) {
		refuse(p, true, err);
		return;
	}
	set_text(&p->ans->login_method, xstrdup(mech));
	struct strbuf msg = STRBUF_INIT;
	pgwire_sasl_initial(&msg, mech, first, strlen(first));
	char *what = xasprintf("SASLInitialResponse %s: client-first-message %s", mech, first);
	send_secret(p, &msg, "SASLInitialResponse", 0, 0, what);
	free(what);
	free(first);
}

/* pg_SASL_continue with the server-first-message: the client-final-message
 * with the proof. */
static void sasl_continue(struct probe *p, const struct pgwire_msg *m)
{
	size_t cert_len = 0, proof_at = 0;
	const uint8_t *cert = p->over_tls ? tls_client_peer_cert(p->tls, &cert_len) : NULL;
	char *err = NULL;

	if (!p->scram) {
		refuse(p, true, xstrdup("fe_sendauth: invalid authentication request from server: AUTH_REQ_SASL_CONT without AUTH_REQ_SASL"));
		return;
	}
	if (scram_proof_sent(p->scram)) {
		/* a second SASLContinue is read as the server's final message */
		if (scram_server_final(p->scram, (const char *)m->u.auth.data, m->u.auth.data_len,
				       &err) < 0)
			refuse(p, true, err);
		return;
	}
	char *final = scram_client_final(p->scram, (const char *)m->u.auth.data,
					 m->u.auth.data_len, cert, cert_len, &proof_at, &err);
	if (!final) {
		refuse(p, !scram_too_costly(p->scram), err);
		return;
	}
	size_t len = strlen(final);
	struct strbuf msg = STRBUF_INIT;
	pgwire_sasl_response(&msg, final, len);
	login_free_secret(final);
	p->ans->login_sent = true;
	send_secret(p, &msg, "SASLResponse", 5 + proof_at, len - proof_at,
		    "SASLResponse: client-final-message with the client's proof");
}

/* pg_SASL_continue, final: the server proves it knows the password. */
static bool sasl_final(struct probe *p, const struct pgwire_msg *m)
{
	char *err = NULL;
	if (!p->scram) {
		refuse(p, true, xstrdup("fe_sendauth: invalid authentication request from server: AUTH_REQ_SASL_CONT without AUTH_REQ_SASL"));
		return true;
	}
	if (!scram_proof_sent(p->scram)) {
		refuse(p, true, xstrdup("AuthenticationSASLFinal received from server, but SASL authentication was not completed"));
		return true;
	}
	if (scram_server_final(p->scram, (const char *)m->u.auth.data, m->u.auth.data_len, &err) < 0) {
		refuse(p, true, err);
		return true;
	}
	EV(p, EV_NOTE, "ServerSignature", NULL, 0,
	   "the server's SCRAM signature is correct: it knows the password's verifier");
	scram_free(p->scram);
	p->scram = NULL;
	return false;
}

/* model/auth's judgement of a request that starts an exchange, over
 * this connection: what libpq answers with, or why it does not. */
static void judge(struct probe *p, const char *areq, char *const *mechs,
		  struct auth_outcome *out)
{
	const struct probe_opts *o = &p->run->opts;
	const struct conn_target *t = &p->ins->target;
	bool certs_off = o->libpq_version >= 16 && t->sslcertmode &&
			 !strcmp(t->sslcertmode, "disable");
	size_t leaf_len = 0;
	const uint8_t *leaf = p->over_tls ? tls_client_peer_cert(p->tls, &leaf_len) : NULL;
	struct auth_opts ao = {
		.libpq_version = o->libpq_version,
		.channel_binding = o->channel_binding,
		.require_auth = t->require_auth,
		.sslcertmode = t->sslcertmode,
		.password = o->password && *o->password ? 1 : 0,
	};
	struct auth_link l = {
		.ssl_in_use = p->over_tls,
		.cert_requested = p->over_tls && p->tlsf->client_cert_requested,
		/* initialize_SSL loads no certificate under sslcertmode=disable */
		.cert_sent = p->over_tls && p->tlsf->client_cert_sent && !certs_off,
		.leaf = leaf,
		.leaf_len = leaf_len,
	};
	auth_judge(&ao, &l, areq, mechs, out);
}

/* Answer a request that starts an exchange: libpq's own rules
 * (pg_fe_sendauth, check_expected_areq, pg_SASL_init) as the verdict
 * model applies them, then the tool's. */
static void start_exchange(struct probe *p, const struct pgwire_msg *m, const char *areq)
{
	struct auth_outcome out;
	judge(p, areq, m->u.auth.mechanisms, &out);
	const char *method = out.method;
	if (out.result == AUTH_FAILS && out.after_first_message)
		method = "SCRAM-SHA-256-PLUS"; /* the hash fails on the server's first answer */
	if (out.result == AUTH_UNKNOWN || (out.result == AUTH_FAILS && !method)) {
		bool libpq = out.result == AUTH_FAILS;
		char *text = libpq ? out.message : xasprintf("not answered: %s", out.message);
		out.message = libpq ? NULL : out.message;
		refuse(p, libpq, text);
		auth_outcome_free(&out);
		return;
	}
	/* a failure at the AuthenticationOk (at_ok) comes after libpq's
	 * answer: the answer goes, the verdict model says the rest */
	method = method ? method : "";
	bool cleartext = !strcmp(method, "password");
	if (cleartext && !p->over_tls && p->run->opts.login != PROBE_LOGIN_ANY)
		refuse(p, false, xstrdup("the server asks for the password in cleartext over a connection without TLS; --login=any sends it"));
	else if (!strncmp(method, "SCRAM-SHA-256", 13))
		sasl_init(p, method);
	else if (cleartext || !strcmp(method, "md5"))
		send_password(p, m);
	else
		refuse(p, false, xasprintf("pgtls-inspect does not answer %s",
					   pgwire_auth_name(m->u.auth.code)));
	auth_outcome_free(&out);
}

/* PQconnectPoll under allow and prefer tries one kind of connection,
 * then the other only when the first fails in a way it falls back on:
 * the probe of the kind libpq tries first, when p is of the other kind;
 * else NULL. */
static struct probe *tried_first(struct probe *p)
{
	const char *mode = p->ins->target.sslmode ? p->ins->target.sslmode : "prefer";
	bool prefer = !strcmp(mode, "prefer"), allow = !strcmp(mode, "allow");

	if (p->direct || (!prefer && !allow) || (prefer && p->is_tls) || (allow && !p->is_tls))
		return NULL;
	for (int i = 0; i < p->run->np; i++) {
		struct probe *q = &p->run->probes[i];
		if (q != p && !q->direct && q->is_tls == prefer)
			return q;
	}
	return NULL;
}

/* Whether libpq, after the attempt q made, goes on to a connection like
 * p's (PQconnectPoll: prefer retries without SSL after 'N' on the same
 * connection, a failed handshake or an ErrorResponse over TLS; allow
 * retries with SSL after an ErrorResponse in clear); why not, if not. */
static bool falls_back(const struct probe *p, const struct probe *q, const char **why)
{
	const struct startup_answer *a = q->ans;
	if (p->is_tls) {
		*why = "sslmode=allow: libpq tries TLS only when the server refuses the connection without it";
		return a->attempted && a->accepted == 0;
	}
	*why = "sslmode=prefer: libpq goes without TLS only when the attempt with TLS fails, and this one did not";
	if (p->ins->server.sslrequest_reply == REPLY_N || q->not_libpqs)
		return true;
	if (q->tlsf->attempted && !q->tlsf->ok)
		return facts_tls_failure(q->tlsf) != TLS_FAIL_TIMEOUT;
	return a->attempted && a->accepted == 0;
}

bool probe_login_answer(struct probe *p, const struct pgwire_msg *m, const char *areq,
			const uint8_t *raw, size_t len)
{
	uint32_t code = m->u.auth.code;

	if (code == PGWIRE_AUTH_SASL_CONTINUE) {
		sasl_continue(p, m);
		return true;
	}
	if (code == PGWIRE_AUTH_SASL_FINAL)
		return sasl_final(p, m);
	/* a request that starts an exchange: first, is this a connection
	 * libpq would be on with the target's settings */
	char *why = not_libpqs_connection(p);
	if (why) {
		p->not_libpqs = p->over_tls;
		refuse(p, false, why);
		return true;
	}
	/* under allow and prefer, only once the attempt libpq makes first
	 * has ended */
	struct probe *q = tried_first(p);
	if (q && q->st != P_DONE) {
		p->parked = xmemdup(raw, len);
		p->parked_len = len;
		p->parked_areq = areq;
		EV(p, EV_NOTE, "LoginWaits", NULL, 0,
		   "sslmode=%s: libpq answers here only if its attempt %s fails; waiting for the %s probe",
		   p->ins->target.sslmode, q->is_tls ? "with TLS" : "without TLS", q->name);
		return true;
	}
	const char *not_why;
	if (q && !falls_back(p, q, &not_why)) {
		refuse(p, false, xstrdup(not_why));
		return true;
	}
	start_exchange(p, m, areq);
	return true;
}

void probe_login_resume(struct probe *p)
{
	struct probe *q = tried_first(p);
	struct pgwire_msg m;
	const char *why = NULL;

	if (q && q->st != P_DONE)
		return;
	uint8_t *raw = p->parked;
	size_t len = p->parked_len;
	p->parked = NULL;
	if (pgwire_decode(raw, len, &m, &why) == 0) {
		EV(p, EV_NOTE, "LoginResumes", NULL, 0, "the %s probe has ended", q ? q->name : "other");
		if (q && !falls_back(p, q, &why))
			refuse(p, false, xstrdup(why));
		else
			start_exchange(p, &m, p->parked_areq);
		pgwire_msg_free(&m);
	}
	free(raw);
}

void probe_login_scrub(const struct pgwire_msg *m, const uint8_t *raw, uint8_t *copy)
{
	/* server-final-message "v=SIGNATURE": the signature, like the
	 * client's proof, lets anyone holding the log test guesses */
	if (m->type != 'R' || m->u.auth.code != PGWIRE_AUTH_SASL_FINAL || m->u.auth.data_len < 2)
		return;
	size_t off = (size_t)(m->u.auth.data - raw);
	if (copy[off] == 'v' && copy[off + 1] == '=')
		memset(copy + off + 2, '*', m->u.auth.data_len - 2);
}

void probe_login_end(struct probe *p)
{
	scram_free(p->scram);
	p->scram = NULL;
	free(p->parked);
	p->parked = NULL;
}
