/* SPDX-License-Identifier: MIT */
/* draw: the interface's drawing primitives: UTF-8 text clipped to a width
 * of columns, a filled row, word-wrapped text, and how outcomes, severities,
 * directions (a symbol as well as a colour) and endpoints look. It draws on stdscr
 * where it is told and knows nothing of the layout or of any view. */
#include "config.h"
#include "tui/tui_int.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* Draw UTF-8 text at (y, x) in at most w columns. */
void tui_put(int y, int x, int w, const char *s, attr_t a)
{
	if (w <= 0 || !s)
		return;
	wchar_t wbuf[1024];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	const char *p = s;
	size_t n = mbsrtowcs(wbuf, &p, sizeof(wbuf) / sizeof(*wbuf) - 1, &st);
	if (n == (size_t)-1) {
		/* not valid in this locale: show bytes as '?' */
		n = 0;
		for (const char *q = s; *q && n < 1023; q++)
			wbuf[n++] = (unsigned char)*q < 0x80 ? (wchar_t)*q : L'?';
	}
	wbuf[n] = 0;
	int cols = 0;
	size_t i = 0;
	for (; i < n; i++) {
		int cw = wcwidth(wbuf[i]);
		if (cw < 0)
			cw = 1;
		if (cols + cw > w)
			break;
		cols += cw;
	}
	attron(a);
	mvaddnwstr(y, x, wbuf, (int)i);
	attroff(a);
}

/* Fill the rest of a row so a highlight spans it. */
void tui_fill(int y, int x, int w, attr_t a)
{
	attron(a);
	for (int i = 0; i < w; i++)
		mvaddch(y, x + i, ' ');
	attroff(a);
}

/* Text cut to w columns, with an ellipsis where it was cut. */
void tui_put_cut(const struct tui *t, int y, int x, int w, const char *s, attr_t a)
{
	wchar_t wbuf[1024];
	size_t n = mbstowcs(wbuf, s, sizeof(wbuf) / sizeof(*wbuf) - 1);
	int cols = n == (size_t)-1 ? (int)strlen(s) : wcswidth(wbuf, n);
	if (cols < 0 || cols <= w) {
		tui_put(y, x, w, s, a);
		return;
	}
	tui_put(y, x, w - 1, s, a);
	tui_put(y, x + w - 1, 1, t->utf8 ? "\u2026" : ">", a);
}

/* How many bytes of p (len bytes to its line's end) fit in w columns,
 * broken at the last space that fits (a character a column: UTF-8
 * continuation bytes take none). */
static size_t wrap_take(const char *p, size_t len, int w)
{
	size_t take = 0;
	int cols = 0;
	while (take < len && (cols < w || ((unsigned char)p[take] & 0xc0) == 0x80))
		cols += ((unsigned char)p[take++] & 0xc0) != 0x80;
	if (take == len)
		return take;
	size_t sp = take;
	while (sp > 0 && p[sp] != ' ')
		sp--;
	return sp > 0 ? sp : take;
}

/* Call row(y, line) for each wrapped row of s, at most maxrows, the
 * first w columns wide, the others w2; returns the rows. */
static int wrap_each(const char *s, int w, int w2, int maxrows,
		     void (*row)(void *, int, const char *), void *ctx)
{
	int rows = 0;
	const char *p = s;
	while (p && *p && rows < maxrows) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int cols = rows ? w2 : w;
		size_t take = wrap_take(p, len, cols < 1 ? 1 : cols);
		char *line = xstrndup(p, take);
		for (char *q = line; *q; q++)
			if (*q == '\t')
				*q = ' ';
		row(ctx, rows++, line);
		free(line);
		p += take;
		while (*p == ' ' && p < (nl ? nl : p + strlen(p)))
			p++;
		if (nl && p == nl)
			p++;
	}
	return rows;
}

struct wrap_put {
	int y, x, w;
	attr_t a;
};

static void put_row(void *ctx, int i, const char *line)
{
	struct wrap_put *c = ctx;
	if (c->y >= 0) /* y < 0: the rows are only counted */
		tui_put(c->y + i, c->x, c->w, line, c->a);
}

/* Word-wrap text into rows starting at y; returns the rows used. */
int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t a)
{
	struct wrap_put c = { y, x, w, a };
	return wrap_each(s, w, w, maxrows, put_row, &c);
}

struct wrap_rows {
	struct tui_rows *r;
	int x, hang;
	attr_t a;
};

static void add_row(void *ctx, int i, const char *line)
{
	struct wrap_rows *c = ctx;
	struct tui_rows *r = c->r;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 32;
		r->v = xrealloc(r->v, (size_t)r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = (struct tui_row){ xstrdup(line), c->a, c->x + (i ? c->hang : 0) };
}

void rows_add_hang(struct tui_rows *r, int w, int x, int hang, attr_t a, const char *s)
{
	struct wrap_rows c = { r, x, hang, a };
	if (!s || !*s)
		s = " ";
	wrap_each(s, w - x, w - x - hang, 1 << 20, add_row, &c);
}

void rows_add(struct tui_rows *r, int w, int x, attr_t a, const char *s)
{
	rows_add_hang(r, w, x, 0, a, s);
}

void rows_free(struct tui_rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->v[i].s);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Case-blind: does hay hold needle? */
bool tui_match(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n || !hay)
		return false;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

int rows_find(const struct tui_rows *r, const char *text, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < r->n; i += dir)
		if (tui_match(r->v[i].s, text))
			return i;
	return -1;
}

/* Rows from the pane's scroll, kept within the text; a mark in the last
 * column when more is above (^) or below (v), the focused pane's title
 * row (the first) marked by the caller. */
void tui_rows_draw(struct tui *t, enum pane p, struct tui_rows *r, int y0, int x, int h, int w)
{
	int *top = &t->scroll[p];
	if (*top > r->n - h)
		*top = r->n - h;
	if (*top < 0)
		*top = 0;
	for (int i = 0; i < h && *top + i < r->n; i++) {
		const struct tui_row *row = &r->v[*top + i];
		attr_t a = row->a;
		if (t->search[0] && t->focus == p && tui_match(row->s, t->search))
			a |= A_UNDERLINE;
		tui_put(y0 + i, x + row->x, w - row->x, row->s, a);
	}
	if (*top > 0)
		tui_put(y0, x + w - 1, 1, t->utf8 ? "\u25b2" : "^", A_BOLD);
	if (*top + h < r->n)
		tui_put(y0 + h - 1, x + w - 1, 1, t->utf8 ? "\u25bc" : "v", A_BOLD);
}

const char *tui_sym(const struct tui *t, enum outcome o)
{
	if (t->utf8)
		return o == OUTCOME_ENCRYPTED ? "\u2714 tls" :
		       o == OUTCOME_PLAINTEXT ? "\u26a0 clear" :
		       o == OUTCOME_FAILS     ? "\u2718 fail" :
						"? unknown";
	return o == OUTCOME_ENCRYPTED ? "+ tls" :
	       o == OUTCOME_PLAINTEXT ? "! clear" :
	       o == OUTCOME_FAILS     ? "x fail" :
					"? unknown";
}

attr_t tui_outcome_attr(const struct tui *t, enum outcome o)
{
	if (!t->color)
		return o == OUTCOME_FAILS ? A_BOLD : A_NORMAL;
	return COLOR_PAIR(o == OUTCOME_ENCRYPTED ? 1 : o == OUTCOME_PLAINTEXT ? 2 :
				 o == OUTCOME_FAILS	 ? 3 : 4) |
	       A_BOLD;
}

attr_t tui_severity_attr(const struct tui *t, enum severity s)
{
	return s == SEV_ERROR ? tui_outcome_attr(t, OUTCOME_FAILS) :
	       s == SEV_WARNING ? tui_outcome_attr(t, OUTCOME_PLAINTEXT) : A_NORMAL;
}

const char *tui_arrow(const struct tui *t, enum ev_dir d)
{
	if (t->utf8)
		return d == EV_SEND ? "\u2192" : d == EV_RECV ? "\u2190" : "\u00b7";
	return d == EV_SEND ? ">" : d == EV_RECV ? "<" : ".";
}

/* "host:port via hostaddr" (the host or hostaddr alone when only one is
 * given), sanitized: a fresh string. */
char *tui_endpoint(const char *host, const char *hostaddr, int port)
{
	bool h = host && *host, a = hostaddr && *hostaddr;
	char *hs = sanitize(h ? host : a ? hostaddr : "?"), *as = sanitize(h && a ? hostaddr : "");
	char *out = xasprintf("%s:%d%s%s", hs, port, *as ? " via " : "", as);
	free(hs);
	free(as);
	return out;
}
