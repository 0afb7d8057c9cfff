/* SPDX-License-Identifier: MIT */
/* report_text: the human report. Reads struct inspection only; every
 * string that may hold server text goes through sanitize before printing
 * (event summaries were sanitized when they were logged). */
#include "config.h"
#include "output/report.h"
#include "model/summary.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Hex dumps of longer messages stop here; --json has every byte. */
#define HEX_LIMIT 512

static void put(FILE *out, const char *label, const char *value)
{
	char *v = sanitize(value ? value : "-");
	fprintf(out, "  %-22s %s\n", label, v);
	free(v);
}

/* A distinguished name: its RFC 4514 escapes kept (sanitize_dn). */
static void put_dn(FILE *out, const char *label, const char *value)
{
	char *v = sanitize_dn(value ? value : "-");
	fprintf(out, "  %-22s %s\n", label, v);
	free(v);
}

/* A list of n strings, each escaped; a certificate's names with their
 * lengths (every byte: an embedded NUL as \x00), other lists with NULL. */
static void put_names(FILE *out, const char *label, char **names, const size_t *lens, int n)
{
	if (!n) {
		put(out, label, "-");
		return;
	}
	fprintf(out, "  %-22s ", label);
	for (int i = 0; i < n; i++) {
		char *v = cert_name_show(names, lens, i);
		fprintf(out, "%s%s", i ? ", " : "", v);
		free(v);
	}
	fputc('\n', out);
}

static void put_list(FILE *out, const char *label, char **list)
{
	int n = 0;
	while (list && list[n])
		n++;
	put_names(out, label, list, NULL, n);
}

static const char *tri(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

static void hexdump(FILE *out, const uint8_t *p, size_t n)
{
	size_t shown = n > HEX_LIMIT ? HEX_LIMIT : n;
	for (size_t off = 0; off < shown; off += 16) {
		fprintf(out, "      %04zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < shown)
				fprintf(out, "%02x ", p[off + i]);
			else
				fputs("   ", out);
			if (i == 7)
				fputc(' ', out);
		}
		fputs(" |", out);
		for (size_t i = 0; i < 16 && off + i < shown; i++) {
			uint8_t c = p[off + i];
			fputc(c >= 0x20 && c < 0x7f ? c : '.', out);
		}
		fputs("|\n", out);
	}
	if (shown < n)
		fprintf(out, "      ... %zu more bytes (--json has them all)\n",
			n - shown);
}

static const char *arrow(enum ev_dir d)
{
	return d == EV_SEND ? "->" : d == EV_RECV ? "<-" : "..";
}

/* --login: what was sent, and where, or why nothing was */
static void login(FILE *out, const struct startup_answer *a, const struct connect_fact *c)
{
	if (a->login_sent) {
		char *v = xasprintf("yes, to %s (%s)", c->address ? c->address : "the server",
				    a->login_method ? a->login_method : "?");
		put(out, "password sent", v);
		free(v);
	} else if (a->login_method) {
		put(out, "login method", a->login_method);
	}
	if (a->login_skipped)
		put(out, "login skipped", a->login_skipped);
	if (a->login_error)
		put(out, "login error (libpq)", a->login_error);
}

static void answer(FILE *out, const char *title, const struct startup_answer *a,
		   const struct connect_fact *c)
{
	fprintf(out, "\n%s\n", title);
	if (!a->attempted) {
		put(out, "asked", "no (not reached)");
		return;
	}
	put(out, "accepted", a->accepted < 0 ? "unknown" :
			     a->accepted ? "yes (the server went on to authentication)" :
					   "no (ErrorResponse)");
	if (a->auth)
		put(out, "authentication", a->auth);
	if (a->nsasl)
		put_list(out, "SASL mechanisms", a->sasl_mechanisms);
	if (c)
		login(out, a, c);
	if (a->sqlstate || a->message) {
		put(out, "severity", a->severity);
		put(out, "SQLSTATE", a->sqlstate);
		put(out, "message", a->message);
		if (a->detail)
			put(out, "detail", a->detail);
		if (a->hint)
			put(out, "hint", a->hint);
	}
	if (a->npv_minor >= 0) {
		char buf[32];
		snprintf(buf, sizeof(buf), "3.%d", a->npv_minor);
		put(out, "protocol negotiated", buf);
	}
	if (a->server_version)
		put(out, "server_version", a->server_version);
	if (a->in_hot_standby >= 0)
		put(out, "in_hot_standby", a->in_hot_standby ? "on" : "off");
	if (a->default_transaction_read_only >= 0)
		put(out, "default_transaction_read_only",
		    a->default_transaction_read_only ? "on" : "off");
	if (a->failure)
		put(out, "failure", a->failure);
}

/* A multi-line message the model escaped already (libpq's newlines and
 * tabs kept), each line indented under its label. */
static void put_lines(FILE *out, const char *label, const char *text)
{
	fprintf(out, "  %-22s ", label);
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			fprintf(out, "\n  %-22s ", "");
		else if (*p == '\t')
			fputs("    ", out);
		else
			fputc(*p, out);
	}
	fputc('\n', out);
}

/* Prose folded at 72 columns under a label. */
static void put_wrapped_as(FILE *out, const char *label, const char *text,
			   char *(*escape)(const char *))
{
	char *v = escape(text);
	const char *p = v;
	bool first = true;
	while (*p) {
		size_t n = strlen(p);
		if (n > 72) {
			n = 72;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = 72;
		}
		fprintf(out, "  %-22s %.*s\n", first ? label : "", (int)n, p);
		first = false;
		p += n;
		while (*p == ' ')
			p++;
	}
	free(v);
}

static void put_wrapped(FILE *out, const char *label, const char *text)
{
	put_wrapped_as(out, label, text, sanitize);
}

static void verdicts(FILE *out, const struct report *r)
{
	const char *mine = r->ins->target.sslmode;
	fprintf(out, "\nVerdicts (as libpq %d would act)\n", r->libpq_version);
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &r->modes[m];
		const char *name = sslmode_name((enum sslmode)m);
		const char *what = report_outcome_words(v->outcome);
		fprintf(out, "  %c %-12s %s\n", mine && !strcmp(mine, name) ? '*' : ' ',
			name, what);
	}
	if (mine)
		fprintf(out, "  (* the sslmode of this target)\n");
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &r->modes[m];
		fprintf(out, "\n  sslmode=%s\n", sslmode_name((enum sslmode)m));
		for (int i = 0; i < v->npath; i++) {
			char *st = sanitize(v->path[i]);
			fprintf(out, "    %d. %s\n", i + 1, st);
			free(st);
		}
		if (v->error)
			put_lines(out, "  libpq says", v->error);
		if (v->caveat)
			put(out, "  caveat", v->caveat);
	}
}

int report_answer_write(FILE *out, const struct report *r)
{
	struct summary sm;
	summary_build(r->ins, r->modes, r->findings, r->nfindings, r->provider, &sm);
	/* a line a mode, or one for both */
	for (char *line = sm.text, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		char *a = sanitize_dn(line);
		fprintf(out, "%s\n", a);
		free(a);
	}
	summary_free(&sm);
	return ferror(out) ? -1 : 0;
}

/* The answer first, and a blank line. */
static void answer_first(FILE *out, const struct report *r)
{
	report_answer_write(out, r);
	fputc('\n', out);
}

static void header(FILE *out, const struct inspection *ins)
{
	char when[32] = "-";

	if (ins->started)
		report_iso_time(ins->started, when, sizeof(when));
	char *ver = sanitize(ins->tool_version ? ins->tool_version : PACKAGE_VERSION);
	fprintf(out, "pgtls-inspect %s report, started %s\n", ver, when);
	free(ver);
}

static void scenario(FILE *out, const struct inspection *ins)
{
	fputs("\nDemo scenario\n", out);
	put(out, "name", ins->scenario);
	if (ins->teaches && *ins->teaches)
		put_wrapped(out, "what it teaches", ins->teaches);
}

/* What named the password file: ~/.pgpass, PGPASSFILE or passfile. */
static const char *passfile_origin(const struct conn_target *t)
{
	return t->passfile_source == CI_SRC_DEFAULT ? "~/.pgpass" :
	       t->passfile_source == CI_SRC_ENV	    ? "PGPASSFILE" :
							      "passfile";
}

/* Where the first host's password comes from, never the password; no
 * line when not recorded (an older log). */
static void password(FILE *out, const struct conn_target *t)
{
	const char *file = t->passfile ? t->passfile : "";
	char *s;

	if (!t->password_sources)
		return;
	switch (conninfo_password_source(t, 0)) {
	case PW_KEYWORD:
		s = t->password_keyword_source == CI_SRC_ENV ?
			    xstrdup("from PGPASSWORD") :
			    xasprintf("from the password keyword (%s)",
				      ci_source_name(t->password_keyword_source));
		break;
	case PW_PASSFILE:
		s = xasprintf("from %s (%s)", passfile_origin(t), file);
		break;
	case PW_NONE:
		s = t->passfile ? xasprintf("none (nothing from %s, %s): libpq would say "
					    "\"fe_sendauth: no password supplied\" if the server asks",
					    passfile_origin(t), file) :
				  xstrdup("none: libpq would say \"fe_sendauth: no password "
					  "supplied\" if the server asks");
		break;
	default:
		s = xasprintf("unknown: pgtls-inspect stopped reading %s (%s)",
			      passfile_origin(t), file);
		break;
	}
	put_wrapped(out, "password", s);
	free(s);
}

static void target(FILE *out, const struct conn_target *t)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", t->port);
	fputs("\nTarget\n", out);
	put(out, "host", t->host);
	put(out, "hostaddr", t->hostaddr);
	put(out, "port", port);
	put(out, "user", t->user);
	put(out, "dbname", t->dbname);
	put(out, "sslmode", t->sslmode);
	put(out, "sslrootcert", t->sslrootcert);
	put(out, "root cert source", rootcert_source_name(t->rootcert_source));
	put(out, "root cert exists", t->rootcert_exists ? "yes" : "no");
	put(out, "sslcert", t->sslcert);
	put(out, "sslkey", t->sslkey);
	put(out, "SNI sent", t->sni ? t->sni : "none");
	if (t->service) {
		char *s = xasprintf("%s (%s)", t->service, t->service_file ? t->service_file : "no file");
		put(out, "service", s);
		free(s);
	}
	password(out, t);
	/* what did not come from the target itself */
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < t->nsources; i++)
		if (strcmp(t->source_names[i], "target") && strcmp(t->source_names[i], "default"))
			sb_addf(&sb, "%s%s from %s", sb.len ? ", " : "", t->source_keywords[i],
				t->source_names[i]);
	if (sb.len)
		put_wrapped(out, "from elsewhere", sb_str(&sb));
	sb_free(&sb);
	/* keywords written that the negotiation shown does not follow */
	for (int i = 0; i < t->nexplicit; i++) {
		const char *why;
		enum ci_effect e = conninfo_keyword_effect(t->explicit_keywords[i], &why);
		if (e == CI_EFFECT_MODELLED)
			continue;
		char *line = xasprintf("%s: %s", e == CI_EFFECT_INERT ? "cannot change the negotiation" :
							 "can change it; not modelled",
				       why);
		put_wrapped(out, t->explicit_keywords[i], line);
		free(line);
	}
}

static void provider(FILE *out, const struct provider_match *p)
{
	fputs("\nManaged service\n", out);
	put(out, "recognised", p->name);
	put_wrapped_as(out, "evidence", p->evidence, sanitize_dn);
	if (p->ca_bundle)
		put_wrapped(out, "CA bundle", p->ca_bundle);
	if (p->host_advice)
		put_wrapped(out, "host name", p->host_advice);
	if (p->advice)
		put_wrapped(out, "advice", p->advice);
}

static void findings(FILE *out, const struct report *r)
{
	fprintf(out, "\nFindings (%d)\n", r->nfindings);
	for (int i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		char *title = sanitize(f->title);
		fprintf(out, "  [%s] %s (%s)\n", severity_name(f->severity), title, f->id);
		free(title);
		put_wrapped_as(out, "  what", f->detail, sanitize_dn);
		put_wrapped_as(out, "  fix", f->fix, sanitize_dn);
	}
}

static void clients(FILE *out, const struct report *r)
{
	fputs("\nOther client stacks (their own meaning of verify-ca / verify-full)\n", out);
	for (int i = 0; i < r->nclients; i++) {
		const struct client_verdict *c = &r->clients[i];
		fprintf(out, "  %-14s %-34s %s\n", c->client, c->mode,
			client_outcome_name(c->outcome));
		put_wrapped(out, "", c->rule);
	}
}

static void negotiation(FILE *out, const struct event_log *log)
{
	fputs("\nNegotiation\n", out);
	for (size_t i = 0; i < log->n; i++) {
		const struct event *e = &log->ev[i];
		fprintf(out, "  %9.3f ms  %-6s %s %-24s %s\n", e->t_ms, e->probe,
			arrow(e->dir), e->kind, e->summary);
		/* PeerCertificate bytes are the chain below; skip them here */
		if (e->raw && strcmp(e->kind, "PeerCertificate") != 0)
			hexdump(out, e->raw, e->rawlen);
	}
}

static void server(FILE *out, const struct inspection *ins)
{
	const struct server_facts *sf = &ins->server;

	fputs("\nServer\n", out);
	put(out, "reachable", tri(ins->reachable, "yes", "no"));
	if (sf->tls_connect.error)
		put(out, "TLS probe connect", sf->tls_connect.error);
	if (sf->plain_connect.error)
		put(out, "plain probe connect", sf->plain_connect.error);
	put(out, "SSLRequest reply", sf->sslrequest_reply == REPLY_NONE ?
					     "-" :
					     ssl_reply_name(sf->sslrequest_reply));
	if (sf->sslrequest_reply == REPLY_OTHER) {
		char b[16];
		snprintf(b, sizeof(b), "0x%02x", sf->reply_byte);
		put(out, "reply byte", b);
	}
	if (sf->n_after_reply) {
		char b[64];
		snprintf(b, sizeof(b), "%zu%s", sf->n_after_reply,
			 sf->sslrequest_reply == REPLY_S ? " (libpq refuses them)" : "");
		put(out, "bytes after reply", b);
	}
	if (sf->sslrequest_reply == REPLY_E)
		answer(out, "ErrorResponse to the SSLRequest", &sf->ssl_error, NULL);
}

static void tls_session(FILE *out, const struct tls_facts *f)
{
	fputs("\nTLS session\n", out);
	if (!f->attempted) {
		put(out, "handshake", "not attempted");
		return;
	}
	put(out, "handshake", f->ok ? "completed" : "failed");
	if (f->error)
		put(out, "error", f->error);
	if (f->ok) {
		put(out, "version", f->version);
		put(out, "cipher suite", f->cipher);
		put(out, "key exchange group", f->group);
		put(out, "ALPN", f->alpn ? f->alpn : "none selected");
	}
	put(out, "SNI", f->sni ? f->sni : "none");
	put(out, "client cert requested", f->client_cert_requested ? "yes" : "no");
	if (f->client_cert_requested)
		put_list(out, "accepted CA names", f->client_ca_names);
	put(out, "client cert sent", f->client_cert_sent ? "yes" : "no");
	if (f->client_cert_error)
		put(out, "client cert problem", f->client_cert_error);
}

static void cert(FILE *out, size_t i, const struct cert_facts *c)
{
	char nb[32] = "unknown", na[32] = "unknown";

	if (c->not_before != (time_t)-1)
		report_iso_time(c->not_before, nb, sizeof(nb));
	if (c->not_after != (time_t)-1)
		report_iso_time(c->not_after, na, sizeof(na));
	fprintf(out, "  [%zu]\n", i);
	put_dn(out, "  subject", c->subject);
	put_dn(out, "  issuer", c->issuer);
	if (c->parse_error)
		put(out, "  parse error", c->parse_error);
	put_names(out, "  CN", c->cn, c->cn_len, c->ncn);
	put_names(out, "  SAN DNS", c->san_dns, c->san_dns_len, c->nsan_dns);
	put_list(out, "  SAN IP", c->san_ip);
	put(out, "  not before", nb);
	put(out, "  not after", na);
	put(out, "  key", c->key);
	put(out, "  signature", c->signature);
	put(out, "  CA", tri(c->ca, "yes", "no"));
	put(out, "  self-signed", c->self_signed ? "yes" : "no");
	put_list(out, "  key usage", c->key_usage);
	put_list(out, "  extended key usage", c->ext_key_usage);
	put(out, "  SHA-256", c->sha256);
}

static void chain(FILE *out, const struct inspection *ins)
{
	fprintf(out, "\nCertificate chain (%zu as sent by the server)\n", ins->nchain);
	for (size_t i = 0; i < ins->nchain; i++)
		cert(out, i, &ins->chain[i]);
}

/* The CRLs initialize_SSL loads with a root file, and the security level
 * OpenSSL judged at; nothing for a log that does not know them. */
static void trust_config(FILE *out, const struct trust_facts *tr)
{
	if (tr->crl || tr->crldir || tr->crl_checked >= 0) {
		put(out, "CRL file", tr->crl);
		put(out, "CRL directory", tr->crldir);
		put(out, "CRL checked",
		    tr->crl_checked < 0 ? "unknown (the chain was not judged)" :
		    tr->crl_checked	? "yes (every certificate's revocation, CRL_CHECK_ALL)" :
		    tr->source == ROOTCERT_SYSTEM ? "no (not with sslrootcert=system)" :
		    tr->crl || tr->crldir ? "no (none loaded; libpq goes on without)" :
					    "no (no CRL file or directory)");
	}
	if (tr->security_level >= 0) {
		char buf[80];
		snprintf(buf, sizeof(buf), "%d (OpenSSL's, from the system's configuration)",
			 tr->security_level);
		put(out, "security level", buf);
	}
}

/* The certificate OpenSSL refused, and when a revoked one was revoked. */
static void trust_refused(FILE *out, const struct trust_facts *tr)
{
	if (tr->chain_depth >= 0) {
		char *subj = sanitize_dn(tr->chain_subject ? tr->chain_subject : "?");
		fprintf(out, "  %-22s depth %d: %s\n", "refused certificate", tr->chain_depth,
			subj);
		free(subj);
	}
	if (tr->revoked_at != (time_t)-1) {
		char when[32];
		report_iso_time(tr->revoked_at, when, sizeof(when));
		put(out, "revoked since", when);
	}
}

static void trust(FILE *out, const struct trust_facts *tr)
{
	fputs("\nTrust\n", out);
	put(out, "root file", tr->rootcert);
	put(out, "root file source", rootcert_source_name(tr->source));
	put(out, "root file exists", tr->rootcert_exists ? "yes" : "no");
	if (tr->rootcert_error)
		put(out, "root file problem", tr->rootcert_error);
	trust_config(out, tr);
	put(out, "chain verifies", tr->chain_ok < 0 ? "not checked" :
				   tr->chain_ok ? "yes" : "no");
	if (tr->chain_error)
		put(out, "chain error", tr->chain_error);
	trust_refused(out, tr);
	put(out, "host name matches", tr->name_ok < 0 ? "not checked" :
				      tr->name_ok ? "yes" : "no");
	if (tr->name_error)
		put(out, "name error", tr->name_error);
}

/* Each probe's answer to its StartupMessage, with --login's part. */
static void answers(FILE *out, const struct inspection *ins)
{
	answer(out, "Answer to a plaintext StartupMessage", &ins->server.plain,
	       &ins->server.plain_connect);
	answer(out, "Answer to a StartupMessage over TLS", &ins->server.tls,
	       &ins->server.tls_connect);
	if (ins->server.direct_startup.attempted)
		answer(out, "Answer to a StartupMessage over direct TLS",
		       &ins->server.direct_startup, &ins->server.direct_connect);
}

/* The sections in report order: what was asked and what libpq would do
 * first, then the evidence (wire, server, TLS, chain, trust, answers). */
int report_text_write(FILE *out, const struct report *r)
{
	const struct inspection *ins = r->ins;

	answer_first(out, r);
	header(out, ins);
	if (ins->scenario)
		scenario(out, ins);
	target(out, &ins->target);
	if (ins->refused) {
		fputs("\nRefused before connecting\n", out);
		put(out, "libpq says", ins->refused);
		put(out, "connections", "none: libpq checks the connection string first");
	}
	if (r->modes)
		verdicts(out, r);
	if (r->provider && r->provider->id)
		provider(out, r->provider);
	if (r->nfindings)
		findings(out, r);
	if (r->nclients)
		clients(out, r);
	negotiation(out, &ins->log);
	server(out, ins);
	tls_session(out, &ins->tls);
	chain(out, ins);
	trust(out, &ins->trust);
	answers(out, ins);
	/* the other hosts of a list, each probed on its own */
	for (int i = 0; i < r->nextra; i++) {
		const struct inspection *h = r->extra[i];
		char *name = sanitize(h->target.hostaddr ? h->target.hostaddr :
				      h->target.host ? h->target.host : "localhost");
		fprintf(out, "\n==== Host %d of %d: %s, port %d ====\n", i + 2,
			r->nlisted, name, h->target.port);
		free(name);
		negotiation(out, &h->log);
		server(out, h);
		tls_session(out, &h->tls);
		chain(out, h);
		trust(out, &h->trust);
		answers(out, h);
	}
	if (r->nlisted > 1 + r->nextra)
		fprintf(out, "\nHosts %d to %d of the list were not probed (at most %d are).\n",
			2 + r->nextra, r->nlisted, 1 + r->nextra);
	return ferror(out) ? -1 : 0;
}
