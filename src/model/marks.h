/* SPDX-License-Identifier: MIT */
/* marks: where a mode's path runs in the event log. Each event belongs to
 * a probe lane (LANE_TLS, LANE_PLAIN, LANE_DIRECT, 0 for the setup); a
 * verdict's path uses some lanes (verdict.lanes) and ends on one, where it
 * connects or fails. The marks say which events libpq, taking the path,
 * reaches and at which one it stops failing: the interface's timeline and
 * ladder and the SVG ladder draw the same marks. Pure: no I/O. */
#ifndef PGI_MARKS_H
#define PGI_MARKS_H
#include "engine/event.h"
#include "model/sslmode.h"

/* The lane of an event (its probe): LANE_*, 0 for the setup's. */
unsigned event_lane(const struct event *e);

enum { MARK_NONE, MARK_REACHED, MARK_FAILS };

/* For the first n events of log and the verdict v (whose path ended at
 * this log's host): marks[i] MARK_REACHED for an event v's libpq reaches,
 * MARK_FAILS for the one where it fails. Returns the failing event, or
 * -1 when v does not fail in these events. */
int mode_marks(const struct event_log *log, int n, const struct verdict *v,
	       unsigned char *marks);

#endif
