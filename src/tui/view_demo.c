/* SPDX-License-Identifier: MIT */
/* view_demo: the demo's menu. The scenarios of data/scenarios.json, a row
 * each (name and title, cut to the width) under their group's heading,
 * the selected one's title and lesson in full under the list, and a
 * search (/) that narrows the list to the scenarios whose name, title or
 * lesson hold the text. Enter opens a scenario: its server starts
 * (src/demo, one at a time) and the session inspects it; q there comes
 * back here, stopping that server; ] [ open the next or previous scenario
 * in the menu's order. The menu's own keys are here; the loop is tui.c's. */
#include "config.h"
#include "demo/demo.h"
#include "tui/tui_int.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct demo_menu {
	struct scenario_set set;
	int *order;      /* the scenarios, group by group */
	int *rows, nrows; /* the list as drawn: a scenario's index, or -1 - index
			   * for the heading of that scenario's group */
	int sel, top;    /* the selected row (a scenario's), the first shown */
	char query[64];  /* the search */
	bool searching;  /* the search line is open */
	int detail;      /* rows under the list for the selected scenario */
};

static bool holds(const char *hay, const char *needle)
{
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (needle[i] && h[i] &&
		       tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (!needle[i])
			return true;
	}
	return !*needle;
}

static bool matches(const struct scenario *sc, const char *q)
{
	return holds(sc->name, q) || holds(sc->title, q) || holds(sc->teaches, q);
}

/* The rows for the search, a heading before each group's first match;
 * the selection stays on its scenario while it matches. */
static void build_rows(struct demo_menu *m)
{
	int was = m->nrows ? m->rows[m->sel] : -1;
	const char *group = NULL;
	m->nrows = 0;
	m->sel = 0;
	for (int k = 0; k < m->set.n; k++) {
		const struct scenario *sc = &m->set.sc[m->order[k]];
		if (!matches(sc, m->query))
			continue;
		if (!group || strcmp(group, sc->group)) {
			group = sc->group;
			m->rows[m->nrows++] = -1 - m->order[k];
		}
		if (m->order[k] == was)
			m->sel = m->nrows;
		m->rows[m->nrows++] = m->order[k];
	}
	if (m->nrows && m->rows[m->sel] < 0)
		m->sel++;
}

int demo_menu_new(struct tui *t, char **err)
{
	struct demo_menu *m = xcalloc(1, sizeof(*m));
	if (scenarios_load(&m->set, err) < 0) {
		free(m);
		return -1;
	}
	m->order = xcalloc((size_t)m->set.n + 1, sizeof(*m->order));
	m->rows = xcalloc(2 * (size_t)m->set.n + 1, sizeof(*m->rows));
	scenarios_grouped(&m->set, m->order);
	build_rows(m);
	t->demo = m;
	return 0;
}

/* The end of the interface: the scenario shown stops too. */
void demo_menu_free(struct tui *t)
{
	struct demo_menu *m = t->demo;
	if (!m)
		return;
	session_cancel(t->s);
	demo_stop();
	scenarios_free(&m->set);
	free(m->order);
	free(m->rows);
	free(m);
	t->demo = NULL;
}

const char *demo_menu_title(const struct tui *t)
{
	const struct scenario *sc =
		t->demo && t->s->scenario ? scenarios_find(&t->demo->set, t->s->scenario) : NULL;
	return sc ? sc->title : NULL;
}

/* ---- drawing ---- */

/* The rows the selected scenario's title and lesson take at width w. */
static int detail_rows(const struct scenario *sc, int w)
{
	return tui_wrap(-1, 0, w, 1000, sc->title, A_NORMAL) +
	       tui_wrap(-1, 0, w, 1000, sc->teaches, A_NORMAL);
}

static void draw_row(struct tui *t, struct demo_menu *m, int y, int r, int namew)
{
	int i = m->rows[r];
	char line[1024];
	if (i < 0) {
		const struct scenario *sc = &m->set.sc[-1 - i];
		snprintf(line, sizeof(line), "%s", sc->group);
		tui_put(y, 1, COLS - 1, line, A_BOLD | A_UNDERLINE);
		return;
	}
	const struct scenario *sc = &m->set.sc[i];
	attr_t a = r == m->sel ? A_REVERSE : A_NORMAL;
	if (r == m->sel)
		tui_fill(y, 0, COLS, a);
	snprintf(line, sizeof(line), "%s %-*s %s", r == m->sel ? ">" : " ", namew, sc->name,
		 sc->title);
	tui_put_cut(t, y, 1, COLS - 1, line, a);
}

void view_demo(struct tui *t)
{
	struct demo_menu *m = t->demo;
	int namew = 0;
	for (int i = 0; i < m->set.n; i++)
		if ((int)strlen(m->set.sc[i].name) > namew)
			namew = (int)strlen(m->set.sc[i].name);
	/* the lesson in full under the list, as long as the longest needs
	 * (the list keeps eight rows) so the list does not jump */
	int most = 0;
	for (int i = 0; i < m->set.n; i++) {
		int d = detail_rows(&m->set.sc[i], COLS - 2);
		most = d > most ? d : most;
	}
	m->detail = most < LINES - 11 ? most : LINES - 11;
	int listh = LINES - 3 - m->detail; /* title, rule, status */

	char head[256];
	snprintf(head, sizeof(head),
		 " pgtls-inspect demo: %d scenarios, servers on 127.0.0.1, no database needed",
		 m->set.n);
	tui_fill(0, 0, COLS, A_REVERSE);
	tui_put_cut(t, 0, 0, COLS, head, A_REVERSE);

	/* the selection in view, with its heading when it is the first */
	if (m->sel < m->top + 1)
		m->top = m->sel > 0 && m->rows[m->sel - 1] < 0 ? m->sel - 1 : m->sel;
	if (m->sel >= m->top + listh)
		m->top = m->sel - listh + 1;
	if (m->top > m->nrows - listh)
		m->top = m->nrows - listh > 0 ? m->nrows - listh : 0;
	if (m->top < 0)
		m->top = 0;
	for (int r = m->top; r < m->nrows && r < m->top + listh; r++)
		draw_row(t, m, 1 + r - m->top, r, namew);
	if (!m->nrows)
		tui_put(1, 2, COLS - 2, "no scenario holds that text (Esc: all of them)", A_BOLD);

	int y = 1 + listh, scn = 0;
	for (int r = 0; r <= m->sel && r < m->nrows; r++)
		scn += m->rows[r] >= 0;
	int nscn = 0;
	for (int r = 0; r < m->nrows; r++)
		nscn += m->rows[r] >= 0;
	char rule[64];
	snprintf(rule, sizeof(rule), " %d of %d ", scn, nscn);
	for (int x = 0; x < COLS; x++)
		tui_put(y, x, 1, t->utf8 ? "\u2500" : "-", A_DIM);
	tui_put(y, COLS - (int)strlen(rule) - 2, (int)strlen(rule), rule, A_DIM);
	if (m->nrows) {
		const struct scenario *sc = &m->set.sc[m->rows[m->sel]];
		int used = tui_wrap(y + 1, 1, COLS - 2, m->detail, sc->title, A_BOLD);
		tui_wrap(y + 1 + used, 1, COLS - 2, m->detail - used, sc->teaches, A_NORMAL);
	}

	char status[256];
	int sy = LINES - 1;
	if (m->searching) {
		snprintf(status, sizeof(status), "/%s", m->query);
		tui_put(sy, 0, COLS, status, A_NORMAL);
		move(sy, (int)strlen(status) < COLS ? (int)strlen(status) : COLS - 1);
	} else if (t->status[0]) {
		tui_put(sy, 0, COLS, t->status, A_BOLD);
	} else {
		snprintf(status, sizeof(status),
			 "Up/Down move  Enter open  / search%s  q quit  (in a scenario: q back, ] [ next/prev)",
			 m->query[0] ? "  Esc all" : "");
		tui_put_cut(t, sy, 0, COLS, status, A_DIM);
	}
	refresh();
}

/* ---- opening a scenario, and coming back ---- */

/* Start scenario i's server and inspect it. */
static void open_scenario(struct tui *t, int i)
{
	const struct scenario *sc = &t->demo->set.sc[i];
	char *conninfo = NULL, *err = NULL;
	session_cancel(t->s);
	if (demo_start(sc->name, 0, false, &conninfo, &err) < 0) {
		tui_status_error(t, err);
		return;
	}
	if (session_set_target(t->s, conninfo, NULL, NULL, 0, &err) < 0) {
		free(conninfo);
		demo_stop();
		tui_status_error(t, err);
		return;
	}
	free(conninfo);
	session_set_scenario(t->s, sc->name, sc->teaches);
	t->in_menu = false;
	t->view = VIEW_STEPS;
	tui_open_host(t, 0);
	tui_start_probe(t);
}

void demo_menu_return(struct tui *t)
{
	session_cancel(t->s);
	demo_stop();
	t->holding = false;
	t->in_menu = true;
	t->status[0] = '\0';
}

void demo_menu_step(struct tui *t, int d)
{
	struct demo_menu *m = t->demo;
	int n = m->set.n, k = 0;
	for (int j = 0; j < n; j++)
		if (t->s->scenario && !strcmp(m->set.sc[m->order[j]].name, t->s->scenario))
			k = j;
	int i = m->order[(k + d + n) % n];
	/* the menu follows, when the search shows that scenario */
	for (int r = 0; r < m->nrows; r++)
		if (m->rows[r] == i)
			m->sel = r;
	open_scenario(t, i);
}

/* ---- keys ---- */

/* Move the selection by d scenario rows (headings skipped), within the
 * list. */
static void move_sel(struct demo_menu *m, int d)
{
	int step = d < 0 ? -1 : 1;
	for (int left = abs(d), r = m->sel; left > 0;) {
		r += step;
		if (r < 0 || r >= m->nrows)
			break;
		if (m->rows[r] >= 0) {
			m->sel = r;
			left--;
		}
	}
}

static void search_key(struct tui *t, struct demo_menu *m, int k)
{
	size_t n = strlen(m->query);
	if (k == 27) {
		m->query[0] = '\0';
		m->searching = false;
	} else if (k == '\r' || k == '\n' || k == KEY_ENTER) {
		m->searching = false;
	} else if (k == 127 || k == 8 || k == KEY_BACKSPACE) {
		if (n)
			m->query[n - 1] = '\0';
		else
			m->searching = false;
	} else if (k >= 0x20 && k < 0x7f && n + 1 < sizeof(m->query)) {
		m->query[n] = (char)k;
		m->query[n + 1] = '\0';
	} else {
		return;
	}
	build_rows(m);
	m->top = 0;
	(void)t;
}

void demo_menu_key(struct tui *t, int k)
{
	struct demo_menu *m = t->demo;
	int page = LINES - 4 - m->detail > 1 ? LINES - 4 - m->detail : 1;
	t->status[0] = '\0';
	if (m->searching) {
		search_key(t, m, k);
		return;
	}
	switch (k) {
	case KEY_DOWN: case 'j': move_sel(m, 1); break;
	case KEY_UP: case 'k': move_sel(m, -1); break;
	case KEY_NPAGE: case ' ': move_sel(m, page); break;
	case KEY_PPAGE: move_sel(m, -page); break;
	case KEY_HOME: case 'g': move_sel(m, -m->nrows); break;
	case KEY_END: case 'G': move_sel(m, m->nrows); break;
	case '/': m->searching = true; break;
	case 27: m->query[0] = '\0'; build_rows(m); break;
	case 'q': t->quit = true; break;
	case '\r': case '\n': case KEY_ENTER:
		if (m->nrows)
			open_scenario(t, m->rows[m->sel]);
		break;
	default:
		if (k != ERR)
			snprintf(t->status, sizeof(t->status),
				 "menu keys: Up/Down PgUp/PgDn Home/End, Enter open, / search, q quit");
	}
}
