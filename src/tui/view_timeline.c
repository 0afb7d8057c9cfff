/* SPDX-License-Identifier: MIT */
/* view_timeline: the left pane, one row an event of the open host (the
 * selected mode's lanes marked when its path ended at that host, the event
 * where it fails crossed), and the detail pane
 * beside it: the selected event, the lines engine/event_fields decoded from
 * its bytes, and the bytes. It keeps the selection within the events
 * shown and on screen; it decodes nothing itself. */
#include "config.h"
#include "tui/tui_int.h"
#include "engine/event_fields.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include <stdio.h>

/* Keep the selection within the events shown, and on screen. */
static void follow_selection(struct tui *t, int n, int h)
{
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->sel < 0)
		t->sel = 0;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
}

/* The selected mode's verdict when its path ended at the open host (else
 * NULL), and in *fail_at the event among the n shown where it fails: the
 * last of the lane where it fails (-1 none). */
const struct verdict *tui_mode_marks(const struct tui *t, int n, int *fail_at)
{
	const struct event_log *log = &tui_ins(t)->log;
	const struct verdict *v = t->have_modes && t->s->modes[t->mode].host == tui_host(t) ?
					  &t->s->modes[t->mode] : NULL;
	*fail_at = -1;
	if (v && v->outcome == OUTCOME_FAILS && v->fail_lane > 0)
		for (int i = 0; i < n; i++)
			if (tui_lane_of(&log->ev[i]) == (unsigned)v->fail_lane)
				*fail_at = i;
	return v;
}

/* Event i's mark: 'x' where the mode fails, '*' on its path, else ' '. */
char tui_mode_mark(const struct verdict *v, const struct event *e, int i, int fail_at)
{
	if (!v || !(v->lanes & tui_lane_of(e)))
		return ' ';
	return i == fail_at ? 'x' : '*';
}

void view_timeline(struct tui *t, int y0, int h, int w)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t), fail_at;
	/* the selected mode's marks, on the host where its path ended */
	const struct verdict *v = tui_mode_marks(t, n, &fail_at);
	follow_selection(t, n, h);
	tui_put(y0, 0, w, t->running ? " Timeline (live)" : " Timeline", A_BOLD);
	for (int r = 0; r < h - 1 && t->top + r < n; r++) {
		const struct event *e = &log->ev[t->top + r];
		int i = t->top + r;
		char mark = tui_mode_mark(v, e, i, fail_at);
		char line[256];
		snprintf(line, sizeof(line), "%c%7.1f %-6s %s %s", mark, e->t_ms, e->probe,
			 tui_arrow(t, e->dir), e->kind);
		attr_t a = i == t->sel ? A_REVERSE : A_NORMAL;
		if (i == t->sel)
			tui_fill(y0 + 1 + r, 0, w, a);
		if (mark == 'x')
			a |= tui_outcome_attr(t, OUTCOME_FAILS);
		tui_put(y0 + 1 + r, 0, w, line, a);
	}
}

/* The decoded lines of e from row y: the message's own lines always, its
 * fields while a row of bytes still fits below them. Returns the next row. */
static int draw_fields(const struct event *e, int y, int x, int w, int end)
{
	char **lines;
	int head = event_fields(e, &lines);
	for (int i = 0; lines[i] && (i < head || y < end - 2); i++)
		tui_put(y++, x, w, lines[i], A_NORMAL);
	strlist_free(lines);
	return y;
}

/* The bytes of e, 16 a row when the pane is wide enough (else 8); the last
 * row that fits says how many more there are. */
static void draw_hex(const struct event *e, int y, int x, int w, int end)
{
	int per = w >= 78 ? 16 : 8;
	for (size_t off = 0; off < e->rawlen && y < end; off += (size_t)per) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%04zx ", off);
		for (int i = 0; i < per; i++) {
			if (off + (size_t)i < e->rawlen)
				sb_addf(&sb, "%02x ", e->raw[off + (size_t)i]);
			else
				sb_adds(&sb, "   ");
		}
		sb_addc(&sb, ' ');
		for (int i = 0; i < per && off + (size_t)i < e->rawlen; i++) {
			uint8_t c = e->raw[off + (size_t)i];
			sb_addc(&sb, c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		if (y == end - 1 && off + (size_t)per < e->rawlen) {
			sb_reset(&sb);
			sb_addf(&sb, "... %zu more bytes", e->rawlen - off);
		}
		tui_put(y++, x + 1, w - 1, sb_str(&sb), A_NORMAL);
		sb_free(&sb);
	}
}

/* The selected event: what it is, its summary, its fields, then its bytes. */
void view_detail(struct tui *t, int y0, int x, int h, int w)
{
	const struct event_log *log = &tui_ins(t)->log;
	int y = y0, end = y0 + h;
	if (tui_shown(t) == 0) {
		tui_put(y, x, w, t->running ? " waiting for the first event..." : " no events",
			A_NORMAL);
		return;
	}
	const struct event *e = &log->ev[t->sel];
	char buf[512];
	snprintf(buf, sizeof(buf), " %s %s (%s, %.3f ms)", e->kind,
		 e->dir == EV_SEND ? "sent" : e->dir == EV_RECV ? "received" : "", e->probe, e->t_ms);
	tui_put(y++, x, w, buf, A_BOLD);
	y += tui_wrap(y, x + 1, w - 1, 3, e->summary, A_NORMAL);
	y = draw_fields(e, y, x + 1, w - 1, end);
	if (!e->raw || y >= end - 1)
		return;
	draw_hex(e, y + 1, x, w, end);
}
