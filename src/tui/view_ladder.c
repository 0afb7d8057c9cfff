/* SPDX-License-Identifier: MIT */
/* view_ladder: the open host's negotiation as a ladder, one probe lane at
 * a time: the client (libpq) on the left, the server on the right, one row
 * a message (an arrow left to right for what was sent, right to left for
 * what came back, a dotted line between for a note), time going down with
 * the milliseconds in the left margin, the setup's events in every lane.
 * The selected event is the current step, highlighted; what follows the
 * lane's TLS handshake is marked encrypted (double rails, "TLS" at the
 * right); the selected mode's steps are marked as the timeline marks them
 * (tui_mode_marks). Under the ladder, a narration of the current step from
 * model/narrate. Labels come from engine/event_fields (server text there
 * is sanitized); this file decodes nothing. */
#include "config.h"
#include "tui/tui_int.h"
#include "engine/event_fields.h"
#include "model/narrate.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN 10 /* mark, milliseconds, blank */
#define RIGHT 6   /* after the server's rail: " TLS" */

static const unsigned lanes[] = { LANE_TLS, LANE_PLAIN, LANE_DIRECT };
static const char *const lane_names[] = { "TLS", "plaintext", "direct" };

static bool in_lane(const struct event *e, unsigned lane)
{
	unsigned l = tui_lane_of(e);
	return l == 0 || l == lane;
}

/* Whether a lane has a message of its own among the n shown. */
static bool lane_has(const struct event_log *log, int n, unsigned lane)
{
	for (int i = 0; i < n; i++)
		if (tui_lane_of(&log->ev[i]) == lane)
			return true;
	return false;
}

/* t: the next lane that has events, its first event selected. */
void ladder_next_lane(struct tui *t)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t), cur = 0;
	for (int k = 0; k < 3; k++)
		if (lanes[k] == t->lane)
			cur = k;
	for (int k = 1; k <= 3; k++) {
		unsigned l = lanes[(cur + k) % 3];
		if (!lane_has(log, n, l))
			continue;
		t->lane = l;
		for (int i = 0; i < n; i++)
			if (tui_lane_of(&log->ev[i]) == l) {
				t->sel = i;
				break;
			}
		t->ltop = 0;
		snprintf(t->status, sizeof(t->status), "ladder: the %s probe",
			 lane_names[(cur + k) % 3]);
		return;
	}
	snprintf(t->status, sizeof(t->status), "ladder: no other probe has events");
}

/* j/k in the ladder: the next (dir 1) or previous (-1) shown event of
 * the lane or the setup; false when there is none that way. */
bool ladder_move(struct tui *t, int dir)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t);
	for (int i = t->sel + dir; i >= 0 && i < n; i += dir)
		if (in_lane(&log->ev[i], t->lane ? t->lane : LANE_TLS)) {
			t->sel = i;
			return true;
		}
	return false;
}

/* Whether event i of its lane comes after the lane's handshake (the
 * HandshakeDone note itself included). */
static bool encrypted_at(const struct event_log *log, int i, unsigned lane)
{
	for (int k = 0; k <= i; k++)
		if (tui_lane_of(&log->ev[k]) == lane && !strcmp(log->ev[k].kind, "HandshakeDone"))
			return true;
	return false;
}

/* The rail glyph: single in clear text, double once encrypted. */
static const char *rail(const struct tui *t, bool enc)
{
	if (t->utf8)
		return enc ? "\u2551" : "\u2502";
	return enc ? "#" : "|";
}

/* One arrow (or note) of span columns: its label inside, its head at the
 * receiving end. */
static char *arrow(const struct tui *t, enum ev_dir d, const char *label, int span)
{
	struct strbuf sb = STRBUF_INIT;
	const char *dash = t->utf8 ? "\u2500" : "-";
	int lab = (int)strlen(label), room = span - 6;
	if (room < 0)
		room = 0;
	if (d == EV_NOTE) {
		sb_addf(&sb, "  %s %.*s", t->utf8 ? "\u00b7" : ".", span - 4, label);
		return sb_detach(&sb);
	}
	if (d == EV_RECV)
		sb_adds(&sb, t->utf8 ? "\u25c0" : "<");
	sb_adds(&sb, dash);
	sb_addf(&sb, " %.*s ", room, label);
	int used = (d == EV_RECV ? 4 : 3) + (lab < room ? lab : room);
	for (int i = used; i < span - 1; i++)
		sb_adds(&sb, dash);
	if (d == EV_SEND)
		sb_adds(&sb, t->utf8 ? "\u25b6" : ">");
	else
		sb_adds(&sb, dash);
	return sb_detach(&sb);
}

/* Row y: event i of the log. */
static void draw_row(struct tui *t, int y, int x, int w, int i, char mark, bool enc)
{
	const struct event *e = &tui_ins(t)->log.ev[i];
	int cx = x + MARGIN, sx = x + w - RIGHT, span = sx - cx - 1;
	char ms[32];
	snprintf(ms, sizeof(ms), "%c%7.1f ", mark, e->t_ms);
	attr_t hl = i == t->sel ? A_REVERSE : A_NORMAL;
	attr_t ma = mark == 'x' ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL;
	tui_put(y, x, MARGIN, ms, ma | (i == t->sel ? A_BOLD : A_NORMAL));
	attr_t ra = enc ? tui_outcome_attr(t, OUTCOME_ENCRYPTED) : A_DIM;
	tui_put(y, cx, 1, rail(t, enc), ra);
	tui_put(y, sx, 1, rail(t, enc), ra);
	if (enc)
		tui_put(y, sx + 2, RIGHT - 2, "TLS", ra);
	char *label = event_label(e);
	char *line = arrow(t, e->dir, label, span);
	if (i == t->sel)
		tui_fill(y, cx + 1, span, hl);
	tui_put(y, cx + 1, span, line, hl | ma | (e->dir == EV_NOTE ? A_DIM : A_NORMAL));
	free(line);
	free(label);
}

/* The narration of the selected event, under the ladder. */
static void draw_narration(struct tui *t, int y, int x, int rows, int w, unsigned lane)
{
	const struct event_log *log = &tui_ins(t)->log;
	if (t->sel < 0 || t->sel >= (int)tui_shown(t))
		return;
	const struct event *e = &log->ev[t->sel];
	struct narrate_facts f = { e->kind, e->dir, tui_lane_of(e), 0,
				   encrypted_at(log, t->sel, lane) };
	if (!strcmp(e->kind, "SSLResponse") && e->rawlen >= 1)
		f.reply = e->raw[0];
	const char *say = narrate(&f);
	char *text = say ? xasprintf("> %s", say) : xasprintf("> %s: %s", e->kind, e->summary);
	tui_wrap(y, x, w, rows, text, A_BOLD);
	free(text);
}

/* The lanes, the one shown in brackets, those without events left out. */
static void draw_title(struct tui *t, int y, int x, int w, int n)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, " Ladder:");
	for (int k = 0; k < 3; k++)
		if (lanes[k] == t->lane || lane_has(&tui_ins(t)->log, n, lanes[k]))
			sb_addf(&sb, lanes[k] == t->lane ? " [%s]" : " %s", lane_names[k]);
	sb_adds(&sb, "   t lane  L timeline");
	tui_put(y, x, w, sb_str(&sb), A_BOLD);
	sb_free(&sb);
}

void view_ladder(struct tui *t, int y0, int x, int h, int w)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t);
	if (!t->lane)
		t->lane = LANE_TLS;
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->sel < 0)
		t->sel = 0;
	/* the ladder follows the current step into its lane */
	if (n && tui_lane_of(&log->ev[t->sel]))
		t->lane = tui_lane_of(&log->ev[t->sel]);
	int say_rows = h >= 12 ? 2 : 1, rows = h - 3 - say_rows;
	draw_title(t, y0, x, w, n);
	tui_put(y0 + 1, x, w, "      ms", A_DIM);
	tui_put(y0 + 1, x + MARGIN, w - MARGIN, "client (libpq)", A_BOLD);
	tui_put(y0 + 1, x + w - RIGHT - 6, 6, "server", A_BOLD);
	if (!n) {
		tui_put(y0 + 2, x + MARGIN, w - MARGIN,
			t->running ? "waiting for the first event..." : "no events", A_NORMAL);
		return;
	}
	/* the selected mode's marks (view_timeline.c), the timeline's own */
	unsigned char *marks = xmalloc((size_t)n + 1);
	tui_mode_marks(t, t->mode, marks, n);
	/* the lane's events (and the setup's), the current step on screen */
	int *idx = xcalloc((size_t)n, sizeof(int)), count = 0, at = 0;
	for (int i = 0; i < n; i++)
		if (in_lane(&log->ev[i], t->lane)) {
			if (i <= t->sel)
				at = count;
			idx[count++] = i;
		}
	if (at < t->ltop)
		t->ltop = at;
	if (at >= t->ltop + rows)
		t->ltop = at - rows + 1;
	if (t->ltop > count - rows)
		t->ltop = count - rows > 0 ? count - rows : 0;
	int y = y0 + 2;
	for (int r = 0; r < rows && t->ltop + r < count; r++) {
		int i = idx[t->ltop + r];
		const struct event *e = &log->ev[i];
		draw_row(t, y++, x, w, i, tui_mark_char(marks[i]),
			 tui_lane_of(e) && encrypted_at(log, i, t->lane));
	}
	if (t->ltop + rows < count)
		tui_put(y0 + 2 + rows, x + MARGIN, w - MARGIN, "  ... more below", A_DIM);
	free(idx);
	free(marks);
	draw_narration(t, y0 + h - say_rows, x, say_rows, w, t->lane);
}
