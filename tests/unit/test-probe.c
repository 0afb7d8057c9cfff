/* SPDX-License-Identifier: MIT */
/* test-probe: the steppable probe engine driven by a test's own loop, as
 * the interface and the fleet drive it: against a listener on 127.0.0.1
 * that accepts and never answers, a run waits only on its descriptors and
 * its deadline, times out by itself, stands still while held, stops at
 * once when cancelled, and two runs in one loop keep their facts apart. */
#include "config.h"
#include "engine/conninfo.h"
#include "engine/inspection.h"
#include "engine/probe.h"
#include "util/xalloc.h"
#include "check.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A listener the kernel completes connections for (the backlog) and that
 * never reads or answers: the SSLRequest waits for its reply forever. */
static int silent_listener(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("test-probe: listen");
		exit(99);
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void target(struct inspection *ins, const char *host, int port)
{
	struct conninfo ci;
	char *err = NULL;
	char *t = xasprintf("host=%s port=%d user=u dbname=d", host, port);
	inspection_init(ins);
	conninfo_init(&ci);
	CHECK_INT(conninfo_parse_target(&ci, t, &err), 0);
	CHECK_INT(conninfo_resolve(&ci, &ins->target, &err), 0);
	conninfo_free(&ci);
	free(err);
	free(t);
}

static struct probe_run *start(struct inspection *ins, int timeout_ms)
{
	struct probe_opts po = { .timeout_ms = timeout_ms, .tls = true, .plaintext = true };
	struct probe_run *r = NULL;
	char *err = NULL;
	CHECK_INT(probe_start(ins, &po, &r, &err), 0);
	CHECK(r != NULL);
	free(err);
	return r;
}

/* One pass of a caller's loop over several runs. */
static void loop_once(struct probe_run **runs, int n)
{
	struct pollfd pfd[8 * PROBE_MAX_FDS];
	int first[9], k = 0, wait = -1;
	for (int i = 0; i < n; i++) {
		int ms;
		first[i] = k;
		if (probe_done(runs[i]))
			continue;
		k += probe_wait_set(runs[i], pfd + k, PROBE_MAX_FDS, &ms);
		if (ms >= 0 && (wait < 0 || ms < wait))
			wait = ms;
	}
	first[n] = k;
	poll(pfd, (nfds_t)k, wait);
	for (int i = 0; i < n; i++)
		if (!probe_done(runs[i]))
			probe_step(runs[i], pfd + first[i], first[i + 1] - first[i]);
}

static size_t count_kind(const struct inspection *ins, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < ins->log.n; i++)
		n += !strcmp(ins->log.ev[i].kind, kind);
	return n;
}

/* A run on its own times out by its deadline, waiting only in poll(). */
static void times_out(void)
{
	int port, lfd = silent_listener(&port);
	struct inspection ins;
	target(&ins, "127.0.0.1", port);
	struct probe_run *r = start(&ins, 300);
	struct pollfd pfd[PROBE_MAX_FDS];
	int ms, n = probe_wait_set(r, pfd, PROBE_MAX_FDS, &ms);
	CHECK(n >= 1 && n <= PROBE_MAX_FDS);
	CHECK(ms > 0 && ms <= 301);
	double t0 = now_ms();
	int passes = 0;
	while (!probe_done(r) && passes++ < 10000)
		loop_once(&r, 1);
	double took = now_ms() - t0;
	CHECK(probe_done(r));
	CHECK(took >= 250 && took < 3000);
	CHECK(passes < 100); /* poll waited; no busy loop */
	probe_finish(r);
	CHECK_INT(ins.server.sslrequest_reply, REPLY_TIMEOUT);
	CHECK_INT(ins.reachable, 1);
	CHECK_INT(count_kind(&ins, "Timeout"), 2);
	inspection_free(&ins);
	close(lfd);
}

/* Held, a run is not stepped and its clock stands still: 400 ms held
 * against a 300 ms deadline leaves it running, and no event's time counts
 * the hold. */
static void hold_stops_the_clock(void)
{
	int port, lfd = silent_listener(&port);
	struct inspection ins;
	target(&ins, "127.0.0.1", port);
	struct probe_run *r = start(&ins, 300);
	while (count_kind(&ins, "SSLRequest") == 0 && !probe_done(r))
		loop_once(&r, 1);
	probe_hold(r, true);
	struct pollfd pfd[PROBE_MAX_FDS];
	int ms;
	CHECK_INT(probe_wait_set(r, pfd, PROBE_MAX_FDS, &ms), 0);
	CHECK_INT(ms, -1);
	usleep(400000);
	probe_step(r, pfd, 0);
	CHECK(!probe_done(r));
	probe_hold(r, false);
	probe_step(r, pfd, 0);
	CHECK(!probe_done(r));
	while (!probe_done(r))
		loop_once(&r, 1);
	probe_finish(r);
	double last = ins.log.ev[ins.log.n - 1].t_ms;
	CHECK(last >= 290 && last < 390);
	inspection_free(&ins);
	close(lfd);
}

/* Cancelled, every live probe ends at once with a "Stopped" event. */
static void cancel_is_immediate(void)
{
	int port, lfd = silent_listener(&port);
	struct inspection ins;
	target(&ins, "127.0.0.1", port);
	struct probe_run *r = start(&ins, 3600 * 1000);
	while (count_kind(&ins, "SSLRequest") == 0)
		loop_once(&r, 1);
	double t0 = now_ms();
	probe_cancel(r);
	CHECK(probe_done(r));
	CHECK(now_ms() - t0 < 100);
	probe_finish(r);
	CHECK_INT(count_kind(&ins, "Stopped"), 2);
	CHECK_INT(count_kind(&ins, "Timeout"), 0);
	inspection_free(&ins);
	close(lfd);
}

/* A name goes through the asynchronous lookup; two runs in one loop, one
 * to a silent server and one to a closed port, keep their facts apart. */
static void two_runs_one_loop(void)
{
	int port, lfd = silent_listener(&port);
	int dead, dfd = silent_listener(&dead);
	close(dfd); /* nothing listens there now */
	struct inspection a, b;
	target(&a, "localhost", port);
	target(&b, "127.0.0.1", dead);
	struct probe_run *runs[2] = { start(&a, 500), start(&b, 500) };
	while (!probe_done(runs[0]) || !probe_done(runs[1]))
		loop_once(runs, 2);
	probe_finish(runs[0]);
	probe_finish(runs[1]);
	CHECK_INT(count_kind(&a, "Resolved"), 1);
	CHECK_INT(a.server.sslrequest_reply, REPLY_TIMEOUT);
	CHECK_INT(b.reachable, 0);
	CHECK_INT(b.server.sslrequest_reply, REPLY_NONE);
	CHECK_STR(b.server.tls_connect.error, "Connection refused");
	CHECK_INT(count_kind(&b, "SSLRequest"), 0);
	inspection_free(&a);
	inspection_free(&b);
	close(lfd);
}

int main(void)
{
	times_out();
	hold_stops_the_clock();
	cancel_is_immediate();
	two_runs_one_loop();
	return check_status("test-probe");
}
