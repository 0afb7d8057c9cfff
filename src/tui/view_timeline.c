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
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keep the selection within the events shown, and on screen (h rows of
 * events). */
static void follow_selection(struct tui *t, int n, int h)
{
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->sel < 0)
		t->sel = 0;
	if (h < 1)
		h = 1;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	if (t->top > n - h)
		t->top = n - h > 0 ? n - h : 0;
}

int tui_mode_marks(const struct tui *t, int mode, unsigned char *marks, int n)
{
	memset(marks, MARK_NONE, (size_t)n);
	/* the marks belong to the host where the mode's path ended */
	if (!t->have_modes || t->s->modes[mode].host != tui_host(t))
		return -1;
	return mode_marks(&tui_ins(t)->log, n, &t->s->modes[mode], marks);
}

char tui_mark_char(unsigned char m)
{
	return m == MARK_FAILS ? 'x' : m == MARK_REACHED ? '*' : ' ';
}

int tui_meaningful_event(const struct tui *t, int mode)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t);
	if (n <= 0)
		return 0;
	unsigned char *marks = xmalloc((size_t)n);
	int at = tui_mode_marks(t, mode, marks, n);
	for (int i = 0; at < 0 && i < n; i++)
		if (marks[i] && log->ev[i].raw)
			at = i;
	for (int i = 0; at < 0 && i < n; i++)
		if (log->ev[i].raw)
			at = i;
	free(marks);
	return at >= 0 ? at : 0;
}

static bool event_matches(const struct event *e, const char *text)
{
	return tui_match(e->kind, text) || tui_match(e->summary, text) ||
	       tui_match(e->probe, text);
}

int tui_timeline_find(const struct tui *t, const char *text, int dir)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t);
	for (int i = t->sel + dir; i >= 0 && i < n; i += dir)
		if (event_matches(&log->ev[i], text))
			return i;
	return -1;
}

/* The timeline: a title row, then an event a row; the time is left out
 * when the pane is narrow, so the kind of every message fits. */
void view_timeline(struct tui *t, int y0, int h, int w)
{
	const struct event_log *log = &tui_ins(t)->log;
	int n = (int)tui_shown(t);
	follow_selection(t, n, h - 1);
	unsigned char *marks = xmalloc((size_t)n + 1);
	tui_mode_marks(t, t->mode, marks, n);
	bool focus = t->focus == PANE_TIMELINE;
	char title[64];
	snprintf(title, sizeof(title), "%s Timeline%s", focus ? ">" : " ",
		 t->running ? " (live)" : "");
	tui_put(y0, 0, w, title, A_BOLD | (focus ? A_UNDERLINE : A_NORMAL));
	for (int r = 0; r < h - 1 && t->top + r < n; r++) {
		int i = t->top + r;
		const struct event *e = &log->ev[i];
		char mark = tui_mark_char(marks[i]);
		char line[256];
		if (w >= 40)
			snprintf(line, sizeof(line), "%c%7.1f %-6s %s %s", mark, e->t_ms, e->probe,
				 tui_arrow(t, e->dir), e->kind);
		else
			snprintf(line, sizeof(line), "%c %-6s %s %s", mark, e->probe,
				 tui_arrow(t, e->dir), e->kind);
		attr_t a = i == t->sel ? A_REVERSE : A_NORMAL;
		if (i == t->sel)
			tui_fill(y0 + 1 + r, 0, w, a);
		if (mark == 'x')
			a |= tui_outcome_attr(t, OUTCOME_FAILS);
		if (focus && t->search[0] && event_matches(e, t->search))
			a |= A_UNDERLINE;
		tui_put(y0 + 1 + r, 0, w, line, a);
	}
	if (t->top > 0)
		tui_put(y0 + 1, w - 1, 1, t->utf8 ? "\u25b2" : "^", A_BOLD);
	if (t->top + h - 1 < n)
		tui_put(y0 + h - 1, w - 1, 1, t->utf8 ? "\u25bc" : "v", A_BOLD);
	free(marks);
}

/* The bytes of e, 16 a row when the pane is wide enough (else 8), every
 * row: the pane scrolls. */
static void hex_rows(const struct event *e, struct tui_rows *r, int w)
{
	int per = w >= 78 ? 16 : 8;
	for (size_t off = 0; off < e->rawlen; off += (size_t)per) {
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
		/* a hex row is cut, never wrapped: its columns must line up */
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 32;
			r->v = xrealloc(r->v, (size_t)r->cap * sizeof(*r->v));
		}
		r->v[r->n++] = (struct tui_row){ sb_detach(&sb), A_NORMAL, 1 };
	}
}

/* The selected event: what it is, its summary, its fields, then its bytes. */
void view_detail_rows(struct tui *t, struct tui_rows *r, int w)
{
	const struct event_log *log = &tui_ins(t)->log;
	if (tui_shown(t) == 0) {
		rows_add(r, w, 0, A_NORMAL,
			 t->running ? " waiting for the first event..." : " no events");
		return;
	}
	const struct event *e = &log->ev[t->sel];
	char buf[512];
	snprintf(buf, sizeof(buf), " %s %s (%s, %.3f ms)", e->kind,
		 e->dir == EV_SEND ? "sent" : e->dir == EV_RECV ? "received" : "", e->probe, e->t_ms);
	rows_add(r, w, 0, A_BOLD, buf);
	rows_add(r, w, 1, A_NORMAL, e->summary);
	/* an event's fields are decoded once (a Certificate message of 50
	 * certificates took 14 ms a redraw): kept until another is shown */
	if (t->fields_ev != e || t->fields_raw != e->raw || t->fields_len != e->rawlen ||
	    t->fields_t != e->t_ms) {
		strlist_free(t->fields);
		event_fields(e, &t->fields);
		t->fields_ev = e;
		t->fields_raw = e->raw;
		t->fields_len = e->rawlen;
		t->fields_t = e->t_ms;
	}
	for (int i = 0; t->fields[i]; i++)
		rows_add(r, w, 1, A_NORMAL, t->fields[i]);
	if (!e->raw)
		return;
	snprintf(buf, sizeof(buf), " %zu bytes:", e->rawlen);
	rows_add(r, w, 0, A_DIM, buf);
	hex_rows(e, r, w);
}
