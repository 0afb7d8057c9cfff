/* SPDX-License-Identifier: MIT */
/* exporter: the Prometheus exporter (--exporter). libmicrohttpd serves HTTP
 * with a thread a connection (MHD_USE_THREAD_PER_CONNECTION); a /probe
 * runs one session to its end in that thread (session_inspect: the
 * session's own poll loop, bounded by its deadline, connect_timeout), so
 * the exporter inspects exactly as the report and the fleet do. Bounds: the
 * probes in flight (over the limit: 503), the connections, the request's
 * size (MHD_OPTION_CONNECTION_MEMORY_LIMIT: the URL and headers), the
 * target's length, an idle connection's life, and each probe's deadline
 * (the configured timeout, shortened to the scrape timeout Prometheus
 * announces in X-Prometheus-Scrape-Timeout-Seconds).
 *
 * Not an open proxy: a target must be listed in the configuration file
 * (exactly, or matching a pattern when it is a plain HOST[:PORT]), and so
 * must a root file asked for with sslrootcert; anything else is 403 with a
 * one-line reason. The default address is 127.0.0.1. */
#include "config.h"
#include "exporter.h"
#include "app/session.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CONFIG_LINE_MAX 4096
#define CONFIG_ENTRIES_MAX 100000
#define TARGET_MAX 1024         /* bytes of a target parameter */
#define REQUEST_MEMORY (32 * 1024) /* a request's URL and headers, at most */
#define PROBE_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]"

/* What the configuration file allows. */
struct allow {
	char **targets, **patterns, **roots;
	int ntargets, npatterns, nroots;
	int timeout;    /* seconds, each probe's deadline at most */
	int max_probes; /* in flight at once */
};

/* The paths and codes /metrics counts requests by (a closed set: the
 * labels' cardinality is fixed). */
enum { PATH_PROBE, PATH_METRICS, PATH_OTHER, NPATHS };
static const char *const path_names[NPATHS] = { "/probe", "/metrics", "other" };
static const unsigned codes[] = { 200, 400, 403, 404, 405, 500, 503 };
#define NCODES (sizeof(codes) / sizeof(*codes))

struct exporter {
	struct allow allow;
	int libpq_version;
	time_t started;
	atomic_int inflight;
	atomic_ullong requests[NPATHS][NCODES];
	atomic_ullong probes, probe_failures;
};

static void allow_free(struct allow *a)
{
	strlist_free(a->targets);
	strlist_free(a->patterns);
	strlist_free(a->roots);
}

/* A whole number from lo to hi, or -1. */
static long number_in(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s == '\0' || *end || v < lo || v > hi ? -1 : v;
}

/* One line of the configuration: "KEYWORD VALUE". -1 with *err. */
static int config_line(struct allow *a, char *key, char *val, char **err)
{
	if (!*val) {
		*err = xasprintf("\"%s\" needs a value", key);
		return -1;
	}
	if (a->ntargets + a->npatterns + a->nroots >= CONFIG_ENTRIES_MAX) {
		*err = xasprintf("more than %d entries", CONFIG_ENTRIES_MAX);
		return -1;
	}
	if (!strcmp(key, "target"))
		strlist_add(&a->targets, &a->ntargets, val);
	else if (!strcmp(key, "target-pattern"))
		strlist_add(&a->patterns, &a->npatterns, val);
	else if (!strcmp(key, "rootcert"))
		strlist_add(&a->roots, &a->nroots, val);
	else if (!strcmp(key, "timeout") || !strcmp(key, "max-probes")) {
		bool t = key[0] == 't';
		long v = t ? number_in(val, 1, 300) : number_in(val, 1, 1024);
		if (v < 0) {
			*err = xasprintf("%s wants a whole number from 1 to %d", key, t ? 300 : 1024);
			return -1;
		}
		*(t ? &a->timeout : &a->max_probes) = (int)v;
	} else {
		*err = xasprintf("unknown keyword \"%s\" (target, target-pattern, rootcert, timeout, max-probes)",
				 key);
		return -1;
	}
	return 0;
}

/* Read the configuration file: one "KEYWORD VALUE" a line, # comments.
 * -1 with a one-line *err (raw: the caller escapes it). */
static int config_read(const char *path, struct allow *a, char **err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	char line[CONFIG_LINE_MAX + 2];
	int no = 0, rc = 0;
	a->timeout = 10;
	a->max_probes = 16;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		no++;
		size_t n = strlen(line);
		if (n > CONFIG_LINE_MAX && line[n - 1] != '\n') {
			*err = xasprintf("%s:%d: line longer than %d bytes", path, no, CONFIG_LINE_MAX);
			rc = -1;
			break;
		}
		while (n > 0 && strchr("\r\n \t", line[n - 1]))
			line[--n] = '\0';
		char *key = line + strspn(line, " \t");
		if (!*key || *key == '#')
			continue;
		char *val = key + strcspn(key, " \t");
		if (*val)
			*val++ = '\0';
		val += strspn(val, " \t");
		char *why = NULL;
		if (config_line(a, key, val, &why) < 0) {
			*err = xasprintf("%s:%d: %s", path, no, why);
			free(why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		*err = xasprintf("cannot read %s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	if (rc == 0 && a->ntargets + a->npatterns == 0) {
		*err = xasprintf("%s lists no target (target HOST:PORT, or target-pattern GLOB)", path);
		rc = -1;
	}
	if (rc < 0)
		allow_free(a);
	return rc;
}

/* fnmatch's * also matches dots and letters: a pattern whose host part is
 * an address (digits, dots, wildcards: "10.0.*:5432") must not let a name
 * through ("10.0.evil.example:5432"), which whoever owns that name points
 * anywhere. True when pattern is such and t's host part is not an IPv4
 * address's characters. */
static bool name_for_address(const char *pattern, const char *t)
{
	size_t ph = strcspn(pattern, ":"), th = strcspn(t, ":");
	if (strspn(pattern, "0123456789.*?[]-!") < ph || pattern[0] == '[')
		return false;
	return strspn(t, "0123456789.") < th;
}

/* A target listed as written, or a plain HOST[:PORT] (no keyword, no
 * space, no path) that a pattern matches. */
static bool target_allowed(const struct allow *a, const char *t)
{
	for (int i = 0; i < a->ntargets; i++)
		if (!strcmp(a->targets[i], t))
			return true;
	if (!*t || strspn(t, PROBE_CHARS) != strlen(t))
		return false;
	for (int i = 0; i < a->npatterns; i++)
		if (fnmatch(a->patterns[i], t, 0) == 0 && !name_for_address(a->patterns[i], t))
			return true;
	return false;
}

static bool root_allowed(const struct allow *a, const char *r)
{
	for (int i = 0; i < a->nroots; i++)
		if (!strcmp(a->roots[i], r))
			return true;
	return false;
}

/* Count a request by its path and the code answered. */
static void count(struct exporter *e, int path, unsigned code)
{
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i] == code)
			atomic_fetch_add(&e->requests[path][i], 1);
}

/* Answer body (heap, taken) with code. */
static enum MHD_Result reply(struct MHD_Connection *c, struct exporter *e, int path,
			     unsigned code, char *body, const char *type)
{
	size_t n = strlen(body);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	count(e, path, code);
	return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, struct exporter *e, int path,
				  unsigned code, char *msg)
{
	/* the message may quote the request: escaped, one line */
	char *t = sanitize(msg);
	char *body = xasprintf("%s\n", t);
	free(t);
	free(msg);
	return reply(c, e, path, code, body, "text/plain; charset=utf-8");
}

#define PROM_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The query's parameters: each known one at most once, no other. */
struct params {
	const char *target, *sslmode, *sslrootcert;
	char *bad;
};

static enum MHD_Result take_param(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	struct params *p = cls;
	const char **slot = !strcmp(key, "target")	 ? &p->target :
			    !strcmp(key, "sslmode")	 ? &p->sslmode :
			    !strcmp(key, "sslrootcert") ? &p->sslrootcert : NULL;
	if (!slot)
		p->bad = xasprintf("unknown parameter \"%s\" (target, sslmode, sslrootcert)", key);
	else if (*slot)
		p->bad = xasprintf("parameter \"%s\" given twice", key);
	else
		*slot = value ? value : "";
	return p->bad ? MHD_NO : MHD_YES;
}

/* Each probe's deadline: the configured timeout, or less when Prometheus
 * says the scrape ends sooner (half a second kept for the answer). */
static int probe_timeout(struct MHD_Connection *c, const struct allow *a)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    "X-Prometheus-Scrape-Timeout-Seconds");
	char *end;
	double s = h ? strtod(h, &end) : 0;
	if (!h || end == h || *end || !(s > 0) || s >= a->timeout + 0.5)
		return a->timeout;
	int t = (int)(s - 0.5);
	return t < 1 ? 1 : t < a->timeout ? t : a->timeout;
}

/* One target inspected to the end and rendered; NULL with *err when the
 * session could not start. */
static char *probe(struct exporter *e, const struct params *p, int timeout, char **err)
{
	struct timespec t0, t1;
	const char *kw[3], *val[3];
	int n = 0;
	char tmo[16];
	snprintf(tmo, sizeof(tmo), "%d", timeout);
	kw[n] = "connect_timeout", val[n++] = tmo;
	if (p->sslmode)
		kw[n] = "sslmode", val[n++] = p->sslmode;
	if (p->sslrootcert)
		kw[n] = "sslrootcert", val[n++] = p->sslrootcert;

	struct session s;
	session_init(&s, e->libpq_version);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (session_set_target(&s, p->target, kw, val, n, err) < 0 ||
	    session_inspect(&s, err) < 0) {
		session_free(&s);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out) {
		session_free(&s);
		*err = xasprintf("out of memory");
		return NULL;
	}
	struct report rep = session_report(&s);
	int rc = report_prom_write(out, &rep, secs, time(NULL));
	if (fclose(out) != 0 || rc < 0) {
		free(buf);
		buf = NULL;
		*err = xasprintf("cannot write the metrics");
	} else if (!(s.ins.reachable == 1 && !s.ins.refused)) {
		atomic_fetch_add(&e->probe_failures, 1);
	}
	session_free(&s);
	return buf;
}

static enum MHD_Result serve_probe(struct MHD_Connection *c, struct exporter *e)
{
	struct params p = { 0 };
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_param, &p);
	if (p.bad)
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_BAD_REQUEST, p.bad);
	if (!p.target || !*p.target)
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_BAD_REQUEST,
				  xstrdup("no target: /probe?target=HOST:PORT"));
	if (strlen(p.target) > TARGET_MAX)
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_BAD_REQUEST,
				  xasprintf("target longer than %d bytes", TARGET_MAX));
	if (p.sslmode && sslmode_parse(p.sslmode) < 0)
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_BAD_REQUEST,
				  xasprintf("sslmode \"%s\" is not one of disable, allow, prefer, require, verify-ca, verify-full",
					    p.sslmode));
	if (!target_allowed(&e->allow, p.target))
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_FORBIDDEN,
				  xasprintf("target \"%s\" is not listed in the exporter's configuration",
					    p.target));
	if (p.sslrootcert && !root_allowed(&e->allow, p.sslrootcert))
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_FORBIDDEN,
				  xasprintf("sslrootcert \"%s\" is not listed in the exporter's configuration",
					    p.sslrootcert));
	if (atomic_fetch_add(&e->inflight, 1) >= e->allow.max_probes) {
		atomic_fetch_sub(&e->inflight, 1);
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_SERVICE_UNAVAILABLE,
				  xasprintf("%d probes in flight already (max-probes)",
					    e->allow.max_probes));
	}
	atomic_fetch_add(&e->probes, 1);
	char *err = NULL;
	char *body = probe(e, &p, probe_timeout(c, &e->allow), &err);
	atomic_fetch_sub(&e->inflight, 1);
	if (!body) {
		atomic_fetch_add(&e->probe_failures, 1);
		return reply_text(c, e, PATH_PROBE, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  err ? err : xstrdup("the probe failed"));
	}
	return reply(c, e, PATH_PROBE, MHD_HTTP_OK, body, PROM_TYPE);
}

/* /metrics: the exporter's own. */
static enum MHD_Result serve_metrics(struct MHD_Connection *c, struct exporter *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		return MHD_NO;
	/* this request counts once answered: the counts are those before it */
	fputs("# HELP pgtls_exporter_requests_total HTTP requests answered, by path and status code.\n"
	      "# TYPE pgtls_exporter_requests_total counter\n",
	      out);
	for (int p = 0; p < NPATHS; p++)
		for (size_t i = 0; i < NCODES; i++) {
			unsigned long long v = atomic_load(&e->requests[p][i]);
			if (v || (i == 0 && p != PATH_OTHER))
				fprintf(out, "pgtls_exporter_requests_total{path=\"%s\",code=\"%u\"} %llu\n",
					path_names[p], codes[i], v);
		}
	fprintf(out,
		"# HELP pgtls_exporter_probes_total Probes run (listed targets inspected).\n"
		"# TYPE pgtls_exporter_probes_total counter\n"
		"pgtls_exporter_probes_total %llu\n"
		"# HELP pgtls_exporter_probe_failures_total Probes that reached no server or could not run.\n"
		"# TYPE pgtls_exporter_probe_failures_total counter\n"
		"pgtls_exporter_probe_failures_total %llu\n"
		"# HELP pgtls_exporter_probes_in_flight Probes running now.\n"
		"# TYPE pgtls_exporter_probes_in_flight gauge\n"
		"pgtls_exporter_probes_in_flight %d\n"
		"# HELP pgtls_exporter_probes_max Probes allowed in flight at once (max-probes).\n"
		"# TYPE pgtls_exporter_probes_max gauge\n"
		"pgtls_exporter_probes_max %d\n"
		"# HELP pgtls_exporter_build_info The exporter's version.\n"
		"# TYPE pgtls_exporter_build_info gauge\n"
		"pgtls_exporter_build_info{version=\"%s\"} 1\n"
		"# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n"
		"# TYPE process_start_time_seconds gauge\n"
		"process_start_time_seconds %lld\n",
		(unsigned long long)atomic_load(&e->probes),
		(unsigned long long)atomic_load(&e->probe_failures), atomic_load(&e->inflight),
		e->allow.max_probes, PACKAGE_VERSION, (long long)e->started);
	if (fclose(out) != 0) {
		free(buf);
		return MHD_NO;
	}
	return reply(c, e, PATH_METRICS, MHD_HTTP_OK, buf, PROM_TYPE);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req)
{
	(void)version;
	(void)upload_data;
	struct exporter *e = cls;
	int path = !strcmp(url, "/probe") ? PATH_PROBE : !strcmp(url, "/metrics") ? PATH_METRICS :
										      PATH_OTHER;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply_text(c, e, path, MHD_HTTP_METHOD_NOT_ALLOWED,
				  xstrdup("only GET and HEAD"));
	if (*upload_data_size)
		return MHD_NO; /* a GET with a body */
	(void)req;
	if (path == PATH_PROBE)
		return serve_probe(c, e);
	if (path == PATH_METRICS)
		return serve_metrics(c, e);
	if (!strcmp(url, "/"))
		return reply(c, e, PATH_OTHER, MHD_HTTP_OK,
			     xstrdup("pgtls-inspect exporter\n"
				     "/probe?target=HOST:PORT[&sslmode=MODE][&sslrootcert=FILE]: one listed target's TLS metrics\n"
				     "/metrics: the exporter's own\n"),
			     "text/plain; charset=utf-8");
	return reply_text(c, e, PATH_OTHER, MHD_HTTP_NOT_FOUND,
			  xstrdup("not found: /probe or /metrics"));
}

/* [ADDR:]PORT or [V6]:PORT into sa; NULL: 127.0.0.1 and the default
 * port. -1 with *err. */
static int parse_listen(const char *s, struct sockaddr_storage *sa, bool *v6, char **err)
{
	char host[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
	const char *port = NULL;
	char defport[8];
	snprintf(defport, sizeof(defport), "%d", EXPORTER_DEFAULT_PORT);
	if (!s || !*s) {
		port = defport;
	} else if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host)) {
			*err = xasprintf("--exporter wants [ADDR:]PORT or [IPV6]:PORT, not \"%s\"", s);
			return -1;
		}
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		port = close + 2;
	} else if (strchr(s, ':')) {
		const char *colon = strrchr(s, ':');
		if ((size_t)(colon - s) >= sizeof(host) || strchr(s, ':') != colon) {
			*err = xasprintf("--exporter wants [ADDR:]PORT or [IPV6]:PORT, not \"%s\"", s);
			return -1;
		}
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	} else {
		port = s;
	}
	long p = number_in(port, 0, 65535);
	if (p < 0) {
		*err = xasprintf("--exporter: the port must be a number from 0 to 65535, not \"%s\"", port);
		return -1;
	}
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char ps[8];
	snprintf(ps, sizeof(ps), "%ld", p);
	if (getaddrinfo(host, ps, &hints, &res) != 0 || !res) {
		*err = xasprintf("--exporter: \"%s\" is not an IP address", host);
		return -1;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

int exporter_run(const struct exporter_opts *o)
{
	struct exporter *e = xcalloc(1, sizeof(*e));
	char *err = NULL;
	struct sockaddr_storage sa;
	bool v6 = false;
	if (!o->config)
		err = xstrdup("--exporter needs --exporter-config FILE listing the targets it may probe");
	else if (parse_listen(o->listen, &sa, &v6, &err) == 0)
		config_read(o->config, &e->allow, &err);
	if (err) {
		char *t = sanitize(err);
		fprintf(stderr, "pgtls-inspect: %s\n", t);
		free(t);
		free(err);
		free(e);
		return 2;
	}
	e->libpq_version = o->libpq_version;
	e->started = time(NULL);

	/* the signals that end the exporter are taken by sigwait below; the
	 * server's threads inherit the mask */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_POLL | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, e, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)(e->allow.max_probes * 4 + 16),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(e->allow.timeout + 10),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQUEST_MEMORY, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "pgtls-inspect: --exporter: cannot listen on %s (in use, or not an address of this host)\n",
			o->listen ? o->listen : "the default address");
		allow_free(&e->allow);
		free(e);
		return 2;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char addr[INET6_ADDRSTRLEN];
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, addr, sizeof(addr));
	printf("exporter listening on http://%s%s%s:%u/ (/probe?target=..., /metrics)\n",
	       v6 ? "[" : "", addr, v6 ? "]" : "", info ? (unsigned)info->port : 0);
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	allow_free(&e->allow);
	free(e);
	return 0;
}
