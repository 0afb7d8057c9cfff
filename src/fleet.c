/* SPDX-License-Identifier: MIT */
/* fleet: the fleet audit. Each target is a session (probes, verdicts,
 * diagnosis); a few worker threads (one a core) each run a poll() loop over
 * their share of the --jobs sessions in flight, so memory is bounded by jobs
 * times one inspection and the TLS work spreads over the cores. Sessions
 * share nothing; the lock guards only the list, the rows and stdout. JSON
 * lines are written as inspections finish; the table is written in the
 * order of the targets. */
#include "config.h"
#include "fleet.h"
#include "app/session.h"
#include "engine/conninfo.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	char *error;        /* the target could not be read */
	char *refused;      /* libpq refuses the string: its message, escaped */
	int reachable;
	enum ssl_reply reply;
	char *tls;
	int chain_ok, name_ok;
	enum outcome modes[SSLMODE_COUNT];
	int errors, warnings;
	char *shown;        /* host:port of the inspected target, escaped */
	bool done;
};

struct fleet {
	const struct fleet_opts *o;
	struct row *rows;
	int next, finished;
	bool progress;
	pthread_mutex_t lock; /* next, finished, rows' done, and stdout */
};

/* A worker thread and how many inspections its loop keeps in flight. */
struct worker {
	struct fleet *f;
	int nslots;
	pthread_t thread;
};

/* A target as a row shows it: secrets masked, then escaped. */
static char *shown_target(const char *target)
{
	char *masked = conninfo_target_shown(target);
	char *t = sanitize(masked);
	free(masked);
	return t;
}

/* A row's target: host:port as libpq resolved it (the host name, else
 * the address; an IPv6 address in brackets), with "+N" for the other hosts
 * of a list; no keyword of the string, so no secret. Escaped. */
static char *endpoint(const struct session *s)
{
	const struct conn_target *g = &s->ins.target;
	const char *h = g->host && *g->host ? g->host : g->hostaddr && *g->hostaddr ? g->hostaddr :
										     "localhost";
	char *hs = sanitize(h);
	char *out = xasprintf(strchr(hs, ':') ? "[%s]:%d%s" : "%s:%d%s", hs, g->port,
			      s->nlisted > 1 ? " +" : "");
	if (s->nlisted > 1) {
		char *more = xasprintf("%s%d", out, s->nlisted - 1);
		free(out);
		out = more;
	}
	free(hs);
	return out;
}

/* The row of an inspected target; JSON lines are written as they come. */
static void take_row(struct fleet *f, int i, struct session *s)
{
	const struct fleet_opts *o = f->o;
	struct row *row = &f->rows[i];
	const struct inspection *ins = &s->ins;
	struct report rep = session_report(s);
	char *line = o->json ? report_json_line(&rep) : NULL;

	/* a string libpq refuses resolved to nothing: shown as written,
	 * secrets masked */
	row->shown = ins->refused ? shown_target(o->targets[i]) : endpoint(s);
	row->reachable = ins->reachable;
	/* a list is reachable when any of its hosts is */
	for (int h = 0; h < s->nextra; h++)
		if (s->extra[h].reachable == 1)
			row->reachable = 1;
	row->refused = ins->refused ? sanitize(ins->refused) : NULL;
	row->reply = ins->server.sslrequest_reply;
	row->tls = ins->tls.ok && ins->tls.version ? xstrdup(ins->tls.version) : NULL;
	row->chain_ok = ins->trust.chain_ok;
	row->name_ok = ins->trust.name_ok;
	for (int m = 0; m < SSLMODE_COUNT; m++)
		row->modes[m] = s->modes[m].outcome;
	for (int k = 0; k < s->dg.nfindings; k++) {
		row->errors += s->dg.findings[k].severity == SEV_ERROR;
		row->warnings += s->dg.findings[k].severity == SEV_WARNING;
	}
	if (line) {
		pthread_mutex_lock(&f->lock);
		fputs(line, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		pthread_mutex_unlock(&f->lock);
		free(line);
	}
}


/* A target that could not be read: its row, and its JSON line. */
static void bad_row(struct fleet *f, int i, char *err)
{
	struct row *row = &f->rows[i];
	row->error = sanitize(err ? err : "error");
	row->reachable = -1;
	if (!f->o->json)
		return;
	char *t = shown_target(f->o->targets[i]);
	pthread_mutex_lock(&f->lock);
	/* the same escaping as the report's strings */
	printf("{\"target_input\": \"");
	for (const char *p = t; *p; p++)
		printf(*p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : "%c", *p);
	printf("\", \"error\": \"");
	for (const char *p = row->error; *p; p++)
		printf(*p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : "%c", *p);
	printf("\"}\n");
	fflush(stdout);
	pthread_mutex_unlock(&f->lock);
	free(t);
}

/* The next target for this worker, or -1 when none is left. */
static int claim(struct fleet *f)
{
	pthread_mutex_lock(&f->lock);
	int i = f->next < f->o->ntargets ? f->next++ : -1;
	pthread_mutex_unlock(&f->lock);
	return i;
}

static void finished(struct fleet *f, int i)
{
	pthread_mutex_lock(&f->lock);
	f->rows[i].done = true;
	f->finished++;
	if (f->progress)
		fprintf(stderr, "\rinspected %d of %d", f->finished, f->o->ntargets);
	pthread_mutex_unlock(&f->lock);
}

/* A slot of a worker's loop: one session and the target it inspects. */
struct slot {
	struct session s;
	int target; /* -1: free */
};

/* Fill a free slot with the next target that starts; targets that cannot
 * be read become rows at once. false when no target is left. */
static bool fill_slot(struct fleet *f, struct slot *sl)
{
	const struct fleet_opts *o = f->o;
	for (;;) {
		int i = claim(f);
		char *err = NULL;
		if (i < 0)
			return false;
		session_init(&sl->s, o->libpq_version);
		session_set_login(&sl->s, o->login);
		if (session_set_target(&sl->s, o->targets[i], o->keywords, o->values, o->nsets,
				       &err) < 0 ||
		    session_start(&sl->s, &err) < 0) {
			bad_row(f, i, err);
			free(err);
			session_free(&sl->s);
			finished(f, i);
			continue;
		}
		sl->target = i;
		return true;
	}
}

/* One worker: a poll() loop over up to nslots sessions at once, each slot
 * refilled from the shared list as its inspection ends. */
static void *worker(void *arg)
{
	struct worker *w = arg;
	struct fleet *f = w->f;
	struct slot *slots = xcalloc((size_t)w->nslots, sizeof(*slots));
	struct pollfd *pfd = xcalloc((size_t)w->nslots * SESSION_MAX_FDS, sizeof(*pfd));
	int *first = xcalloc((size_t)w->nslots + 1, sizeof(int));
	bool more = true;
	for (int k = 0; k < w->nslots; k++)
		slots[k].target = -1;
	for (;;) {
		int live = 0, n = 0, wait = -1;
		for (int k = 0; k < w->nslots; k++) {
			struct slot *sl = &slots[k];
			if (sl->target >= 0 && !session_running(&sl->s)) {
				take_row(f, sl->target, &sl->s);
				finished(f, sl->target);
				session_free(&sl->s);
				sl->target = -1;
			}
			if (sl->target < 0 && more)
				more = fill_slot(f, sl);
			first[k] = n;
			if (sl->target < 0)
				continue;
			int ms;
			if (session_running(&sl->s)) {
				n += session_wait_set(&sl->s, pfd + n, SESSION_MAX_FDS, &ms);
				wait = wait < 0 || (ms >= 0 && ms < wait) ? ms : wait;
			} else {
				wait = 0; /* ended at start: collect it now */
			}
			live++;
		}
		first[w->nslots] = n;
		if (live == 0)
			break;
		if (poll(pfd, (nfds_t)n, wait) < 0 && errno != EINTR)
			wait = 0; /* each session's deadline still ends it */
		for (int k = 0; k < w->nslots; k++)
			if (slots[k].target >= 0 && session_running(&slots[k].s))
				session_step(&slots[k].s, pfd + first[k], first[k + 1] - first[k]);
	}
	free(first);
	free(pfd);
	free(slots);
	return NULL;
}

static const char *word(enum outcome o)
{
	return o == OUTCOME_ENCRYPTED ? "tls" : o == OUTCOME_PLAINTEXT ? "clear" :
	       o == OUTCOME_FAILS     ? "FAIL" : "?";
}

static const char *tri(int v)
{
	return v < 0 ? "-" : v ? "ok" : "BAD";
}

int fleet_run(const struct fleet_opts *o)
{
	struct fleet f = { .o = o, .progress = isatty(STDERR_FILENO) };
	int jobs = o->jobs < 1 ? 1 : o->jobs > o->ntargets ? o->ntargets : o->jobs;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int nw = cores < 1 ? 1 : cores > jobs ? jobs : (int)cores;
	struct worker *workers = xcalloc((size_t)nw, sizeof(*workers));
	f.rows = xcalloc((size_t)o->ntargets + 1, sizeof(*f.rows));
	pthread_mutex_init(&f.lock, NULL);
	int started = 0;
	for (int i = 0; i < nw; i++) {
		workers[i].f = &f;
		workers[i].nslots = jobs / nw + (i < jobs % nw);
		if (pthread_create(&workers[i].thread, NULL, worker, &workers[i]) == 0)
			started++;
		else
			break;
	}
	if (started == 0) {
		workers[0].nslots = jobs;
		worker(&workers[0]);
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if (f.progress)
		fputc('\n', stderr);

	int bad_input = 0, reachable = 0, pass = 0;
	if (!o->json)
		printf("%-36s %-7s %-6s %-5s %-5s %-7s %-5s %-6s %-7s %-9s %-11s %s\n", "TARGET",
		       "REPLY", "TLS", "CHAIN", "NAME", "disable", "allow", "prefer", "require",
		       "verify-ca", "verify-full", "FINDINGS");
	for (int i = 0; i < o->ntargets; i++) {
		struct row *r = &f.rows[i];
		bad_input += r->error != NULL;
		/* a refused string is libpq's answer, not an unreachable server */
		reachable += r->reachable == 1 || r->refused;
		bool ok = !r->error && r->reachable == 1 && o->check >= 0 &&
			  (r->modes[o->check] == OUTCOME_ENCRYPTED ||
			   r->modes[o->check] == OUTCOME_PLAINTEXT);
		pass += ok;
		if (o->json)
			continue;
		char *t = r->shown ? xstrdup(r->shown) : shown_target(o->targets[i]);
		/* a refused string in full: it is the answer */
		if (strlen(t) > 36 && !r->refused)
			strcpy(t + 33, "...");
		if (r->error)
			printf("%-36s %s\n", t, r->error);
		else if (r->refused)
			printf("%-36s refused by libpq before connecting: %s\n", t, r->refused);
		else if (r->reachable != 1)
			printf("%-36s unreachable\n", t);
		else
			printf("%-36s %-7s %-6s %-5s %-5s %-7s %-5s %-6s %-7s %-9s %-11s %d error%s, %d warning%s\n",
			       t, ssl_reply_name(r->reply), r->tls ? r->tls : "-", tri(r->chain_ok),
			       tri(r->name_ok), word(r->modes[0]), word(r->modes[1]),
			       word(r->modes[2]), word(r->modes[3]), word(r->modes[4]),
			       word(r->modes[5]), r->errors, r->errors == 1 ? "" : "s",
			       r->warnings, r->warnings == 1 ? "" : "s");
		free(t);
	}
	if (o->check >= 0)
		fprintf(o->json ? stderr : stdout, "%d of %d servers connect under sslmode=%s\n", pass,
			o->ntargets, sslmode_name((enum sslmode)o->check));
	for (int i = 0; i < o->ntargets; i++) {
		free(f.rows[i].error);
		free(f.rows[i].refused);
		free(f.rows[i].tls);
		free(f.rows[i].shown);
	}
	free(f.rows);
	free(workers);
	pthread_mutex_destroy(&f.lock);
	if (bad_input)
		return 2;
	if (o->check >= 0)
		return pass == o->ntargets ? 0 : 1;
	return reachable == 0 ? 3 : 0;
}
