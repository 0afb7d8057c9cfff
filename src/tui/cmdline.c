/* SPDX-License-Identifier: MIT */
/* cmdline: the ':' line, GNU readline through its callback interface: the
 * loop hands it one key at a time (cmdline_key), readline edits, completes
 * and keeps the history, and a finished line goes to the command table
 * (tui_dispatch). Readline never touches the terminal: its input comes
 * from the loop, its output goes to /dev/null, and the line is drawn with
 * curses. Nothing else in the interface calls readline. */
#include "config.h"
#include "tui/tui_int.h"
#include "engine/conninfo.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/ufile.h"
#include "util/xalloc.h"
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the run being edited, for readline's callbacks, which take no argument */
static struct tui *cl_tui;

/* the byte readline reads next: the loop feeds one at a time */
static int in_byte;
static bool in_ready;

static int cmdline_getc(FILE *f)
{
	(void)f;
	in_ready = false;
	return in_byte;
}

static int cmdline_avail(void)
{
	return in_ready;
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
	cmdline_draw(cl_tui);
}

/* The line is done or given up: the keys are the interface's again. */
static void close_line(struct tui *t)
{
	rl_callback_handler_remove();
	t->cmdline = false;
	t->searching = false;
	keypad(stdscr, TRUE);
	cbreak(); /* Ctrl-C is a signal again */
	free(t->matches);
	t->matches = NULL;
}

/* What the history (written to ~/.pgtls_inspect_history) keeps of a
 * line: a password or another secret in "connect TARGET" or "set KEY
 * VALUE" masked. */
static char *history_line(const char *line)
{
	char cmd[16] = "", key[64] = "";
	int n = 0;

	if (sscanf(line, " %15s%n", cmd, &n) == 1 && !strcmp(cmd, "connect")) {
		char *shown = conninfo_target_shown(line + n + strspn(line + n, " "));
		char *h = xasprintf("connect %s", shown);
		free(shown);
		return h;
	}
	if (sscanf(line, " %15s %63s", cmd, key) == 2 && !strcmp(cmd, "set") &&
	    conninfo_keyword_secret(key))
		return xasprintf("set %s ********", key);
	return xstrdup(line);
}

static void on_line(char *line)
{
	struct tui *t = cl_tui;
	bool search = t->searching;
	close_line(t);
	if (search) {
		if (line && *line)
			tui_search(t, line);
	} else if (line && *line) {
		/* a test's screen dump must not disturb what it shows */
		if (strncmp(line, "dump-screen", 11) != 0) {
			char *h = history_line(line);
			add_history(h);
			free(h);
			t->status[0] = '\0';
		}
		tui_dispatch(t, line);
	}
	free(line);
}

/* The bottom line for a command (prompt ":") or a search ("/"). */
static void open_line(struct tui *t, const char *prompt)
{
	t->cmdline = true;
	keypad(stdscr, FALSE); /* readline wants the raw bytes */
	raw();		       /* and Ctrl-C as a byte, which cancels the line */
	rl_callback_handler_install(prompt, on_line);
	tui_redraw(t);
}

void cmdline_open(struct tui *t, const char *a)
{
	(void)a;
	t->searching = false;
	open_line(t, ":");
}

void cmdline_search(struct tui *t, const char *a)
{
	(void)a;
	t->searching = true;
	open_line(t, "/");
}

/* completion: command names, set keys, values, file names */
static const char *const set_keys[] = { "host", "hostaddr", "port", "user", "dbname",
					"sslmode", "sslrootcert", "sslcert", "sslkey",
					"sslcrl", "sslcrldir", "libpq-version", "at", "login",
					NULL };
static const char *const login_values[] = { "on", "off", "any", NULL };
static const char *const modes_list[] = { "disable", "allow", "prefer", "require",
					  "verify-ca", "verify-full", NULL };
static const char *const save_kinds[] = { "report", "json", "events", "svg", "html", "pcap", NULL };
/* the commands only the ':' line takes (commands.c) */
static const char *const extra_commands[] = { "connect", "set", "host", "save", "export-chain",
					      "help", NULL };
#define NEXTRA (sizeof(extra_commands) / sizeof(*extra_commands) - 1)
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
		while (i < tui_ncommands + NEXTRA) {
			const char *name = i < tui_ncommands ? tui_commands[i].name :
							       extra_commands[i - tui_ncommands];
			i++;
			if (!strncmp(name, text, len))
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
	} else if (!strcmp(w1, "set") && words == 2 && !strcmp(w2, "login")) {
		complete_from = login_values;
	} else if ((!strcmp(w1, "mode")) && words == 1) {
		complete_from = modes_list;
	} else if (!strcmp(w1, "save") && words == 1) {
		complete_from = save_kinds;
	} else if ((!strcmp(w1, "save") && words == 2) || !strcmp(w1, "export-chain") ||
		   (!strcmp(w1, "set") && words == 2 &&
		    (!strcmp(w2, "sslrootcert") || !strcmp(w2, "sslcert") || !strcmp(w2, "sslkey") ||
		     !strcmp(w2, "sslcrl") || !strcmp(w2, "sslcrldir")))) {
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
	struct tui *t = cl_tui;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 1; i <= n; i++)
		sb_addf(&sb, "%s%s", i > 1 ? "  " : "", matches[i]);
	/* shown above the command line until the line is done */
	free(t->matches);
	t->matches = sb_detach(&sb);
	cmdline_draw(t);
}

void cmdline_setup(struct tui *t)
{
	cl_tui = t;
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
		/* readline's read_history and write_history open the file
		 * themselves: anything but a regular file (a FIFO would block
		 * them) means no history, said on the status line */
		char *err = NULL;
		if (ufile_regular_or_absent(t->histfile, &err) < 0) {
			char *e = sanitize(err);
			snprintf(t->status, sizeof(t->status), "no command history: %s", e);
			free(e);
			free(err);
			free(t->histfile);
			t->histfile = NULL;
			t->no_history = true;
		} else {
			read_history(t->histfile);
		}
	}
	rl_set_screen_size(LINES, COLS);
}

void cmdline_resize(int lines, int cols)
{
	rl_set_screen_size(lines, cols);
}

static void feed_readline(struct tui *t, int key)
{
	/* arrows come as curses codes from scripts: give readline the
	 * bytes a terminal would send */
	const char *seq = key == KEY_LEFT ? "\033[D" : key == KEY_RIGHT ? "\033[C" :
			  key == KEY_UP ? "\033[A" : key == KEY_DOWN ? "\033[B" :
			  key == KEY_HOME ? "\033[H" : key == KEY_END ? "\033[F" : NULL;
	char one[2] = { (char)(key == KEY_BACKSPACE ? 127 : key), 0 };
	if (!seq)
		seq = one;
	for (const char *p = seq; *p && t->cmdline; p++) {
		in_byte = (unsigned char)*p;
		in_ready = true;
		rl_callback_read_char();
	}
}

void cmdline_key(struct tui *t, int key)
{
	if (key == 27 || key == 7 || key == 3) { /* Esc, Ctrl-G, Ctrl-C: cancel */
		rl_replace_line("", 0);
		close_line(t);
		return;
	}
	feed_readline(t, key);
}

/* Take the terminal back from readline (a signal, or the end of the run). */
void cmdline_release(struct tui *t)
{
	if (t->cmdline)
		rl_callback_handler_remove();
	t->cmdline = false;
}

/* The history to its file: on every way out (q, :quit, the end of a
 * script, a signal). */
void cmdline_save_history(struct tui *t)
{
	char *err = NULL;
	/* a FIFO put there meanwhile is left alone */
	if (t->histfile && ufile_regular_or_absent(t->histfile, &err) == 0) {
		write_history(t->histfile);
		history_truncate_file(t->histfile, 500);
	}
	free(err);
}

void cmdline_finish(struct tui *t)
{
	cmdline_release(t);
	cmdline_save_history(t);
	free(t->histfile);
	t->histfile = NULL;
	free(t->matches);
	t->matches = NULL;
	cl_tui = NULL;
}
