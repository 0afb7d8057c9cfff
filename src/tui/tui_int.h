/* SPDX-License-Identifier: MIT */
/* tui_int: what the interface's own files share, and nothing outside
 * src/tui includes: the state of one run (struct tui), the views, and the
 * functions one file of the interface calls in another. Each file owns one
 * job: tui.c the terminal and the loop, draw.c the drawing primitives,
 * view_*.c one part of the screen each, commands.c the command table,
 * cmdline.c GNU readline, script.c the test hooks. */
#ifndef PGI_TUI_INT_H
#define PGI_TUI_INT_H
#include "app/session.h"
#include "engine/event.h"
#include "model/explain.h"
#include "model/sslmode.h"
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

enum view { VIEW_STEPS, VIEW_CHAIN, VIEW_HELP, VIEW_FINDINGS, VIEW_LADDER };

struct tui {
	struct session *s; /* the target, its inspection and verdicts */
	bool stepping;   /* step mode: hold after each event */
	bool holding;    /* held right now, until n or Space */
	/* each host's events on screen (step mode reveals one a step) */
	size_t shown[SESSION_MAX_HOSTS];
	int host;        /* the host of the list open in the panes (0 first) */
	/* as of the last pass of the loop: */
	bool running;    /* probes in progress */
	bool have_modes; /* the verdicts are shown: judged, all events out */
	int sel, top;    /* selected event, first shown */
	int mode;        /* selected sslmode */
	unsigned lane;   /* the ladder's probe lane (LANE_*) */
	int ltop;        /* the ladder's first row shown */
	enum view view;
	char status[512];
	bool cmdline;    /* the ':' line is open */
	bool quit;
	bool utf8, color;
	/* script mode (tests) */
	int *script;
	size_t nscript, pos;
	bool scripted;
	char *dumpdir;
	char *matches; /* completions shown above the command line */
	char **dumps; /* names of <Dump NAME> directives */
	int ndumps;
	char *histfile;
	SCREEN *screen; /* the in-memory screen of script mode */
};

/* tui.c: the open host (t->host while the run has it, else 0), its
 * inspection and how many of its events are on screen; tui_open_host
 * opens host i (0 first, a probed one) in the panes */
int tui_host(const struct tui *t);
const struct inspection *tui_ins(const struct tui *t);
size_t tui_shown(const struct tui *t);
void tui_open_host(struct tui *t, int i);

/* draw.c: text in a box of the screen, and how outcomes look */
void tui_put(int y, int x, int w, const char *s, attr_t a);
void tui_fill(int y, int x, int w, attr_t a);
int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t a);
const char *tui_sym(const struct tui *t, enum outcome o);
attr_t tui_outcome_attr(const struct tui *t, enum outcome o);
attr_t tui_severity_attr(const struct tui *t, enum severity s);
const char *tui_arrow(const struct tui *t, enum ev_dir d);
unsigned tui_lane_of(const struct event *e);
char *tui_endpoint(const char *host, const char *hostaddr, int port);

/* the views, each drawing its part of the screen from (y0, x), h rows of w
 * columns: view_timeline.c, view_chain.c, view_findings.c, view_help.c */
void view_timeline(struct tui *t, int y0, int h, int w);
void view_detail(struct tui *t, int y0, int x, int h, int w);
void view_chain(struct tui *t, int y0, int x, int h, int w);
void view_findings(struct tui *t, int y0, int x, int h, int w);
void view_help(struct tui *t, int y0, int h);
/* view_ladder.c: the open host's negotiation as a client-server ladder,
 * one lane at a time; ladder_next_lane is the t key, ladder_move j/k
 * there (within the lane) */
void view_ladder(struct tui *t, int y0, int x, int h, int w);
void ladder_next_lane(struct tui *t);
bool ladder_move(struct tui *t, int dir);
/* view_timeline.c: the selected mode's marks, shared by the timeline and
 * the ladder: its verdict (NULL when its path ended at another host) and
 * the event of the n shown where it fails; an event's mark (' ', '*', 'x') */
const struct verdict *tui_mode_marks(const struct tui *t, int n, int *fail_at);
char tui_mode_mark(const struct verdict *v, const struct event *e, int i, int fail_at);
/* view_hosts.c: a host list's rows (none for one host) */
int view_hosts_rows(const struct tui *t, int expl);
void view_hosts(struct tui *t, int y0, int rows);
/* view_main.c: the whole screen, laid out for its size */
void tui_redraw(struct tui *t);

/* commands.c: every key is a named command (tig's design); the ':' line
 * runs the same commands */
struct tui_command {
	const char *name;
	int key1, key2;
	const char *keys; /* as shown in the help */
	const char *help;
	void (*run)(struct tui *t, const char *arg);
};
extern const struct tui_command tui_commands[];
extern const size_t tui_ncommands;
void tui_handle_key(struct tui *t, int k);
void tui_dispatch(struct tui *t, const char *line);
/* err (freed) sanitized on the status line */
void tui_status_error(struct tui *t, char *err);

/* tui.c: a new inspection, followed from its start */
void tui_start_probe(struct tui *t);
void tui_follow_new_run(struct tui *t);

/* cmdline.c: the ':' line, GNU readline's callback interface */
void cmdline_setup(struct tui *t);
void cmdline_open(struct tui *t, const char *arg);
void cmdline_key(struct tui *t, int key);
void cmdline_draw(struct tui *t);
void cmdline_resize(int lines, int cols);
void cmdline_release(struct tui *t);
void cmdline_finish(struct tui *t);

/* script.c: key scripts and screen dumps, for the tests */
int tui_script_load(struct tui *t, const char *path);
int tui_script_next(struct tui *t);
bool tui_script_key(struct tui *t, int k);
void tui_dump_screen(struct tui *t, const char *name);
void tui_script_free(struct tui *t);

#endif
