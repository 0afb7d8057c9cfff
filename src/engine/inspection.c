/* SPDX-License-Identifier: MIT */
/* inspection: lifetime of the result model. No I/O. */
#include "config.h"
#include "engine/inspection.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <malloc.h>
#include <string.h>

void inspection_init(struct inspection *ins)
{
	memset(ins, 0, sizeof(*ins));
	ins->tool_version = xstrdup(PACKAGE_VERSION);
	startup_answer_init(&ins->server.plain);
	startup_answer_init(&ins->server.tls);
	startup_answer_init(&ins->server.ssl_error);
	startup_answer_init(&ins->server.direct_startup);
	ins->direct_tls.alert_code = -1;
	ins->trust.security_level = -1;
	ins->trust.verified_at = (time_t)-1;
	ins->trust.crl_checked = -1;
	ins->trust.chain_depth = -1;
	ins->trust.revoked_at = (time_t)-1;
	ins->trust.chain_ok = -1;
	ins->tls.alert_code = -1;
	ins->trust.name_ok = -1;
	ins->trust.rootcert_certs = -1;
	ins->reachable = -1;
	ins->login = -1;
}

static const char *const login_modes[] = { "off", "on", "any" };

const char *login_mode_name(int login)
{
	return login >= 0 && login < 3 ? login_modes[login] : NULL;
}

int login_mode_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, login_modes[i]))
			return i;
	return -1;
}

void inspection_set_refused(struct inspection *ins, const char *msg)
{
	free(ins->refused);
	free(ins->keylog_error);
	ins->refused = msg ? xstrdup(msg) : NULL;
}

void startup_answer_free(struct startup_answer *a)
{
	free(a->auth);
	strlist_free(a->sasl_mechanisms);
	free(a->severity);
	free(a->sqlstate);
	free(a->message);
	free(a->detail);
	free(a->hint);
	free(a->failure);
	free(a->server_version);
	free(a->login_method);
	free(a->login_skipped);
	free(a->login_error);
	startup_answer_init(a);
}

void startup_answer_init(struct startup_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->accepted = -1;
	a->npv_minor = -1;
	a->in_hot_standby = -1;
	a->default_transaction_read_only = -1;
}

void cert_name_add(char ***names, size_t **lens, int *n, const char *name, size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, name, len);
	copy[len] = '\0';
	/* geometric growth, as strlist_add's (a certificate may hold tens of
	 * thousands of names) */
	if (!*names || malloc_usable_size(*names) < ((size_t)*n + 2) * sizeof(**names) ||
	    !*lens || malloc_usable_size(*lens) < ((size_t)*n + 1) * sizeof(**lens)) {
		size_t room = 4;
		while (room < (size_t)*n + 2)
			room *= 2;
		*names = xrealloc(*names, room * sizeof(**names));
		*lens = xrealloc(*lens, room * sizeof(**lens));
	}
	(*names)[*n] = copy;
	(*lens)[*n] = len;
	(*names)[++*n] = NULL;
}

char *cert_name_text(char *const *names, const size_t *lens, int i)
{
	size_t len = cert_name_len(names, lens, i);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, "", 0);
	for (size_t k = 0; k < len; k++) {
		if (names[i][k])
			sb_add(&sb, &names[i][k], 1);
		else
			sb_adds(&sb, SANITIZE_NUL);
	}
	return sb_detach(&sb);
}

char *cert_name_show(char *const *names, const size_t *lens, int i)
{
	return sanitize_bytes(names[i], cert_name_len(names, lens, i));
}

void cert_facts_free(struct cert_facts *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	strlist_free(c->cn);
	free(c->cn_len);
	strlist_free(c->san_dns);
	free(c->san_dns_len);
	free(c->parse_error);
	strlist_free(c->san_ip);
	free(c->key);
	free(c->signature);
	strlist_free(c->key_usage);
	strlist_free(c->ext_key_usage);
	free(c->sha256);
	free(c->der);
	memset(c, 0, sizeof(*c));
}

static void connect_fact_free(struct connect_fact *c)
{
	free(c->address);
	free(c->ip);
	free(c->error);
	strlist_free(c->failed_ips);
	strlist_free(c->failed_errors);
}

void tls_facts_free(struct tls_facts *t)
{
	free(t->error);
	free(t->alert);
	free(t->failure_kind);
	free(t->failure_errno);
	free(t->version);
	free(t->cipher);
	free(t->group);
	free(t->alpn);
	free(t->sni);
	free(t->kx);
	free(t->mac);
	free(t->description);
	strlist_free(t->client_ca_names);
	free(t->client_cert_error);
	free(t->flood_kind);
}

void inspection_free(struct inspection *ins)
{
	free(ins->refused);
	free(ins->tool_version);
	free(ins->scenario);
	free(ins->teaches);
	conninfo_target_free(&ins->target);
	event_log_free(&ins->log);
	wire_journal_free(&ins->wire);
	connect_fact_free(&ins->server.tls_connect);
	connect_fact_free(&ins->server.plain_connect);
	startup_answer_free(&ins->server.ssl_error);
	startup_answer_free(&ins->server.plain);
	startup_answer_free(&ins->server.tls);
	connect_fact_free(&ins->server.direct_connect);
	startup_answer_free(&ins->server.direct_startup);
	free(ins->server.bytes_after_reply);
	tls_facts_free(&ins->tls);
	tls_facts_free(&ins->direct_tls);
	for (size_t i = 0; i < ins->nchain; i++)
		cert_facts_free(&ins->chain[i]);
	free(ins->chain);
	free(ins->trust.rootcert);
	free(ins->trust.rootcert_error);
	free(ins->trust.crl);
	free(ins->trust.crldir);
	free(ins->trust.chain_error);
	free(ins->trust.chain_subject);
	free(ins->trust.ssl_error);
	free(ins->trust.name_error);
	free(ins->trust.client_files_error);
	free(ins->trust.name_host);
	free(ins->trust.client_cert);
	free(ins->trust.client_key);
	memset(ins, 0, sizeof(*ins));
}

static const char *const reply_names[] = {
	[REPLY_NONE] = "none", [REPLY_S] = "S",	    [REPLY_N] = "N",
	[REPLY_E] = "E",       [REPLY_OTHER] = "other", [REPLY_CLOSED] = "closed",
	[REPLY_TIMEOUT] = "timeout",
};

const char *ssl_reply_name(enum ssl_reply r)
{
	return reply_names[r];
}

int ssl_reply_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(reply_names) / sizeof(*reply_names); i++)
		if (!strcmp(reply_names[i], s))
			return (int)i;
	return -1;
}

time_t inspection_now(const struct inspection *ins)
{
	if (ins->trust.verified_at > 0)
		return ins->trust.verified_at;
	return ins->started > 0 ? ins->started : time(NULL);
}
