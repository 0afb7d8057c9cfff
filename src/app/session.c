/* SPDX-License-Identifier: MIT */
/* session: the one inspection pipeline (target -> probes -> facts ->
 * verdicts -> diagnosis) behind every front end. It owns the probe run, so
 * a new target or a re-run always cancels the old one first, and the
 * verdicts it holds always belong to the facts it holds. It prints nothing. */
#include "config.h"
#include "app/session.h"
#include "engine/conninfo.h"
#include "engine/login.h"
#include "util/oserror.h"
#include "util/strlist.h"
#include "util/ufile.h"
#include "util/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void session_init(struct session *s, int libpq_version)
{
	memset(s, 0, sizeof(*s));
	inspection_init(&s->ins);
	s->libpq_given = libpq_version != 0;
	s->libpq_version = libpq_version ? libpq_version : LIBPQ_VERSION_DEFAULT;
}

static void unjudge(struct session *s)
{
	if (!s->judged)
		return;
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&s->modes[m]);
	diagnosis_free(&s->dg);
	for (int i = 0; i < SESSION_MAX_HOSTS - 1; i++)
		if (s->host_dg_drawn & (1u << i))
			diagnosis_free(&s->host_dg[i]);
	s->host_dg_drawn = 0;
	s->judged = false;
}

static void stop_one(struct probe_run **run)
{
	if (*run) {
		probe_cancel(*run);
		probe_finish(*run);
		*run = NULL;
	}
}

static void stop_run(struct session *s)
{
	stop_one(&s->run);
	for (int i = 0; i < s->nextra; i++)
		stop_one(&s->extra_runs[i]);
}

/* The extra hosts as the report takes them. */
static void set_extra_ptrs(struct session *s)
{
	for (int i = 0; i < s->nextra && i < SESSION_MAX_HOSTS - 1; i++)
		s->extra_ptrs[i] = &s->extra[i];
}

/* The inspections of the hosts after the first. */
static void drop_extra(struct session *s)
{
	for (int i = 0; i < s->nextra; i++) {
		stop_one(&s->extra_runs[i]);
		inspection_free(&s->extra[i]);
	}
	for (int i = 0; i < SESSION_MAX_HOSTS - 1; i++) {
		login_free_secret(s->extra_passwords[i]);
		s->extra_passwords[i] = NULL;
	}
	free(s->extra);
	free(s->extra_runs);
	s->extra = NULL;
	s->extra_runs = NULL;
	s->nextra = 0;
}

const struct inspection *session_host(const struct session *s, int i)
{
	return i == 0 ? &s->ins : &s->extra[i - 1];
}

bool session_host_running(const struct session *s, int i)
{
	return i == 0 ? s->run != NULL : i <= s->nextra && s->extra_runs[i - 1] != NULL;
}

const struct diagnosis *session_host_diagnosis(struct session *s, int i)
{
	if (!s->judged || i < 0 || i > s->nextra)
		return NULL;
	if (i == 0)
		return &s->dg;
	unsigned bit = 1u << (i - 1);
	if (!(s->host_dg_drawn & bit)) {
		const struct inspection *h = &s->extra[i - 1];
		struct verdict_opts vo;
		struct verdict alone[SSLMODE_COUNT];
		verdict_opts_from_target(&vo, &h->target, s->libpq_version);
		sslmode_verdicts(h, &vo, alone);
		diagnosis_run(h, alone, &vo, &s->host_dg[i - 1]);
		for (int m = 0; m < SSLMODE_COUNT; m++)
			verdict_free(&alone[m]);
		s->host_dg_drawn |= bit;
	}
	return &s->host_dg[i - 1];
}

static void clear_sets(struct session *s)
{
	strlist_free(s->keywords);
	for (size_t i = 0; s->values && s->values[i]; i++)
		explicit_bzero(s->values[i], strlen(s->values[i]));
	strlist_free(s->values);
	s->keywords = s->values = NULL;
	s->nsets = 0;
}

static void drop_password(struct session *s)
{
	login_free_secret(s->password);
	s->password = NULL;
}

void session_set_login(struct session *s, int login)
{
	s->login = login;
}

void session_free(struct session *s)
{
	stop_run(s);
	drop_password(s);
	unjudge(s);
	drop_extra(s);
	/* the scenario strings are the session's, not the inspection's */
	s->ins.scenario = s->ins.teaches = NULL;
	inspection_free(&s->ins);
	/* it may hold password= or sslpassword= */
	login_free_secret(s->target_text);
	clear_sets(s);
	strlist_free(s->warnings);
	free(s->scenario);
	free(s->teaches);
	memset(s, 0, sizeof(*s));
}

/* A fresh inspection of target t (taken over). */
static void reset_inspection(struct session *s, struct conn_target *t)
{
	stop_run(s);
	unjudge(s);
	drop_extra(s);
	s->nlisted = 1; /* until session_start reads the new target's list */
	s->ins.scenario = s->ins.teaches = NULL;
	inspection_free(&s->ins);
	inspection_init(&s->ins);
	s->ins.target = *t;
	s->ins.scenario = s->scenario;
	s->ins.teaches = s->teaches;
}

/* Build a target from its text and the keywords set on top of it, under
 * the rules of libpq release version. -1 with *err for a string libpq
 * refuses (*own false) or the tool cannot take (*own true). With password
 * not NULL, the password libpq would have for it too. */
static int build_target(const char *text, char *const *kw, char *const *val, int n,
			int version, struct conn_target *t, char ***warnings,
			int *nwarnings, bool *own, char **password, char **err)
{
	struct conninfo ci;
	int rc = -1;
	conninfo_init(&ci);
	ci.libpq_version = version;
	if (text && conninfo_parse_target(&ci, text, err) < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (conninfo_set(&ci, kw[i], val[i], CI_SRC_OPTION, err) < 0)
			goto out;
	if (conninfo_resolve(&ci, t, err) < 0)
		goto out;
	if (password)
		*password = conninfo_password(&ci, t, 0);
	rc = 0;
out:
	/* a refused string is shown as written */
	if (rc < 0)
		conninfo_target_raw(&ci, t);
	for (int i = 0; i < ci.nwarnings; i++)
		strlist_add(warnings, nwarnings, ci.warnings[i]);
	*own = ci.own_error;
	conninfo_free(&ci);
	return rc;
}

int session_set_target(struct session *s, const char *target,
		       const char *const *keywords, const char *const *values,
		       int n, char **err)
{
	char **kw = NULL, **val = NULL, **warn = NULL;
	int nk = 0, nv = 0, nw = 0;
	char *password = NULL;
	struct conn_target t;
	bool own = false;
	char *refusal = NULL;
	for (int i = 0; i < n; i++) {
		strlist_add(&kw, &nk, keywords[i]);
		strlist_add(&val, &nv, values[i]);
	}
	if (build_target(target, kw, val, n, s->libpq_version, &t, &warn, &nw, &own,
			 s->login != PROBE_LOGIN_OFF ? &password : NULL, &refusal) < 0) {
		if (own) {
			*err = refusal;
			conninfo_target_free(&t);
			strlist_free(kw);
			strlist_free(val);
			strlist_free(warn);
			return -1;
		}
		/* libpq refuses the string: a report of that, no probe */
	}
	reset_inspection(s, &t);
	drop_password(s);
	s->password = password;
	inspection_set_refused(&s->ins, refusal);
	free(refusal);
	s->replayed = false;
	/* it may hold password= or sslpassword= */
	login_free_secret(s->target_text);
	s->target_text = target ? xstrdup(target) : NULL;
	clear_sets(s);
	s->keywords = kw;
	s->values = val;
	s->nsets = n;
	strlist_free(s->warnings);
	s->warnings = warn;
	s->nwarnings = nw;
	return 0;
}

int session_load(struct session *s, const char *path, char **err)
{
	struct inspection ins, *extra = NULL;
	int recorded = 0, nextra = 0, nlisted = 1;
	inspection_init(&ins);
	if (report_json_load_list(path, &ins, &extra, &nextra, &nlisted, &recorded, err) < 0) {
		inspection_free(&ins);
		for (int i = 0; i < nextra; i++)
			inspection_free(&extra[i]);
		free(extra);
		return -1;
	}
	stop_run(s);
	unjudge(s);
	drop_password(s);
	drop_extra(s);
	s->extra = extra;
	s->nextra = nextra < SESSION_MAX_HOSTS ? nextra : SESSION_MAX_HOSTS - 1;
	for (int i = s->nextra; i < nextra; i++)
		inspection_free(&extra[i]);
	s->extra_runs = xcalloc((size_t)s->nextra + 1, sizeof(*s->extra_runs));
	s->nlisted = nlisted;
	set_extra_ptrs(s);
	s->ins.scenario = s->ins.teaches = NULL;
	inspection_free(&s->ins);
	s->ins = ins;
	/* a replayed scenario is the log's own */
	free(s->scenario);
	free(s->teaches);
	s->scenario = ins.scenario;
	s->teaches = ins.teaches;
	s->replayed = true;
	/* it may hold password= or sslpassword= */
	login_free_secret(s->target_text);
	s->target_text = NULL;
	clear_sets(s);
	if (!s->libpq_given && recorded >= LIBPQ_VERSION_MIN &&
	    recorded <= LIBPQ_VERSION_MAX)
		s->libpq_version = recorded;
	session_judge(s);
	return 0;
}

void session_set_scenario(struct session *s, const char *name, const char *teaches)
{
	free(s->scenario);
	free(s->teaches);
	s->scenario = name ? xstrdup(name) : NULL;
	s->teaches = teaches ? xstrdup(teaches) : NULL;
	s->ins.scenario = s->scenario;
	s->ins.teaches = s->teaches;
}

/* probe options from the target: every probe libpq's settings call for,
 * and with --login what libpq would answer a password request with */
static struct probe_opts probe_opts_of(const struct session *s, const struct conn_target *t,
				       const char *password)
{
	return (struct probe_opts){
		.timeout_ms = t->probe_timeout * 1000, /* bounded by conninfo */
		.tls = true,
		.plaintext = true,
		.direct = t->sslnegotiation && !strcmp(t->sslnegotiation, "direct"),
		.login = s->login,
		.password = password, /* the session's until the run ends */
		.channel_binding = t->channel_binding,
		.libpq_version = s->libpq_version,
	};
}

/* Host slot i of the list as a target of its own: the same string with
 * that slot's host, hostaddr and port on top, resolved the same way. */
static int slot_target(struct session *s, int i, struct conn_target *out, char **err)
{
	const struct conn_target *t = &s->ins.target;
	char **kw = NULL, **val = NULL, **warn = NULL;
	int nk = 0, nv = 0, nw = 0, rc;
	bool own = false;
	char port[16];

	for (int k = 0; k < s->nsets; k++) {
		strlist_add(&kw, &nk, s->keywords[k]);
		strlist_add(&val, &nv, s->values[k]);
	}
	snprintf(port, sizeof(port), "%d", t->ports[i]);
	strlist_add(&kw, &nk, "host");
	strlist_add(&val, &nv, t->hosts[i]);
	strlist_add(&kw, &nk, "port");
	strlist_add(&val, &nv, port);
	if (t->hostaddrs) {
		/* an empty entry of a hostaddr list: this slot has none */
		strlist_add(&kw, &nk, "hostaddr");
		strlist_add(&val, &nv, t->hostaddrs[i]);
	}
	/* with --login, the password libpq would have for this host */
	login_free_secret(s->extra_passwords[i - 1]);
	s->extra_passwords[i - 1] = NULL;
	rc = build_target(s->target_text, kw, val, nk, s->libpq_version, out, &warn, &nw, &own,
			  s->login != PROBE_LOGIN_OFF ? &s->extra_passwords[i - 1] : NULL, err);
	if (rc < 0)
		conninfo_target_free(out);
	strlist_free(kw);
	strlist_free(val);
	strlist_free(warn);
	return rc;
}

/* An inspection for each further host of the list, up to the limit. */
static int add_extra_hosts(struct session *s, char **err)
{
	int n = s->nlisted < SESSION_MAX_HOSTS ? s->nlisted : SESSION_MAX_HOSTS;

	if (n <= 1 || !s->ins.target.ports || !s->ins.target.hosts)
		return 0;
	s->extra = xcalloc((size_t)(n - 1), sizeof(*s->extra));
	s->extra_runs = xcalloc((size_t)(n - 1), sizeof(*s->extra_runs));
	for (int i = 1; i < n; i++) {
		struct inspection *e = &s->extra[i - 1];
		inspection_init(e);
		s->nextra = i;
		if (slot_target(s, i, &e->target, err) < 0) {
			drop_extra(s);
			return -1;
		}
		e->scenario = NULL;
	}
	set_extra_ptrs(s);
	return 0;
}

int session_start(struct session *s, char **err)
{
	if (s->replayed) {
		*err = xstrdup("a replayed log cannot be inspected again; use connect TARGET");
		return -1;
	}
	if (s->ins.refused) {
		/* libpq stops before connecting: nothing to probe */
		stop_run(s);
		session_judge(s);
		return 0;
	}
	/* a fresh inspection of the same target */
	struct conn_target t = s->ins.target;
	memset(&s->ins.target, 0, sizeof(s->ins.target));
	reset_inspection(s, &t);
	s->nlisted = s->ins.target.nhosts > 0 ? s->ins.target.nhosts : 1;
	if (add_extra_hosts(s, err) < 0)
		return -1;
	struct probe_opts po = probe_opts_of(s, &s->ins.target, s->password);
	if (probe_start(&s->ins, &po, &s->run, err) < 0) {
		s->run = NULL;
		drop_extra(s);
		return -1;
	}
	for (int i = 0; i < s->nextra; i++) {
		po = probe_opts_of(s, &s->extra[i].target, s->extra_passwords[i]);
		if (probe_start(&s->extra[i], &po, &s->extra_runs[i], err) < 0) {
			s->extra_runs[i] = NULL;
			stop_run(s);
			drop_extra(s);
			return -1;
		}
	}
	session_step(s, NULL, 0); /* names that did not resolve end at once */
	return 0;
}

bool session_running(const struct session *s)
{
	if (s->run)
		return true;
	for (int i = 0; i < s->nextra; i++)
		if (s->extra_runs[i])
			return true;
	return false;
}

/* The runs in flight, the first host's first. */
static struct probe_run **run_slot(struct session *s, int i)
{
	return i == 0 ? &s->run : &s->extra_runs[i - 1];
}

int session_wait_set(const struct session *s, struct pollfd *pfd, int max,
		     int *timeout_ms)
{
	int n = 0;
	*timeout_ms = -1;
	for (int i = 0; i <= s->nextra; i++) {
		const struct probe_run *r = i == 0 ? s->run : s->extra_runs[i - 1];
		int ms;
		if (!r)
			continue;
		n += probe_wait_set(r, pfd + n, max - n, &ms);
		if (ms >= 0 && (*timeout_ms < 0 || ms < *timeout_ms))
			*timeout_ms = ms;
	}
	return n;
}

void session_step(struct session *s, const struct pollfd *pfd, int n)
{
	bool was = session_running(s);
	for (int i = 0; i <= s->nextra; i++) {
		struct probe_run **r = run_slot(s, i);
		if (!*r)
			continue;
		/* each run takes the descriptors that are its own */
		probe_step(*r, pfd, n);
		if (probe_done(*r)) {
			probe_finish(*r);
			*r = NULL;
		}
	}
	if (was && !session_running(s))
		session_judge(s);
}

void session_hold(struct session *s, bool held)
{
	for (int i = 0; i <= s->nextra; i++)
		if (*run_slot(s, i))
			probe_hold(*run_slot(s, i), held);
}

void session_cancel(struct session *s)
{
	if (!session_running(s))
		return;
	stop_run(s);
	session_judge(s);
}

int session_inspect(struct session *s, char **err)
{
	if (session_start(s, err) < 0)
		return -1;
	while (session_running(s)) {
		struct pollfd pfd[SESSION_MAX_FDS];
		int ms, n = session_wait_set(s, pfd, SESSION_MAX_FDS, &ms);
		if (poll(pfd, (nfds_t)n, ms) < 0 && errno != EINTR) {
			*err = xasprintf("poll failed: %s", OS_ERROR(errno));
			session_cancel(s);
			return -1;
		}
		session_step(s, pfd, n);
	}
	return 0;
}

void session_judge(struct session *s)
{
	struct verdict_opts vo;
	unjudge(s);
	verdict_opts_from_target(&vo, &s->ins.target, s->libpq_version);
	const struct inspection *hosts[SESSION_MAX_HOSTS];
	for (int i = 0; i <= s->nextra && i < SESSION_MAX_HOSTS; i++)
		hosts[i] = session_host(s, i);
	sslmode_verdicts_list(hosts, 1 + s->nextra,
			      s->ins.refused || s->nlisted < 1 ? 1 : s->nlisted, &vo, s->modes);
	diagnosis_run(&s->ins, s->modes, &vo, &s->dg);
	s->judged = true;
}

/* The target again, with key=value on top (key NULL: as it is), and a
 * new inspection of it. */
static int restart_with(struct session *s, const char *key, const char *value, char **err)
{
	char *text = s->target_text ? xstrdup(s->target_text) : NULL;
	char **kw = NULL, **val = NULL;
	int nk = 0, nv = 0;
	bool replaced = false;
	for (int i = 0; i < s->nsets; i++) {
		bool same = key && !strcmp(s->keywords[i], key);
		strlist_add(&kw, &nk, s->keywords[i]);
		strlist_add(&val, &nv, same ? value : s->values[i]);
		replaced |= same;
	}
	if (key && !replaced) {
		strlist_add(&kw, &nk, key);
		strlist_add(&val, &nv, value);
	}
	int rc = session_set_target(s, text, (const char *const *)kw, (const char *const *)val,
				    nk, err);
	free(text);
	strlist_free(kw);
	strlist_free(val);
	if (rc < 0 || session_start(s, err) < 0)
		return -1;
	return SESSION_SET_STARTED;
}

/* Another libpq release reads the same string under its own rules: a
 * refusal may come, change its words or go (then the target is probed). */
static int rebuild_for_version(struct session *s, char **err)
{
	struct conn_target t;
	char **warn = NULL;
	int nw = 0;
	bool own = false;
	char *refusal = NULL;
	int rc = build_target(s->target_text, s->keywords, s->values, s->nsets,
			      s->libpq_version, &t, &warn, &nw, &own, NULL, &refusal);

	strlist_free(warn);
	conninfo_target_free(&t);
	if (rc < 0 && own) {
		*err = refusal;
		return -1;
	}
	if (refusal || !s->ins.refused) {
		/* still refused (in this release's words), or probed already
		 * and still accepted: judged again, no new connection */
		inspection_set_refused(&s->ins, refusal);
		free(refusal);
		if (!s->run)
			session_judge(s);
		return SESSION_SET_JUDGED;
	}
	/* refused before, accepted now: inspect it */
	return restart_with(s, NULL, NULL, err);
}

static bool known_keyword(const char *key)
{
	for (int i = 0; conninfo_keyword(i); i++)
		if (!strcmp(conninfo_keyword(i), key))
			return true;
	return false;
}

/* Record KEY=VALUE on top of the target, replacing an earlier setting. */
static void remember_set(struct session *s, const char *key, const char *value)
{
	for (int i = 0; i < s->nsets; i++)
		if (!strcmp(s->keywords[i], key)) {
			free(s->values[i]);
			s->values[i] = xstrdup(value);
			return;
		}
	int nv = s->nsets;
	strlist_add(&s->keywords, &s->nsets, key);
	strlist_add(&s->values, &nv, value);
}

/* "now", or an ISO 8601 UTC time ("2027-03-01T12:00:00Z", or a date). */
static int parse_at(const char *value, time_t *at)
{
	struct tm tm;
	const char *end;
	if (!strcmp(value, "now")) {
		*at = time(NULL);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(value, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(value, "%Y-%m-%d", &tm);
	}
	if (!end || *end || tm.tm_year < 70 || tm.tm_year > 8000)
		return -1;
	*at = timegm(&tm);
	return 0;
}

int session_set(struct session *s, const char *key, const char *value, char **err)
{
	if (!strcmp(key, "at")) {
		/* judge the captured chain at another time */
		time_t at;
		if (parse_at(value, &at) < 0) {
			*err = xasprintf("at: \"now\" or a UTC time such as 2027-03-01T12:00:00Z, not \"%s\"",
					 value);
			return -1;
		}
		if (s->run) {
			*err = xstrdup("at: wait for the inspection to end");
			return -1;
		}
		probe_rejudge_at(&s->ins, at);
		session_judge(s);
		return SESSION_SET_JUDGED;
	}
	if (!strcmp(key, "libpq-version")) {
		char *end;
		long v = strtol(value, &end, 10);
		if (!*value || *end || v < LIBPQ_VERSION_MIN || v > LIBPQ_VERSION_MAX) {
			*err = xstrdup("libpq-version: 15, 16, 17 or 18");
			return -1;
		}
		s->libpq_version = (int)v;
		s->libpq_given = true;
		if (!s->replayed)
			return rebuild_for_version(s, err);
		if (!s->run)
			session_judge(s);
		return SESSION_SET_JUDGED;
	}
	if (!strcmp(key, "login")) {
		int login = !strcmp(value, "off") ? PROBE_LOGIN_OFF :
			    !strcmp(value, "on")  ? PROBE_LOGIN_ON :
			    !strcmp(value, "any") ? PROBE_LOGIN_ANY : -1;
		if (login < 0) {
			*err = xasprintf("login: on, off or any, not \"%s\"", value);
			return -1;
		}
		if (s->replayed) {
			*err = xstrdup("login needs a new connection: use connect");
			return -1;
		}
		/* the scenario servers ask for a password and check none */
		if (s->scenario && login != PROBE_LOGIN_OFF) {
			*err = xstrdup("login needs a real server, not a demo scenario");
			return -1;
		}
		s->login = login;
		/* the target again, its password read (or dropped) */
		return restart_with(s, NULL, NULL, err);
	}
	if (!strcmp(key, "sslmode") && sslmode_parse(value) < 0) {
		*err = xasprintf("invalid sslmode value: \"%s\"", value);
		return -1;
	}
	/* what the captured facts answer needs no new connection; while the
	 * probes still run, or when libpq refused the string, the new target
	 * takes a new inspection */
	if (!s->run && !s->ins.refused && probe_what_if(&s->ins, key, value)) {
		if (!s->replayed)
			remember_set(s, key, value);
		session_judge(s);
		return SESSION_SET_JUDGED;
	}
	if (!known_keyword(key)) {
		*err = xasprintf("set: unknown key \"%s\"", key);
		return -1;
	}
	if (s->replayed) {
		*err = xasprintf("%s needs a new connection: use connect", key);
		return -1;
	}
	return restart_with(s, key, value, err);
}

struct report session_report(const struct session *s)
{
	struct report r = { .ins = &s->ins, .libpq_version = s->libpq_version,
			    .extra = s->extra_ptrs, .nextra = s->nextra,
			    .nlisted = s->nlisted > 0 ? s->nlisted : 1 };
	if (s->judged) {
		r.modes = s->modes;
		r.findings = s->dg.findings;
		r.nfindings = s->dg.nfindings;
		r.provider = &s->dg.provider;
		r.clients = s->dg.clients;
		r.nclients = s->dg.nclients;
	}
	return r;
}

int session_save(const struct session *s, const char *kind, const char *path, char **err)
{
	if (!strcmp(kind, "pcap")) {
		struct report r = session_report(s);
		return report_pcap_save(&r, path, err);
	}
	static const char *const kinds[] = { "report", "json", "events", "svg", "html" };
	int k = -1;
	for (int i = 0; i < (int)(sizeof(kinds) / sizeof(*kinds)); i++)
		if (!strcmp(kind, kinds[i]))
			k = i;
	if (k < 0) {
		*err = xasprintf("cannot save \"%s\": report, json, events, svg, html or pcap", kind);
		return -1;
	}
	FILE *f = ufile_write(path, 0666, err);
	if (!f)
		return -1;
	struct report r = session_report(s);
	struct svg_opts so = { 1, SVG_ALL, false };
	int rc = k == 0 ? report_text_write(f, &r) :
		 k == 3 ? report_svg_write(f, &r, &so) :
		 k == 4 ? report_html_write(f, &r) :
			  report_json_write(f, &r);
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0) {
		*err = xasprintf("could not write %s", path);
		return -1;
	}
	return 0;
}
