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
#define MIN_LINES 16 /* a smaller terminal: the text report instead (tui.c) */

/* The target (a list: how many hosts; the rows below name them), the
 * libpq version judged, the root file, in reverse video. */
static void draw_header(struct tui *t)
{
	const struct conn_target *g = &t->s->ins.target;
	char *target = t->s->nlisted > 1 ? xasprintf("%d hosts", t->s->nlisted) :
					   tui_endpoint(g->host, g->hostaddr, g->port);
	char *root = sanitize(g->sslrootcert ? g->sslrootcert : "none");
	/* the SNI libpq would send, redrawn by a what-if (set host) */
	char *sni = sanitize(g->sni ? g->sni : "none");
	char buf[1024];
	snprintf(buf, sizeof(buf), " pgtls-inspect  %s  SNI %s  libpq %d  root: %s %s%s", target,
		 sni, t->s->libpq_version, rootcert_source_name(g->rootcert_source), root,
		 g->rootcert_exists ? "" : " (absent)");
	free(sni);
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
	/* built once with the diagnosis, not at every redraw */
	const struct summary *sm = &t->s->dg.summary;
	if (!sm->text)
		return 0;
	int cap = LINES >= 30 ? 8 : 5, rows = 0;
	/* a line a mode, or one for both (summary.text) */
	const char *nl = strchr(sm->text, '\n');
	char *one = nl ? xstrndup(sm->text, (size_t)(nl - sm->text)) : xstrdup(sm->text);
	const char *lines[] = { one, nl ? nl + 1 : NULL };
	const struct summary_line *of[] = { &sm->mode, &sm->verify_full };
	for (int i = 0; i < 2 && lines[i]; i++) {
		char *txt = sanitize_dn(lines[i]);
		int room = cap - rows - (i == 0 && lines[1] ? 1 : 0);
		rows += tui_wrap(y + rows, 0, w, room, txt,
				 (i == 0 ? A_BOLD : A_NORMAL) | tui_outcome_attr(t, of[i]->outcome));
		free(txt);
	}
	free(one);
	return rows;
}

/* A demo's scenario and what it teaches (its title; a replayed log has
 * only the lesson), on the row under the header; the rows used. */
static int draw_scenario(struct tui *t, int y)
{
	if (!t->s->scenario)
		return 0;
	const char *what = demo_menu_title(t);
	char *name = sanitize(t->s->scenario);
	char *text = sanitize(what ? what : t->s->teaches ? t->s->teaches : "");
	char *line = xasprintf(" demo %s: %s", name, text);
	tui_put_cut(t, y, 0, COLS, line, A_BOLD);
	free(line);
	free(text);
	free(name);
	return 1;
}

/* The rows the header takes above everything else (the answer lines go
 * there): the layout's budget starts with them. */
static int draw_top(struct tui *t)
{
	draw_header(t);
	int rows = 1 + draw_scenario(t, 1);
	/* the answer first, except over the key table */
	if (t->view != VIEW_HELP)
		rows += draw_answer(t, rows, COLS);
	return rows;
}

/* short names for a narrow screen (the legend in ? lists them) */
static const char *const short_names[SSLMODE_COUNT] = { "dis", "allow", "pref",
							 "req", "v-ca",	 "v-full" };

/* Mode m's cell of the verdict row: its name, whole or short, and its
 * outcome's symbol (with its word when words). */
static void matrix_cell(struct tui *t, int m, bool words, bool shortn, char *buf, size_t n)
{
	enum outcome o = t->have_modes ? t->s->modes[m].outcome : OUTCOME_UNKNOWN;
	/* not judged yet: "..." (a column's "\u2026" without the words) */
	const char *s = t->have_modes ? tui_sym(t, o) : words || !t->utf8 ? "..." : "\u2026";
	const char *name = shortn ? short_names[m] : sslmode_name((enum sslmode)m);
	if (words || !t->have_modes)
		snprintf(buf, n, " %s %s ", name, s);
	else
		snprintf(buf, n, " %s %.*s ", name, (int)strcspn(s, " "), s); /* the symbol alone */
}

static int text_cols(const char *s)
{
	int w = 0;
	for (const char *p = s; *p; p++)
		w += ((unsigned char)*p & 0xc0) != 0x80;
	return w;
}

/* The width of the verdict row drawn so. */
static int matrix_width(struct tui *t, bool words, bool shortn)
{
	int w = 0;
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		char buf[64];
		matrix_cell(t, m, words, shortn, buf, sizeof(buf));
		w += text_cols(buf) + 1;
	}
	return w;
}

/* The six modes, each with a symbol as well as a colour: their words when
 * the screen is wide enough, short names when the whole names do not fit,
 * and a second row when even those do not. Returns the rows it takes
 * (draw false: only counts). */
static int draw_matrix(struct tui *t, int y, bool draw)
{
	bool words = matrix_width(t, true, false) <= COLS;
	bool shortn = !words && matrix_width(t, false, false) > COLS;
	int x = 0, row = 0;
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		char buf[64];
		matrix_cell(t, m, words, shortn, buf, sizeof(buf));
		int w = text_cols(buf);
		if (x > 0 && x + w > COLS) {
			row++;
			x = 0;
		}
		t->geo.mx_x[m][0] = row;
		t->geo.mx_x[m][1] = x;
		if (draw) {
			enum outcome o = t->have_modes ? t->s->modes[m].outcome : OUTCOME_UNKNOWN;
			attr_t a = m == t->mode ? A_REVERSE : A_NORMAL;
			if (t->have_modes)
				a |= tui_outcome_attr(t, o);
			tui_put(y + row, x, COLS - x, buf, a);
		}
		x += w + 1;
	}
	t->geo.mx_x[SSLMODE_COUNT][0] = row;
	t->geo.mx_x[SSLMODE_COUNT][1] = x;
	return row + 1;
}

/* The selected mode's verdict, what libpq says, the path it takes, and
 * the caveat, wrapped to w columns. */
void view_explain_rows(struct tui *t, struct tui_rows *r, int w)
{
	if (!t->have_modes) {
		rows_add(r, w, 1, A_NORMAL, t->running ? "probing..." : " ");
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
	rows_add(r, w, 1, A_BOLD | tui_outcome_attr(t, v->outcome), buf);
	if (v->error) {
		char *e = xasprintf("libpq says: %s", v->error);
		rows_add_hang(r, w, 1, 12, A_NORMAL, e);
		free(e);
	}
	for (int i = 0; i < v->npath; i++) {
		char *st = sanitize(v->path[i]);
		char *line = xasprintf("%2d. %s", i + 1, st);
		rows_add_hang(r, w, 1, 4, A_NORMAL, line);
		free(line);
		free(st);
	}
	if (v->caveat) {
		char *c = sanitize(v->caveat);
		rows_add(r, w, 1, A_DIM, c);
		free(c);
	}
}

/* The keys that matter now, always on screen above the status line. */
static void draw_hints(struct tui *t, int y)
{
	const char *hint =
		t->holding ? "HELD: n/Space next step  S step mode off  Tab pane  ? keys  q quit" :
		COLS >= 100 ?
			     "f findings  c chain  L ladder  Tab pane  / search  ? keys+legend  : command  h/l mode  q quit" :
			     "f findings c chain L ladder Tab pane / search ? keys : cmd q quit";
	tui_put(y, 0, COLS, hint, A_DIM);
}

/* The last message (the status line), or the command line. */
static void draw_status(struct tui *t)
{
	int y = LINES - 1;
	tui_fill(y, 0, COLS, A_NORMAL);
	if (t->cmdline)
		return; /* readline's redisplay draws here */
	tui_put(y, 0, COLS, t->status, A_BOLD);
}

/* The mark of the focused pane on its first row. */
static void focus_mark(struct tui *t, enum pane p, int y, int x)
{
	if (t->focus == p)
		tui_put(y, x, 1, ">", A_BOLD);
}

void tui_pane_rows(struct tui *t, enum pane p, struct tui_rows *r)
{
	if (p == PANE_EXPLAIN) {
		view_explain_rows(t, r, COLS);
		return;
	}
	/* a column on its left for the mark of the focus */
	int w = (t->view == VIEW_HELP ? COLS : t->geo.tl_w > 0 ? COLS - t->geo.tl_w - 1 : COLS / 2) - 1;
	if (t->view == VIEW_CHAIN)
		view_chain_rows(t, r, w);
	else if (t->view == VIEW_FINDINGS)
		view_findings_rows(t, r, w);
	else if (t->view == VIEW_HELP)
		view_help_rows(t, r, w);
	else
		view_detail_rows(t, r, w);
}

/* The pane beside the timeline (the whole width for the key table). */
static void draw_right(struct tui *t, int y0, int x, int h)
{
	struct tui_rows r = { 0 };
	if (t->view == VIEW_STEPS && t->detail_of != t->sel) {
		t->detail_of = t->sel; /* a new event's detail starts at its top */
		t->scroll[PANE_RIGHT] = 0;
	}
	tui_pane_rows(t, PANE_RIGHT, &r);
	tui_rows_draw(t, PANE_RIGHT, &r, y0, x + 1, h, COLS - x - 1);
	focus_mark(t, PANE_RIGHT, y0, x);
	rows_free(&r);
	t->geo.rp_y = y0;
	t->geo.rp_x = x;
	t->geo.rp_h = h;
}

/* The timeline on the left, the current view's pane on the right, in
 * body rows from y0. */
static void draw_panes(struct tui *t, int y0, int body)
{
	if (t->view == VIEW_LADDER) {
		view_ladder(t, y0, 0, body, COLS);
		return;
	}
	int left = COLS * 2 / 5 < 32 ? 32 : COLS * 2 / 5;
	t->geo.tl_y = y0;
	t->geo.tl_h = body;
	t->geo.tl_w = left - 1;
	view_timeline(t, y0, body, left - 1);
	for (int y = y0; y < y0 + body; y++)
		tui_put(y, left - 1, 1, t->utf8 ? "\u2502" : "|", A_DIM);
	draw_right(t, y0, left, body);
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

/* The explanation's rows: what it needs, within two fifths of what is
 * left (at least 4); the rest scrolls. */
static int explain_budget(struct tui *t, int avail)
{
	struct tui_rows r = { 0 };
	view_explain_rows(t, &r, COLS - 1);
	int need = r.n < 4 ? 4 : r.n;
	rows_free(&r);
	int cap = avail * 2 / 5 < 4 ? 4 : avail * 2 / 5;
	if (LINES >= 30 && need < (avail) / 3)
		need = avail / 3; /* a tall screen keeps its proportions */
	return need < cap ? need : cap;
}

/* The whole screen, laid out by a budget of rows: the header (and answer
 * lines), the hosts of a list, the panes, the verdict row, the
 * explanation, the key hints and the status line, or the command line
 * while it is open. */
void tui_redraw(struct tui *t)
{
	erase();
	memset(&t->geo, 0, sizeof(t->geo));
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		draw_too_small();
		return;
	}
	if (t->in_menu) {
		view_demo(t);
		return;
	}
	int top = draw_top(t);
	int mrows = draw_matrix(t, 0, false);
	/* a host list's rows first: a third of what the fixed rows and a
	 * short explanation leave */
	int hosts = view_hosts_rows(t, 6 + (top - 1) + (mrows - 1));
	int avail = LINES - top - mrows - 2 - hosts; /* the hints and the status line */
	int expl = explain_budget(t, avail);
	int body = avail - expl;
	if (t->view == VIEW_HELP) {
		t->geo.tl_w = 0;
		draw_right(t, top, 0, LINES - top - 2);
	} else {
		view_hosts(t, top, hosts);
		draw_panes(t, top + hosts, body);
		t->geo.mx_y = top + hosts + body;
		draw_matrix(t, t->geo.mx_y, true);
		t->geo.ex_y = t->geo.mx_y + mrows;
		t->geo.ex_h = expl;
		struct tui_rows r = { 0 };
		view_explain_rows(t, &r, COLS - 1);
		tui_rows_draw(t, PANE_EXPLAIN, &r, t->geo.ex_y, 0, expl, COLS);
		focus_mark(t, PANE_EXPLAIN, t->geo.ex_y, 0);
		rows_free(&r);
	}
	draw_hints(t, LINES - 2);
	draw_status(t);
	if (t->cmdline)
		cmdline_draw(t);
	else
		refresh();
}

/* A click: a timeline row selects its event (and focuses the timeline),
 * a verdict cell its mode, a pane takes the focus. */
void tui_click(struct tui *t, int y, int x)
{
	if (t->view != VIEW_HELP && x < t->geo.tl_w && y > t->geo.tl_y &&
	    y < t->geo.tl_y + t->geo.tl_h) {
		int i = t->top + y - t->geo.tl_y - 1;
		if (i < (int)tui_shown(t))
			t->sel = i;
		t->focus = PANE_TIMELINE;
		return;
	}
	int mrow = y - t->geo.mx_y;
	if (t->view != VIEW_HELP && mrow >= 0 && y < t->geo.ex_y) {
		for (int m = SSLMODE_COUNT - 1; m >= 0; m--)
			if (t->geo.mx_x[m][0] == mrow && x >= t->geo.mx_x[m][1]) {
				tui_select_mode(t, m);
				return;
			}
		return;
	}
	if (y >= t->geo.ex_y && y < t->geo.ex_y + t->geo.ex_h)
		t->focus = PANE_EXPLAIN;
	else if (y >= t->geo.rp_y && y < t->geo.rp_y + t->geo.rp_h && x >= t->geo.rp_x)
		t->focus = PANE_RIGHT;
}
