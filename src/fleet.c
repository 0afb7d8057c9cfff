/* SPDX-License-Identifier: MIT */
/* fleet: the fleet audit. Each target is a session (probes, verdicts,
 * diagnosis); a few worker threads (one a core) each run a poll() loop over
 * their share of the --jobs sessions in flight, so memory is bounded by jobs
 * times one inspection and the TLS work spreads over the cores. The main
 * thread reads the targets (arguments, then the lines of --targets FILE)
 * into a short queue as the workers take them, so the list is never held
 * whole. Sessions share nothing; the lock guards only the queue, the rows,
 * the counts and stdout. JSON lines are written as inspections finish and
 * nothing of them is kept; the table is written in the order of the
 * targets, from one compact row each. --jobs is capped by the open-file
 * limit (RLIMIT_NOFILE), and a session that meets a full descriptor table
 * (EMFILE, ENFILE: os_fd_shortages) is not the server's fault: its target
 * goes back to the queue and is inspected again once sessions in flight
 * have ended. */
#include "config.h"
#include "fleet.h"
#include "app/session.h"
#include "engine/conninfo.h"
#include "util/oserror.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest line of a targets file read (without its newline); a longer
 * one is a row of its own that says so, never split. */
#define FLEET_MAX_LINE 65536
/* Descriptors: a session holds at most PROBE_MAX_FDS sockets at once (one
 * host; a list takes more and leans on the retry), plus a key log file;
 * each worker thread opens files one at a time (passwd database, root and
 * password files, service file); the process keeps a few of its own (the
 * standard streams, the targets file, the libraries'). */
#define FLEET_FDS_PER_SESSION (PROBE_MAX_FDS + 1)
#define FLEET_FDS_PER_WORKER 4
#define FLEET_FDS_RESERVE 16
/* A target put off for want of descriptors is tried again this many times
 * (a worker with nothing in flight waits FLEET_RETRY_MS between tries)
 * before its row says so. */
#define FLEET_MAX_TRIES 200
#define FLEET_RETRY_MS 50

/* A target on its way: read, queued, inspected. */
struct target {
	struct target *next;
	int index;    /* its place in the list (the table's order) */
	char *text;   /* NULL: a line that could not be read */
	char *error;  /* why not */
	long line;    /* its line in the targets file, 0 for an argument */
	int tries;    /* starts put off for want of descriptors */
};

/* What the table keeps of an inspected target. */
struct row {
	char *error;        /* the target could not be read */
	char *refused;      /* libpq refuses the string: its message, escaped */
	int reachable;
	enum ssl_reply reply;
	char *tls;
	int chain_ok, name_ok;
	enum outcome modes[SSLMODE_COUNT];
	int errors, warnings;
	char *shown;        /* what the TARGET column shows, escaped */
};

struct fleet {
	const struct fleet_opts *o;
	struct target *head, *tail; /* the queue */
	int queued, room;  /* targets queued; the reader waits above room */
	bool eof;          /* every target has been read */
	struct row *rows;  /* the table's, by index (none for --json) */
	int nrows;
	int ntargets, finished;
	int bad_input, reachable, pass;
	bool progress;
	pthread_mutex_t lock; /* all of the above, and stdout */
	pthread_cond_t changed; /* a target queued or taken, or the end */
};

/* A worker thread and how many inspections its loop keeps in flight. */
struct worker {
	struct fleet *f;
	int nslots;
	pthread_t thread;
};

/* A target as a row shows it: secrets masked, then escaped. */
static char *shown_target(const struct target *t)
{
	if (!t->text)
		return xasprintf("(line %ld)", t->line);
	char *masked = conninfo_target_shown(t->text);
	char *s = sanitize(masked);
	free(masked);
	return s;
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

static void free_row(struct row *r)
{
	free(r->error);
	free(r->refused);
	free(r->tls);
	free(r->shown);
}

static void free_target(struct target *t)
{
	free(t->text);
	free(t->error);
	free(t);
}

/* A finished target: counted, its progress shown, and its row kept for
 * the table (taken over) or dropped once its JSON line is written. */
static void finished(struct fleet *f, const struct target *t, struct row *row)
{
	const struct fleet_opts *o = f->o;
	bool ok = !row->error && row->reachable == 1 && o->check >= 0 &&
		  (row->modes[o->check] == OUTCOME_ENCRYPTED ||
		   row->modes[o->check] == OUTCOME_PLAINTEXT);
	pthread_mutex_lock(&f->lock);
	f->bad_input += row->error != NULL;
	/* a refused string is libpq's answer, not an unreachable server */
	f->reachable += row->reachable == 1 || row->refused;
	f->pass += ok;
	if (o->json) {
		free_row(row);
	} else {
		if (t->index >= f->nrows) {
			int n = f->nrows ? f->nrows : 64;
			while (n <= t->index)
				n *= 2;
			f->rows = xrealloc(f->rows, (size_t)n * sizeof(*f->rows));
			memset(f->rows + f->nrows, 0, (size_t)(n - f->nrows) * sizeof(*f->rows));
			f->nrows = n;
		}
		f->rows[t->index] = *row;
	}
	f->finished++;
	if (f->progress)
		fprintf(stderr, "\rinspected %d of %d%s", f->finished, f->ntargets,
			f->eof ? "" : "+");
	pthread_mutex_unlock(&f->lock);
}

/* The row of an inspected target; its JSON line is written at once. */
static void take_row(struct fleet *f, const struct target *t, struct session *s)
{
	const struct fleet_opts *o = f->o;
	struct row row = { 0 };
	const struct inspection *ins = &s->ins;

	if (o->json) {
		struct report rep = session_report(s);
		char *line = report_json_line(&rep);
		pthread_mutex_lock(&f->lock);
		fputs(line, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		pthread_mutex_unlock(&f->lock);
		free(line);
	} else {
		/* a string libpq refuses resolved to nothing: shown as
		 * written, secrets masked, in full (it is the answer) */
		row.shown = ins->refused ? shown_target(t) : endpoint(s);
		row.refused = ins->refused ? sanitize(ins->refused) : NULL;
		row.tls = ins->tls.ok && ins->tls.version ? xstrdup(ins->tls.version) : NULL;
	}
	row.reachable = ins->reachable;
	/* a list is reachable when any of its hosts is */
	for (int h = 0; h < s->nextra; h++)
		if (s->extra[h].reachable == 1)
			row.reachable = 1;
	row.refused = row.refused ? row.refused : ins->refused ? xstrdup("") : NULL;
	row.reply = ins->server.sslrequest_reply;
	row.chain_ok = ins->trust.chain_ok;
	row.name_ok = ins->trust.name_ok;
	for (int m = 0; m < SSLMODE_COUNT; m++)
		row.modes[m] = s->modes[m].outcome;
	for (int k = 0; k < s->dg.nfindings; k++) {
		row.errors += s->dg.findings[k].severity == SEV_ERROR;
		row.warnings += s->dg.findings[k].severity == SEV_WARNING;
	}
	finished(f, t, &row);
}

/* Write s as a JSON string's contents, escaped as the report escapes. */
static void json_chars(const char *s)
{
	for (const char *p = s; *p; p++)
		printf(*p == '"' ? "\\\"" : *p == '\\' ? "\\\\" : "%c", *p);
}

/* A target that could not be read or inspected: its row, and its JSON
 * line. */
static void bad_row(struct fleet *f, const struct target *t, const char *err)
{
	struct row row = { .reachable = -1 };
	row.error = sanitize(err ? err : "error");
	row.shown = shown_target(t);
	if (f->o->json) {
		pthread_mutex_lock(&f->lock);
		printf("{\"target_input\": \"");
		json_chars(row.shown);
		printf("\", \"error\": \"");
		json_chars(row.error);
		printf("\"}\n");
		fflush(stdout);
		pthread_mutex_unlock(&f->lock);
	}
	finished(f, t, &row);
}

/* ---- the queue: the main thread reads, the workers take ---- */

/* Queue a target; the reader waits while the queue is full. */
static void put(struct fleet *f, char *text, char *error, long line)
{
	struct target *t = xcalloc(1, sizeof(*t));
	t->text = text;
	t->error = error;
	t->line = line;
	pthread_mutex_lock(&f->lock);
	while (f->queued >= f->room)
		pthread_cond_wait(&f->changed, &f->lock);
	t->index = f->ntargets++;
	if (f->tail)
		f->tail->next = t;
	else
		f->head = t;
	f->tail = t;
	f->queued++;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

/* A target put off goes back to the front of the queue. */
static void put_back(struct fleet *f, struct target *t)
{
	pthread_mutex_lock(&f->lock);
	t->next = f->head;
	f->head = t;
	if (!f->tail)
		f->tail = t;
	f->queued++;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

/* The next target, or NULL: none queued (then *done when none will come);
 * with wait, it waits for one instead while more may come. */
static struct target *take(struct fleet *f, bool wait, bool *done)
{
	pthread_mutex_lock(&f->lock);
	while (wait && !f->head && !f->eof)
		pthread_cond_wait(&f->changed, &f->lock);
	struct target *t = f->head;
	if (t) {
		f->head = t->next;
		if (!f->head)
			f->tail = NULL;
		t->next = NULL;
		f->queued--;
		pthread_cond_broadcast(&f->changed);
	}
	*done = !t && f->eof;
	pthread_mutex_unlock(&f->lock);
	return t;
}

/* The main thread: the arguments, then the targets file a line at a time
 * (fgets into one buffer of FLEET_MAX_LINE: a longer line is skipped to
 * its end and queued as a line that could not be read). */
static void read_targets(struct fleet *f)
{
	const struct fleet_opts *o = f->o;
	for (int i = 0; i < o->ntargets; i++)
		put(f, xstrdup(o->targets[i]), NULL, 0);
	if (o->targets_file) {
		char *buf = xmalloc(FLEET_MAX_LINE + 2);
		long line = 0;
		while (fgets(buf, FLEET_MAX_LINE + 2, o->targets_file)) {
			size_t len = strlen(buf);
			line++;
			if (len > FLEET_MAX_LINE && buf[len - 1] != '\n') {
				int c;
				while ((c = getc(o->targets_file)) != EOF && c != '\n')
					;
				put(f, NULL,
				    xasprintf("line %ld is longer than %d bytes: not read", line,
					      FLEET_MAX_LINE),
				    line);
				continue;
			}
			char *p = buf + strspn(buf, " \t");
			p[strcspn(p, "\r\n")] = '\0';
			if (*p && *p != '#')
				put(f, xstrdup(p), NULL, line);
		}
		free(buf);
	}
	pthread_mutex_lock(&f->lock);
	f->eof = true;
	pthread_cond_broadcast(&f->changed);
	pthread_mutex_unlock(&f->lock);
}

/* ---- the workers ---- */

/* A slot of a worker's loop: one session and the target it inspects. */
struct slot {
	struct session s;
	struct target *t;  /* NULL: free */
	bool shortage;     /* the session met a full descriptor table */
};

/* Put off a target whose session met a full descriptor table, or after
 * FLEET_MAX_TRIES, give it a row that says so: a local error, never the
 * server's. */
static void put_off(struct fleet *f, struct target *t)
{
	if (++t->tries < FLEET_MAX_TRIES) {
		put_back(f, t);
		return;
	}
	bad_row(f, t, "not inspected: this process is out of file descriptors (EMFILE), "
		      "a local error; lower --jobs or raise ulimit -n");
	free_target(t);
}

/* Start t in a free slot: false when it ended at once (a row, or put off
 * for want of descriptors: *shortage). */
static bool start_slot(struct fleet *f, struct slot *sl, struct target *t, bool *shortage)
{
	const struct fleet_opts *o = f->o;
	char *err = NULL;
	if (!t->text) {
		bad_row(f, t, t->error);
		free_target(t);
		return false;
	}
	unsigned before = os_fd_shortages();
	session_init(&sl->s, o->libpq_version);
	session_set_login(&sl->s, o->login);
	if (session_set_target(&sl->s, t->text, o->keywords, o->values, o->nsets, &err) < 0 ||
	    session_start(&sl->s, &err) < 0) {
		session_free(&sl->s);
		if (os_fd_shortages() != before) {
			*shortage = true;
			put_off(f, t);
		} else {
			bad_row(f, t, err);
			free_target(t);
		}
		free(err);
		return false;
	}
	sl->t = t;
	sl->shortage = os_fd_shortages() != before;
	return true;
}

/* A slot whose session has ended: its row, or its target put off. */
static void end_slot(struct fleet *f, struct slot *sl, bool *shortage)
{
	if (sl->shortage) {
		*shortage = true;
		put_off(f, sl->t);
	} else {
		take_row(f, sl->t, &sl->s);
		free_target(sl->t);
	}
	session_free(&sl->s);
	sl->t = NULL;
	sl->shortage = false;
}

/* One worker: a poll() loop over up to nslots sessions at once, each slot
 * refilled from the queue as its inspection ends. After a shortage of
 * descriptors no slot is filled until one of its sessions ends (or, with
 * none in flight, FLEET_RETRY_MS later): back-pressure. */
static void *worker(void *arg)
{
	struct worker *w = arg;
	struct fleet *f = w->f;
	struct slot *slots = xcalloc((size_t)w->nslots, sizeof(*slots));
	struct pollfd *pfd = xcalloc((size_t)w->nslots * SESSION_MAX_FDS, sizeof(*pfd));
	int *first = xcalloc((size_t)w->nslots + 1, sizeof(int));
	bool done = false, hold = false;
	for (;;) {
		int live = 0, n = 0, wait = -1;
		bool starved = false;
		for (int k = 0; k < w->nslots; k++) {
			struct slot *sl = &slots[k];
			if (sl->t && !session_running(&sl->s)) {
				bool put = false;
				end_slot(f, sl, &put);
				hold = put; /* one ended: room again, unless put off */
				done = done && !put; /* this loop takes it again */
			}
			live += sl->t != NULL;
		}
		for (int k = 0; k < w->nslots && !hold && !done; k++) {
			struct slot *sl = &slots[k];
			if (sl->t)
				continue;
			/* wait for a target only with nothing in flight */
			struct target *t = take(f, live == 0, &done);
			if (!t) {
				starved = !done;
				break;
			}
			if (start_slot(f, sl, t, &hold))
				live++;
			else
				k--; /* the slot is still free */
			done = done && !hold;
		}
		for (int k = 0; k < w->nslots; k++) {
			struct slot *sl = &slots[k];
			first[k] = n;
			if (!sl->t)
				continue;
			int ms;
			if (session_running(&sl->s)) {
				n += session_wait_set(&sl->s, pfd + n, SESSION_MAX_FDS, &ms);
				wait = wait < 0 || (ms >= 0 && ms < wait) ? ms : wait;
			} else {
				wait = 0; /* ended at start: collect it now */
			}
		}
		first[w->nslots] = n;
		if (live == 0 && done)
			break;
		if (live == 0 && hold) {
			/* put off with nothing in flight here: the other
			 * workers' sessions free descriptors meanwhile */
			poll(NULL, 0, FLEET_RETRY_MS);
			hold = false;
			continue;
		}
		/* targets may be queued while sessions are in flight */
		if (starved && (wait < 0 || wait > FLEET_RETRY_MS))
			wait = FLEET_RETRY_MS;
		if (poll(pfd, (nfds_t)n, wait) < 0 && errno != EINTR)
			wait = 0; /* each session's deadline still ends it */
		for (int k = 0; k < w->nslots; k++) {
			struct slot *sl = &slots[k];
			if (!sl->t || !session_running(&sl->s))
				continue;
			unsigned before = os_fd_shortages();
			session_step(&sl->s, pfd + first[k], first[k + 1] - first[k]);
			sl->shortage = sl->shortage || os_fd_shortages() != before;
		}
	}
	free(first);
	free(pfd);
	free(slots);
	return NULL;
}

/* --jobs within the open-file limit: the soft limit raised toward the
 * hard one as far as the jobs need (setrlimit), then the jobs it leaves
 * room for; a note on standard error when that is fewer than asked. */
static int jobs_within_fd_limit(int jobs, int nworkers)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return jobs;
	rlim_t fixed = FLEET_FDS_RESERVE + (rlim_t)nworkers * FLEET_FDS_PER_WORKER;
	rlim_t want = fixed + (rlim_t)jobs * FLEET_FDS_PER_SESSION;
	if (rl.rlim_cur < want && rl.rlim_max > rl.rlim_cur) {
		struct rlimit up = rl;
		up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur >= want)
		return jobs;
	long room = rl.rlim_cur > fixed ? (long)((rl.rlim_cur - fixed) / FLEET_FDS_PER_SESSION) : 0;
	int capped = room < 1 ? 1 : (int)room;
	fprintf(stderr,
		"pgtls-inspect: --jobs %d lowered to %d: the open-file limit (ulimit -n) is %llu\n",
		jobs, capped, (unsigned long long)rl.rlim_cur);
	return capped;
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
	int jobs = o->jobs < 1 ? 1 : o->jobs;
	if (!o->targets_file && jobs > o->ntargets)
		jobs = o->ntargets < 1 ? 1 : o->ntargets;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int nw = cores < 1 ? 1 : cores > jobs ? jobs : (int)cores;
	jobs = jobs_within_fd_limit(jobs, nw);
	nw = nw > jobs ? jobs : nw;
	f.room = 2 * jobs;
	struct worker *workers = xcalloc((size_t)nw, sizeof(*workers));
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.changed, NULL);
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
		/* no thread: read everything, then inspect in this one */
		f.room = 1 << 30;
		read_targets(&f);
		workers[0].nslots = jobs;
		worker(&workers[0]);
	} else {
		read_targets(&f);
	}
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if (f.progress && f.ntargets)
		fputc('\n', stderr);
	if (f.ntargets == 0) {
		free(workers);
		pthread_cond_destroy(&f.changed);
		pthread_mutex_destroy(&f.lock);
		return FLEET_NO_TARGET;
	}

	if (!o->json)
		printf("%-36s %-7s %-6s %-5s %-5s %-7s %-5s %-6s %-7s %-9s %-11s %s\n", "TARGET",
		       "REPLY", "TLS", "CHAIN", "NAME", "disable", "allow", "prefer", "require",
		       "verify-ca", "verify-full", "FINDINGS");
	for (int i = 0; i < f.ntargets && !o->json; i++) {
		struct row *r = &f.rows[i];
		char *t = r->shown;
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
	}
	if (o->check >= 0)
		fprintf(o->json ? stderr : stdout, "%d of %d servers connect under sslmode=%s\n",
			f.pass, f.ntargets, sslmode_name((enum sslmode)o->check));
	for (int i = 0; i < f.nrows; i++)
		free_row(&f.rows[i]);
	free(f.rows);
	free(workers);
	pthread_cond_destroy(&f.changed);
	pthread_mutex_destroy(&f.lock);
	if (f.bad_input)
		return 2;
	if (o->check >= 0)
		return f.pass == f.ntargets ? 0 : 1;
	return f.reachable == 0 ? 3 : 0;
}
