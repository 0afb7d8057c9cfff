/* SPDX-License-Identifier: MIT */
/* tui: the ncursesw interface. Layout (80x24 and up): a header, the
 * timeline of events beside a detail pane (or the chain view, or the key
 * table), the sslmode matrix, the explanation of the selected mode, and a
 * status line that doubles as the readline command line. Every key is a
 * named command in one table (tig's design); the ':' line runs the same
 * commands. One loop waits on the keys and the session's probes together,
 * so events appear as they happen, keys work while a probe runs, and step
 * mode is a flag of that loop. All terminal handling is here; the terminal
 * is restored on every exit, signals included. */
#include "config.h"
#include "tui/tui.h"
#include "tui/tui_int.h"
#include "engine/conninfo.h"
#include "engine/event_fields.h"
#include "app/session.h"
#include "engine/x509.h"
#include "model/sslmode.h"
#include "output/report.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

static struct tui *the_tui; /* for readline's and the signal handler's callbacks */

/* ---- terminal lifecycle ---- */

static void restore_terminal(void)
{
	if (the_tui && the_tui->cmdline)
		rl_callback_handler_remove();
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

/* ---- input: the terminal, or a key script ---- */

static const struct {
	const char *name;
	int key;
} script_keys[] = {
	{ "Enter", '\r' },     { "Esc", 27 },		{ "Tab", '\t' },
	{ "BS", 127 },	       { "Space", ' ' },	{ "Up", KEY_UP },
	{ "Down", KEY_DOWN },  { "Left", KEY_LEFT },	{ "Right", KEY_RIGHT },
	{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },	{ "Home", KEY_HOME },
	{ "End", KEY_END },    { "lt", '<' },	{ "Colon", ':' },
};

/* A resize or a screen dump in a script: encoded above the key range. */
#define SCRIPT_RESIZE 0x100000
#define SCRIPT_DUMP 0x2000000

static void script_push(struct tui *t, int k)
{
	t->script = xrealloc(t->script, (t->nscript + 1) * sizeof(int));
	t->script[t->nscript++] = k;
}

/* tig's script syntax: literal text, <Key> names, <C-x>, <Resize WxH>,
 * ':command' lines (with an implied Enter), '#' comments. */
static int script_load(struct tui *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");
		line[n] = '\0';
		if (line[0] == '#' || n == 0)
			continue;
		bool colon = line[0] == ':';
		for (size_t i = 0; i < n; i++) {
			if (line[i] == '<') {
				char *end = strchr(line + i, '>');
				int w, h;
				if (end) {
					size_t len = (size_t)(end - line - (long)i - 1);
					char name[64];
					snprintf(name, sizeof(name), "%.*s", (int)len, line + i + 1);
					int key = -1;
					if (sscanf(name, "Resize %dx%d", &w, &h) == 2)
						key = SCRIPT_RESIZE + (w << 10) + h;
					else if (!strncmp(name, "Dump ", 5)) {
						/* a dump at this very point, even with the
						 * command line half typed */
						strlist_add(&t->dumps, &t->ndumps, name + 5);
						key = SCRIPT_DUMP + t->ndumps - 1;
					}
					else if (!strncmp(name, "C-", 2) && len == 3)
						key = name[2] & 0x1f;
					for (size_t k = 0; k < sizeof(script_keys) / sizeof(*script_keys); k++)
						if (!strcmp(name, script_keys[k].name))
							key = script_keys[k].key;
					if (key >= 0) {
						script_push(t, key);
						i += len + 1;
						continue;
					}
				}
			}
			script_push(t, (unsigned char)line[i]);
		}
		if (colon)
			script_push(t, '\r');
	}
	fclose(f);
	return 0;
}

/* The script's next key (ERR at its end); the terminal's come through
 * the loop's poll(). */
static int next_key(struct tui *t)
{
	return t->pos < t->nscript ? t->script[t->pos++] : ERR;
}

/* ---- the panes ---- */

/* ---- the command table: every key is a named command ---- */

static void cmd_dispatch(struct tui *t, const char *input);
static void run_command(struct tui *t, const char *line, char *cmd, char *a1, char *rest,
			size_t restlen);
static void start_probe(struct tui *t);

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
	start_probe(t);
}

static void prompt_open(struct tui *t, const char *a);

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
	{ "prompt", ':', 0, ":", "command line (connect, set, save, export-chain, ...)", prompt_open },
	{ "quit", 'q', 0, "q", "quit", c_quit },
};
const size_t tui_ncommands = sizeof(tui_commands) / sizeof(*tui_commands);

/* ---- the command line (GNU readline, callback interface) ---- */

static int rl_byte;
static bool rl_byte_ready;

static int cmdline_getc(FILE *f)
{
	(void)f;
	rl_byte_ready = false;
	return rl_byte;
}

static int cmdline_avail(void)
{
	return rl_byte_ready;
}

void cmdline_draw(struct tui *t)
{
	int y = LINES - 1;
	if (t->matches) {
		tui_fill(y - 1, 0, COLS, A_REVERSE);
		tui_put(y - 1, 0, COLS, t->matches, A_REVERSE);
	}
	const char *prompt = rl_display_prompt ? rl_display_prompt : ":";
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	tui_fill(y, 0, COLS, A_NORMAL);
	/* scroll horizontally so the cursor stays visible */
	int point = rl_point;
	int start = point > COLS - 4 ? point - (COLS - 4) : 0;
	tui_put(y, 0, COLS, prompt, A_BOLD);
	tui_put(y, (int)strlen(prompt), COLS - (int)strlen(prompt), line + start, A_NORMAL);
	move(y, (int)strlen(prompt) + point - start);
	refresh();
}

static void cmdline_redisplay(void)
{
	cmdline_draw(the_tui);
}

static void on_line(char *line)
{
	struct tui *t = the_tui;
	rl_callback_handler_remove();
	t->cmdline = false;
	keypad(stdscr, TRUE);
	free(t->matches);
	t->matches = NULL;
	if (line && *line) {
		/* a test's screen dump must not disturb what it shows */
		if (strncmp(line, "dump-screen", 11) != 0) {
			add_history(line);
			t->status[0] = '\0';
		}
		cmd_dispatch(t, line);
	}
	free(line);
}

static void prompt_open(struct tui *t, const char *a)
{
	(void)a;
	t->cmdline = true;
	keypad(stdscr, FALSE); /* readline wants the raw bytes */
	rl_callback_handler_install(":", on_line);
	tui_redraw(t);
}

/* completion: command names, set keys, values, file names */
static const char *const set_keys[] = { "host", "hostaddr", "port", "user", "dbname",
					"sslmode", "sslrootcert", "sslcert", "sslkey",
					"libpq-version", NULL };
static const char *const modes_list[] = { "disable", "allow", "prefer", "require",
					  "verify-ca", "verify-full", NULL };
static const char *const save_kinds[] = { "report", "json", "events", NULL };
static const char *const extra_commands[] = { "connect", "set", "save", "export-chain",
					      "help", NULL };
static const char *const *complete_from;
static bool complete_commands;

static char *complete_gen(const char *text, int state)
{
	static size_t i;
	static size_t len;
	if (!state) {
		i = 0;
		len = strlen(text);
	}
	if (complete_commands) {
		while (i < tui_ncommands + 5) {
			const char *name = i < tui_ncommands ? tui_commands[i].name : extra_commands[i - tui_ncommands];
			i++;
			if (name && !strncmp(name, text, len))
				return xstrdup(name);
		}
		return NULL;
	}
	while (complete_from && complete_from[i]) {
		const char *name = complete_from[i++];
		if (!strncmp(name, text, len))
			return xstrdup(name);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	char *before = xstrndup(rl_line_buffer, (size_t)start);
	char w1[64] = "", w2[64] = "";
	int words = sscanf(before, "%63s %63s", w1, w2);
	free(before);
	rl_attempted_completion_over = 1;
	complete_commands = false;
	complete_from = NULL;
	if (words <= 0) {
		complete_commands = true;
	} else if (!strcmp(w1, "set") && words == 1) {
		complete_from = set_keys;
	} else if (!strcmp(w1, "set") && words == 2 && !strcmp(w2, "sslmode")) {
		complete_from = modes_list;
	} else if ((!strcmp(w1, "mode")) && words == 1) {
		complete_from = modes_list;
	} else if (!strcmp(w1, "save") && words == 1) {
		complete_from = save_kinds;
	} else if ((!strcmp(w1, "save") && words == 2) || !strcmp(w1, "export-chain") ||
		   (!strcmp(w1, "set") && words == 2 &&
		    (!strcmp(w2, "sslrootcert") || !strcmp(w2, "sslcert") || !strcmp(w2, "sslkey")))) {
		rl_attempted_completion_over = 0;
		return NULL; /* file names */
	} else {
		return NULL;
	}
	return rl_completion_matches(text, complete_gen);
}

static void show_matches(char **matches, int n, int maxlen)
{
	(void)maxlen;
	struct tui *t = the_tui;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 1; i <= n; i++)
		sb_addf(&sb, "%s%s", i > 1 ? "  " : "", matches[i]);
	/* shown above the command line until the line is done */
	free(t->matches);
	t->matches = sb_detach(&sb);
	cmdline_draw(t);
}

static void cmdline_setup(struct tui *t)
{
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_change_environment = 0;
	rl_readline_name = "pgtls-inspect";
	rl_getc_function = cmdline_getc;
	rl_input_available_hook = cmdline_avail;
	rl_redisplay_function = cmdline_redisplay;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_outstream = fopen("/dev/null", "w");
	using_history();
	const char *home = getenv("HOME");
	if (home && *home) {
		t->histfile = xasprintf("%s/.pgtls_inspect_history", home);
		read_history(t->histfile);
	}
}

static void feed_readline(int key)
{
	/* arrows come as curses codes from scripts: give readline the
	 * bytes a terminal would send */
	const char *seq = key == KEY_LEFT ? "\033[D" : key == KEY_RIGHT ? "\033[C" :
			  key == KEY_UP ? "\033[A" : key == KEY_DOWN ? "\033[B" :
			  key == KEY_HOME ? "\033[H" : key == KEY_END ? "\033[F" : NULL;
	char one[2] = { (char)(key == KEY_BACKSPACE ? 127 : key), 0 };
	if (!seq)
		seq = one;
	for (const char *p = seq; *p && the_tui->cmdline; p++) {
		rl_byte = (unsigned char)*p;
		rl_byte_ready = true;
		rl_callback_read_char();
	}
}

/* ---- commands from the ':' line ---- */

/* Show a tool error (it may quote the input) on the status line. */
static void status_error(struct tui *t, char *err)
{
	char *e = sanitize(err ? err : "error");
	snprintf(t->status, sizeof(t->status), "%s", e);
	free(e);
	free(err);
}

static void save_to(struct tui *t, const char *kind, const char *path)
{
	char *err = NULL;
	if (session_save(t->s, kind, path, &err) < 0)
		status_error(t, err);
	else
		snprintf(t->status, sizeof(t->status), "wrote %s", path);
}

static void export_chain(struct tui *t, const char *path)
{
	char *err = NULL;
	const struct inspection *ins = &t->s->ins;
	if (report_pem_save(ins, path, &err) < 0)
		status_error(t, err);
	else
		snprintf(t->status, sizeof(t->status), "wrote %zu certificate%s to %s", ins->nchain,
			 ins->nchain == 1 ? "" : "s", path);
}

static void dump_screen(struct tui *t, const char *name)
{
	char *path = xasprintf("%s/%s.screen", t->dumpdir ? t->dumpdir : ".", name);
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return;
	refresh();
	for (int y = 0; y < LINES; y++) {
		wchar_t w[1024];
		int n = mvwinnwstr(curscr, y, 0, w, COLS < 1023 ? COLS : 1023);
		if (n < 0)
			n = 0;
		w[n] = 0;
		char out[4096];
		size_t len = wcstombs(out, w, sizeof(out) - 1);
		if (len == (size_t)-1)
			len = 0;
		out[len] = '\0';
		while (len && out[len - 1] == ' ')
			out[--len] = '\0';
		fprintf(f, "%s\n", out);
	}
	fclose(f);
}

/* A new inspection is on its way: the screen follows it from its start. */
static void follow_new_run(struct tui *t)
{
	t->sel = t->top = 0;
	t->shown = 0;
	t->holding = false;
}

static void connect_target(struct tui *t, const char *target)
{
	char *err = NULL;
	if (session_set_target(t->s, target, NULL, NULL, 0, &err) < 0) {
		status_error(t, err);
		return;
	}
	start_probe(t);
}

/* set KEY VALUE: what the facts can answer is re-judged at once; the rest
 * rebuilds the target and inspects again (the session cancels a running
 * probe first) */
static void set_option(struct tui *t, const char *key, const char *value)
{
	char *err = NULL;
	int rc = session_set(t->s, key, value, &err);
	if (rc < 0) {
		status_error(t, err);
	} else if (rc == SESSION_SET_STARTED) {
		follow_new_run(t);
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

static void cmd_dispatch(struct tui *t, const char *input)
{
	char cmd[64] = "", a1[1024] = "", rest[2048] = "";
	char *copy = xstrdup(input), *line = copy;
	/* completion leaves a blank after the last word */
	for (size_t n = strlen(line); n && (line[n - 1] == ' ' || line[n - 1] == '\t'); n--)
		line[n - 1] = '\0';
	while (*line == ' ')
		line++;
	run_command(t, line, cmd, a1, rest, sizeof(rest));
	free(copy);
}

static void run_command(struct tui *t, const char *line, char *cmd, char *a1, char *rest,
			size_t restlen)
{
	int n = sscanf(line, "%63s %1023s", cmd, a1);
	const char *after = line + strlen(cmd);
	while (*after == ' ')
		after++;
	snprintf(rest, restlen, "%s", after);
	if (n <= 0)
		return;
	if (!strcmp(cmd, "connect")) {
		if (!*rest)
			snprintf(t->status, sizeof(t->status), "connect TARGET");
		else
			connect_target(t, rest);
		return;
	}
	if (!strcmp(cmd, "set")) {
		char *val = strchr(rest, ' ');
		if (!val) {
			snprintf(t->status, sizeof(t->status), "set KEY VALUE");
			return;
		}
		*val++ = '\0';
		while (*val == ' ')
			val++;
		set_option(t, rest, val);
		return;
	}
	if (!strcmp(cmd, "save")) {
		char kind[32] = "", file[1024] = "";
		if (sscanf(rest, "%31s %1023[^\n]", kind, file) != 2 ||
		    (strcmp(kind, "report") && strcmp(kind, "json") && strcmp(kind, "events")))
			snprintf(t->status, sizeof(t->status), "save report|json|events FILE");
		else
			save_to(t, kind, file);
		return;
	}
	if (!strcmp(cmd, "export-chain")) {
		if (!*rest)
			snprintf(t->status, sizeof(t->status), "export-chain FILE");
		else
			export_chain(t, rest);
		return;
	}
	if (!strcmp(cmd, "help")) {
		t->view = VIEW_HELP;
		return;
	}
	if (!strcmp(cmd, "dump-screen") && t->scripted) {
		tui_redraw(t);
		dump_screen(t, *a1 ? a1 : "screen");
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

/* ---- keys ---- */

static void dump_screen(struct tui *t, const char *name);

static void handle_key(struct tui *t, int k)
{
	if (k >= SCRIPT_DUMP) {
		if (t->cmdline)
			cmdline_draw(t);
		dump_screen(t, t->dumps[k - SCRIPT_DUMP]);
		return;
	}
	if (k >= SCRIPT_RESIZE) {
		int w = (k - SCRIPT_RESIZE) >> 10, h = (k - SCRIPT_RESIZE) & 1023;
		resizeterm(h, w);
		rl_set_screen_size(h, w);
		return;
	}
	if (k == KEY_RESIZE) {
		rl_set_screen_size(LINES, COLS);
		return;
	}
	if (t->cmdline) {
		if (k == 27 || k == 7) { /* Esc, Ctrl-G: cancel */
			rl_replace_line("", 0);
			rl_callback_handler_remove();
			t->cmdline = false;
			keypad(stdscr, TRUE);
			free(t->matches);
			t->matches = NULL;
			return;
		}
		feed_readline(k);
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

static void start_probe(struct tui *t)
{
	char *err = NULL;
	follow_new_run(t);
	t->status[0] = '\0';
	if (session_start(t->s, &err) < 0)
		status_error(t, err);
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
			int k = next_key(t);
			if (k == ERR)
				break;
			handle_key(t, k);
			continue;
		}
		int ready = wait_once(t, true);
		if (ready < 0)
			break;
		for (int k; ready && !t->quit && (k = getch()) != ERR;)
			handle_key(t, k);
	}
}

/* ---- entry ---- */

int tui_run(struct tui_start *st)
{
	struct tui t;
	memset(&t, 0, sizeof(t));
	t.s = st->s;
	t.stepping = st->step;
	the_tui = &t;

	setlocale(LC_ALL, "");
	t.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* ours before curses starts, so that curses keeps its own out (its
	 * SIGINT handler would exit(1)): the terminal is restored, then the
	 * signal ends us as it would have (status 128 + N) */
	previous[SIGTERM] = signal(SIGTERM, on_fatal_signal);
	previous[SIGINT] = signal(SIGINT, on_fatal_signal);
	previous[SIGHUP] = signal(SIGHUP, on_fatal_signal);
	previous[SIGQUIT] = signal(SIGQUIT, on_fatal_signal);
	if (st->script) {
		if (script_load(&t, st->script) < 0) {
			fprintf(stderr, "pgtls-inspect: cannot read the key script %s\n", st->script);
			return 2;
		}
		t.scripted = true;
		t.dumpdir = getenv("PGTLS_INSPECT_DUMPDIR");
		/* an in-memory screen: nothing reaches a terminal */
		FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
		const char *term = getenv("TERM");
		t.screen = newterm(term && *term ? term : "dumb", out, in);
		if (!t.screen) {
			fprintf(stderr, "pgtls-inspect: cannot start curses\n");
			return 4;
		}
	} else {
		if (!initscr()) {
			fprintf(stderr, "pgtls-inspect: cannot start curses\n");
			return 4;
		}
	}
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	t.color = has_colors() && !getenv("NO_COLOR");
	if (t.color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_RED, -1);
		init_pair(4, COLOR_CYAN, -1);
	}
	cmdline_setup(&t);
	rl_set_screen_size(LINES, COLS);

	if (!t.scripted)
		nodelay(stdscr, TRUE); /* the loop's poll() does the waiting */
	if (t.s->replayed) {
		int m = sslmode_parse(t.s->ins.target.sslmode);
		t.mode = m >= 0 ? m : SSLMODE_PREFER;
		t.shown = t.s->ins.log.n;
		snprintf(t.status, sizeof(t.status), "replayed %zu events; h/l to see each sslmode",
			 t.s->ins.log.n);
	} else {
		start_probe(&t);
	}
	tui_loop(&t);
	if (t.cmdline)
		rl_callback_handler_remove();
	t.cmdline = false;
	if (t.histfile) {
		write_history(t.histfile);
		history_truncate_file(t.histfile, 500);
	}
	restore_terminal();
	if (t.screen)
		delscreen(t.screen);
	free(t.script);
	strlist_free(t.dumps);
	free(t.matches);
	free(t.histfile);
	the_tui = NULL;
	return 0;
}
