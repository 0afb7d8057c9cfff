/* SPDX-License-Identifier: MIT */
/* fleet: the fleet audit. Each target is a whole inspection (probes,
 * verdicts, diagnosis) on a worker thread; at most --jobs run at once, so
 * memory is bounded by jobs times one inspection. JSON lines are written as
 * inspections finish; the table is written in the order of the targets. */
#include "config.h"
#include "fleet.h"
#include "engine/conninfo.h"
#include "engine/probe.h"
#include "model/diagnosis.h"
#include "model/sslmode.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct row {
	char *error;        /* the target could not be read */
	int reachable;
	enum ssl_reply reply;
	char *tls;
	int chain_ok, name_ok;
	enum outcome modes[SSLMODE_COUNT];
	int errors, warnings;
	bool done;
};

struct fleet {
	const struct fleet_opts *o;
	struct row *rows;
	int next, finished;
	bool progress;
	pthread_mutex_t lock;
};

static void inspect_one(struct fleet *f, int i)
{
	const struct fleet_opts *o = f->o;
	struct row *row = &f->rows[i];
	struct conninfo ci;
	struct inspection ins;
	char *err = NULL;

	inspection_init(&ins);
	conninfo_init(&ci);
	if (conninfo_parse_target(&ci, o->targets[i], &err) < 0)
		goto bad;
	for (int k = 0; k < o->nsets; k++)
		if (conninfo_set(&ci, o->keywords[k], o->values[k], CI_SRC_OPTION, &err) < 0)
			goto bad;
	if (conninfo_resolve(&ci, &ins.target, &err) < 0)
		goto bad;
	struct probe_opts po = { .timeout_ms = ins.target.probe_timeout * 1000, .tls = true, .plaintext = true,
				 .direct = ins.target.sslnegotiation &&
					   !strcmp(ins.target.sslnegotiation, "direct") };
	if (probe_run(&ins, &po, &err) < 0)
		goto bad;
	struct verdict_opts vo;
	struct verdict modes[SSLMODE_COUNT];
	struct diagnosis dg;
	verdict_opts_from_target(&vo, &ins.target, o->libpq_version);
	sslmode_verdicts(&ins, &vo, modes);
	diagnosis_run(&ins, modes, &vo, &dg);
	struct report rep = { &ins, modes, o->libpq_version, dg.findings, dg.nfindings,
			      &dg.provider, dg.clients, dg.nclients };
	char *line = o->json ? report_json_line(&rep) : NULL;

	row->reachable = ins.reachable;
	row->reply = ins.server.sslrequest_reply;
	row->tls = ins.tls.ok && ins.tls.version ? xstrdup(ins.tls.version) : NULL;
	row->chain_ok = ins.trust.chain_ok;
	row->name_ok = ins.trust.name_ok;
	for (int m = 0; m < SSLMODE_COUNT; m++)
		row->modes[m] = modes[m].outcome;
	for (int k = 0; k < dg.nfindings; k++) {
		row->errors += dg.findings[k].severity == SEV_ERROR;
		row->warnings += dg.findings[k].severity == SEV_WARNING;
	}
	if (line) {
		pthread_mutex_lock(&f->lock);
		fputs(line, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		pthread_mutex_unlock(&f->lock);
		free(line);
	}
	diagnosis_free(&dg);
	for (int m = 0; m < SSLMODE_COUNT; m++)
		verdict_free(&modes[m]);
	goto out;
bad:
	row->error = sanitize(err ? err : "error");
	row->reachable = -1;
	if (o->json) {
		char *t = sanitize(o->targets[i]);
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
out:
	free(err);
	conninfo_free(&ci);
	inspection_free(&ins);
}

static void *worker(void *arg)
{
	struct fleet *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		int i = f->next < f->o->ntargets ? f->next++ : -1;
		pthread_mutex_unlock(&f->lock);
		if (i < 0)
			return NULL;
		inspect_one(f, i);
		pthread_mutex_lock(&f->lock);
		f->rows[i].done = true;
		f->finished++;
		if (f->progress)
			fprintf(stderr, "\rinspected %d of %d", f->finished, f->o->ntargets);
		pthread_mutex_unlock(&f->lock);
	}
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
	pthread_t *threads = xcalloc((size_t)jobs, sizeof(*threads));
	f.rows = xcalloc((size_t)o->ntargets + 1, sizeof(*f.rows));
	pthread_mutex_init(&f.lock, NULL);
	int started = 0;
	for (int i = 0; i < jobs; i++)
		if (pthread_create(&threads[i], NULL, worker, &f) == 0)
			started++;
	if (started == 0)
		worker(&f);
	for (int i = 0; i < jobs; i++)
		if (i < started)
			pthread_join(threads[i], NULL);
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
		reachable += r->reachable == 1;
		bool ok = !r->error && r->reachable == 1 && o->check >= 0 &&
			  (r->modes[o->check] == OUTCOME_ENCRYPTED ||
			   r->modes[o->check] == OUTCOME_PLAINTEXT);
		pass += ok;
		if (o->json)
			continue;
		char *t = sanitize(o->targets[i]);
		if (strlen(t) > 36)
			strcpy(t + 33, "...");
		if (r->error)
			printf("%-36s %s\n", t, r->error);
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
		free(f.rows[i].tls);
	}
	free(f.rows);
	free(threads);
	pthread_mutex_destroy(&f.lock);
	if (bad_input)
		return 2;
	if (o->check >= 0)
		return pass == o->ntargets ? 0 : 1;
	return reachable == 0 ? 3 : 0;
}
