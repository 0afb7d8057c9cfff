/* SPDX-License-Identifier: MIT */
/* tui: the ncursesw interface's lifecycle. Layout (80x24 and up): a header,
 * a row a host when the target lists several, the timeline of the open
 * host's events beside a detail pane (or the chain view, or the key
 * table), the sslmode matrix, the explanation of the selected mode, and
 * a status line that doubles as the readline command line. This file owns
 * the terminal: it starts curses, restores the terminal on every exit,
 * signals included, and runs the one loop that waits on the keys and the
 * session's probes together, so events appear as they happen, keys work
 * while a probe runs, and step mode is a flag of that loop; it keeps
 * which host of a list is open and how many of each host's events are on
 * screen. What is drawn (view_*.c), what a key does (commands.c), the ':'
 * line (cmdline.c) and the test hooks (script.c) are elsewhere. */
#include "config.h"
#include "tui/tui.h"
#include "tui/tui_int.h"
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
	if (the_tui) {
		cmdline_release(the_tui);
		cmdline_save_history(the_tui); /* a signal's way out too */
	}
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

/* Why this terminal cannot hold the interface (a dumb one, no cursor
 * addressing, smaller than 40x12), or NULL; curses is started when it
 * can be. */
static const char *unusable_terminal(struct tui *t)
{
	const char *term = getenv("TERM");
	if (!term || !*term || !strcmp(term, "dumb"))
		return "TERM is dumb or unset";
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen)
		return "curses cannot drive it";
	const char *cup = tigetstr("cup");
	if (!cup || cup == (char *)-1)
		return "it has no cursor addressing";
	if (LINES < 12 || COLS < 40)
		return "it is smaller than 40x12";
	return NULL;
}

/* Curses on the terminal or, for a key script, on an in-memory screen.
 * Returns 0, TUI_NO_TERMINAL when the terminal cannot hold the interface
 * (said in one line), or the exit code when it cannot start. */
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
		const char *why = unusable_terminal(t);
		if (why) {
			if (t->screen) {
				endwin();
				delscreen(t->screen);
				t->screen = NULL;
			}
			fprintf(stderr, "pgtls-inspect: this terminal cannot show the interface (%s): the text report follows\n",
				why);
			return TUI_NO_TERMINAL;
		}
		ok = true;
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
	if (!t->scripted) {
		nodelay(stdscr, TRUE); /* the loop's poll() does the waiting */
		/* clicks select rows and modes (a script clicks with <Click>) */
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
				  | BUTTON5_PRESSED
#endif
			  ,
			  NULL);
		mouseinterval(0);
	}
}

/* ---- the open host of a list ---- */

/* The open host, within the hosts probed (a new run may have fewer). */
int tui_host(const struct tui *t)
{
	return t->host > 0 && t->host <= t->s->nextra ? t->host : 0;
}

const struct inspection *tui_ins(const struct tui *t)
{
	return session_host(t->s, tui_host(t));
}

size_t tui_shown(const struct tui *t)
{
	return t->shown[tui_host(t)];
}

void tui_open_host(struct tui *t, int i)
{
	t->host = i;
	t->sel = t->top = 0;
}

/* Every host's events, shown or not. */
static size_t events_total(const struct tui *t)
{
	size_t n = 0;
	for (int i = 0; i <= t->s->nextra; i++)
		n += session_host(t->s, i)->log.n;
	return n;
}

static bool all_shown(const struct tui *t)
{
	for (int i = 0; i <= t->s->nextra; i++)
		if (t->shown[i] != session_host(t->s, i)->log.n)
			return false;
	return true;
}

/* A run's end or a replay on the status line: what, how many events,
 * and the keys that see the rest. */
static void announce(struct tui *t, const char *what)
{
	char note[160];
	if (t->no_history) {
		/* said once, on the first run's line (cmdline_setup refused it) */
		snprintf(note, sizeof(note),
			 "no command history (~/.pgtls_inspect_history is not a regular file); %s",
			 what);
		what = note;
		t->no_history = false;
	}
	if (t->s->nlisted > 1)
		snprintf(t->status, sizeof(t->status),
			 "%s%d of %d hosts, %zu events; ] [ open each host, h/l each sslmode", what,
			 1 + t->s->nextra, t->s->nlisted, events_total(t));
	else
		snprintf(t->status, sizeof(t->status), "%s%zu events; h/l to see each sslmode",
			 what, events_total(t));
}

/* ---- live probing: one loop over keys, resizes and the probes ---- */

/* A new inspection is on its way: the screen follows it from its start
 * (the open host stays open while the new run has it). */
void tui_follow_new_run(struct tui *t)
{
	t->sel = t->top = 0;
	t->picked = false;
	memset(t->shown, 0, sizeof(t->shown));
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

/* The host whose next hidden event came first by its run's clock (the
 * runs start together and are held together), or -1. */
static int next_hidden(const struct tui *t)
{
	int best = -1;
	double at = 0;
	for (int i = 0; i <= t->s->nextra; i++) {
		const struct event_log *log = &session_host(t->s, i)->log;
		if (t->shown[i] >= log->n)
			continue;
		double ms = log->ev[t->shown[i]].t_ms;
		if (best < 0 || ms < at) {
			best = i;
			at = ms;
		}
	}
	return best;
}

/* Step mode as a flag of the loop: a new event is shown and then held (the
 * probes are not stepped, and their clock stands still) until n or Space;
 * the events of one burst, every host's, are shown one a step, each in its
 * host's timeline. Without step mode every event is shown as it comes. */
static void step_mode(struct tui *t)
{
	if (t->host != tui_host(t))
		tui_open_host(t, 0); /* the new run has no such host */
	if (!t->stepping) {
		t->holding = false;
		for (int i = 0; i <= t->s->nextra; i++) {
			size_t n = session_host(t->s, i)->log.n;
			if (i == t->host && t->shown[i] != n)
				t->sel = (int)n - 1;
			t->shown[i] = n;
		}
	} else if (!t->holding) {
		int i = next_hidden(t);
		if (i >= 0) {
			if (i != t->host)
				tui_open_host(t, i);
			t->shown[i]++;
			t->sel = (int)t->shown[i] - 1;
			t->holding = true;
		}
	}
	session_hold(t->s, t->holding);
}

/* What the last pass saw; a run that ended since is announced, and the
 * screen moves to the target's own sslmode. */
static void observe(struct tui *t)
{
	bool was_running = t->running;
	t->running = session_running(t->s);
	t->have_modes = t->s->judged && !t->running && all_shown(t);
	if (was_running && !t->running) {
		if (!t->status[0])
			announce(t, t->s->nlisted <= 1 && t->s->ins.reachable == 0 ?
					    "server not reachable: " : "done: ");
		int m = sslmode_parse(t->s->ins.target.sslmode);
		if (m >= 0)
			t->mode = m;
	}
	/* the opening screen: the step where the target's sslmode fails, or
	 * the first of its path with bytes (not the final Close) */
	if (t->have_modes && !t->picked) {
		t->picked = true;
		if (!t->stepping)
			t->sel = tui_meaningful_event(t, t->mode);
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
		for (int i = 0; i <= t->s->nextra; i++)
			t->shown[i] = session_host(t->s, i)->log.n;
		announce(t, "replayed ");
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
	t.in_menu = t.menu_home = st->demo_menu;
	char *err = NULL;
	if ((st->demo || st->demo_menu) && demo_menu_new(&t, &err) < 0) {
		fprintf(stderr, "pgtls-inspect: %s\n", err);
		free(err);
		return 2;
	}
	/* the ladder teaches: the first view in step mode and the demo */
	t.view = st->step || st->s->scenario ? VIEW_LADDER : VIEW_STEPS;
	the_tui = &t;

	setlocale(LC_ALL, "");
	t.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	catch_signals();
	int rc = start_curses(&t, st);
	if (rc) {
		the_tui = NULL;
		demo_menu_free(&t);
		tui_script_free(&t);
		return rc;
	}
	setup_terminal(&t);
	if (!t.in_menu)
		first_run(&t);
	tui_loop(&t);
	demo_menu_free(&t);
	cmdline_finish(&t);
	strlist_free(t.fields);
	restore_terminal();
	if (t.screen)
		delscreen(t.screen);
	tui_script_free(&t);
	the_tui = NULL;
	return 0;
}
