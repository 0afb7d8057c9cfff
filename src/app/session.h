/* SPDX-License-Identifier: MIT */
/* session: one target and everything drawn from it: the inspection (live
 * or replayed), the what-ifs applied on top, the verdicts and the diagnosis.
 * It is the only way a front end (main, the fleet, the interface) inspects,
 * re-inspects, cancels and re-judges; nothing else calls the probe engine.
 * A session never blocks: the caller's loop waits on session_wait_set and
 * calls session_step (session_inspect is that loop, for callers with
 * nothing else to watch). Sessions share no state: many may run at once. */
#ifndef PGI_SESSION_H
#define PGI_SESSION_H
#include <poll.h>
#include <stdbool.h>
#include "engine/inspection.h"
#include "engine/probe.h"
#include "model/diagnosis.h"
#include "model/sslmode.h"
#include "output/report.h"

/* The hosts of a list probed side by side (libpq has no limit; a walk
 * that reaches a host past these is unknown). */
#define SESSION_MAX_HOSTS 8
#define SESSION_MAX_FDS (PROBE_MAX_FDS * SESSION_MAX_HOSTS)

struct session {
	struct inspection ins;
	struct verdict modes[SSLMODE_COUNT];
	struct diagnosis dg;
	bool judged;       /* modes and dg hold the verdicts of ins */
	int libpq_version; /* whose behaviour the verdicts predict */
	bool libpq_given;  /* asked for, so a replayed log's does not count */
	bool replayed;     /* the facts came from a saved log */
	/* how the target is built again for a new connection: the text
	 * given and the keywords set on top of it, in order */
	char *target_text; /* NULL: libpq's defaults alone */
	char **keywords, **values;
	int nsets;
	char **warnings;   /* what resolving the target warned of */
	int nwarnings;
	char *scenario, *teaches; /* the demo scenario, carried over re-runs */
	struct probe_run *run; /* the probes in flight, or NULL */
	/* --login: PROBE_LOGIN_OFF, _ON or _ANY, and the password libpq
	 * would have for the target (read with the target only when login
	 * is on; wiped when the target changes and at the end) */
	int login;
	char *password;
	char *extra_passwords[SESSION_MAX_HOSTS - 1]; /* each further host's */
	/* a host list: ins is the first host; each further host slot of the
	 * list (up to SESSION_MAX_HOSTS) has an inspection and probes of its
	 * own, run beside the first */
	struct inspection *extra;
	struct probe_run **extra_runs;
	const struct inspection *extra_ptrs[SESSION_MAX_HOSTS - 1];
	int nextra;
	int nlisted; /* the hosts in the list (1 for one host) */
	/* each further host's own diagnosis (session_host_diagnosis), drawn
	 * when first asked for and dropped with the verdicts */
	struct diagnosis host_dg[SESSION_MAX_HOSTS - 1];
	unsigned host_dg_drawn; /* bit i-1: host_dg[i-1] holds host i's */
};

/* Host i of the list (0: s->ins), i < 1 + s->nextra. */
const struct inspection *session_host(const struct session *s, int i);
/* Host i's probes are still running. */
bool session_host_running(const struct session *s, int i);
/* The diagnosis for host i once judged (NULL before): host 0's is s->dg
 * (its facts, the list's verdicts); another host's is drawn from its own
 * facts and the verdicts it would get were it listed alone. */
const struct diagnosis *session_host_diagnosis(struct session *s, int i);

/* libpq_version 0: the newest, or the one a replayed log recorded. */
void session_init(struct session *s, int libpq_version);
void session_free(struct session *s);

/* --login: answer the server's password requests from now on (a
 * PROBE_LOGIN_* value); takes effect with the next target set. */
void session_set_login(struct session *s, int login);

/* Parse TARGET (NULL: libpq's defaults) with the keywords on top, as libpq
 * would (PG* environment and defaults included). On success the session's
 * target is replaced (a running probe is cancelled, the old facts dropped);
 * on -1 *err says why and the session is unchanged. */
int session_set_target(struct session *s, const char *target,
		       const char *const *keywords, const char *const *values,
		       int n, char **err);
/* Replay: the facts of a saved log, judged for the recorded libpq unless
 * the session was given one. -1 with *err. */
int session_load(struct session *s, const char *path, char **err);
/* The demo scenario the target serves (kept through re-runs). */
void session_set_scenario(struct session *s, const char *name,
			  const char *teaches);

/* Inspect the target afresh: any running probe is cancelled first. -1 with
 * *err when there is nothing to connect to (a replayed log). */
int session_start(struct session *s, char **err);
bool session_running(const struct session *s);
int session_wait_set(const struct session *s, struct pollfd *pfd, int max,
		     int *timeout_ms);
/* After a wait; when the probes end, the session judges the facts. */
void session_step(struct session *s, const struct pollfd *pfd, int n);
void session_hold(struct session *s, bool held);
/* Stop the probes now and judge what they saw. */
void session_cancel(struct session *s);
/* Start and run to the end in a loop of its own. */
int session_inspect(struct session *s, char **err);

/* The verdicts and the diagnosis, drawn again from the facts. */
void session_judge(struct session *s);
/* set KEY VALUE. What the captured facts can answer (host, sslmode,
 * sslrootcert, sslcert, sslkey; libpq-version) is re-judged at once and
 * SESSION_SET_JUDGED returned, as is "at" (now, or a UTC time: the chain
 * judged again at that time); another libpq keyword rebuilds the target
 * and starts a new inspection (SESSION_SET_STARTED), as does "login" (on,
 * off or any: --login). -1 with *err for a bad key or value, or a
 * replayed log that cannot reconnect. */
enum session_set { SESSION_SET_JUDGED, SESSION_SET_STARTED };
int session_set(struct session *s, const char *key, const char *value,
		char **err);

/* What the sinks render (verdicts included once judged). */
struct report session_report(const struct session *s);
/* Write the text report ("report"), the JSON ("json"), the event log
 * ("events", the same JSON), the ladder as SVG ("svg", scale 1), the
 * page ("html") or the capture of the bytes on the wire ("pcap",
 * output/report_pcap.c) to path. -1 with *err. */
int session_save(const struct session *s, const char *kind, const char *path,
		 char **err);

#endif
