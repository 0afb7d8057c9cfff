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

#define MIN_COLS 60
#define MIN_LINES 16

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

static void draw_header(struct tui *t)
{
	const struct conn_target *g = &t->s->ins.target;
	char *host = sanitize(g->host ? g->host : g->hostaddr ? g->hostaddr : "?");
	char *root = sanitize(g->sslrootcert ? g->sslrootcert : "none");
	char buf[1024];
	snprintf(buf, sizeof(buf), " pgtls-inspect  %s:%d%s%s  libpq %d  root: %s %s%s",
		 host, g->port, g->hostaddr ? " via " : "", g->hostaddr ? g->hostaddr : "",
		 t->s->libpq_version, rootcert_source_name(g->rootcert_source), root,
		 g->rootcert_exists ? "" : " (absent)");
	tui_fill(0, 0, COLS, A_REVERSE);
	tui_put(0, 0, COLS, buf, A_REVERSE);
	free(host);
	free(root);
}

static void draw_timeline(struct tui *t, int y0, int h, int w)
{
	const struct event_log *log = &t->s->ins.log;
	const struct verdict *v = t->have_modes ? &t->s->modes[t->mode] : NULL;
	int n = (int)t->shown;
	if (t->sel >= n)
		t->sel = n - 1;
	if (t->sel < 0)
		t->sel = 0;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	/* the last event of the lane where the selected mode fails */
	int fail_at = -1;
	if (v && v->outcome == OUTCOME_FAILS && v->fail_lane > 0)
		for (int i = 0; i < n; i++)
			if (tui_lane_of(&log->ev[i]) == (unsigned)v->fail_lane)
				fail_at = i;
	tui_put(y0, 0, w, t->running ? " Timeline (live)" : " Timeline", A_BOLD);
	for (int r = 0; r < h - 1 && t->top + r < n; r++) {
		const struct event *e = &log->ev[t->top + r];
		int i = t->top + r;
		char mark = ' ';
		if (v && (v->lanes & tui_lane_of(e)))
			mark = i == fail_at ? 'x' : '*';
		char line[256];
		snprintf(line, sizeof(line), "%c%7.1f %-6s %s %s", mark, e->t_ms, e->probe,
			 tui_arrow(t, e->dir), e->kind);
		attr_t a = i == t->sel ? A_REVERSE : A_NORMAL;
		if (i == t->sel)
			tui_fill(y0 + 1 + r, 0, w, a);
		if (mark == 'x')
			a |= tui_outcome_attr(t, OUTCOME_FAILS);
		tui_put(y0 + 1 + r, 0, w, line, a);
	}
}

/* Decoded fields of the selected event, then its bytes. */
static void draw_detail(struct tui *t, int y0, int x, int h, int w)
{
	const struct event_log *log = &t->s->ins.log;
	int y = y0, end = y0 + h;
	if (t->shown == 0) {
		tui_put(y, x, w, t->running ? " waiting for the first event..." : " no events", A_NORMAL);
		return;
	}
	const struct event *e = &log->ev[t->sel];
	char buf[512];
	snprintf(buf, sizeof(buf), " %s %s (%s, %.3f ms)", e->kind,
		 e->dir == EV_SEND ? "sent" : e->dir == EV_RECV ? "received" : "", e->probe, e->t_ms);
	tui_put(y++, x, w, buf, A_BOLD);
	y += tui_wrap(y, x + 1, w - 1, 3, e->summary, A_NORMAL);
	/* decoded fields: the message's own lines always, its fields while a
	 * row of bytes still fits below them */
	char **lines;
	int head = event_fields(e, &lines);
	for (int i = 0; lines[i] && (i < head || y < end - 2); i++)
		tui_put(y++, x + 1, w - 1, lines[i], A_NORMAL);
	strlist_free(lines);
	if (!e->raw || y >= end - 1)
		return;
	y++;
	int per = w >= 78 ? 16 : 8;
	for (size_t off = 0; off < e->rawlen && y < end; off += (size_t)per) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%04zx ", off);
		for (int i = 0; i < per; i++) {
			if (off + (size_t)i < e->rawlen)
				sb_addf(&sb, "%02x ", e->raw[off + (size_t)i]);
			else
				sb_adds(&sb, "   ");
		}
		sb_addc(&sb, ' ');
		for (int i = 0; i < per && off + (size_t)i < e->rawlen; i++) {
			uint8_t c = e->raw[off + (size_t)i];
			sb_addc(&sb, c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		if (y == end - 1 && off + (size_t)per < e->rawlen) {
			sb_reset(&sb);
			sb_addf(&sb, "... %zu more bytes", e->rawlen - off);
		}
		tui_put(y++, x + 1, w - 1, sb_str(&sb), A_NORMAL);
		sb_free(&sb);
	}
}

/* The findings, each with its fix, and the managed service recognised. */
static void draw_findings(struct tui *t, int y0, int x, int h, int w)
{
	int y = y0, end = y0 + h;
	char buf[512];
	const struct diagnosis *d = &t->s->dg;
	if (!t->have_modes) {
		tui_put(y, x, w, " Findings: after the probes", A_BOLD);
		return;
	}
	snprintf(buf, sizeof(buf), " Findings (%d)%s%s", d->nfindings,
		 d->provider.id ? "   service: " : "", d->provider.id ? d->provider.name : "");
	tui_put(y++, x, w, buf, A_BOLD);
	for (int i = 0; i < d->nfindings && y < end; i++) {
		const struct finding *f = &d->findings[i];
		char *title = sanitize(f->title), *fix = sanitize(f->fix);
		snprintf(buf, sizeof(buf), "%s %s", f->severity == SEV_ERROR ? "E" :
						    f->severity == SEV_WARNING ? "W" : "i", title);
		tui_put(y++, x + 1, w - 1, buf, A_BOLD | tui_severity_attr(t, f->severity));
		snprintf(buf, sizeof(buf), "fix: %s", fix);
		y += tui_wrap(y, x + 3, w - 3, end - y < 2 ? end - y : 2, buf, A_NORMAL);
		free(title);
		free(fix);
	}
	/* the other client stacks, one line each: verify-ca then verify-full */
	if (y < end - 1 && d->nclients) {
		tui_put(y++, x, w, " Other clients: verify-ca / verify-full", A_BOLD);
		/* rows come in order, each stack's verify-ca before its
		 * verify-full: pair a verify-full row with the last verify-ca */
		const char *ca = "-";
		for (int i = 0; i < d->nclients && y < end; i++) {
			const struct client_verdict *c = &d->clients[i];
			if (c->meaning && !strcmp(c->meaning, "verify-ca")) {
				ca = client_outcome_name(c->outcome);
				continue;
			}
			const char *name = !strcmp(c->client, "rustls") ?
						   (strstr(c->mode, "sqlx") ? "sqlx (rustls)" :
									      "tokio-pg-rustls") :
						   c->client;
			snprintf(buf, sizeof(buf), "%-16s %-8s / %s", name, ca,
				 client_outcome_name(c->outcome));
			ca = "-";
			tui_put(y++, x + 1, w - 1, buf,
			    c->outcome == CLIENT_REJECTS ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL);
		}
	}
}

static void draw_chain(struct tui *t, int y0, int x, int h, int w)
{
	const struct inspection *ins = &t->s->ins;
	const struct trust_facts *tr = &ins->trust;
	int y = y0, end = y0 + h;
	char buf[1024];
	tui_put(y++, x, w, " Certificate chain, as the server sent it", A_BOLD);
	if (ins->nchain == 0)
		tui_put(y++, x + 1, w - 1, "no certificate was received", A_NORMAL);
	for (size_t i = 0; i < ins->nchain && y < end - 4; i++) {
		const struct cert_facts *c = &ins->chain[i];
		char *subj = sanitize(c->subject), *iss = sanitize(c->issuer);
		snprintf(buf, sizeof(buf), "%*s%s[%zu] %s%s", (int)(2 * i), "",
			 i ? (t->utf8 ? "\u2514\u2500" : "`-") : "", i, subj,
			 c->ca == 1 ? " (CA)" : "");
		tui_put(y++, x + 1, w - 1, buf, i == 0 ? A_BOLD : A_NORMAL);
		snprintf(buf, sizeof(buf), "%*s    issuer %s", (int)(2 * i), "", iss);
		tui_put(y++, x + 1, w - 1, buf, A_NORMAL);
		free(subj);
		free(iss);
		if (i == 0 && y < end - 3) {
			struct strbuf sb = STRBUF_INIT;
			sb_adds(&sb, "    names: ");
			for (char **p = c->san_dns; p && *p; p++)
				sb_addf(&sb, "DNS:%s ", *p);
			for (char **p = c->san_ip; p && *p; p++)
				sb_addf(&sb, "IP:%s ", *p);
			if (c->ncn)
				sb_addf(&sb, "CN:%s", c->cn[0]);
			char *names = sanitize(sb_str(&sb));
			tui_put(y++, x + 1, w - 1, names, A_NORMAL);
			free(names);
			sb_free(&sb);
		}
		char nb[32], na[32];
		report_iso_time(c->not_before, nb, sizeof(nb));
		report_iso_time(c->not_after, na, sizeof(na));
		snprintf(buf, sizeof(buf), "%*s    valid %.10s to %.10s, %s", (int)(2 * i), "", nb, na,
			 c->key ? c->key : "");
		if (y < end - 3)
			tui_put(y++, x + 1, w - 1, buf, A_NORMAL);
	}
	if (y < end - 2) {
		char *root = sanitize(tr->rootcert ? tr->rootcert : "none");
		snprintf(buf, sizeof(buf), "Trust: %s",
			 tr->chain_ok < 0 ? "not checked (no root file, or no chain)" :
			 tr->chain_ok	  ? "the chain verifies against the root file" :
					    "the chain does NOT verify against the root file");
		tui_put(y++, x + 1, w - 1, buf, A_BOLD | (tr->chain_ok == 0 ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL));
		snprintf(buf, sizeof(buf), "  root file (%s%s): %s", rootcert_source_name(tr->source),
			 tr->rootcert_exists ? "" : ", absent", root);
		free(root);
		tui_put(y++, x + 1, w - 1, buf, A_NORMAL);
		if (tr->chain_error && y < end - 1) {
			char *ce = sanitize(tr->chain_error);
			y += tui_wrap(y, x + 3, w - 3, 2, ce, A_NORMAL);
			free(ce);
		}
	}
	if (y < end) {
		const char *host = ins->target.host;
		char *hs = sanitize(host ? host : "(none)");
		char *ne = sanitize(tr->name_error ? tr->name_error : "");
		snprintf(buf, sizeof(buf), "verify-full compares host \"%s\" with the %s: %s%s%s", hs,
			 host && x509_host_is_ip(host) ? "IP SANs and, as text, the DNS SANs (CN if no IP SAN)" :
							 "DNS SANs (CN if none)",
			 tr->name_ok < 0 ? "not checked" : tr->name_ok ? "match" : "no match",
			 tr->name_ok == 0 ? " - " : "", ne);
		tui_wrap(y, x + 1, w - 1, end - y, buf, A_NORMAL);
		free(hs);
		free(ne);
	}
}

/* ---- the command table: every key is a named command ---- */

struct command {
	const char *name;
	int key1, key2;
	const char *keys; /* as shown in the help */
	const char *help;
	void (*run)(struct tui *t, const char *arg);
};

static void cmd_dispatch(struct tui *t, const char *input);
static void run_command(struct tui *t, const char *line, char *cmd, char *a1, char *rest,
			size_t restlen);
static void redraw(struct tui *t);
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

static const struct command commands[] = {
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
#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static void draw_help(struct tui *t, int y0, int h)
{
	int y = y0;
	tui_put(y++, 0, COLS, " Keys (each is a named command; the : line takes the names too)", A_BOLD);
	for (size_t i = 0; i < NCOMMANDS && y < y0 + h; i++) {
		char buf[256];
		snprintf(buf, sizeof(buf), "  %-8s %-14s %s", commands[i].keys, commands[i].name,
			 commands[i].help);
		tui_put(y++, 0, COLS, buf, A_NORMAL);
	}
	static const char *const lines[] = {
		"  :connect TARGET      :set KEY VALUE (host hostaddr port user dbname sslmode",
		"  sslrootcert sslcert sslkey libpq-version)   :save report|json|events FILE",
		"  :export-chain FILE   :rerun   :step   :help   :quit",
	};
	for (size_t i = 0; i < 3 && y < y0 + h; i++)
		tui_put(y++, 0, COLS, lines[i], A_NORMAL);
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

static void draw_explain(struct tui *t, int y0, int h)
{
	int y = y0;
	if (!t->have_modes) {
		tui_put(y, 1, COLS - 1, t->running ? "probing..." : "", A_NORMAL);
		return;
	}
	const struct verdict *v = &t->s->modes[t->mode];
	const char *mine = t->s->ins.target.sslmode;
	char buf[256];
	snprintf(buf, sizeof(buf), "sslmode=%s: %s%s", sslmode_name((enum sslmode)t->mode),
		 v->outcome == OUTCOME_ENCRYPTED ? "connects, encrypted" :
		 v->outcome == OUTCOME_PLAINTEXT ? "connects, NOT encrypted" :
		 v->outcome == OUTCOME_FAILS	 ? "fails" : "unknown",
		 mine && !strcmp(mine, sslmode_name((enum sslmode)t->mode)) ? "  (this target's sslmode)" : "");
	tui_put(y++, 0, COLS, buf, A_BOLD | tui_outcome_attr(t, v->outcome));
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

static void draw_cmdline(void);

static void redraw(struct tui *t)
{
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		char buf[128];
		snprintf(buf, sizeof(buf), "Too small: %dx%d, need %dx%d.", COLS, LINES,
			 MIN_COLS, MIN_LINES);
		tui_put(LINES / 2, 0, COLS, buf, A_BOLD);
		tui_put(LINES / 2 + 1, 0, COLS, "Enlarge the terminal, or press q.", A_NORMAL);
		refresh();
		return;
	}
	int expl = LINES >= 30 ? (LINES - 3) / 3 : 6;
	int body = LINES - 3 - expl; /* header, matrix, status */
	draw_header(t);
	if (t->view == VIEW_HELP) {
		draw_help(t, 1, LINES - 2);
		draw_status(t);
		if (t->cmdline)
			draw_cmdline();
		else
			refresh();
		return;
	} else {
		int left = COLS * 2 / 5 < 32 ? 32 : COLS * 2 / 5;
		draw_timeline(t, 1, body, left - 1);
		for (int y = 1; y < 1 + body; y++)
			tui_put(y, left - 1, 1, t->utf8 ? "\u2502" : "|", A_DIM);
		if (t->view == VIEW_CHAIN)
			draw_chain(t, 1, left, body, COLS - left);
		else if (t->view == VIEW_FINDINGS)
			draw_findings(t, 1, left, body, COLS - left);
		else
			draw_detail(t, 1, left, body, COLS - left);
	}
	draw_matrix(t, 1 + body);
	draw_explain(t, 2 + body, expl);
	draw_status(t);
	if (t->cmdline)
		draw_cmdline();
	else
		refresh();
}

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

static void draw_cmdline(void)
{
	int y = LINES - 1;
	if (the_tui && the_tui->matches) {
		tui_fill(y - 1, 0, COLS, A_REVERSE);
		tui_put(y - 1, 0, COLS, the_tui->matches, A_REVERSE);
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
	draw_cmdline();
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
	redraw(t);
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
		while (i < NCOMMANDS + 5) {
			const char *name = i < NCOMMANDS ? commands[i].name : extra_commands[i - NCOMMANDS];
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
	draw_cmdline();
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
		redraw(t);
		dump_screen(t, *a1 ? a1 : "screen");
		return;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(cmd, commands[i].name)) {
			commands[i].run(t, *a1 ? a1 : NULL);
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
			draw_cmdline();
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
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (k && (k == commands[i].key1 || k == commands[i].key2)) {
			commands[i].run(t, NULL);
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
		redraw(t);
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
