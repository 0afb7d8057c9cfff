/* SPDX-License-Identifier: MIT */
/* report_svg: the negotiation as a picture for slides and tickets, and
 * the one escape of the markup sinks (report_markup, used by report_html
 * too). Our own small writer: SVG is text, and what a ladder needs (text,
 * lines, rectangles, polygons, groups with ids and classes) is a few
 * printf calls; no Debian library writes SVG with a structure of its own
 * (librsvg only renders; cairo writes glyph outlines, not text).
 *
 * Top to bottom: the target and the answer first; the six sslmodes, each
 * with its outcome and where it fails; the setup's notes; the probes
 * stacked, one ladder each (client on the left, server on the right, an
 * arrow a message, time in the left margin, the encrypted part shaded, the
 * events where modes fail in red with the modes named); the chain as sent,
 * subject -> issuer, the refused certificate in red. The probes are
 * stacked rather than put in columns: a decoded label ("ClientHello
 * TLS1.3 SNI db.example.com ALPN postgresql") needs the width of a slide,
 * and a probe's group (id probe-tls, probe-plain, probe-direct) can be
 * cut out as a picture of its own.
 *
 * Coordinates are those of scale 1; --svg-scale multiplies everything
 * (type, spacing, lines) by one transform. Labels are monospace, so a
 * label's width is its length in characters times 0.6 of the font size. */
#include "config.h"
#include "output/report.h"
#include "engine/event_fields.h"
#include "model/marks.h"
#include "model/summary.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* ---- the one escape ---- */

char *report_visible(const char *s, enum markup_text how)
{
	if (!s)
		s = "";
	return how == MARKUP_DN	   ? sanitize_dn(s) :
	       how == MARKUP_CLEAN ? sanitize_keep_clean(s) :
				     sanitize(s);
}

/* Bytes of the character at p: its lead byte and continuation bytes. */
static size_t char_len(const unsigned char *p)
{
	size_t n = 1;
	while (p[n] && (p[n] & 0xc0) == 0x80)
		n++;
	return n;
}

/* Characters (code points) in visible text. */
static int chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p += char_len(p))
		n++;
	return n;
}

void report_markup(struct strbuf *sb, const char *s, enum markup_text how, int max)
{
	char *v = report_visible(s, how);
	int total = chars(v), keep = max > 0 && total > max ? (max > 3 ? max - 3 : max) : total;
	const unsigned char *p = (const unsigned char *)v;
	for (int i = 0; *p && i < keep; i++) {
		size_t n = char_len(p);
		if (*p == '&')
			sb_adds(sb, "&amp;");
		else if (*p == '<')
			sb_adds(sb, "&lt;");
		else if (*p == '>')
			sb_adds(sb, "&gt;");
		else if (*p == '"')
			sb_adds(sb, "&quot;");
		else if (*p == '\'')
			sb_adds(sb, "&#39;");
		else if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
			sb_addf(sb, "\\x%02x\\x%02x\\x%02x", p[0], p[1], p[2]);
		else
			sb_add(sb, p, n);
		p += n;
	}
	if (keep < total)
		sb_adds(sb, "...");
	free(v);
}

/* ---- the writer ---- */

#define X0 20         /* the left margin */
#define TIME_X 92     /* the right edge of the milliseconds */
#define CX 170        /* the client's lifeline */
#define HEAD_W 150    /* a lifeline's head box */
#define ROW_H 28      /* a message */
#define LABEL_PX 78   /* a label character: 0.6 of 13 px, in tenths */
#define LABEL_MIN 44  /* the labels' column, in characters */
#define LABEL_MAX 100
#define RIGHT_W 330   /* after the server's lifeline: where modes fail */
#define MIN_W 1180    /* six verdict boxes of 180 */
#define RUN_MAX 16    /* a longer run of one message is shortened */
#define CHAIN_MAX 8   /* a longer chain is shortened */
#define TITLE_MAX 2000 /* a message's whole label, as its tooltip */
#define NAMES_MAX 6   /* a certificate's names shown, of each kind */

#define MONO "font-family=\"monospace\""
#define GREY "#555"
#define RED "#c62828"
#define GREEN "#2e7d32"

struct svg {
	struct strbuf sb;
	const struct report *r;
	int w;           /* the picture's width */
	int y;           /* the next free row */
	int sx;          /* the server's lifeline */
	int cols;        /* a label's characters */
	int fail_at[SSLMODE_COUNT]; /* the event where each mode fails, -1 */
	char **labels;   /* each event's label (event_label) */
};

static void out_text(struct svg *g, int x, int y, int size, const char *attrs, const char *s,
		     enum markup_text how, int max)
{
	sb_addf(&g->sb, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" %s>", x, y, size, attrs);
	report_markup(&g->sb, s, how, max);
	sb_adds(&g->sb, "</text>\n");
}

static void out_rect(struct svg *g, int x, int y, int w, int h, const char *attrs)
{
	sb_addf(&g->sb, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" %s/>\n", x, y, w, h,
		attrs);
}

static void out_line(struct svg *g, int x1, int y1, int x2, int y2, const char *attrs)
{
	sb_addf(&g->sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" %s/>\n", x1, y1, x2, y2,
		attrs);
}

/* An arrow head at (x, y) pointing right (dir 1) or left (-1). */
static void out_head(struct svg *g, int x, int y, int dir, const char *color)
{
	sb_addf(&g->sb, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n", x, y,
		x - dir * 10, y - 5, x - dir * 10, y + 5, color);
}

/* Prose in lines of at most cols characters (at most maxl lines, the last
 * clipped), from (x, y) down lh apart; returns the lines written. */
static int out_wrapped(struct svg *g, int x, int y, int size, int lh, const char *attrs,
		       const char *s, enum markup_text how, int cols, int maxl)
{
	char *v = report_visible(s, how);
	const char *p = v;
	int lines = 0;
	while (*p && lines < maxl) {
		/* the longest piece of at most cols characters ending at a space */
		const char *q = p, *cut = NULL;
		int n = 0;
		while (*q && n < cols) {
			q += char_len((const unsigned char *)q);
			n++;
			if (*q == ' ')
				cut = q;
		}
		if (!*q || lines == maxl - 1 || !cut)
			cut = q;
		char *piece = xstrndup(p, (size_t)(cut - p));
		/* the last line allowed: the rest, clipped */
		out_text(g, x, y + lines * lh, size, attrs, lines == maxl - 1 ? p : piece,
			 MARKUP_CLEAN, cols);
		free(piece);
		lines++;
		p = cut;
		while (*p == ' ')
			p++;
		if (lines == maxl)
			break;
	}
	free(v);
	return lines;
}

/* How an outcome looks: the text report's words, a symbol, colours. */
static const struct {
	const char *words, *symbol, *fill, *stroke;
} looks[] = {
	[OUTCOME_ENCRYPTED] = { "connects, encrypted", "\u2713", "#dcf1dc", GREEN },
	[OUTCOME_PLAINTEXT] = { "connects, NOT encrypted", "!", "#fff0d2", "#a35f00" },
	[OUTCOME_FAILS] = { "fails", "\u2717", "#fadcdc", RED },
	[OUTCOME_UNKNOWN] = { "unknown", "?", "#ececec", "#777" },
};

const char *report_outcome_words(enum outcome o)
{
	return looks[o].words;
}

static const unsigned lanes[] = { LANE_TLS, LANE_PLAIN, LANE_DIRECT };
static const char *const lane_ids[] = { "tls", "plain", "direct" };
static const char *const lane_titles[] = {
	"TLS probe: the SSLRequest in clear, then TLS",
	"plaintext probe: a StartupMessage in clear, no TLS",
	"direct TLS probe (sslnegotiation=direct): TLS at once, ALPN postgresql",
};

static const char *lane_name(unsigned lane)
{
	return lane == LANE_TLS ? "TLS" : lane == LANE_PLAIN ? "plaintext" : "direct TLS";
}

/* "host:port" of the target, raw (escaped where written). */
static char *endpoint(const struct conn_target *t)
{
	const char *h = t->host && *t->host ? t->host : t->hostaddr ? t->hostaddr : "localhost";
	return xasprintf("%s:%d", h, t->port);
}

/* ---- the head: the target and the answer ---- */

static void head(struct svg *g)
{
	const struct report *r = g->r;
	const struct inspection *ins = r->ins;
	char *ep = endpoint(&ins->target);
	char *title = xasprintf("pgtls-inspect: %s", ep);
	int cols = (g->w - 2 * X0) * 10 / 84; /* 14 px sans-serif, counted as 0.6 em */
	sb_adds(&g->sb, "<g id=\"head\">\n");
	out_text(g, X0, g->y + 22, 22, "font-weight=\"bold\" class=\"title\"", title, MARKUP_RAW,
		 cols * 14 / 22);
	g->y += 34;
	struct strbuf meta = STRBUF_INIT;
	if (ins->scenario)
		sb_addf(&meta, "demo scenario %s \u00b7 ", ins->scenario);
	sb_addf(&meta, "as libpq %d would act", r->libpq_version);
	if (ins->started) {
		char when[32];
		report_iso_time(ins->started, when, sizeof(when));
		sb_addf(&meta, " \u00b7 inspected %s", when);
	}
	if (r->nlisted > 1)
		sb_addf(&meta, " \u00b7 host 1 of a list of %d", r->nlisted);
	out_text(g, X0, g->y + 14, 13, "fill=\"" GREY "\" class=\"meta\"", sb_str(&meta),
		 MARKUP_RAW, cols);
	sb_free(&meta);
	g->y += 26;
	struct summary sm;
	summary_build(ins, r->modes, r->findings, r->nfindings, r->provider, &sm);
	const char *color = looks[sm.mode.outcome].stroke;
	char *attrs = xasprintf("fill=\"%s\" font-weight=\"bold\" class=\"summary\"", color);
	for (char *line = sm.text, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		int n = out_wrapped(g, X0, g->y + 16, 14, 20, attrs, line, MARKUP_DN, cols, 6);
		g->y += n * 20 + 4;
	}
	free(attrs);
	summary_free(&sm);
	sb_adds(&g->sb, "</g>\n");
	g->y += 10;
	free(title);
	free(ep);
}

/* ---- the verdict row ---- */

/* Where mode m ends: the failing step, or how it connects. */
static char *verdict_where(const struct svg *g, int m)
{
	const struct verdict *v = &g->r->modes[m];
	const struct event_log *log = &g->r->ins->log;
	if (v->outcome == OUTCOME_FAILS && g->fail_at[m] >= 0) {
		const struct event *e = &log->ev[g->fail_at[m]];
		return xasprintf("at %s (%s probe)", e->kind, lane_name(event_lane(e)));
	}
	if (v->outcome == OUTCOME_FAILS)
		return xstrdup(g->r->ins->refused ? "before connecting" :
			       v->host > 0	  ? "at another host of the list" :
						    "see its path");
	if (v->outcome == OUTCOME_ENCRYPTED)
		return xstrdup(v->lanes & LANE_TLS ? "over TLS after 'S'" : "over direct TLS");
	if (v->outcome == OUTCOME_PLAINTEXT)
		return xstrdup("in clear text");
	return xstrdup(v->caveat ? v->caveat : "the probes could not tell");
}

static void verdicts(struct svg *g)
{
	const struct report *r = g->r;
	sb_adds(&g->sb, "<g id=\"verdicts\">\n");
	out_text(g, X0, g->y + 16, 15, "font-weight=\"bold\"",
		 "The six sslmodes: what libpq does, and where it fails", MARKUP_CLEAN, 0);
	g->y += 26;
	if (!r->modes) {
		out_text(g, X0, g->y + 14, 13, "", "not judged", MARKUP_CLEAN, 0);
		g->y += 24;
		sb_adds(&g->sb, "</g>\n");
		return;
	}
	const char *mine = r->ins->target.sslmode ? r->ins->target.sslmode : "prefer";
	int bw = (g->w - 2 * X0 - 5 * 10) / 6, bh = 78;
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		const struct verdict *v = &r->modes[m];
		const char *name = sslmode_name((enum sslmode)m);
		bool target = !strcmp(mine, name);
		int x = X0 + m * (bw + 10);
		sb_addf(&g->sb, "<g class=\"verdict %s\" id=\"verdict-%s\">\n", outcome_name(v->outcome),
			name);
		char *box = xasprintf("rx=\"6\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"",
				      looks[v->outcome].fill, looks[v->outcome].stroke,
				      target ? "3" : "1");
		out_rect(g, x, g->y, bw, bh, box);
		free(box);
		out_text(g, x + 10, g->y + 21, 16, "font-weight=\"bold\" class=\"mode\"", name,
			 MARKUP_CLEAN, 0);
		if (target)
			out_text(g, x + bw / 2, g->y + bh + 15, 12,
				 "text-anchor=\"middle\" font-weight=\"bold\" class=\"target\"",
				 "\u25b2 this target's sslmode", MARKUP_CLEAN, 0);
		char *color = xasprintf("fill=\"%s\" font-weight=\"bold\" class=\"outcome\"",
					looks[v->outcome].stroke);
		char *words = xasprintf("%s %s", looks[v->outcome].symbol, looks[v->outcome].words);
		out_text(g, x + 10, g->y + 43, 13, color, words, MARKUP_CLEAN, 0);
		free(words);
		free(color);
		char *where = verdict_where(g, m);
		out_text(g, x + 10, g->y + 64, 11, MONO " class=\"where\"", where, MARKUP_RAW,
			 (bw - 20) * 10 / 66);
		free(where);
		sb_adds(&g->sb, "</g>\n");
	}
	g->y += bh + 34;
	sb_adds(&g->sb, "</g>\n");
}

/* ---- the ladders ---- */

enum row_kind { ROW_EVENT, ROW_ELIDED, ROW_CERTS, ROW_ENCRYPTED };

struct row {
	enum row_kind kind;
	int ev;    /* the event (the first, for ROW_CERTS) */
	int count; /* events the row stands for */
};

static bool is_fail_event(const struct svg *g, int i)
{
	for (int m = 0; m < SSLMODE_COUNT; m++)
		if (g->fail_at[m] == i)
			return true;
	return false;
}

static void row_add(struct row **rows, int *n, enum row_kind k, int ev, int count)
{
	*rows = xrealloc(*rows, (size_t)(*n + 1) * sizeof(**rows));
	(*rows)[(*n)++] = (struct row){ k, ev, count };
}

/* The rows of one lane: a message a row; the certificates' notes as one
 * row (the chain is drawn below); a run of more than RUN_MAX of one
 * message shortened to its first three, its last two and any where a
 * mode fails; a row where the encryption begins. */
static struct row *lane_rows(const struct svg *g, unsigned lane, int *nrows)
{
	const struct event_log *log = &g->r->ins->log;
	int n = (int)log->n, *idx = xcalloc((size_t)n + 1, sizeof(int)), k = 0;
	for (int i = 0; i < n; i++)
		if (event_lane(&log->ev[i]) == lane)
			idx[k++] = i;
	struct row *rows = NULL;
	bool enc = false;
	*nrows = 0;
	for (int a = 0; a < k;) {
		const struct event *e = &log->ev[idx[a]];
		int b = a + 1;
		while (b < k && log->ev[idx[b]].dir == e->dir && !strcmp(log->ev[idx[b]].kind, e->kind))
			b++;
		if (!enc && !strcmp(e->kind, "HandshakeDone")) {
			row_add(&rows, nrows, ROW_ENCRYPTED, idx[a], 0);
			enc = true;
		}
		if (!strcmp(e->kind, "PeerCertificate")) {
			/* the row stands for the run; a mode failing in it marks it */
			int at = idx[a];
			for (int j = a; j < b; j++)
				if (is_fail_event(g, idx[j]))
					at = idx[j];
			row_add(&rows, nrows, ROW_CERTS, at, b - a);
		} else {
			int gap = 0;
			for (int j = a; j < b; j++) {
				bool keep = b - a <= RUN_MAX || j < a + 3 || j >= b - 2 ||
					    is_fail_event(g, idx[j]);
				if (!keep) {
					gap++;
					continue;
				}
				if (gap)
					row_add(&rows, nrows, ROW_ELIDED, idx[j - 1], gap);
				gap = 0;
				row_add(&rows, nrows, ROW_EVENT, idx[j], 1);
			}
		}
		a = b;
	}
	free(idx);
	return rows;
}

static int row_height(const struct row *rw)
{
	return rw->kind == ROW_ENCRYPTED ? 22 : ROW_H;
}

/* The modes that fail at event i, "require, verify-ca" (NULL: none). */
static char *failing_modes(const struct svg *g, int i)
{
	struct strbuf sb = STRBUF_INIT;
	for (int m = 0; m < SSLMODE_COUNT; m++)
		if (g->fail_at[m] == i)
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", sslmode_name((enum sslmode)m));
	return sb.len ? sb_detach(&sb) : NULL;
}

static void event_row(struct svg *g, const struct row *rw, int y)
{
	const struct event *e = &g->r->ins->log.ev[rw->ev];
	char ms[32];
	snprintf(ms, sizeof(ms), "%.1f ms", e->t_ms);
	char *fails = failing_modes(g, rw->ev);
	const char *color = fails ? RED : e->dir == EV_NOTE ? GREY : "#111";
	const char *dir = e->dir == EV_SEND ? "send" : e->dir == EV_RECV ? "recv" : "note";
	sb_addf(&g->sb, "<g class=\"msg %s%s\">\n", dir, fails ? " fails" : "");
	char *label = rw->kind == ROW_CERTS && rw->count > 1 ?
			      xasprintf("PeerCertificate \u00d7%d: the chain as sent (below)", rw->count) :
			      xstrdup(g->labels[rw->ev]);
	/* the whole label as the group's title (a tooltip), the line clipped */
	sb_adds(&g->sb, "<title>");
	report_markup(&g->sb, label, MARKUP_CLEAN, TITLE_MAX);
	sb_adds(&g->sb, "</title>\n");
	out_text(g, TIME_X, y + 19, 11, MONO " text-anchor=\"end\" fill=\"" GREY "\" class=\"ms\"",
		 ms, MARKUP_CLEAN, 0);
	char *attrs = xasprintf(MONO " fill=\"%s\" class=\"label\"%s", color,
				e->dir == EV_NOTE ? " font-style=\"italic\"" : "");
	int ay = y + 21;
	if (e->dir == EV_NOTE) {
		out_text(g, CX + 12, y + 18, 13, attrs, label, MARKUP_CLEAN, g->cols);
	} else {
		char *ln = xasprintf("stroke=\"%s\" stroke-width=\"%s\"", color, fails ? "2.5" : "1.5");
		if (e->dir == EV_SEND) {
			out_line(g, CX, ay, g->sx - 8, ay, ln);
			out_head(g, g->sx, ay, 1, color);
		} else {
			out_line(g, CX + 8, ay, g->sx, ay, ln);
			out_head(g, CX, ay, -1, color);
		}
		free(ln);
		out_text(g, CX + 14, y + 15, 13, attrs, label, MARKUP_CLEAN, g->cols);
	}
	if (fails) {
		char *say = xasprintf("\u2717 %s fail%s here", fails, strchr(fails, ',') ? "" : "s");
		out_text(g, g->sx + 18, y + 19, 12, "fill=\"" RED "\" font-weight=\"bold\" class=\"failmark\"",
			 say, MARKUP_CLEAN, 0);
		free(say);
	}
	free(attrs);
	free(label);
	free(fails);
	sb_adds(&g->sb, "</g>\n");
}

/* The modes whose path uses lane, "prefer, require" */
static char *lane_users(const struct svg *g, unsigned lane)
{
	struct strbuf sb = STRBUF_INIT;
	for (int m = 0; g->r->modes && m < SSLMODE_COUNT; m++)
		if (g->r->modes[m].lanes & lane)
			sb_addf(&sb, "%s%s", sb.len ? ", " : "", sslmode_name((enum sslmode)m));
	return sb_detach(&sb);
}

static void ladder(struct svg *g, int k)
{
	unsigned lane = lanes[k];
	int nrows;
	struct row *rows = lane_rows(g, lane, &nrows);
	if (!nrows) {
		free(rows);
		return;
	}
	sb_addf(&g->sb, "<g class=\"probe\" id=\"probe-%s\">\n", lane_ids[k]);
	out_text(g, X0, g->y + 16, 15, "font-weight=\"bold\" class=\"probe-title\"", lane_titles[k],
		 MARKUP_CLEAN, 0);
	char *users = lane_users(g, lane);
	if (*users) {
		char *s = xasprintf("in the path of: %s", users);
		out_text(g, X0, g->y + 34, 12, "fill=\"" GREY "\"", s, MARKUP_CLEAN, 0);
		free(s);
	}
	free(users);
	g->y += 44;
	/* the heads */
	int top = g->y, hh = 26;
	const char *hb = "rx=\"4\" fill=\"#eef2f8\" stroke=\"#34495e\"";
	out_rect(g, CX - HEAD_W / 2, top, HEAD_W, hh, hb);
	out_rect(g, g->sx - HEAD_W / 2, top, HEAD_W, hh, hb);
	out_text(g, CX, top + 18, 13, "text-anchor=\"middle\" font-weight=\"bold\"", "client (libpq)",
		 MARKUP_CLEAN, 0);
	out_text(g, g->sx, top + 18, 13, "text-anchor=\"middle\" font-weight=\"bold\"", "server",
		 MARKUP_CLEAN, 0);
	int y = top + hh + 6, h = 0, enc_y = -1;
	for (int i = 0; i < nrows; i++) {
		if (rows[i].kind == ROW_ENCRYPTED)
			enc_y = y + h;
		h += row_height(&rows[i]);
	}
	/* the encrypted part, shaded under the arrows and the lifelines */
	if (enc_y >= 0) {
		out_rect(g, CX, enc_y, g->sx - CX, y + h - enc_y + 4,
			 "fill=\"#dff0df\" stroke=\"none\" class=\"encrypted\"");
		out_rect(g, g->sx + 6, enc_y, 6, y + h - enc_y + 4, "fill=\"" GREEN "\"");
	}
	const char *life = "stroke=\"#34495e\" stroke-width=\"2\"";
	out_line(g, CX, top + hh, CX, y + h + 6, life);
	out_line(g, g->sx, top + hh, g->sx, y + h + 6, life);
	for (int i = 0; i < nrows; i++) {
		const struct row *rw = &rows[i];
		if (rw->kind == ROW_ENCRYPTED) {
			const char *v = g->r->ins->tls.version;
			char *s = xasprintf("encrypted from here on (%s)",
					    lane == LANE_DIRECT ? "direct TLS" : v ? v : "TLS");
			out_text(g, (CX + g->sx) / 2, y + 16, 12,
				 "text-anchor=\"middle\" fill=\"" GREEN "\" font-weight=\"bold\"", s,
				 MARKUP_RAW, 0);
			free(s);
		} else if (rw->kind == ROW_ELIDED) {
			const struct event *e = &g->r->ins->log.ev[rw->ev];
			char *s = xasprintf("\u22ee %d more %s (every one in --json and --report)",
					    rw->count, e->kind);
			out_text(g, CX + 14, y + 18, 12, MONO " fill=\"" GREY "\" class=\"elided\"", s,
				 MARKUP_RAW, g->cols);
			free(s);
		} else {
			event_row(g, rw, y);
		}
		y += row_height(rw);
	}
	g->y = y + 24;
	free(rows);
	sb_adds(&g->sb, "</g>\n");
}

/* The setup's notes (name resolution), once above the probes. */
static void setup_notes(struct svg *g)
{
	const struct event_log *log = &g->r->ins->log;
	bool any = false;
	for (size_t i = 0; i < log->n; i++) {
		if (event_lane(&log->ev[i]))
			continue;
		if (!any)
			sb_adds(&g->sb, "<g id=\"setup\">\n");
		any = true;
		char *s = xasprintf("setup: %s", g->labels[i]);
		out_text(g, X0, g->y + 14, 12, MONO " fill=\"" GREY "\" class=\"label\"", s,
			 MARKUP_CLEAN, (g->w - 2 * X0) * 10 / 72);
		free(s);
		g->y += 20;
	}
	if (any) {
		sb_adds(&g->sb, "</g>\n");
		g->y += 10;
	}
}

static void ladders(struct svg *g)
{
	const struct inspection *ins = g->r->ins;
	sb_adds(&g->sb, "<g id=\"ladder\">\n");
	if (ins->refused) {
		char *s = xasprintf("No connection: libpq refuses the connection string first: %s",
				    ins->refused);
		int n = out_wrapped(g, X0, g->y + 16, 14, 20, "fill=\"" RED "\"", s, MARKUP_RAW,
				    (g->w - 2 * X0) * 10 / 84, 6);
		g->y += n * 20 + 10;
		free(s);
	} else if (!ins->log.n) {
		out_text(g, X0, g->y + 16, 14, "", "no events", MARKUP_CLEAN, 0);
		g->y += 26;
	}
	setup_notes(g);
	for (int k = 0; k < 3; k++)
		ladder(g, k);
	sb_adds(&g->sb, "</g>\n");
}

/* ---- the chain ---- */

/* The names verify-full compares: "names: CN a \u00b7 SAN b, c (+N more)",
 * each shown escaped (an embedded NUL as \x00): clean text. */
static char *cert_names(const struct cert_facts *c)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "names:");
	const struct {
		const char *what;
		char **names;
		const size_t *lens;
		int n;
	} lists[] = { { "CN", c->cn, c->cn_len, c->ncn },
		      { "SAN", c->san_dns, c->san_dns_len, c->nsan_dns },
		      { "IP", c->san_ip, NULL, c->nsan_ip } };
	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		if (!lists[l].n)
			continue;
		sb_addf(&sb, "%s %s ", l && sb.len > 6 ? " \u00b7" : "", lists[l].what);
		for (int i = 0; i < lists[l].n && i < NAMES_MAX; i++) {
			char *v = cert_name_show(lists[l].names, lists[l].lens, i);
			sb_addf(&sb, "%s%s", i ? ", " : "", v);
			free(v);
		}
		if (lists[l].n > NAMES_MAX)
			sb_addf(&sb, " (+%d more)", lists[l].n - NAMES_MAX);
	}
	if (sb.len == 6)
		sb_adds(&sb, " none");
	return sb_detach(&sb);
}

static void cert_box(struct svg *g, size_t i, const struct cert_facts *c, bool refused)
{
	const struct trust_facts *tr = &g->r->ins->trust;
	int x = X0 + 40, w = g->w - x - X0, cols = (w - 20) * 10 / 66;
	int h = refused ? 96 : 78;
	sb_addf(&g->sb, "<g class=\"cert%s\" id=\"cert-%zu\">\n", refused ? " refused" : "", i);
	char *box = xasprintf("rx=\"5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"",
			      refused ? "#fadcdc" : "#f7f7f7", refused ? RED : "#777",
			      refused ? "3" : "1");
	out_rect(g, x, g->y, w, h, box);
	free(box);
	char *subj = xasprintf("[%zu] %s", i, c->subject ? c->subject : "(no subject)");
	out_text(g, x + 10, g->y + 19, 13, MONO " font-weight=\"bold\" class=\"subject\"", subj,
		 MARKUP_DN, (w - 20) * 10 / 78);
	free(subj);
	char *iss = xasprintf("issued by %s", c->issuer ? c->issuer : "?");
	out_text(g, x + 10, g->y + 37, 11, MONO " class=\"issuer\"", iss, MARKUP_DN, cols);
	free(iss);
	char nb[32] = "?", na[32] = "?";
	if (c->not_before != (time_t)-1)
		report_iso_time(c->not_before, nb, sizeof(nb));
	if (c->not_after != (time_t)-1)
		report_iso_time(c->not_after, na, sizeof(na));
	char *facts = xasprintf("valid %s to %s \u00b7 %s \u00b7 CA %s%s%s", nb, na,
				c->key ? c->key : "key ?", c->ca < 0 ? "unknown" : c->ca ? "yes" : "no",
				c->self_signed ? " \u00b7 self-signed" : "",
				c->parse_error ? " \u00b7 GnuTLS cannot parse it" : "");
	out_text(g, x + 10, g->y + 53, 11, MONO " fill=\"" GREY "\"", facts, MARKUP_RAW, cols);
	free(facts);
	char *names = cert_names(c);
	out_text(g, x + 10, g->y + 69, 11, MONO " class=\"names\"", names, MARKUP_CLEAN, cols);
	free(names);
	if (refused) {
		char *why = xasprintf("\u2717 OpenSSL refused it: %s",
				      tr->chain_error ? tr->chain_error : "the chain does not verify");
		out_text(g, x + 10, g->y + 87, 12, "fill=\"" RED "\" font-weight=\"bold\" class=\"why\"",
			 why, MARKUP_RAW, (w - 20) * 10 / 72);
		free(why);
	}
	sb_adds(&g->sb, "</g>\n");
	g->y += h;
}

/* Between certificate i and the next shown: "issued by" when the next
 * one issued it, else a dashed line. */
static void cert_link(struct svg *g, const struct cert_facts *c, const struct cert_facts *next,
		      int skipped)
{
	int x = X0 + 60, y = g->y;
	bool issues = !skipped && c->issuer && next->subject && !strcmp(c->issuer, next->subject);
	const char *say = skipped    ? "" :
			  issues     ? "issued by the next" :
				       "sent next, but did not issue it";
	out_line(g, x, y, x, y + 24,
		 issues ? "stroke=\"#34495e\" stroke-width=\"2\"" :
			  "stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"4 3\"");
	sb_addf(&g->sb, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n", x, y + 28, x - 5,
		y + 18, x + 5, y + 18, issues ? "#34495e" : "#999");
	out_text(g, x + 12, y + 18, 11, "fill=\"" GREY "\" font-style=\"italic\"", say, MARKUP_CLEAN,
		 0);
	g->y += 28;
}

static void chain(struct svg *g)
{
	const struct inspection *ins = g->r->ins;
	const struct trust_facts *tr = &ins->trust;
	sb_adds(&g->sb, "<g id=\"chain\">\n");
	char *t = xasprintf("Certificate chain: %zu as the server sent it, each one's issuer below it",
			    ins->nchain);
	out_text(g, X0, g->y + 16, 15, "font-weight=\"bold\"", t, MARKUP_CLEAN, 0);
	free(t);
	g->y += 24;
	char *v = xasprintf("chain verifies: %s \u00b7 host name matches: %s",
			    tr->chain_ok < 0 ? "not checked" : tr->chain_ok ? "yes" : "no",
			    tr->name_ok < 0 ? "not checked" : tr->name_ok ? "yes" : "no");
	out_text(g, X0, g->y + 14, 12, "fill=\"" GREY "\" class=\"trust\"", v, MARKUP_CLEAN, 0);
	free(v);
	g->y += 26;
	if (!ins->nchain) {
		out_text(g, X0 + 40, g->y + 14, 13, "", "no certificate was sent", MARKUP_CLEAN, 0);
		g->y += 30;
		sb_adds(&g->sb, "</g>\n");
		return;
	}
	size_t n = ins->nchain, last = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		bool refused = tr->chain_ok == 0 && tr->chain_depth >= 0 &&
			       (size_t)tr->chain_depth == i;
		bool show = n <= CHAIN_MAX || i < 3 || i + 2 >= n || refused;
		if (!show)
			continue;
		if (last != (size_t)-1 && i > last + 1) {
			/* the certificates left out, between two shown */
			cert_link(g, &ins->chain[last], &ins->chain[last + 1], 1);
			char *s = xasprintf("\u22ee %zu more certificates (every one in --report and --json)",
					    i - last - 1);
			out_text(g, X0 + 50, g->y + 16, 12, "fill=\"" GREY "\" class=\"elided\"", s,
				 MARKUP_CLEAN, 0);
			free(s);
			g->y += 24;
			cert_link(g, &ins->chain[i - 1], &ins->chain[i], 1);
		} else if (last != (size_t)-1) {
			cert_link(g, &ins->chain[last], &ins->chain[i], 0);
		}
		cert_box(g, i, &ins->chain[i], refused);
		last = i;
	}
	/* the issuer of the last one, when it is not self-signed: not sent,
	 * so it must come from the root file */
	const struct cert_facts *top = &ins->chain[n - 1];
	if (!top->self_signed) {
		int x = X0 + 40, w = g->w - x - X0;
		out_line(g, X0 + 60, g->y, X0 + 60, g->y + 24,
			 "stroke=\"#999\" stroke-width=\"2\" stroke-dasharray=\"4 3\"");
		g->y += 26;
		sb_adds(&g->sb, "<g class=\"anchor\">\n");
		out_rect(g, x, g->y, w, 44,
			 "rx=\"5\" fill=\"#ffffff\" stroke=\"#777\" stroke-dasharray=\"6 4\"");
		char *s = xasprintf("not sent: %s", top->issuer ? top->issuer : "?");
		out_text(g, x + 10, g->y + 18, 12, MONO, s, MARKUP_DN, (w - 20) * 10 / 72);
		free(s);
		char *root = xasprintf("libpq looks for it in the root file: %s",
				       tr->rootcert ? tr->rootcert : "none");
		out_text(g, x + 10, g->y + 35, 11, MONO " fill=\"" GREY "\"", root, MARKUP_RAW,
			 (w - 20) * 10 / 66);
		free(root);
		sb_adds(&g->sb, "</g>\n");
		g->y += 44;
	}
	g->y += 20;
	sb_adds(&g->sb, "</g>\n");
}

/* ---- the document ---- */

/* The widest label, in characters, and every event's label. */
static void measure(struct svg *g)
{
	const struct event_log *log = &g->r->ins->log;
	int widest = 0;
	g->labels = xcalloc(log->n + 1, sizeof(char *));
	for (size_t i = 0; i < log->n; i++) {
		g->labels[i] = event_label(&log->ev[i]);
		char *v = report_visible(g->labels[i], MARKUP_CLEAN);
		int n = chars(v);
		free(v);
		if (event_lane(&log->ev[i]) && n > widest)
			widest = n;
	}
	g->cols = widest < LABEL_MIN ? LABEL_MIN : widest > LABEL_MAX ? LABEL_MAX : widest;
	g->sx = CX + 14 + g->cols * LABEL_PX / 10 + 30;
	g->w = g->sx + RIGHT_W;
	if (g->w < MIN_W)
		g->w = MIN_W;
	for (int m = 0; m < SSLMODE_COUNT; m++) {
		g->fail_at[m] = -1;
		const struct verdict *v = g->r->modes ? &g->r->modes[m] : NULL;
		if (!v || v->host != 0 || !log->n)
			continue;
		unsigned char *marks = xmalloc(log->n);
		g->fail_at[m] = mode_marks(log, (int)log->n, v, marks);
		free(marks);
	}
}

int report_svg_write(FILE *out, const struct report *r, const struct svg_opts *o)
{
	struct svg g = { .sb = STRBUF_INIT, .r = r, .y = 16 };
	int k = o->scale < 1 ? 1 : o->scale > SVG_SCALE_MAX ? SVG_SCALE_MAX : o->scale;
	measure(&g);
	if (o->parts & SVG_HEAD)
		head(&g);
	if (o->parts & SVG_VERDICTS)
		verdicts(&g);
	if (o->parts & SVG_LADDER)
		ladders(&g);
	if (o->parts & SVG_CHAIN)
		chain(&g);
	int h = g.y + 10;
	if (!o->fragment)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" class=\"pgtls-ladder\">\n",
		g.w * k, h * k, g.w * k, h * k);
	struct strbuf t = STRBUF_INIT;
	char *ep = endpoint(&r->ins->target);
	sb_adds(&t, "<title>pgtls-inspect: ");
	report_markup(&t, ep, MARKUP_RAW, 0);
	sb_adds(&t, "</title>\n");
	free(ep);
	fputs(sb_str(&t), out);
	sb_free(&t);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n<g transform=\"scale(%d)\">\n",
		g.w * k, h * k, k);
	fputs(sb_str(&g.sb), out);
	fputs("</g>\n</svg>\n", out);
	sb_free(&g.sb);
	strlist_free(g.labels);
	return ferror(out) ? -1 : 0;
}
