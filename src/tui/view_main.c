/* SPDX-License-Identifier: MIT */
/* view_main: the screen's layout and its fixed parts: the header (target,
 * libpq version, root file), the rows of a host list (view_hosts.c), the
 * sslmode matrix, the explanation of the selected mode and the status
 * line; tui_redraw lays them out around the pane of the current view
 * (view_timeline.c, view_chain.c, view_findings.c, view_help.c). It draws;
 * the keys and the loop are elsewhere. */
#include "config.h"
#include "tui/tui_int.h"
#include "model/summary.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_COLS 60
#define MIN_LINES 16

/* The target (a list: how many hosts; the rows below name them), the
 * libpq version judged, the root file, in reverse video. */
static void draw_header(struct tui *t)
{
	const struct conn_target *g = &t->s->ins.target;
	char *target = t->s->nlisted > 1 ? xasprintf("%d hosts", t->s->nlisted) :
					   tui_endpoint(g->host, g->hostaddr, g->port);
	char *root = sanitize(g->sslrootcert ? g->sslrootcert : "none");
	char buf[1024];
	snprintf(buf, sizeof(buf), " pgtls-inspect  %s  libpq %d  root: %s %s%s", target,
		 t->s->libpq_version, rootcert_source_name(g->rootcert_source), root,
		 g->rootcert_exists ? "" : " (absent)");
	tui_fill(0, 0, COLS, A_REVERSE);
	tui_put(0, 0, COLS, buf, A_REVERSE);
	free(target);
	free(root);
}

/* The answer first (model/summary): the target's sslmode, and verify-full
 * when that is another, each line wrapped to w; the rows used. */
static int draw_answer(struct tui *t, int y, int w)
{
	if (!t->have_modes) {
		tui_put(y, 0, w, t->running ? " probing..." : "", A_DIM);
		return 1;
	}
	const struct diagnosis *d = &t->s->dg;
	struct summary sm;
	summary_build(&t->s->ins, t->s->modes, d->findings, d->nfindings, &d->provider, &sm);
	int cap = LINES >= 30 ? 8 : 5, rows = 0;
	/* a line a mode, or one for both (summary.text) */
	char *two = strchr(sm.text, '\n');
	if (two)
		*two++ = '\0';
	char *lines[] = { sm.text, two };
	const struct summary_line *of[] = { &sm.mode, &sm.verify_full };
	for (int i = 0; i < 2 && lines[i]; i++) {
		char *txt = sanitize_dn(lines[i]);
		int room = cap - rows - (i == 0 && lines[1] ? 1 : 0);
		rows += tui_wrap(y + rows, 0, w, room, txt,
				 (i == 0 ? A_BOLD : A_NORMAL) | tui_outcome_attr(t, of[i]->outcome));
		free(txt);
	}
	summary_free(&sm);
	return rows;
}

/* The six modes on one row, each with a symbol as well as a colour; the
 * words are added when the terminal is wide enough. */
static void draw_matrix(struct tui *t, int y)
{
	bool words = COLS >= 110;
	int x = 0;
	for (int m = 0; m < SSLMODE_COUNT && x < COLS; m++) {
		char buf[64];
		enum outcome o = t->have_modes ? t->s->modes[m].outcome : OUTCOME_UNKNOWN;
		const char *s = t->have_modes ? tui_sym(t, o) : "...";
		if (words)
			snprintf(buf, sizeof(buf), " %s %s ", sslmode_name((enum sslmode)m), s);
		else
			snprintf(buf, sizeof(buf), " %s %.*s ", sslmode_name((enum sslmode)m),
				 t->utf8 ? 3 : 1, s); /* the symbol alone */
		attr_t a = m == t->mode ? A_REVERSE : A_NORMAL;
		if (t->have_modes)
			a |= tui_outcome_attr(t, o);
		int w = 0;
		for (const char *p = buf; *p; p++)
			w += ((unsigned char)*p & 0xc0) != 0x80;
		tui_put(y, x, COLS - x, buf, a);
		x += w + 1;
	}
}

/* The selected mode's verdict, what libpq says, the path it takes, and
 * the caveat, in h rows from y0. */
static void draw_explain(struct tui *t, int y0, int h)
{
	int y = y0;
	if (!t->have_modes) {
		tui_put(y, 1, COLS - 1, t->running ? "probing..." : "", A_NORMAL);
		return;
	}
	const struct verdict *v = &t->s->modes[t->mode];
	const char *mine = t->s->ins.target.sslmode;
	char buf[256], where[64] = "";
	/* the list's walk may end at another host than the one open */
	if (t->s->nlisted > 1 && v->host != tui_host(t))
		snprintf(where, sizeof(where), " at host %d", v->host + 1);
	snprintf(buf, sizeof(buf), "sslmode=%s: %s%s%s", sslmode_name((enum sslmode)t->mode),
		 v->outcome == OUTCOME_ENCRYPTED ? "connects, encrypted" :
		 v->outcome == OUTCOME_PLAINTEXT ? "connects, NOT encrypted" :
		 v->outcome == OUTCOME_FAILS	 ? "fails" : "unknown", where,
		 mine && !strcmp(mine, sslmode_name((enum sslmode)t->mode)) ?
			 "  (this target's sslmode)" : "");
	y += tui_wrap(y, 0, COLS, 2, buf, A_BOLD | tui_outcome_attr(t, v->outcome));
	if (v->error && y < y0 + h) {
		tui_put(y, 0, COLS, "libpq says:", A_BOLD);
		y += tui_wrap(y, 12, COLS - 12, y0 + h - y, v->error, A_NORMAL);
	}
	for (int i = 0; i < v->npath && y < y0 + h; i++) {
		char *st = sanitize(v->path[i]);
		snprintf(buf, sizeof(buf), "%2d. %s", i + 1, st);
		free(st);
		y += tui_wrap(y, 1, COLS - 1, 1, buf, A_NORMAL);
	}
	if (v->caveat && y < y0 + h) {
		char *c = sanitize(v->caveat);
		tui_wrap(y, 1, COLS - 1, y0 + h - y, c, A_DIM);
		free(c);
	}
}

/* The last message, or the keys that matter now. */
static void draw_status(struct tui *t)
{
	int y = LINES - 1;
	tui_fill(y, 0, COLS, A_NORMAL);
	if (t->cmdline)
		return; /* readline's redisplay draws here */
	const char *hint = t->holding ? "HELD: n/Space next step  S step mode off  q quit" :
			   "j/k event  h/l mode  c chain  f findings  ? keys  : command  q quit";
	tui_put(y, 0, COLS, t->status[0] ? t->status : hint, t->status[0] ? A_BOLD : A_DIM);
}

/* The timeline on the left, the current view's pane on the right, in
 * body rows from y0. */
static void draw_panes(struct tui *t, int y0, int body)
{
	int left = COLS * 2 / 5 < 32 ? 32 : COLS * 2 / 5;
	view_timeline(t, y0, body, left - 1);
	for (int y = y0; y < y0 + body; y++)
		tui_put(y, left - 1, 1, t->utf8 ? "\u2502" : "|", A_DIM);
	if (t->view == VIEW_CHAIN)
		view_chain(t, y0, left, body, COLS - left);
	else if (t->view == VIEW_FINDINGS)
		view_findings(t, y0, left, body, COLS - left);
	else
		view_detail(t, y0, left, body, COLS - left);
}

static void draw_too_small(void)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "Too small: %dx%d, need %dx%d.", COLS, LINES, MIN_COLS,
		 MIN_LINES);
	tui_put(LINES / 2, 0, COLS, buf, A_BOLD);
	tui_put(LINES / 2 + 1, 0, COLS, "Enlarge the terminal, or press q.", A_NORMAL);
	refresh();
}

/* The whole screen: header; the help, or the panes, the matrix and the
 * explanation; the status line, or the command line while it is open. */
void tui_redraw(struct tui *t)
{
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		draw_too_small();
		return;
	}
	int expl = LINES >= 30 ? (LINES - 3) / 3 : 6;
	int hosts = view_hosts_rows(t, expl);
	draw_header(t);
	int top = 1 + (t->view == VIEW_HELP ? 0 : draw_answer(t, 1, COLS));
	int body = LINES - 2 - top - expl - hosts; /* header and answer, matrix, status */
	if (t->view == VIEW_HELP) {
		view_help(t, 1, LINES - 2);
	} else {
		view_hosts(t, top, hosts);
		draw_panes(t, top + hosts, body);
		draw_matrix(t, top + hosts + body);
		draw_explain(t, 1 + top + hosts + body, expl);
	}
	draw_status(t);
	if (t->cmdline)
		cmdline_draw(t);
	else
		refresh();
}
