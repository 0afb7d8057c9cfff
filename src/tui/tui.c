/* SPDX-License-Identifier: MIT */
/* tui: the ncursesw interface's lifecycle. Layout (80x24 and up): a header,
 * the timeline of events beside a detail pane (or the chain view, or the
 * key table), the sslmode matrix, the explanation of the selected mode, and
 * a status line that doubles as the readline command line. This file owns
 * the terminal: it starts curses, restores the terminal on every exit,
 * signals included, and runs the one loop that waits on the keys and the
 * session's probes together, so events appear as they happen, keys work
 * while a probe runs, and step mode is a flag of that loop. What is drawn
 * (view_*.c), what a key does (commands.c), the ':' line (cmdline.c) and
 * the test hooks (script.c) are elsewhere. */
#include "config.h"
#include "tui/tui.h"
#include "tui/tui_int.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct tui *the_tui; /* for the signal handler */

/* ---- terminal lifecycle ---- */

static void restore_terminal(void)
{
	if (the_tui)
		cmdline_release(the_tui);
	if (!isendwin())
		endwin();
}

/* what was installed before us (the demo's cleanup), called after the
 * terminal is restored */
static void (*previous[NSIG])(int);

static void on_fatal_signal(int sig)
{
	restore_terminal();
	if (previous[sig] != SIG_DFL && previous[sig] != SIG_IGN && previous[sig] != SIG_ERR &&
	    previous[sig])
		previous[sig](sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Ours before curses starts, so that curses keeps its own out (its SIGINT
 * handler would exit(1)): the terminal is restored, then the signal ends
 * us as it would have (status 128 + N). */
static void catch_signals(void)
{
	previous[SIGTERM] = signal(SIGTERM, on_fatal_signal);
	previous[SIGINT] = signal(SIGINT, on_fatal_signal);
	previous[SIGHUP] = signal(SIGHUP, on_fatal_signal);
	previous[SIGQUIT] = signal(SIGQUIT, on_fatal_signal);
}

/* Curses on the terminal or, for a key script, on an in-memory screen.
 * Returns 0, or the exit code when it cannot start. */
static int start_curses(struct tui *t, const struct tui_start *st)
{
	bool ok;
	if (st->script) {
		if (tui_script_load(t, st->script) < 0) {
			fprintf(stderr, "pgtls-inspect: cannot read the key script %s\n", st->script);
			return 2;
		}
		t->scripted = true;
		t->dumpdir = getenv("PGTLS_INSPECT_DUMPDIR");
		/* an in-memory screen: nothing reaches a terminal */
		FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
		const char *term = getenv("TERM");
		t->screen = newterm(term && *term ? term : "dumb", out, in);
		ok = t->screen != NULL;
	} else {
		ok = initscr() != NULL;
	}
	if (!ok) {
		fprintf(stderr, "pgtls-inspect: cannot start curses\n");
		return 4;
	}
	return 0;
}

/* The terminal's modes, the colours and the command line; the terminal
 * is restored at exit whatever happens. */
static void setup_terminal(struct tui *t)
{
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	t->color = has_colors() && !getenv("NO_COLOR");
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_RED, -1);
		init_pair(4, COLOR_CYAN, -1);
	}
	cmdline_setup(t);
	if (!t->scripted)
		nodelay(stdscr, TRUE); /* the loop's poll() does the waiting */
}

/* ---- the command table: every key is a named command ---- */

static void c_next(struct tui *t, const char *a) { t->sel++; (void)a; }
static void c_prev(struct tui *t, const char *a) { if (t->sel > 0) t->sel--; (void)a; }
static void c_first(struct tui *t, const char *a) { t->sel = 0; (void)a; }
static void c_last(struct tui *t, const char *a) { t->sel = (int)t->shown - 1; (void)a; }
static void c_pgdn(struct tui *t, const char *a) { t->sel += 10; (void)a; }
static void c_pgup(struct tui *t, const char *a) { t->sel = t->sel > 10 ? t->sel - 10 : 0; (void)a; }
static void c_mode_next(struct tui *t, const char *a) { t->mode = (t->mode + 1) % SSLMODE_COUNT; (void)a; }
static void c_mode_prev(struct tui *t, const char *a) { t->mode = (t->mode + SSLMODE_COUNT - 1) % SSLMODE_COUNT; (void)a; }
static void c_chain(struct tui *t, const char *a) { t->view = t->view == VIEW_CHAIN ? VIEW_STEPS : VIEW_CHAIN; (void)a; }
static void c_findings(struct tui *t, const char *a) { t->view = t->view == VIEW_FINDINGS ? VIEW_STEPS : VIEW_FINDINGS; (void)a; }
static void c_help(struct tui *t, const char *a) { t->view = t->view == VIEW_HELP ? VIEW_STEPS : VIEW_HELP; (void)a; }
static void c_back(struct tui *t, const char *a) { t->view = VIEW_STEPS; t->status[0] = '\0'; (void)a; }
static void c_quit(struct tui *t, const char *a) { t->quit = true; (void)a; }

static void c_mode_n(struct tui *t, const char *a)
{
	int m = a ? sslmode_parse(a) : -1;
	if (m < 0 && a && *a >= '1' && *a <= '6' && !a[1])
		m = *a - '1';
	if (m < 0)
		snprintf(t->status, sizeof(t->status), "mode: give one of disable allow prefer require verify-ca verify-full");
	else
		t->mode = m;
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

static void c_rerun(struct tui *t, const char *a)
{
	(void)a;
	if (t->running)
		return;
	tui_start_probe(t);
}

const struct tui_command tui_commands[] = {
	{ "step-next", KEY_DOWN, 'j', "Down j", "select the next event", c_next },
	{ "step-prev", KEY_UP, 'k', "Up k", "select the previous event", c_prev },
	{ "step-first", KEY_HOME, 'g', "Home g", "select the first event", c_first },
	{ "step-last", KEY_END, 'G', "End G", "select the last event", c_last },
	{ "page-down", KEY_NPAGE, 0, "PgDn", "ten events down", c_pgdn },
	{ "page-up", KEY_PPAGE, 0, "PgUp", "ten events up", c_pgup },
	{ "mode-next", KEY_RIGHT, 'l', "Right l", "explain the next sslmode", c_mode_next },
	{ "mode-prev", KEY_LEFT, 'h', "Left h", "explain the previous sslmode", c_mode_prev },
	{ "mode", 0, 0, "1-6", "explain sslmode N (or: mode verify-full)", c_mode_n },
	{ "view-chain", 'c', 0, "c", "certificate chain, trust and names (again: back)", c_chain },
	{ "view-findings", 'f', 0, "f", "findings with their fixes, the managed service (again: back)", c_findings },
	{ "view-help", '?', 0, "?", "this table (again: back)", c_help },
	{ "view-main", 27, 0, "Esc", "back to the timeline", c_back },
	{ "step", ' ', 'n', "Space n", "let a held probe take its next step", c_step },
	{ "toggle-step", 'S', 0, "S", "step mode: hold after each network event", c_toggle_step },
	{ "rerun", 'r', 0, "r", "inspect the target again", c_rerun },
	{ "prompt", ':', 0, ":", "command line (connect, set, save, export-chain, ...)", cmdline_open },
	{ "quit", 'q', 0, "q", "quit", c_quit },
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
			t->mode = sslmode_parse(value);
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
	    (strcmp(kind, "report") && strcmp(kind, "json") && strcmp(kind, "events")))
		snprintf(t->status, sizeof(t->status), "save report|json|events FILE");
	else if (session_save(t->s, kind, file, &err) < 0)
		tui_status_error(t, err);
	else
		snprintf(t->status, sizeof(t->status), "wrote %s", file);
}

static void l_export_chain(struct tui *t, char *rest, const char *a1)
{
	const struct inspection *ins = &t->s->ins;
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
	if (k >= '1' && k <= '6') {
		t->mode = k - '1';
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

/* ---- live probing: one loop over keys, resizes and the probes ---- */

/* A new inspection is on its way: the screen follows it from its start. */
void tui_follow_new_run(struct tui *t)
{
	t->sel = t->top = 0;
	t->shown = 0;
	t->holding = false;
}

void tui_start_probe(struct tui *t)
{
	char *err = NULL;
	tui_follow_new_run(t);
	t->status[0] = '\0';
	if (session_start(t->s, &err) < 0)
		tui_status_error(t, err);
}

/* Step mode as a flag of the loop: a new event is shown and then held (the
 * probes are not stepped, and their clock stands still) until n or Space;
 * the events of one burst are shown one a step. Without step mode every
 * event is shown as it comes. */
static void step_mode(struct tui *t)
{
	size_t n = t->s->ins.log.n;
	if (!t->stepping) {
		t->holding = false;
		if (t->shown != n)
			t->sel = (int)n - 1;
		t->shown = n;
	} else if (!t->holding && t->shown < n) {
		t->shown++;
		t->sel = (int)t->shown - 1;
		t->holding = true;
	}
	session_hold(t->s, t->holding);
}

/* What the last pass saw; a run that ended since is announced, and the
 * screen moves to the target's own sslmode. */
static void observe(struct tui *t)
{
	bool was_running = t->running;
	t->running = session_running(t->s);
	t->have_modes = t->s->judged && !t->running && t->shown == t->s->ins.log.n;
	if (was_running && !t->running) {
		if (!t->status[0])
			snprintf(t->status, sizeof(t->status),
				 "%s: %zu events; h/l to see each sslmode",
				 t->s->ins.reachable == 0 ? "server not reachable" : "done",
				 t->s->ins.log.n);
		int m = sslmode_parse(t->s->ins.target.sslmode);
		if (m >= 0)
			t->mode = m;
	}
}

/* Wait for the probes and, with keys, the terminal, then step what is
 * ready. 1: a key (or a resize, which interrupts poll) may be waiting; 0:
 * none; -1: the terminal is gone. */
static int wait_once(struct tui *t, bool keys)
{
	struct pollfd pfd[SESSION_MAX_FDS + 1];
	int ms, n = session_wait_set(t->s, pfd, SESSION_MAX_FDS, &ms);
	if (keys) {
		pfd[n] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	}
	int rc = poll(pfd, (nfds_t)(n + keys), ms);
	if (rc < 0 && errno != EINTR)
		return -1;
	session_step(t->s, pfd, n);
	if (!keys)
		return 0;
	if (rc < 0 || (pfd[n].revents & POLLIN))
		return 1;
	return pfd[n].revents ? -1 : 0;
}

/* The one loop: draw, then wait for a key or the probes (a script's keys
 * come one a pass), until a command quits or the keys run out. */
static void tui_loop(struct tui *t)
{
	while (!t->quit) {
		step_mode(t);
		observe(t);
		tui_redraw(t);
		bool probing = t->running && !t->holding;
		if (t->scripted) {
			/* a script's keys come when the screen is still: with no
			 * probe running, or a probe held */
			if (probing) {
				wait_once(t, false);
				continue;
			}
			int k = tui_script_next(t);
			if (k == ERR)
				break;
			tui_handle_key(t, k);
			continue;
		}
		int ready = wait_once(t, true);
		if (ready < 0)
			break;
		for (int k; ready && !t->quit && (k = getch()) != ERR;)
			tui_handle_key(t, k);
	}
}

/* ---- entry ---- */

/* A replayed log is shown whole at once, at its own sslmode; a live
 * target is inspected. */
static void first_run(struct tui *t)
{
	if (t->s->replayed) {
		int m = sslmode_parse(t->s->ins.target.sslmode);
		t->mode = m >= 0 ? m : SSLMODE_PREFER;
		t->shown = t->s->ins.log.n;
		snprintf(t->status, sizeof(t->status), "replayed %zu events; h/l to see each sslmode",
			 t->s->ins.log.n);
	} else {
		tui_start_probe(t);
	}
}

int tui_run(struct tui_start *st)
{
	struct tui t;
	memset(&t, 0, sizeof(t));
	t.s = st->s;
	t.stepping = st->step;
	the_tui = &t;

	setlocale(LC_ALL, "");
	t.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	catch_signals();
	int rc = start_curses(&t, st);
	if (rc) {
		the_tui = NULL;
		return rc;
	}
	setup_terminal(&t);
	first_run(&t);
	tui_loop(&t);
	cmdline_finish(&t);
	restore_terminal();
	if (t.screen)
		delscreen(t.screen);
	tui_script_free(&t);
	the_tui = NULL;
	return 0;
}
