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
#include "model/marks.h"
#include "model/sslmode.h"
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

enum view { VIEW_STEPS, VIEW_CHAIN, VIEW_HELP, VIEW_FINDINGS, VIEW_LADDER };
/* the panes Tab moves the focus between: the timeline, the pane beside it
 * (the detail, or the chain or findings view), the explanation; the key
 * table scrolls as the pane beside the timeline */
enum pane { PANE_TIMELINE, PANE_RIGHT, PANE_EXPLAIN, PANE_COUNT };

/* A pane's text, wrapped to its width: one entry a row. */
struct tui_row {
	char *s;
	attr_t a;
	int x; /* indent */
};
struct tui_rows {
	struct tui_row *v;
	int n, cap;
};

struct tui {
	struct session *s; /* the target, its inspection and verdicts */
	bool stepping;   /* step mode: hold after each event */
	bool holding;    /* held right now, until n or Space */
	/* each host's events on screen (step mode reveals one a step) */
	size_t shown[SESSION_MAX_HOSTS];
	int host;        /* the host of the list open in the panes (0 first) */
	/* the detail pane's decoded fields of the event shown (view_timeline.c) */
	const struct event *fields_ev;
	const uint8_t *fields_raw;
	size_t fields_len;
	double fields_t;
	char **fields;
	/* as of the last pass of the loop: */
	bool running;    /* probes in progress */
	bool have_modes; /* the verdicts are shown: judged, all events out */
	int sel, top;    /* selected event, first shown */
	int mode;        /* selected sslmode */
	unsigned lane;   /* the ladder's probe lane (LANE_*) */
	int ltop;        /* the ladder's first row shown */
	enum view view;
	enum pane focus; /* the pane keys scroll and '/' searches */
	int scroll[PANE_COUNT]; /* the first row shown of a text pane */
	int detail_of;   /* the event the detail pane's scroll belongs to */
	bool picked;     /* the opening selection was made for this run */
	char search[128]; /* the last '/' text; n N find it again */
	bool searching;  /* the ':' line is open for a '/' search */
	/* where the last redraw put things, for mouse clicks */
	struct {
		int tl_y, tl_h, tl_w; /* timeline rows (event rows from tl_y + 1) */
		int rp_y, rp_x, rp_h; /* the pane beside it */
		int ex_y, ex_h;       /* the explanation */
		int mx_y;             /* the verdict row(s) */
		int mx_x[SSLMODE_COUNT + 1][2]; /* each mode's row and first column */
	} geo;
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
	bool no_history; /* the history file is not a regular file: unused */
	SCREEN *screen; /* the in-memory screen of script mode */
	/* the demo (view_demo.c): NULL unless a live demo, whose ] [ switch
	 * scenarios; its menu on screen; opened from the menu, q goes back */
	struct demo_menu *demo;
	bool in_menu, menu_home;
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
void tui_put_cut(const struct tui *t, int y, int x, int w, const char *s, attr_t a);
void tui_fill(int y, int x, int w, attr_t a);
int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t a);
/* rows of a text pane: text wrapped to w columns less the indent x (each
 * '\n' a new row), shown from t->scroll[p] with a mark when more is above
 * or below; search matches in bold */
void rows_add(struct tui_rows *r, int w, int x, attr_t a, const char *s);
/* the same, the rows after the first indented hang columns more */
void rows_add_hang(struct tui_rows *r, int w, int x, int hang, attr_t a, const char *s);
void rows_free(struct tui_rows *r);
void tui_rows_draw(struct tui *t, enum pane p, struct tui_rows *r, int y0, int x, int h,
		   int w);
/* the row of r after (dir 1) or before (-1) row from holding the search
 * text, or -1 */
int rows_find(const struct tui_rows *r, const char *text, int from, int dir);
bool tui_match(const char *hay, const char *needle);
const char *tui_sym(const struct tui *t, enum outcome o);
attr_t tui_outcome_attr(const struct tui *t, enum outcome o);
attr_t tui_severity_attr(const struct tui *t, enum severity s);
const char *tui_arrow(const struct tui *t, enum ev_dir d);
/* model/marks.h's event_lane */
#define tui_lane_of event_lane
char *tui_endpoint(const char *host, const char *hostaddr, int port);

/* view_timeline.c: the events the selected mode's libpq reaches (marks[i]
 * MARK_REACHED) and the one where it fails (MARK_FAILS), for the first n
 * events of the open host (model/marks.h, for the selected verdict when
 * its path ended at the open host); returns the failing event, or -1 */
/* a mark as the timeline and the ladder draw it: ' ', '*', 'x' */
char tui_mark_char(unsigned char m);
int tui_mode_marks(const struct tui *t, int mode, unsigned char *marks, int n);
/* the event the opening screen selects: where the mode fails, else the
 * first of its path with bytes on the wire */
int tui_meaningful_event(const struct tui *t, int mode);
/* the next event (dir 1) or previous (-1) from the selection holding the
 * search text, or -1 */
int tui_timeline_find(const struct tui *t, const char *text, int dir);

/* the views, each drawing its part of the screen from (y0, x), h rows of w
 * columns: view_timeline.c, view_chain.c, view_findings.c, view_help.c */
void view_timeline(struct tui *t, int y0, int h, int w);
/* the text of the pane beside the timeline (detail, chain, findings, key
 * table) and of the explanation, w columns wide, for drawing and search */
void view_detail_rows(struct tui *t, struct tui_rows *r, int w);
void view_chain_rows(struct tui *t, struct tui_rows *r, int w);
void view_findings_rows(struct tui *t, struct tui_rows *r, int w);
void view_help_rows(struct tui *t, struct tui_rows *r, int w);
void view_explain_rows(struct tui *t, struct tui_rows *r, int w);
/* view_ladder.c: the open host's negotiation as a client-server ladder,
 * one lane at a time; ladder_next_lane is the t key, ladder_move j/k
 * there (within the lane) */
void view_ladder(struct tui *t, int y0, int x, int h, int w);
void ladder_next_lane(struct tui *t);
bool ladder_move(struct tui *t, int dir);
/* view_hosts.c: a host list's rows (none for one host) */
int view_hosts_rows(const struct tui *t, int expl);
void view_hosts(struct tui *t, int y0, int rows);
/* view_demo.c: the demo's menu of scenarios: load it (-1 with *err),
 * draw it, its keys; open the menu again (stopping the scenario shown),
 * open the scenario d scenarios on in the menu's order; the title of the
 * scenario shown (NULL: none known) */
int demo_menu_new(struct tui *t, char **err);
void demo_menu_free(struct tui *t);
void view_demo(struct tui *t);
void demo_menu_key(struct tui *t, int k);
void demo_menu_return(struct tui *t);
void demo_menu_step(struct tui *t, int d);
const char *demo_menu_title(const struct tui *t);
/* view_main.c: the whole screen, laid out for its size */
void tui_redraw(struct tui *t);
/* a click at (y, x): a timeline row or a verdict mode */
void tui_click(struct tui *t, int y, int x);
/* the rows of pane p as drawn now, for the search */
void tui_pane_rows(struct tui *t, enum pane p, struct tui_rows *r);
/* the selected mode changed: select where it fails */
void tui_select_mode(struct tui *t, int mode);
/* commands.c: search the focused pane for text, from where it is */
void tui_search(struct tui *t, const char *text);

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
void tui_mouse(struct tui *t, const MEVENT *ev); /* KEY_MOUSE's event */
void tui_dispatch(struct tui *t, const char *line);
/* err (freed) sanitized on the status line */
void tui_status_error(struct tui *t, char *err);

/* tui.c: a new inspection, followed from its start */
void tui_start_probe(struct tui *t);
void tui_follow_new_run(struct tui *t);

/* cmdline.c: the ':' line, GNU readline's callback interface */
void cmdline_setup(struct tui *t);
void cmdline_open(struct tui *t, const char *arg);
void cmdline_search(struct tui *t, const char *arg); /* the '/' line */
void cmdline_save_history(struct tui *t);
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
