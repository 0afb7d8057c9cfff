/* SPDX-License-Identifier: MIT */
/* marks: the events a mode's path reaches, and where it fails. */
#include "config.h"
#include "model/marks.h"
#include <string.h>

unsigned event_lane(const struct event *e)
{
	if (!strcmp(e->probe, "tls"))
		return LANE_TLS;
	if (!strcmp(e->probe, "plain"))
		return LANE_PLAIN;
	if (!strcmp(e->probe, "direct"))
		return LANE_DIRECT;
	return 0;
}

/* The event of lane l where libpq, taking the path of v, stops: the
 * certificate when OpenSSL refuses the chain, the end of the handshake when
 * the host name does not match (libpq's own messages say which), else the
 * lane's last event that is not its Close. -1 when the lane has no event. */
static int failing_event(const struct event_log *log, const struct verdict *v, unsigned l,
			 int n)
{
	const char *want = NULL;
	if (v->error && strstr(v->error, "certificate verify failed"))
		want = "Certificate";
	else if (v->error && strstr(v->error, "does not match host name"))
		want = "HandshakeDone";
	int last = -1, found = -1;
	for (int i = 0; i < n; i++) {
		const struct event *e = &log->ev[i];
		if (event_lane(e) != l)
			continue;
		if (want && found < 0 && !strcmp(e->kind, want))
			found = i;
		if (strcmp(e->kind, "Close"))
			last = i;
	}
	return found >= 0 ? found : last;
}

/* The lane libpq ends on: where it fails, or the one it connects over. */
static unsigned final_lane(const struct verdict *v)
{
	if (v->outcome == OUTCOME_FAILS)
		return v->fail_lane > 0 ? (unsigned)v->fail_lane : 0;
	if (v->outcome == OUTCOME_PLAINTEXT)
		return LANE_PLAIN;
	if (v->outcome == OUTCOME_ENCRYPTED)
		return (v->lanes & LANE_TLS) ? LANE_TLS : LANE_DIRECT;
	return 0;
}

int mode_marks(const struct event_log *log, int n, const struct verdict *v,
	       unsigned char *marks)
{
	memset(marks, MARK_NONE, (size_t)n);
	unsigned last = final_lane(v);
	/* each lane of the path up to where libpq stops on it: a lane it
	 * leaves for another (prefer's fallback) failed there too */
	int stop[8];
	for (unsigned l = 1, k = 0; k < 3; l <<= 1, k++)
		stop[l] = (v->lanes & l) && (l != last || v->outcome == OUTCOME_FAILS) ?
				  failing_event(log, v, l, n) :
				  n;
	int fail_at = v->outcome == OUTCOME_FAILS && last ? stop[last] : -1;
	for (int i = 0; i < n; i++) {
		unsigned l = event_lane(&log->ev[i]);
		if (!(v->lanes & l) || i > stop[l])
			continue;
		marks[i] = i == fail_at ? MARK_FAILS : MARK_REACHED;
	}
	return fail_at;
}
