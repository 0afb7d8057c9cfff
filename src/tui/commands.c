/* SPDX-License-Identifier: MIT */
/* commands: every key is a named command in one table (tig's design), and
 * the ':' line runs the same commands by name, plus those that take a
 * line (connect, set, save, export-chain). A command changes the state of
 * the run and asks the session for the rest; it draws nothing itself: the
 * loop redraws after every key (the tests' dump-screen redraws first). */
#include "config.h"
#include "tui/tui_int.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void c_step(struct tui *t, const char *a);

/* The rows of a text pane drawn now, for the keys that scroll it. */
static int pane_height(const struct tui *t, enum pane p)
{
	if (p == PANE_EXPLAIN)
		return t->geo.ex_h > 0 ? t->geo.ex_h : 1;
	return t->geo.rp_h > 0 ? t->geo.rp_h : 1;
}

/* The focused pane: the timeline moves its selection, a text pane its
 * scroll (the key table, shown alone, is the pane beside the timeline). */
static enum pane focused(const struct tui *t)
{
	if (t->view == VIEW_HELP)
		return PANE_RIGHT;
	return t->focus;
}

/* Move the focused pane by d rows (the selection, in the timeline). */
static void move_by(struct tui *t, int d)
{
	enum pane p = focused(t);
	if (p == PANE_TIMELINE) {
		t->sel += d;
		if (t->sel < 0)
			t->sel = 0;
	} else {
		t->scroll[p] += d;
		if (t->scroll[p] < 0)
			t->scroll[p] = 0; /* the drawing keeps it within the text */
	}
}

static int page(const struct tui *t)
{
	enum pane p = focused(t);
	int h = p == PANE_TIMELINE ? t->geo.tl_h - 2 : pane_height(t, p) - 1;
	return h > 1 ? h : 1;
}

/* in the ladder, j/k/g/G stay in its lane */
static void c_next(struct tui *t, const char *a) { if (t->view != VIEW_LADDER || !ladder_move(t, 1)) move_by(t, 1); (void)a; }
static void c_prev(struct tui *t, const char *a) { if (t->view == VIEW_LADDER) ladder_move(t, -1); else move_by(t, -1); (void)a; }
static void c_first(struct tui *t, const char *a) { if (t->view == VIEW_LADDER) { t->sel = -1; ladder_move(t, 1); } else move_by(t, -1000000); (void)a; }
static void c_last(struct tui *t, const char *a) { if (t->view == VIEW_LADDER) { t->sel = (int)tui_shown(t); ladder_move(t, -1); } else move_by(t, 1000000); (void)a; }
static void c_pgdn(struct tui *t, const char *a) { move_by(t, page(t)); (void)a; }
static void c_pgup(struct tui *t, const char *a) { move_by(t, -page(t)); (void)a; }

/* Tab: the next pane (the key table has one) */
static void c_focus(struct tui *t, const char *a)
{
	(void)a;
	t->focus = (enum pane)((t->focus + 1) % PANE_COUNT);
}

static void c_focus_prev(struct tui *t, const char *a)
{
	(void)a;
	t->focus = (enum pane)((t->focus + PANE_COUNT - 1) % PANE_COUNT);
}

void tui_select_mode(struct tui *t, int mode)
{
	t->mode = mode;
	/* the failing step of the mode comes into view */
	unsigned char *marks = xmalloc(tui_shown(t) + 1);
	int at = tui_mode_marks(t, mode, marks, (int)tui_shown(t));
	free(marks);
	if (at >= 0)
		t->sel = at;
	t->scroll[PANE_EXPLAIN] = 0;
}

static void c_mode_next(struct tui *t, const char *a) { tui_select_mode(t, (t->mode + 1) % SSLMODE_COUNT); (void)a; }
static void c_mode_prev(struct tui *t, const char *a) { tui_select_mode(t, (t->mode + SSLMODE_COUNT - 1) % SSLMODE_COUNT); (void)a; }

/* Find the search text from the focused pane's place on (dir 1) or back
 * (-1): the timeline's next event holding it, or a text pane's next row. */
static void find(struct tui *t, int dir)
{
	enum pane p = focused(t);
	int at;
	if (!t->search[0]) {
		snprintf(t->status, sizeof(t->status), "no search yet: / TEXT");
		return;
	}
	if (p == PANE_TIMELINE) {
		at = tui_timeline_find(t, t->search, dir);
		if (at >= 0)
			t->sel = at;
	} else {
		struct tui_rows r = { 0 };
		tui_pane_rows(t, p, &r);
		/* from the top row shown; a match already shown counts when
		 * the search is new */
		at = rows_find(&r, t->search, t->scroll[p] + (dir > 0 ? 0 : 0), dir);
		if (at >= 0)
			t->scroll[p] = at;
		rows_free(&r);
	}
	if (at < 0)
		snprintf(t->status, sizeof(t->status), "\"%s\": no more matches %s", t->search,
			 dir > 0 ? "below" : "above");
	else
		t->status[0] = '\0';
}

void tui_search(struct tui *t, const char *text)
{
	snprintf(t->search, sizeof(t->search), "%s", text);
	if (focused(t) == PANE_TIMELINE) {
		/* the selected event may be the match */
		t->sel--;
		find(t, 1);
		if (t->status[0])
			t->sel++;
	} else {
		t->scroll[focused(t)]--;
		find(t, 1);
		if (t->status[0])
			t->scroll[focused(t)]++;
	}
}

/* n: the next match, or the next step of a held probe */
static void c_find_next(struct tui *t, const char *a)
{
	if (t->holding || !t->search[0])
		c_step(t, a);
	else
		find(t, 1);
}

static void c_find_prev(struct tui *t, const char *a) { find(t, -1); (void)a; }

static void c_slash(struct tui *t, const char *a)
{
	if (a && *a)
		tui_search(t, a);
	else
		cmdline_search(t, a);
}

static void c_chain(struct tui *t, const char *a) { t->view = t->view == VIEW_CHAIN ? VIEW_STEPS : VIEW_CHAIN; (void)a; }
static void c_findings(struct tui *t, const char *a) { t->view = t->view == VIEW_FINDINGS ? VIEW_STEPS : VIEW_FINDINGS; (void)a; }
static void c_help(struct tui *t, const char *a) { t->view = t->view == VIEW_HELP ? VIEW_STEPS : VIEW_HELP; (void)a; }
static void c_ladder(struct tui *t, const char *a) { t->view = t->view == VIEW_LADDER ? VIEW_STEPS : VIEW_LADDER; (void)a; }
static void c_lane(struct tui *t, const char *a) { ladder_next_lane(t); t->view = VIEW_LADDER; (void)a; }
static void c_back(struct tui *t, const char *a) { t->view = VIEW_STEPS; t->status[0] = '\0'; (void)a; }

/* q: a scenario opened from the demo's menu goes back to it */
static void c_quit(struct tui *t, const char *a)
{
	(void)a;
	if (t->menu_home)
		demo_menu_return(t);
	else
		t->quit = true;
}

static void c_mode_n(struct tui *t, const char *a)
{
	int m = a ? sslmode_parse(a) : -1;
	if (m < 0 && a && *a >= '1' && *a <= '6' && !a[1])
		m = *a - '1';
	if (m < 0)
		snprintf(t->status, sizeof(t->status), "mode: give one of disable allow prefer require verify-ca verify-full");
	else
		tui_select_mode(t, m);
}

static void c_step(struct tui *t, const char *a)
{
	(void)a;
	if (t->holding)
		t->holding = false; /* the loop shows the next event, or lets the probes go on */
	else if (!t->running)
		snprintf(t->status, sizeof(t->status), "nothing to step: %s",
			 t->stepping ? "rerun to start again" : "press S for step mode, then r");
}

static void c_toggle_step(struct tui *t, const char *a)
{
	(void)a;
	t->stepping = !t->stepping;
	if (!t->stepping)
		t->holding = false;
	snprintf(t->status, sizeof(t->status), "step mode %s", t->stepping ? "on: each network event waits for n or space" : "off");
}

/* Open host i of the list (0 first) in the panes, or say why not. */
static void open_host(struct tui *t, int i)
{
	const struct session *s = t->s;
	if (s->nlisted <= 1) {
		snprintf(t->status, sizeof(t->status), "the target has one host");
	} else if (i < 0 || i >= s->nlisted) {
		snprintf(t->status, sizeof(t->status), "no host %d: the list has %d hosts", i + 1,
			 s->nlisted);
	} else if (i > s->nextra) {
		snprintf(t->status, sizeof(t->status),
			 "host %d was not probed: only the first %d of a list are", i + 1,
			 1 + s->nextra);
	} else {
		const struct conn_target *g = &session_host(s, i)->target;
		char *name = tui_endpoint(g->host, g->hostaddr, g->port);
		tui_open_host(t, i);
		snprintf(t->status, sizeof(t->status), "host %d of %d open: %s", i + 1, s->nlisted,
			 name);
		free(name);
	}
}

/* ] [: in a demo the next or previous scenario (its target has one host),
 * else the next or previous probed host, round the list */
static void c_host_next(struct tui *t, const char *a)
{
	(void)a;
	if (t->demo)
		demo_menu_step(t, 1);
	else
		open_host(t, (tui_host(t) + 1) % (1 + t->s->nextra));
}

static void c_host_prev(struct tui *t, const char *a)
{
	(void)a;
	if (t->demo)
		demo_menu_step(t, -1);
	else
		open_host(t, (tui_host(t) + t->s->nextra) % (1 + t->s->nextra));
}

static void c_rerun(struct tui *t, const char *a)
{
	(void)a;
	if (t->running)
		return;
	tui_start_probe(t);
}

const struct tui_command tui_commands[] = {
	{ "step-next", KEY_DOWN, 'j', "Down j", "next event (a text pane: scroll a row)", c_next },
	{ "step-prev", KEY_UP, 'k', "Up k", "previous event (a text pane: scroll back)", c_prev },
	{ "step-first", KEY_HOME, 'g', "Home g", "first event (a text pane: its top)", c_first },
	{ "step-last", KEY_END, 'G', "End G", "last event (a text pane: its end)", c_last },
	{ "page-down", KEY_NPAGE, 0, "PgDn/Up", "a page down / up in the focused pane", c_pgdn },
	{ "page-up", KEY_PPAGE, 0, NULL, NULL, c_pgup },
	{ "focus-next", '\t', 0, "Tab", "focus the next pane, marked > (Shift-Tab: the previous)", c_focus },
	{ "focus-prev", KEY_BTAB, 0, NULL, NULL, c_focus_prev },
	{ "search", '/', 0, "/", "search the focused pane (typed on the bottom line)", c_slash },
	{ "find-next", 'n', 0, "n N", "next / previous match (n steps a held probe)", c_find_next },
	{ "find-prev", 'N', 0, NULL, NULL, c_find_prev },
	{ "mode-next", KEY_RIGHT, 'l', "Right l", "explain the next sslmode, select where it fails", c_mode_next },
	{ "mode-prev", KEY_LEFT, 'h', "Left h", "explain the previous sslmode", c_mode_prev },
	{ "mode", 0, 0, "1-6", "explain sslmode N (or: mode verify-full)", c_mode_n },
	{ "view-chain", 'c', 0, "c", "certificate chain, trust and names (again: back)", c_chain },
	{ "view-findings", 'f', 0, "f", "findings with their fixes, the managed service (again: back)", c_findings },
	{ "ladder", 'L', 0, "L t", "client-server ladder (again: back); t its next probe", c_ladder },
	{ "lane", 't', 0, NULL, NULL, c_lane },
	{ "view-help", '?', 0, "?", "this table and the symbols' legend (again: back)", c_help },
	{ "view-main", 27, 0, "Esc", "back to the timeline", c_back },
	{ "host-next", ']', 0, "] [", "next / previous host (:host N); in a demo: scenario", c_host_next },
	{ "host-prev", '[', 0, NULL, NULL, c_host_prev },
	{ "step", ' ', 0, "Space", "let a held probe take its next step", c_step },
	{ "toggle-step", 'S', 0, "S", "step mode: hold after each network event", c_toggle_step },
	{ "rerun", 'r', 0, "r", "inspect the target again", c_rerun },
	{ "prompt", ':', 0, ":", "command line (connect, set, save, export-chain, ...); C-c cancels", cmdline_open },
	{ "quit", 'q', 0, "q", "quit (a scenario opened from the demo menu: back)", c_quit },
};
const size_t tui_ncommands = sizeof(tui_commands) / sizeof(*tui_commands);

/* ---- commands only the ':' line takes: they want the rest of the line ---- */

/* Show a tool error (it may quote the input) on the status line. */
void tui_status_error(struct tui *t, char *err)
{
	char *e = sanitize(err ? err : "error");
	snprintf(t->status, sizeof(t->status), "%s", e);
	free(e);
	free(err);
}

static void l_connect(struct tui *t, char *rest, const char *a1)
{
	char *err = NULL;
	if (!*rest)
		snprintf(t->status, sizeof(t->status), "connect TARGET");
	else if (session_set_target(t->s, rest, NULL, NULL, 0, &err) < 0)
		tui_status_error(t, err);
	else
		tui_start_probe(t);
}

/* set KEY VALUE: what the facts can answer is re-judged at once; the rest
 * rebuilds the target and inspects again (the session cancels a running
 * probe first) */
static void set_option(struct tui *t, const char *key, const char *value)
{
	char *err = NULL;
	int rc = session_set(t->s, key, value, &err);
	if (rc < 0) {
		tui_status_error(t, err);
	} else if (rc == SESSION_SET_STARTED) {
		tui_follow_new_run(t);
		t->status[0] = '\0';
	} else if (!strcmp(key, "libpq-version")) {
		snprintf(t->status, sizeof(t->status), "verdicts redrawn for libpq %d",
			 t->s->libpq_version);
	} else {
		if (!strcmp(key, "sslmode"))
			tui_select_mode(t, sslmode_parse(value));
		snprintf(t->status, sizeof(t->status),
			 "%s set; verdicts redrawn from the captured facts (no new connection)", key);
	}
}

static void l_set(struct tui *t, char *rest, const char *a1)
{
	char *val = strchr(rest, ' ');
	if (!val) {
		snprintf(t->status, sizeof(t->status), "set KEY VALUE");
		return;
	}
	*val++ = '\0';
	while (*val == ' ')
		val++;
	set_option(t, rest, val);
}

static void l_save(struct tui *t, char *rest, const char *a1)
{
	char kind[32] = "", file[1024] = "";
	char *err = NULL;
	if (sscanf(rest, "%31s %1023[^\n]", kind, file) != 2 ||
	    (strcmp(kind, "report") && strcmp(kind, "json") && strcmp(kind, "events") &&
	     strcmp(kind, "svg") && strcmp(kind, "html") && strcmp(kind, "pcap")))
		snprintf(t->status, sizeof(t->status), "save report|json|events|svg|html|pcap FILE");
	else if (session_save(t->s, kind, file, &err) < 0)
		tui_status_error(t, err);
	else
		snprintf(t->status, sizeof(t->status), "wrote %s", file);
}

/* host N: open host N of the list (1 first) */
static void l_host(struct tui *t, char *rest, const char *a1)
{
	char *end;
	long n = strtol(a1, &end, 10);
	if (!*a1 || *end || n < 1 || n > 100000)
		snprintf(t->status, sizeof(t->status), "host N: the host of the list to open (1 first)");
	else
		open_host(t, (int)n - 1);
}

/* the open host's chain */
static void l_export_chain(struct tui *t, char *rest, const char *a1)
{
	const struct inspection *ins = tui_ins(t);
	char *err = NULL;
	if (!*rest)
		snprintf(t->status, sizeof(t->status), "export-chain FILE");
	else if (report_pem_save(ins, rest, &err) < 0)
		tui_status_error(t, err);
	else
		snprintf(t->status, sizeof(t->status), "wrote %zu certificate%s to %s", ins->nchain,
			 ins->nchain == 1 ? "" : "s", rest);
}

static void l_help(struct tui *t, char *rest, const char *a1)
{
	t->view = VIEW_HELP;
}

/* the tests' screen dump, the screen as it is drawn at that point */
static void l_dump_screen(struct tui *t, char *rest, const char *a1)
{
	tui_redraw(t);
	tui_dump_screen(t, *a1 ? a1 : "screen");
}

static const struct {
	const char *name;
	bool scripted_only;
	void (*run)(struct tui *t, char *rest, const char *a1);
} line_commands[] = {
	{ "connect", false, l_connect },
	{ "set", false, l_set },
	{ "host", false, l_host },
	{ "save", false, l_save },
	{ "export-chain", false, l_export_chain },
	{ "help", false, l_help },
	{ "dump-screen", true, l_dump_screen },
};

/* cmd: the first word; a1: the second; rest: all after the first */
static void run_command(struct tui *t, const char *line)
{
	char cmd[64] = "", a1[1024] = "", rest[2048] = "";
	int n = sscanf(line, "%63s %1023s", cmd, a1);
	const char *after = line + strlen(cmd);
	while (*after == ' ')
		after++;
	snprintf(rest, sizeof(rest), "%s", after);
	if (n <= 0)
		return;
	for (size_t i = 0; i < sizeof(line_commands) / sizeof(*line_commands); i++)
		if (!strcmp(cmd, line_commands[i].name) &&
		    (t->scripted || !line_commands[i].scripted_only)) {
			line_commands[i].run(t, rest, a1);
			return;
		}
	for (size_t i = 0; i < tui_ncommands; i++)
		if (!strcmp(cmd, tui_commands[i].name)) {
			tui_commands[i].run(t, *a1 ? a1 : NULL);
			return;
		}
	char *c = sanitize(cmd);
	snprintf(t->status, sizeof(t->status), "unknown command: %s (? lists the keys)", c);
	free(c);
}

/* A line from the ':' line. */
void tui_dispatch(struct tui *t, const char *input)
{
	char *copy = xstrdup(input), *line = copy;
	/* completion leaves a blank after the last word */
	for (size_t n = strlen(line); n && (line[n - 1] == ' ' || line[n - 1] == '\t'); n--)
		line[n - 1] = '\0';
	while (*line == ' ')
		line++;
	run_command(t, line);
	free(copy);
}

/* A mouse event: a click selects, the wheel scrolls the focused pane. */
void tui_mouse(struct tui *t, const MEVENT *ev)
{
	if (ev->bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
		tui_click(t, ev->y, ev->x);
	else if (ev->bstate & BUTTON4_PRESSED)
		move_by(t, -3);
#ifdef BUTTON5_PRESSED
	else if (ev->bstate & BUTTON5_PRESSED)
		move_by(t, 3);
#endif
}

/* One key: a script's directive, a resize, a key for the open command
 * line, a mode's number, or a command's key. */
void tui_handle_key(struct tui *t, int k)
{
	if (tui_script_key(t, k))
		return;
	if (k == KEY_RESIZE) {
		cmdline_resize(LINES, COLS);
		return;
	}
	if (t->cmdline) {
		cmdline_key(t, k);
		return;
	}
	if (t->in_menu) {
		demo_menu_key(t, k);
		return;
	}
	if (k >= '1' && k <= '6') {
		tui_select_mode(t, k - '1');
		return;
	}
	if (k == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) == OK)
			tui_mouse(t, &ev);
		return;
	}
	for (size_t i = 0; i < tui_ncommands; i++)
		if (k && (k == tui_commands[i].key1 || k == tui_commands[i].key2)) {
			tui_commands[i].run(t, NULL);
			return;
		}
	if (k != ERR)
		snprintf(t->status, sizeof(t->status), "no command on that key (? lists them)");
}
