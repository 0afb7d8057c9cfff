/* SPDX-License-Identifier: MIT */
/* report_json: the JSON contract of doc/json.md, written and read
 * with jansson. Keys are stable: add, never rename. Every string that may
 * hold server text is sanitized first (jansson also needs valid UTF-8). */
#include "config.h"
#include "output/report.h"
#include "engine/x509.h"
#include "model/summary.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/ufile.h"
#include "util/xalloc.h"
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void report_iso_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *jescaped(const char *s, char *(*escape)(const char *))
{
	if (!s)
		return json_null();
	char *c = escape(s);
	json_t *j = json_string(c);
	free(c);
	return j ? j : json_null();
}

static json_t *js(const char *s)
{
	return jescaped(s, sanitize);
}

/* Text that holds distinguished names: their RFC 4514 escapes kept. */
static json_t *jdn(const char *s)
{
	return jescaped(s, sanitize_dn);
}

/* Event strings were sanitized when logged: escaping again would double
 * their backslashes. */
static json_t *jclean(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

static json_t *jtri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

/* n strings, each escaped: a certificate's names with their lengths
 * (every byte: an embedded NUL as \x00), other lists with NULL. */
static json_t *jnames(char **names, const size_t *lens, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char *t = cert_name_show(names, lens, i);
		json_array_append_new(a, jclean(t));
		free(t);
	}
	return a;
}

static json_t *jlist(char **list)
{
	int n = 0;
	while (list && list[n])
		n++;
	return jnames(list, NULL, n);
}

static json_t *jtime(time_t t)
{
	char buf[32];
	if (t == (time_t)-1)
		return json_null();
	report_iso_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *jhex(const uint8_t *p, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addhex(&sb, p, n, 0);
	json_t *j = json_string(sb_str(&sb));
	sb_free(&sb);
	return j;
}

/* login: how --login ran (-1 not known: login_sent is not either) */
static json_t *answer_json(const struct startup_answer *a, int login)
{
	if (!a->attempted)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "accepted", jtri(a->accepted));
	json_object_set_new(o, "auth", js(a->auth));
	json_object_set_new(o, "sasl_mechanisms", jlist(a->sasl_mechanisms));
	json_object_set_new(o, "severity", js(a->severity));
	json_object_set_new(o, "sqlstate", js(a->sqlstate));
	json_object_set_new(o, "message", js(a->message));
	json_object_set_new(o, "detail", js(a->detail));
	json_object_set_new(o, "hint", js(a->hint));
	json_object_set_new(o, "negotiate_protocol_minor",
			    a->npv_minor < 0 ? json_null() : json_integer(a->npv_minor));
	json_object_set_new(o, "failure", js(a->failure));
	json_object_set_new(o, "server_version", js(a->server_version));
	json_object_set_new(o, "authenticated", json_boolean(a->authenticated));
	json_object_set_new(o, "in_hot_standby", jtri(a->in_hot_standby));
	json_object_set_new(o, "default_transaction_read_only",
			    jtri(a->default_transaction_read_only));
	json_object_set_new(o, "login_sent", login < 0 ? json_null() : json_boolean(a->login_sent));
	json_object_set_new(o, "login_method", js(a->login_method));
	json_object_set_new(o, "login_skipped", js(a->login_skipped));
	json_object_set_new(o, "login_error", js(a->login_error));
	return o;
}

static json_t *connect_json(const struct connect_fact *c)
{
	if (!c->attempted)
		return json_null();
	json_t *failed = json_array();
	for (int i = 0; i < c->nfailed; i++)
		json_array_append_new(failed, json_pack("{s:o, s:o}", "ip",
							js(c->failed_ips[i]), "error",
							js(c->failed_errors[i])));
	return json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "ok", c->ok, "address",
			 js(c->address), "ip", js(c->ip), "error", js(c->error), "ms",
			 c->ok ? json_real(round(c->ms * 1000.0) / 1000.0) : json_null(),
			 "failed", failed);
}

static json_t *target_json(const struct conn_target *t, int libpq_version)
{
	json_t *o = json_object();
	json_object_set_new(o, "host", js(t->host));
	json_object_set_new(o, "hostaddr", js(t->hostaddr));
	json_object_set_new(o, "port", t->port ? json_integer(t->port) : json_null());
	json_object_set_new(o, "user", js(t->user));
	json_object_set_new(o, "dbname", js(t->dbname));
	json_object_set_new(o, "sslmode", js(t->sslmode));
	json_object_set_new(o, "sslrootcert", js(t->sslrootcert));
	json_object_set_new(o, "rootcert_source",
			    json_string(rootcert_source_name(t->rootcert_source)));
	json_object_set_new(o, "rootcert_exists", json_boolean(t->rootcert_exists));
	json_object_set_new(o, "sslcert", js(t->sslcert));
	json_object_set_new(o, "sslkey", js(t->sslkey));
	json_object_set_new(o, "sslnegotiation", js(t->sslnegotiation));
	json_object_set_new(o, "sni", js(t->sni));
	json_object_set_new(o, "hosts", jlist(t->hosts));
	json_object_set_new(o, "connect_timeout", json_integer(t->connect_timeout));
	json_object_set_new(o, "libpq_version",
			    libpq_version ? json_integer(libpq_version) : json_null());
	json_object_set_new(o, "sslmode_source", json_string(ci_source_name(t->sslmode_source)));
	json_object_set_new(o, "ssl_min_protocol_version", js(t->ssl_min_protocol_version));
	json_object_set_new(o, "ssl_max_protocol_version", js(t->ssl_max_protocol_version));
	json_object_set_new(o, "gssencmode", js(t->gssencmode));
	json_object_set_new(o, "gss_ticket",
			    t->gss_ticket < 0 ? json_null() : json_boolean(t->gss_ticket));
	json_object_set_new(o, "explicit_keywords", jlist(t->explicit_keywords));
	json_object_set_new(o, "service", js(t->service));
	json_object_set_new(o, "service_file", js(t->service_file));
	json_object_set_new(o, "channel_binding", js(t->channel_binding));
	json_object_set_new(o, "require_auth", js(t->require_auth));
	json_object_set_new(o, "sslcertmode", js(t->sslcertmode));
	json_object_set_new(o, "target_session_attrs", js(t->target_session_attrs));
	json_object_set_new(o, "load_balance_hosts", js(t->load_balance_hosts));
	/* what each keyword written in the target does to the negotiation */
	json_t *eff = json_object();
	for (int i = 0; i < t->nexplicit; i++) {
		const char *why;
		enum ci_effect e = conninfo_keyword_effect(t->explicit_keywords[i], &why);
		json_object_set_new(eff, t->explicit_keywords[i],
				    json_pack("{s:s, s:o}", "effect", ci_effect_name(e), "why",
					      why ? json_string(why) : json_null()));
	}
	json_object_set_new(o, "keyword_effects", eff);
	json_t *src = json_object();
	for (int i = 0; i < t->nsources; i++)
		json_object_set_new(src, t->source_keywords[i], json_string(t->source_names[i]));
	/* null where nothing was recorded (a log older than this key) */
	json_object_set_new(o, "sources", t->nsources ? src : json_null());
	if (!t->nsources)
		json_decref(src);
	/* where the first slot's password comes from, never the password */
	json_object_set_new(o, "password_source", js(conninfo_password_source_name(t)));
	json_object_set_new(o, "passfile", js(t->passfile));
	return o;
}

static json_t *cert_json(const struct cert_facts *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "subject", jdn(c->subject));
	json_object_set_new(o, "issuer", jdn(c->issuer));
	json_object_set_new(o, "serial", js(c->serial));
	json_object_set_new(o, "cn", jnames(c->cn, c->cn_len, c->ncn));
	json_object_set_new(o, "san_dns", jnames(c->san_dns, c->san_dns_len, c->nsan_dns));
	json_object_set_new(o, "san_ip", jlist(c->san_ip));
	json_object_set_new(o, "not_before", jtime(c->not_before));
	json_object_set_new(o, "not_after", jtime(c->not_after));
	json_object_set_new(o, "key", js(c->key));
	json_object_set_new(o, "signature", js(c->signature));
	json_object_set_new(o, "version", json_integer(c->version));
	json_object_set_new(o, "ca", jtri(c->ca));
	json_object_set_new(o, "self_signed", json_boolean(c->self_signed));
	json_object_set_new(o, "key_usage", jlist(c->key_usage));
	json_object_set_new(o, "ext_key_usage", jlist(c->ext_key_usage));
	json_object_set_new(o, "sha256", js(c->sha256));
	json_object_set_new(o, "parse_error", js(c->parse_error));
	return o;
}

static json_t *tls_json(const struct tls_facts *f)
{
	if (!f->attempted)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "handshake_ok", json_boolean(f->ok));
	json_object_set_new(o, "error", js(f->error));
	json_object_set_new(o, "alert", js(f->alert));
	json_object_set_new(o, "alert_code",
			    f->alert_code < 0 ? json_null() : json_integer(f->alert_code));
	json_object_set_new(o, "failure_kind", js(f->failure_kind));
	json_object_set_new(o, "failure_errno", js(f->failure_errno));
	json_object_set_new(o, "version", js(f->version));
	json_object_set_new(o, "cipher", js(f->cipher));
	json_object_set_new(o, "group", js(f->group));
	json_object_set_new(o, "alpn", js(f->alpn));
	json_object_set_new(o, "sni", js(f->sni));
	json_object_set_new(o, "kx", js(f->kx));
	json_object_set_new(o, "mac", js(f->mac));
	json_object_set_new(o, "description", js(f->description));
	json_object_set_new(o, "client_cert_requested",
			    json_boolean(f->client_cert_requested));
	json_object_set_new(o, "client_ca_names", jlist(f->client_ca_names));
	json_object_set_new(o, "client_cert_sent", json_boolean(f->client_cert_sent));
	json_object_set_new(o, "client_cert_error", js(f->client_cert_error));
	/* only when a flood stopped the probe (no churn in every log) */
	if (f->flood_kind) {
		json_object_set_new(o, "flood_kind", js(f->flood_kind));
		json_object_set_new(o, "flood_count", json_integer(f->flood_count));
	}
	return o;
}

/* The CRL files libpq would load with the root file, and whether OpenSSL
 * checked revocation with them; null when none is known. */
static json_t *crl_json(const struct trust_facts *t)
{
	if (!t->crl && !t->crldir && t->crl_checked < 0)
		return json_null();
	return json_pack("{s:o, s:o, s:o}", "file", js(t->crl), "dir", js(t->crldir),
			 "checked", jtri(t->crl_checked));
}

static json_t *jint_or_null(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *trust_json(const struct trust_facts *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "rootcert", js(t->rootcert));
	json_object_set_new(o, "rootcert_source",
			    json_string(rootcert_source_name(t->source)));
	json_object_set_new(o, "rootcert_exists", json_boolean(t->rootcert_exists));
	json_object_set_new(o, "rootcert_certs", jint_or_null(t->rootcert_certs));
	json_object_set_new(o, "rootcert_error", js(t->rootcert_error));
	json_object_set_new(o, "crl", crl_json(t));
	json_object_set_new(o, "security_level", jint_or_null(t->security_level));
	json_object_set_new(o, "chain_ok", jtri(t->chain_ok));
	json_object_set_new(o, "chain_error", js(t->chain_error));
	json_object_set_new(o, "chain_depth", jint_or_null(t->chain_depth));
	json_object_set_new(o, "chain_subject", jdn(t->chain_subject));
	json_object_set_new(o, "ssl_error", js(t->ssl_error));
	json_object_set_new(o, "revoked_at", jtime(t->revoked_at));
	json_object_set_new(o, "verified_at", jtime(t->verified_at));
	json_object_set_new(o, "name_checked", json_boolean(t->name_checked > 0));
	json_object_set_new(o, "name_ok", jtri(t->name_ok));
	json_object_set_new(o, "name_error", js(t->name_error));
	json_object_set_new(o, "name_host", js(t->name_host));
	json_object_set_new(o, "client_files_error", js(t->client_files_error));
	json_object_set_new(o, "client_cert", js(t->client_cert));
	json_object_set_new(o, "client_key", js(t->client_key));
	return o;
}

static json_t *modes_json(const struct verdict *modes)
{
	json_t *o = json_object();
	for (int m = 0; modes && m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &modes[m];
		json_t *path = json_array();
		for (char **p = v->path; p && *p; p++)
			json_array_append_new(path, js(*p));
		json_object_set_new(o, sslmode_name((enum sslmode)m),
				    json_pack("{s:s, s:o, s:o, s:o, s:i}", "outcome",
					      outcome_name(v->outcome), "error",
					      /* escaped piece by piece by the model,
					       * keeping libpq's newlines and tabs */
					      jclean(v->error), "path", path, "caveat",
					      js(v->caveat), "host", v->host));
	}
	return o;
}

static json_t *scenario_json(const struct inspection *ins)
{
	if (!ins->scenario)
		return json_null();
	return json_pack("{s:o, s:o}", "name", js(ins->scenario), "teaches", js(ins->teaches));
}

static json_t *events_json(const struct event_log *log)
{
	json_t *evs = json_array();
	for (size_t i = 0; i < log->n; i++) {
		const struct event *e = &log->ev[i];
		json_t *o = json_object();
		json_object_set_new(o, "t_ms", json_real(round(e->t_ms * 1000.0) / 1000.0));
		json_object_set_new(o, "probe", jclean(e->probe));
		json_object_set_new(o, "dir", json_string(event_dir_name(e->dir)));
		json_object_set_new(o, "kind", jclean(e->kind));
		json_object_set_new(o, "summary", jclean(e->summary));
		json_object_set_new(o, "hex", e->raw ? jhex(e->raw, e->rawlen) : json_null());
		json_array_append_new(evs, o);
	}
	return evs;
}

/* No byte to show when nothing, or the end of the stream, answered. */
static json_t *reply_byte_json(const struct server_facts *sf)
{
	if (sf->sslrequest_reply == REPLY_NONE || sf->sslrequest_reply == REPLY_CLOSED ||
	    sf->sslrequest_reply == REPLY_TIMEOUT)
		return json_null();
	return json_integer(sf->reply_byte);
}

static json_t *server_json(const struct inspection *ins)
{
	const struct server_facts *sf = &ins->server;
	json_t *srv = json_object();
	json_object_set_new(srv, "reachable", jtri(ins->reachable));
	json_object_set_new(srv, "connect",
			    json_pack("{s:o, s:o, s:o}", "tls", connect_json(&sf->tls_connect),
				      "plain", connect_json(&sf->plain_connect), "direct",
				      connect_json(&sf->direct_connect)));
	json_object_set_new(srv, "sslrequest_reply",
			    sf->sslrequest_reply == REPLY_NONE ?
				    json_null() :
				    json_string(ssl_reply_name(sf->sslrequest_reply)));
	json_object_set_new(srv, "sslrequest_reply_byte", reply_byte_json(sf));
	json_object_set_new(srv, "sslrequest_error", answer_json(&sf->ssl_error, ins->login));
	json_object_set_new(srv, "bytes_after_reply", json_integer((json_int_t)sf->n_after_reply));
	json_object_set_new(srv, "bytes_after_reply_hex",
			    sf->n_after_reply ? jhex(sf->bytes_after_reply, sf->n_after_reply) :
						json_null());
	json_object_set_new(srv, "login",
			    login_mode_name(ins->login) ? json_string(login_mode_name(ins->login)) :
							   json_null());
	json_object_set_new(srv, "plaintext_startup", answer_json(&sf->plain, ins->login));
	json_object_set_new(srv, "tls_startup", answer_json(&sf->tls, ins->login));
	json_object_set_new(srv, "direct_startup", answer_json(&sf->direct_startup, ins->login));
	return srv;
}

static json_t *chain_json(const struct inspection *ins)
{
	json_t *chain = json_array();
	for (size_t i = 0; i < ins->nchain; i++)
		json_array_append_new(chain, cert_json(&ins->chain[i]));
	return chain;
}

static json_t *findings_json(const struct report *r)
{
	json_t *fa = json_array();
	for (int i = 0; i < r->nfindings; i++) {
		const struct finding *f = &r->findings[i];
		json_array_append_new(fa, json_pack("{s:s, s:s, s:o, s:o, s:o}", "id", f->id,
						    "severity", severity_name(f->severity),
						    "title", js(f->title), "detail", jdn(f->detail),
						    "fix", jdn(f->fix)));
	}
	return fa;
}

static json_t *summary_line_json(const struct summary_line *l)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "mode", sslmode_name(l->mode), "outcome",
			 outcome_name(l->outcome), "cause", jdn(l->cause), "fix", jdn(l->fix),
			 "finding", l->finding ? json_string(l->finding) : json_null(), "text",
			 jdn(l->text));
}

/* The answer first: the target's sslmode, and verify-full when it is
 * another (else null). */
static json_t *summary_json(const struct report *r)
{
	struct summary sm;
	summary_build(r->ins, r->modes, r->findings, r->nfindings, r->provider, &sm);
	json_t *o = summary_line_json(&sm.mode);
	json_object_set_new(o, "verify_full",
			    sm.has_verify_full ? summary_line_json(&sm.verify_full) : json_null());
	summary_free(&sm);
	return o;
}

static json_t *provider_json(const struct provider_match *pm)
{
	if (!pm || !pm->id)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "id", js(pm->id), "name",
			 js(pm->name), "evidence", jdn(pm->evidence), "ca_bundle",
			 js(pm->ca_bundle), "host_advice", js(pm->host_advice), "advice",
			 js(pm->advice));
}

static json_t *clients_json(const struct report *r)
{
	json_t *ca = json_array();
	for (int i = 0; i < r->nclients; i++) {
		const struct client_verdict *c = &r->clients[i];
		json_array_append_new(ca, json_pack("{s:s, s:s, s:s, s:o}", "client", c->client,
						    "mode", c->mode, "outcome",
						    client_outcome_name(c->outcome), "rule", js(c->rule)));
	}
	return ca;
}

/* The facts of one host's inspection, into o. */
static void facts_json(json_t *o, const struct inspection *ins, int libpq_version)
{
	json_object_set_new(o, "target", target_json(&ins->target, libpq_version));
	json_object_set_new(o, "refused", js(ins->refused));
	json_object_set_new(o, "events", events_json(&ins->log));
	json_object_set_new(o, "server", server_json(ins));
	json_object_set_new(o, "tls", tls_json(&ins->tls));
	json_object_set_new(o, "direct_tls", tls_json(&ins->direct_tls));
	json_object_set_new(o, "chain", chain_json(ins));
	json_object_set_new(o, "trust", trust_json(&ins->trust));
}

/* Keys in a fixed order (golden files and users diff the output): the
 * facts first, then what the model derives from them. */
static json_t *build(const struct report *r)
{
	const struct inspection *ins = r->ins;
	json_t *root = json_object();
	json_object_set_new(root, "tool", json_pack("{s:s, s:o}", "name", PACKAGE_NAME,
						    "version", js(ins->tool_version)));
	json_object_set_new(root, "started", ins->started ? jtime(ins->started) : json_null());
	json_object_set_new(root, "scenario", scenario_json(ins));
	facts_json(root, ins, r->libpq_version);
	/* the other hosts of a list, each with the same facts */
	json_t *hosts = json_array();
	for (int i = 0; i < r->nextra; i++) {
		json_t *h = json_object();
		facts_json(h, r->extra[i], r->libpq_version);
		json_array_append_new(hosts, h);
	}
	json_object_set_new(root, "hosts", hosts);
	json_object_set_new(root, "hosts_listed", json_integer(r->nlisted > 0 ? r->nlisted : 1));
	json_object_set_new(root, "modes", modes_json(r->modes));
	json_object_set_new(root, "findings", findings_json(r));
	json_object_set_new(root, "provider", provider_json(r->provider));
	json_object_set_new(root, "clients", clients_json(r));
	json_object_set_new(root, "summary", summary_json(r));
	return root;
}

char *report_json_line(const struct report *r)
{
	json_t *root = build(r);
	char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	return s;
}

int report_json_write(FILE *out, const struct report *r)
{
	json_t *root = build(r);
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (rc == 0)
		fputc('\n', out);
	return rc == 0 && !ferror(out) ? 0 : -1;
}

/* ---- reading it back (replay) ---- */

/* Strings were escaped when written: the model holds raw text, as after a
 * live probe, so they are unescaped here and escaped once on output. */
static char *rs(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? unsanitize(json_string_value(v)) : NULL;
}

static int rtri(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* An integer, or -1 (the model's "unknown") when absent or not one. */
static int rint_or_unknown(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

/* An integer from lo to hi, or -1 (unknown) for anything else. */
static int rint_in(json_t *o, const char *key, int lo, int hi)
{
	json_t *v = json_object_get(o, key);
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
	return i >= lo && i <= hi ? (int)i : -1;
}

static char **rlist(json_t *o, const char *key, int *n)
{
	char **list = NULL;
	int count = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, key), i, v) {
		if (json_is_string(v)) {
			char *raw = unsanitize(json_string_value(v));
			strlist_add(&list, &count, raw);
			free(raw);
		}
	}
	if (n)
		*n = count;
	return list;
}

/* Hex digits only, an even number of them; NULL otherwise. */
static uint8_t *unhex(const char *s, size_t *n)
{
	size_t len = strlen(s);
	if (len % 2)
		return NULL;
	uint8_t *out = xmalloc(len / 2 + 1);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return out;
}

static void load_answer(json_t *o, struct startup_answer *a)
{
	if (!json_is_object(o))
		return;
	a->attempted = true;
	a->accepted = rtri(o, "accepted");
	a->auth = rs(o, "auth");
	a->sasl_mechanisms = rlist(o, "sasl_mechanisms", &a->nsasl);
	a->severity = rs(o, "severity");
	a->sqlstate = rs(o, "sqlstate");
	a->message = rs(o, "message");
	a->detail = rs(o, "detail");
	a->hint = rs(o, "hint");
	a->npv_minor = rint_or_unknown(o, "negotiate_protocol_minor");
	a->failure = rs(o, "failure");
	a->failure_code = facts_startup_failure_parse(a->failure);
	a->server_version = rs(o, "server_version");
	a->authenticated = json_is_true(json_object_get(o, "authenticated")) ||
			   (a->auth && !strcmp(a->auth, "ok"));
	a->in_hot_standby = rtri(o, "in_hot_standby");
	a->default_transaction_read_only = rtri(o, "default_transaction_read_only");
	a->login_sent = json_is_true(json_object_get(o, "login_sent"));
	a->login_method = rs(o, "login_method");
	a->login_skipped = rs(o, "login_skipped");
	a->login_error = rs(o, "login_error");
}

static void load_connect(json_t *o, struct connect_fact *c)
{
	if (!json_is_object(o))
		return;
	c->attempted = true;
	c->ok = json_is_true(json_object_get(o, "ok"));
	c->address = rs(o, "address");
	c->ip = rs(o, "ip");
	c->error = rs(o, "error");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "failed"), i, v) {
		char *ip = rs(v, "ip"), *err = rs(v, "error");
		int n = c->nfailed;
		strlist_add(&c->failed_ips, &n, ip ? ip : "");
		n = c->nfailed;
		strlist_add(&c->failed_errors, &n, err ? err : "");
		c->nfailed = n;
		free(ip);
		free(err);
	}
	c->ms = json_number_value(json_object_get(o, "ms"));
}

static void load_tls(json_t *tl, struct tls_facts *f)
{
	if (!json_is_object(tl))
		return;
	f->attempted = true;
	f->ok = json_is_true(json_object_get(tl, "handshake_ok"));
	f->error = rs(tl, "error");
	f->alert = rs(tl, "alert");
	f->alert_code = rint_or_unknown(tl, "alert_code");
	f->failure_kind = rs(tl, "failure_kind");
	f->failure_code = facts_tls_failure_parse(f->failure_kind);
	f->failure_errno = rs(tl, "failure_errno");
	f->version = rs(tl, "version");
	f->cipher = rs(tl, "cipher");
	f->group = rs(tl, "group");
	f->alpn = rs(tl, "alpn");
	f->sni = rs(tl, "sni");
	f->kx = rs(tl, "kx");
	f->mac = rs(tl, "mac");
	f->description = rs(tl, "description");
	f->client_cert_requested = json_is_true(json_object_get(tl, "client_cert_requested"));
	f->client_ca_names = rlist(tl, "client_ca_names", &f->nclient_ca);
	f->client_cert_sent = json_is_true(json_object_get(tl, "client_cert_sent"));
	f->client_cert_error = rs(tl, "client_cert_error");
	f->flood_kind = rs(tl, "flood_kind");
	f->flood_count = f->flood_kind ? rint_or_unknown(tl, "flood_count") : 0;
}

static time_t parse_time(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	struct tm tm = { 0 };
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return (time_t)-1;
	return timegm(&tm);
}

/* tool, started and scenario: what the report's first lines show. */
static void load_header(json_t *root, struct inspection *ins)
{
	char *ver = rs(json_object_get(root, "tool"), "version");
	if (ver) {
		free(ins->tool_version);
		ins->tool_version = ver;
	}
	ins->started = parse_time(root, "started");
	json_t *scen = json_object_get(root, "scenario");
	if (json_is_object(scen)) {
		ins->scenario = rs(scen, "name");
		ins->teaches = rs(scen, "teaches");
	}
	if (ins->started == (time_t)-1)
		ins->started = 0;
}

/* Names outside the tables keep the field's zero value. */
static void load_sources(json_t *target, struct conn_target *t)
{
	const char *src = json_string_value(json_object_get(target, "rootcert_source"));
	for (int i = ROOTCERT_NONE; i <= ROOTCERT_SYSTEM; i++)
		if (src && !strcmp(src, rootcert_source_name(i)))
			t->rootcert_source = i;
	const char *msrc = json_string_value(json_object_get(target, "sslmode_source"));
	for (int k = CI_SRC_NONE; k <= CI_SRC_OPTION; k++)
		if (msrc && !strcmp(msrc, ci_source_name(k)))
			t->sslmode_source = k;
	/* where each value came from: libpq's keywords and our source names
	 * only, anything else in a hostile log is dropped */
	json_t *from = json_object_get(target, "sources");
	for (int i = 0; json_is_object(from) && conninfo_keyword(i); i++) {
		const char *kw = conninfo_keyword(i);
		const char *name = json_string_value(json_object_get(from, kw));
		for (int k = CI_SRC_DEFAULT; name && k <= CI_SRC_OPTION; k++)
			if (!strcmp(name, ci_source_name(k))) {
				int n = t->nsources;
				strlist_add(&t->source_keywords, &n, kw);
				strlist_add(&t->source_names, &t->nsources, ci_source_name(k));
				break;
			}
	}
}

/* The source recorded for a keyword in target.sources, else fallback. */
static enum ci_source recorded_source(const struct conn_target *t, const char *kw,
				      enum ci_source fallback)
{
	for (int i = 0; i < t->nsources; i++)
		if (!strcmp(t->source_keywords[i], kw))
			for (int k = CI_SRC_DEFAULT; k <= CI_SRC_OPTION; k++)
				if (!strcmp(t->source_names[i], ci_source_name(k)))
					return k;
	return fallback;
}

/* password_source and passfile: slot 0 only (the others stay PW_UNKNOWN);
 * a name outside the four, or no host list, leaves it unknown. Where the
 * password keyword and the file came from is read from target.sources. */
static void load_password(json_t *target, struct conn_target *t)
{
	static const int kinds[] = { PW_NONE, PW_KEYWORD, PW_KEYWORD, PW_PASSFILE };
	static const char *const names[] = { "none", "password", "PGPASSWORD", "passfile" };
	const char *name = json_string_value(json_object_get(target, "password_source"));

	t->passfile = rs(target, "passfile");
	t->passfile_source = recorded_source(t, "passfile", CI_SRC_DEFAULT);
	for (int i = 0; name && t->nhosts > 0 && i < 4; i++) {
		if (strcmp(name, names[i]))
			continue;
		t->password_sources = xcalloc((size_t)t->nhosts, sizeof(int));
		for (int k = 1; k < t->nhosts; k++)
			t->password_sources[k] = PW_UNKNOWN;
		t->password_sources[0] = kinds[i];
		if (i == 2)
			t->password_keyword_source = CI_SRC_ENV;
		else if (i == 1) {
			enum ci_source src = recorded_source(t, "password", CI_SRC_TARGET);
			t->password_keyword_source = src == CI_SRC_ENV ? CI_SRC_TARGET : src;
		}
		break;
	}
}

static void load_target(json_t *target, struct conn_target *t, int *libpq_version)
{
	t->host = rs(target, "host");
	t->hostaddr = rs(target, "hostaddr");
	t->connect_to = xstrdup(t->hostaddr ? t->hostaddr : t->host ? t->host : "");
	t->hosts = rlist(target, "hosts", &t->nhosts);
	t->port = (int)json_integer_value(json_object_get(target, "port"));
	t->user = rs(target, "user");
	t->dbname = rs(target, "dbname");
	t->sslmode = rs(target, "sslmode");
	t->sslnegotiation = rs(target, "sslnegotiation");
	t->sslrootcert = rs(target, "sslrootcert");
	t->rootcert_exists = json_is_true(json_object_get(target, "rootcert_exists"));
	t->sslcert = rs(target, "sslcert");
	t->sslkey = rs(target, "sslkey");
	t->sni = rs(target, "sni");
	t->connect_timeout = (int)json_integer_value(json_object_get(target, "connect_timeout"));
	*libpq_version = (int)json_integer_value(json_object_get(target, "libpq_version"));
	load_sources(target, t);
	t->ssl_min_protocol_version = rs(target, "ssl_min_protocol_version");
	t->ssl_max_protocol_version = rs(target, "ssl_max_protocol_version");
	t->gssencmode = rs(target, "gssencmode");
	json_t *gt = json_object_get(target, "gss_ticket");
	t->gss_ticket = json_is_boolean(gt) ? json_is_true(gt) : -1;
	t->explicit_keywords = rlist(target, "explicit_keywords", &t->nexplicit);
	t->service = rs(target, "service");
	t->service_file = rs(target, "service_file");
	t->channel_binding = rs(target, "channel_binding");
	t->require_auth = rs(target, "require_auth");
	t->sslcertmode = rs(target, "sslcertmode");
	t->target_session_attrs = rs(target, "target_session_attrs");
	t->load_balance_hosts = rs(target, "load_balance_hosts");
	load_password(target, t);
}

/* The chain is rebuilt from the certificates' own bytes, as a live probe
 * reads it; one GnuTLS cannot parse keeps its place with its parse_error. */
static void load_peer_cert(struct inspection *ins, const uint8_t *raw, size_t rawlen)
{
	char *cerr = NULL;

	ins->chain = xrealloc(ins->chain, (ins->nchain + 1) * sizeof(*ins->chain));
	if (x509_cert_facts(raw, rawlen, &ins->chain[ins->nchain], &cerr) >= 0)
		ins->nchain++;
	else
		cert_facts_free(&ins->chain[ins->nchain]);
	free(cerr);
}

/* One event; -1 when a field is missing, of the wrong type or out of
 * range (the file may be hostile: nothing is logged from a bad event). */
static int load_event(json_t *e, struct inspection *ins)
{
	const char *dir = json_string_value(json_object_get(e, "dir"));
	const char *hex = json_string_value(json_object_get(e, "hex"));
	const char *kind = json_string_value(json_object_get(e, "kind"));
	const char *probe = json_string_value(json_object_get(e, "probe"));
	const char *summary = json_string_value(json_object_get(e, "summary"));
	int d = dir ? event_dir_parse(dir) : -1;
	size_t rawlen = 0;
	uint8_t *raw = hex ? unhex(hex, &rawlen) : NULL;
	double t_ms = json_number_value(json_object_get(e, "t_ms"));

	if (d < 0 || !kind || !probe || !summary || (hex && !raw) ||
	    !(t_ms >= 0 && t_ms < 1e9)) {
		free(raw);
		return -1;
	}
	event_add_clean(&ins->log, t_ms, probe, (enum ev_dir)d, kind, raw, rawlen, summary);
	if (raw && !strcmp(kind, "PeerCertificate"))
		load_peer_cert(ins, raw, rawlen);
	free(raw);
	return 0;
}

static int load_events(json_t *events, const char *path, struct inspection *ins,
		       char **err)
{
	size_t i;
	json_t *e;

	json_array_foreach(events, i, e) {
		if (load_event(e, ins) < 0) {
			*err = xasprintf("%s: event %zu is malformed", path, i);
			return -1;
		}
	}
	return 0;
}

static void load_server(json_t *srv, struct inspection *ins)
{
	struct server_facts *sf = &ins->server;

	ins->reachable = rtri(srv, "reachable");
	json_t *conn = json_object_get(srv, "connect");
	load_connect(json_object_get(conn, "tls"), &sf->tls_connect);
	load_connect(json_object_get(conn, "plain"), &sf->plain_connect);
	load_connect(json_object_get(conn, "direct"), &sf->direct_connect);
	const char *reply = json_string_value(json_object_get(srv, "sslrequest_reply"));
	int rp = reply ? ssl_reply_parse(reply) : REPLY_NONE;
	sf->sslrequest_reply = rp < 0 ? REPLY_NONE : (enum ssl_reply)rp;
	sf->reply_byte = (uint8_t)json_integer_value(json_object_get(srv, "sslrequest_reply_byte"));
	ins->login = login_mode_parse(json_string_value(json_object_get(srv, "login")));
	load_answer(json_object_get(srv, "sslrequest_error"), &sf->ssl_error);
	const char *after = json_string_value(json_object_get(srv, "bytes_after_reply_hex"));
	if (after)
		sf->bytes_after_reply = unhex(after, &sf->n_after_reply);
	load_answer(json_object_get(srv, "plaintext_startup"), &sf->plain);
	load_answer(json_object_get(srv, "tls_startup"), &sf->tls);
	load_answer(json_object_get(srv, "direct_startup"), &sf->direct_startup);
}

/* The root file's source is the target's: the log keeps it once there. */
static void load_trust(json_t *tr, struct trust_facts *f, enum rootcert_source source)
{
	if (!json_is_object(tr))
		return;
	f->rootcert = rs(tr, "rootcert");
	f->source = source;
	f->rootcert_exists = json_is_true(json_object_get(tr, "rootcert_exists"));
	f->rootcert_certs = rint_or_unknown(tr, "rootcert_certs");
	f->rootcert_error = rs(tr, "rootcert_error");
	json_t *crl = json_object_get(tr, "crl");
	if (json_is_object(crl)) {
		f->crl = rs(crl, "file");
		f->crldir = rs(crl, "dir");
		f->crl_checked = rtri(crl, "checked");
	}
	/* OpenSSL's levels are 0 to 5; a chain's depth is bounded by the
	 * number of certificates an event log can hold */
	f->security_level = rint_in(tr, "security_level", 0, 5);
	f->chain_ok = rtri(tr, "chain_ok");
	f->chain_error = rs(tr, "chain_error");
	f->chain_code = facts_chain_failure_parse(f->chain_error, &f->chain_gap);
	f->chain_depth = rint_in(tr, "chain_depth", 0, 1 << 20);
	f->chain_subject = rs(tr, "chain_subject");
	f->ssl_error = rs(tr, "ssl_error");
	f->revoked_at = parse_time(tr, "revoked_at");
	f->verified_at = parse_time(tr, "verified_at");
	f->name_checked = json_is_true(json_object_get(tr, "name_checked"));
	f->name_ok = rtri(tr, "name_ok");
	f->name_error = rs(tr, "name_error");
	f->client_files_error = rs(tr, "client_files_error");
	f->name_host = rs(tr, "name_host");
	f->client_cert = rs(tr, "client_cert");
	f->client_key = rs(tr, "client_key");
}

/* One host's facts from o (the document itself, or an entry of its
 * "hosts"). */
static int load_facts(json_t *o, const char *path, struct inspection *ins,
		      int *libpq_version, char **err)
{
	json_t *events = json_object_get(o, "events");
	json_t *target = json_object_get(o, "target");
	if (!json_is_object(o) || !json_is_array(events) || !json_is_object(target)) {
		*err = xasprintf("%s: not a pgtls-inspect event log (no target and events)",
				 path);
		return -1;
	}
	load_target(target, &ins->target, libpq_version);
	ins->refused = rs(o, "refused");
	if (load_events(events, path, ins, err) < 0)
		return -1;
	load_server(json_object_get(o, "server"), ins);
	load_tls(json_object_get(o, "tls"), &ins->tls);
	load_tls(json_object_get(o, "direct_tls"), &ins->direct_tls);
	load_trust(json_object_get(o, "trust"), &ins->trust, ins->target.rootcert_source);
	/* the target's CRL files are kept once, with the trust facts */
	conninfo_target_set_crl(&ins->target, ins->trust.crl, ins->trust.crldir);
	return 0;
}

/* a log names at most this many hosts (the tool probes fewer) */
#define LOAD_MAX_HOSTS 64

int report_json_load_list(const char *path, struct inspection *ins,
			  struct inspection **extra, int *nextra, int *nlisted,
			  int *libpq_version, char **err)
{
	json_error_t je;
	char *text = NULL;
	size_t len = 0;
	/* a regular file of at most UFILE_REPLAY_MAX, opened without waiting */
	if (ufile_read(path, UFILE_REPLAY_MAX, &text, &len, err) < 0)
		return -1;
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	if (!root) {
		*err = je.line > 0 ? xasprintf("%s:%d: %s", path, je.line, je.text) :
				     xasprintf("%s: %s", path, je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		*err = xasprintf("%s: not a pgtls-inspect event log (no target and events)",
				 path);
		json_decref(root);
		return -1;
	}
	load_header(root, ins);
	if (load_facts(root, path, ins, libpq_version, err) < 0) {
		json_decref(root);
		return -1;
	}
	json_t *hosts = json_object_get(root, "hosts");
	json_t *listed = json_object_get(root, "hosts_listed");
	size_t n = json_is_array(hosts) ? json_array_size(hosts) : 0;
	if (n > LOAD_MAX_HOSTS) {
		*err = xasprintf("%s: more than %d hosts", path, LOAD_MAX_HOSTS);
		json_decref(root);
		return -1;
	}
	if (extra && n) {
		*extra = xcalloc(n, sizeof(**extra));
		for (size_t i = 0; i < n; i++) {
			int v = 0;
			inspection_init(&(*extra)[i]);
			*nextra = (int)i + 1;
			if (load_facts(json_array_get(hosts, i), path, &(*extra)[i], &v, err) < 0) {
				json_decref(root);
				return -1;
			}
		}
	}
	if (nlisted) {
		json_int_t l = json_is_integer(listed) ? json_integer_value(listed) : 1;
		*nlisted = l < 1 || l > 100000 ? 1 + (int)n : (int)l;
	}
	json_decref(root);
	return 0;
}

int report_json_load(const char *path, struct inspection *ins,
		     int *libpq_version, char **err)
{
	return report_json_load_list(path, ins, NULL, NULL, NULL, libpq_version, err);
}
