/* SPDX-License-Identifier: MIT */
/* probe: the probes of one inspection, run side by side in one poll() loop
 * with every wait bounded: the TLS probe (SSLRequest, reply, handshake,
 * StartupMessage over TLS) and the plaintext probe (StartupMessage in
 * clear). Failures of the inspected server are recorded as events and facts;
 * only the tool's own failures return an error. No curses, no printing. */
#ifndef PGI_PROBE_H
#define PGI_PROBE_H
#include "engine/inspection.h"
#include <poll.h>

struct probe_opts {
	int timeout_ms;   /* for everything, each probe; > 0 */
	bool tls;         /* run the TLS probe */
	bool plaintext;   /* run the plaintext probe */
	bool direct;      /* run the direct-TLS probe (sslnegotiation=direct) */
	/* --login: answer the server's request for a password as libpq
	 * would, on a connection libpq would send it on: PROBE_LOGIN_OFF (no
	 * password ever goes out), PROBE_LOGIN_ON (a cleartext password only
	 * over TLS), PROBE_LOGIN_ANY (cleartext in the clear too) */
	int login;
	const char *password;        /* borrowed for the run; NULL: none */
	const char *channel_binding; /* disable | prefer | require; NULL prefer */
	int libpq_version;           /* whose rules the login follows */
};
enum { PROBE_LOGIN_OFF, PROBE_LOGIN_ON, PROBE_LOGIN_ANY };

/* One run of the probes of an inspection, driven by the caller's loop:
 *
 *	probe_start(ins, &opts, &run, &err);
 *	while (!probe_done(run)) {
 *		n = probe_wait_set(run, pfd, PROBE_MAX_FDS, &ms);
 *		poll(pfd, n, ms);              (with the caller's own fds too)
 *		probe_step(run, pfd, n);
 *	}
 *	probe_finish(run);
 *
 * Nothing here blocks: name resolution runs asynchronously (getaddrinfo_a)
 * and every wait is the caller's poll(). Events are appended to ins->log as
 * they happen, so a live sink shows them between steps. A run shares no
 * state with any other run: many may go on at once, in one loop or in
 * several threads. */
struct probe_run;
#define PROBE_MAX_FDS 3

/* Start the probes for ins->target. Failures of the server (even a name
 * that does not resolve) are facts; -1 with *err only when there is no
 * host to connect to. */
int probe_start(struct inspection *ins, const struct probe_opts *opts,
		struct probe_run **out, char **err);
/* The descriptors to wait for (at most PROBE_MAX_FDS, events set, revents
 * cleared) and, in *timeout_ms, how long the caller may wait before
 * stepping again (>= 0; -1 while held: no deadline runs). */
int probe_wait_set(const struct probe_run *r, struct pollfd *pfd, int max,
		   int *timeout_ms);
/* Advance after a wait: pfd and n as probe_wait_set filled them and poll()
 * answered (n may be 0 after a timeout). Deadlines are checked here. */
void probe_step(struct probe_run *r, const struct pollfd *pfd, int n);
bool probe_done(const struct probe_run *r);
/* Step mode: a held run is not stepped and its clock stands still, so the
 * time held counts neither in the events' times nor against the deadline. */
void probe_hold(struct probe_run *r, bool held);
/* The user stopped the run: each live probe ends with a "Stopped" event. */
void probe_cancel(struct probe_run *r);
/* The trust facts (chain and name against what libpq would load) for a
 * run that is done, then the run is freed. Safe on a cancelled run. */
void probe_finish(struct probe_run *r);

/* A what-if on captured facts: change one option that needs no new
 * connection (host, sslmode, sslrootcert, sslcert, sslkey, sslcrl,
 * sslcrldir) and redo the trust facts it affects (the chain against
 * another root file or other CRLs, the name against another host, other
 * client files) offline. false when keyword needs a new connection. */
bool probe_what_if(struct inspection *ins, const char *keyword, const char *value);

/* Judge the captured chain again at time at (--at, "set at"), against the
 * same root file and CRLs: no new connection. */
void probe_rejudge_at(struct inspection *ins, time_t at);

#endif
