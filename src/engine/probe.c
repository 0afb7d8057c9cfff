/* SPDX-License-Identifier: MIT */
/* probe: one run of an inspection's probes (TLS, plaintext, direct TLS),
 * driven by the caller's loop: the name resolved without blocking, every
 * probe started on the addresses found, the descriptors and deadline to
 * wait for, a step on readiness, holds and cancellation, and at the end the
 * trust facts. The connections themselves are probe_conn.c's. No curses,
 * no printing. */
#include "config.h"
#include "engine/probe_int.h"
#include "engine/x509.h"
#include "util/xalloc.h"
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double wall_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Timings and deadlines ignore step mode's pauses; each run has its own
 * clock. */
double probe_clock(const struct probe_run *r)
{
	double held = r->held_ms;
	if (r->hold_since >= 0)
		held += wall_ms(&r->t0) - r->hold_since;
	return wall_ms(&r->t0) - held;
}

/* One name lookup in flight: heap-allocated, because a lookup that cannot be
 * cancelled in time goes on writing into it after we have given up. */
struct lookup {
	struct gaicb req;
	struct addrinfo hints;
	char serv[16];
	char *name;
};

/* glibc's getaddrinfo_a tells of completion only by a signal or a thread of
 * its own; the run asks gai_error() this often instead, which keeps the
 * lookup owned by one side at a time. */
#define LOOKUP_POLL_MS 5

static void lookup_free(struct lookup *l)
{
	free(l->name);
	free(l);
}

/* An event of the run itself (the "setup" lane), not of one probe. */
#define RUN_EV(r, kind, ...) \
	event_add(&(r)->ins->log, probe_clock(r), "setup", EV_NOTE, kind, NULL, 0, __VA_ARGS__)

/* The key log file failed (err taken over): said once, as an event and a
 * fact. */
static void keylog_failed(struct probe_run *r, char *err)
{
	RUN_EV(r, "KeyLogFailed", "%s", err);
	free(r->ins->keylog_error);
	r->ins->keylog_error = err;
}

/* The name did not resolve: both connection facts say so, as libpq's
 * "could not translate host name" does, and the run is over. */
static void resolve_failed(struct probe_run *r, const char *why)
{
	const struct conn_target *t = &r->ins->target;
	struct server_facts *sf = &r->ins->server;
	RUN_EV(r, "ResolveFailed",
		  "could not translate host name \"%s\" to address: %s",
		  t->connect_to, why);
	for (int i = 0; i < 2; i++) {
		struct connect_fact *c = i ? &sf->plain_connect : &sf->tls_connect;
		c->attempted = true;
		free(c->error);
		c->error = xasprintf("could not translate host name \"%s\" to address: %s",
				     t->connect_to, why);
	}
	r->ins->reachable = 0;
	r->unresolved = true;
	r->st = R_DONE;
}

static void add_probe(struct probe_run *r, struct probe p)
{
	p.fd = -1;
	p.ins = r->ins;
	p.run = r;
	r->probes[r->np++] = p;
}

/* The addresses are known: log them and start every probe's connection. */
static void resolved(struct probe_run *r)
{
	struct inspection *ins = r->ins;
	struct server_facts *sf = &ins->server;
	struct strbuf sb = STRBUF_INIT;
	int n = 0;
	for (struct addrinfo *ai = r->res; ai; ai = ai->ai_next, n++) {
		char h[NI_MAXHOST];
		getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof(h), NULL, 0,
			    NI_NUMERICHOST);
		sb_addf(&sb, "%s%s", n ? ", " : "", h);
	}
	RUN_EV(r, "Resolved",
		  "%s resolves to %s; each probe tries them in order, as libpq does",
		  ins->target.connect_to, sb_str(&sb));
	sb_free(&sb);

	if (r->opts.tls)
		add_probe(r, (struct probe){ .name = "tls", .is_tls = true,
					     .tlsf = &ins->tls, .ans = &sf->tls,
					     .conn = &sf->tls_connect });
	if (r->opts.plaintext)
		add_probe(r, (struct probe){ .name = "plain", .ans = &sf->plain,
					     .conn = &sf->plain_connect });
	if (r->opts.direct)
		add_probe(r, (struct probe){ .name = "direct", .is_tls = true,
					     .direct = true, .tlsf = &ins->direct_tls,
					     .ans = &sf->direct_startup,
					     .conn = &sf->direct_connect });
	r->st = R_PROBING;
	r->deadline = probe_clock(r) + r->opts.timeout_ms;
	for (int i = 0; i < r->np; i++)
		probe_conn_start(&r->probes[i], r->res);
}

/* Resolution as libpq does it (fe-connect.c: connectDBStart, then
 * pg_getaddrinfo_all): a numeric address at once (hostaddr is never looked
 * up: AI_NUMERICHOST); a name through getaddrinfo_a, bounded by the run's
 * deadline. */
static void resolve_start(struct probe_run *r)
{
	const struct conn_target *t = &r->ins->target;
	bool numeric = t->hostaddr && *t->hostaddr;
	char serv[16];
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST |
					      (numeric ? 0 : AI_ADDRCONFIG) };
	snprintf(serv, sizeof(serv), "%d", t->port);
	int rc = getaddrinfo(t->connect_to, serv, &hints, &r->res);
	if (rc == 0) {
		resolved(r);
		return;
	}
	r->res = NULL;
	if (numeric) {
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	struct lookup *l = xcalloc(1, sizeof(*l));
	struct gaicb *list[1] = { &l->req };
	l->name = xstrdup(t->connect_to);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = SOCK_STREAM;
	l->hints.ai_flags = AI_ADDRCONFIG;
	memcpy(l->serv, serv, sizeof(serv));
	l->req.ar_name = l->name;
	l->req.ar_service = l->serv;
	l->req.ar_request = &l->hints;
	rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc != 0) {
		lookup_free(l);
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	r->lookup = l;
}

/* Give up on the lookup: cancelled, it is ours to free; still running, it
 * owns its memory and finishes on its own (a few bytes, once per run that
 * timed out on a stuck resolver) rather than make us wait. */
static void lookup_abandon(struct probe_run *r)
{
	if (r->lookup && gai_cancel(&r->lookup->req) == EAI_CANCELED)
		lookup_free(r->lookup);
	else if (r->lookup && gai_error(&r->lookup->req) != EAI_INPROGRESS) {
		if (r->lookup->req.ar_result)
			freeaddrinfo(r->lookup->req.ar_result);
		lookup_free(r->lookup);
	}
	r->lookup = NULL;
}

static void resolve_step(struct probe_run *r)
{
	int rc = gai_error(&r->lookup->req);
	if (rc == EAI_INPROGRESS) {
		if (probe_clock(r) >= r->deadline) {
			lookup_abandon(r);
			resolve_failed(r, "timeout expired while resolving the host name");
		}
		return;
	}
	struct lookup *l = r->lookup;
	r->lookup = NULL;
	if (rc != 0) {
		lookup_free(l);
		resolve_failed(r, gai_strerror(rc));
		return;
	}
	r->res = l->req.ar_result;
	lookup_free(l);
	resolved(r);
}

/* sslkeylogfile, else SSLKEYLOGFILE: opened once for the run (libpq 18
 * opens it for each line; the lines are the same), a regular file only.
 * A file that cannot be opened is the run's one error about it: an event
 * and ins->keylog_error, and the probes go on, as libpq's do. */
static void open_keylog(struct probe_run *r)
{
	char *err = NULL;
	r->keylog_fd = -1;
	r->keylog_path = wire_keylog_file(r->ins->target.sslkeylogfile);
	if (!r->keylog_path || !(r->opts.tls || r->opts.direct))
		return;
	r->keylog_fd = wire_keylog_file_open(r->keylog_path, &err);
	if (r->keylog_fd < 0)
		keylog_failed(r, err);
}

void probe_keylog(struct probe *p, const char *line)
{
	struct probe_run *r = p->run;
	char buf[WIRE_KEYLOG_LINE + 1];
	size_t n = strlen(line);

	wire_keylog_add(p->ws, line);
	if (r->keylog_fd < 0 || n + 1 > sizeof(buf))
		return;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	/* one write a line: O_APPEND keeps lines whole between writers */
	ssize_t w = write(r->keylog_fd, buf, n);
	int e = errno;
	explicit_bzero(buf, sizeof(buf));
	if (w == (ssize_t)n)
		return;
	close(r->keylog_fd);
	r->keylog_fd = -1;
	keylog_failed(r, xasprintf("could not write to SSL key logging file \"%s\": %s",
				   r->keylog_path, w < 0 ? OS_ERROR(e) : "short write"));
}

int probe_start(struct inspection *ins, const struct probe_opts *opts,
		struct probe_run **out, char **err)
{
	const struct conn_target *t = &ins->target;
	*out = NULL;
	if (!t->connect_to) {
		*err = xstrdup("no host to connect to");
		return -1;
	}
	struct probe_run *r = xcalloc(1, sizeof(*r));
	struct timespec real;
	r->ins = ins;
	r->opts = *opts;
	r->hold_since = -1;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	clock_gettime(CLOCK_REALTIME, &real);
	ins->started = time(NULL);
	ins->wire.t0_us = (int64_t)real.tv_sec * 1000000 + real.tv_nsec / 1000;
	open_keylog(r);
	ins->login = opts->login;
	tls_client_files_check(t, &ins->trust.client_files_error);
	ins->trust.client_cert = t->sslcert ? xstrdup(t->sslcert) : NULL;
	ins->trust.client_key = t->sslkey ? xstrdup(t->sslkey) : NULL;
	r->st = R_RESOLVING;
	r->deadline = opts->timeout_ms;
	resolve_start(r);
	*out = r;
	return 0;
}

/* The live probes: those not done. */
static bool probes_live(const struct probe_run *r)
{
	for (int i = 0; i < r->np; i++)
		if (r->probes[i].st != P_DONE)
			return true;
	return false;
}

int probe_wait_set(const struct probe_run *r, struct pollfd *pfd, int max,
		   int *timeout_ms)
{
	int n = 0;
	*timeout_ms = 0;
	if (r->st == R_DONE)
		return 0;
	if (r->hold_since >= 0) {
		*timeout_ms = -1;
		return 0;
	}
	double left = r->deadline - probe_clock(r);
	if (left <= 0)
		return 0;
	*timeout_ms = (int)left + 1;
	if (r->st == R_RESOLVING) {
		if (*timeout_ms > LOOKUP_POLL_MS)
			*timeout_ms = LOOKUP_POLL_MS;
		return 0;
	}
	for (int i = 0; i < r->np && n < max; i++) {
		if (r->probes[i].st == P_DONE)
			continue;
		pfd[n].fd = r->probes[i].fd;
		pfd[n].events = probe_conn_events(&r->probes[i]);
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

void probe_step(struct probe_run *r, const struct pollfd *pfd, int n)
{
	if (r->st == R_DONE || r->hold_since >= 0)
		return;
	if (r->st == R_RESOLVING) {
		resolve_step(r);
		return;
	}
	/* readiness first: a probe whose answer came just in time is not
	 * timed out */
	for (int i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		for (int k = 0; k < r->np; k++)
			if (r->probes[k].st != P_DONE && r->probes[k].fd == pfd[i].fd) {
				probe_conn_step(&r->probes[k]);
				break;
			}
	}
	/* --login: a probe that waited for the one libpq tries first */
	for (int i = 0; i < r->np; i++)
		if (r->probes[i].parked && r->probes[i].st != P_DONE)
			probe_login_resume(&r->probes[i]);
	if (probes_live(r) && probe_clock(r) >= r->deadline)
		for (int i = 0; i < r->np; i++)
			if (r->probes[i].st != P_DONE)
				probe_conn_time_out(&r->probes[i], r->opts.timeout_ms);
	if (!probes_live(r))
		r->st = R_DONE;
}

bool probe_done(const struct probe_run *r)
{
	return r->st == R_DONE;
}

void probe_hold(struct probe_run *r, bool held)
{
	double now = wall_ms(&r->t0);
	if (held && r->hold_since < 0) {
		r->hold_since = now;
	} else if (!held && r->hold_since >= 0) {
		r->held_ms += now - r->hold_since;
		r->hold_since = -1;
	}
}

void probe_cancel(struct probe_run *r)
{
	probe_hold(r, false);
	if (r->st == R_RESOLVING) {
		lookup_abandon(r);
		RUN_EV(r, "Stopped", "stopped by the user");
	}
	for (int i = 0; i < r->np; i++) {
		if (r->probes[i].st == P_DONE)
			continue;
		EV(&r->probes[i], EV_NOTE, "Stopped", NULL, 0, "stopped by the user");
		probe_conn_finish(&r->probes[i]);
	}
	r->st = R_DONE;
}

void probe_finish(struct probe_run *r)
{
	if (!r)
		return;
	if (r->st != R_DONE)
		probe_cancel(r);
	struct inspection *ins = r->ins;
	const struct conn_target *t = &ins->target;
	for (int i = 0; i < r->np; i++) {
		sb_free(&r->probes[i].out);
		sb_free(&r->probes[i].in);
	}
	if (r->res)
		freeaddrinfo(r->res);
	if (r->keylog_fd >= 0)
		close(r->keylog_fd);
	if (ins->reachable < 0)
		ins->reachable = 0;
	if (r->unresolved) {
		free(r);
		return;
	}

	/* trust: what libpq would load, checked against the chain as sent */
	struct trust_facts *tr = &ins->trust;
	tr->source = t->rootcert_source;
	tr->rootcert = t->sslrootcert ? xstrdup(t->sslrootcert) : NULL;
	tr->rootcert_exists = t->rootcert_exists;
	tr->crl = t->sslcrl ? xstrdup(t->sslcrl) : NULL;
	tr->crldir = t->sslcrldir ? xstrdup(t->sslcrldir) : NULL;
	if (ins->nchain > 0) {
		x509_verify_chain(ins, X509_NOW);
		tr->name_checked = 1;
		tr->name_host = t->host ? xstrdup(t->host) : NULL;
		tr->name_ok = x509_name_check(ins->chain[0].der, ins->chain[0].der_len,
					      t->host, &tr->name_error) == 1;
	}
	free(r);
}

bool probe_what_if(struct inspection *ins, const char *keyword, const char *value)
{
	struct conn_target *t = &ins->target;
	struct trust_facts *tr = &ins->trust;
	if (!conninfo_target_what_if(t, keyword, value))
		return false;
	if (!strcmp(keyword, "sslrootcert")) {
		free(tr->rootcert);
		free(tr->rootcert_error);
		tr->rootcert_error = NULL;
		tr->rootcert = xstrdup(value);
		tr->source = t->rootcert_source;
		tr->rootcert_exists = t->rootcert_exists;
		tr->rootcert_certs = -1;
		x509_verify_chain(ins, X509_JUDGED_AT(tr));
	} else if (!strcmp(keyword, "sslcrl") || !strcmp(keyword, "sslcrldir")) {
		/* initialize_SSL loads them with the root file (conninfo chose
		 * which, the default file included): the chain judged again */
		free(tr->crl);
		free(tr->crldir);
		tr->crl = t->sslcrl ? xstrdup(t->sslcrl) : NULL;
		tr->crldir = t->sslcrldir ? xstrdup(t->sslcrldir) : NULL;
		x509_verify_chain(ins, X509_JUDGED_AT(tr));
	} else if (!strcmp(keyword, "host") && ins->nchain > 0) {
		free(tr->name_host);
		free(tr->name_error);
		tr->name_error = NULL;
		tr->name_host = xstrdup(value);
		tr->name_checked = 1;
		tr->name_ok = x509_name_check(ins->chain[0].der, ins->chain[0].der_len, value,
					      &tr->name_error) == 1;
	} else if (!strcmp(keyword, "sslcert") || !strcmp(keyword, "sslkey")) {
		free(tr->client_files_error);
		tr->client_files_error = NULL;
		free(tr->client_cert);
		free(tr->client_key);
		tr->client_cert = t->sslcert ? xstrdup(t->sslcert) : NULL;
		tr->client_key = t->sslkey ? xstrdup(t->sslkey) : NULL;
		tls_client_files_check(t, &tr->client_files_error);
	}
	return true;
}

void probe_rejudge_at(struct inspection *ins, time_t at)
{
	if (ins->nchain > 0)
		x509_verify_chain(ins, at);
}
