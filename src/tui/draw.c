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

/* Word-wrap text into rows starting at y; returns the rows used (y < 0:
 * counts them, draws nothing). */
int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t a)
{
	int rows = 0;
	const char *p = s;
	while (*p && rows < maxrows) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		/* break at the last space within w bytes (ASCII-width
		 * approximation for wrapping; tui_put() clips by columns) */
		size_t take = len;
		if ((int)take > w) {
			take = (size_t)w;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = (size_t)w;
		}
		char *line = xstrndup(p, take);
		for (char *q = line; *q; q++)
			if (*q == '\t')
				*q = ' ';
		if (y >= 0)
			tui_put(y + rows, x, w, line, a);
		free(line);
		rows++;
		p += take;
		if (nl && p == nl)
			p++;
		while (*p == ' ' && take < len)
			p++;
	}
	return rows;
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

/* The lane (model/sslmode.h) of the probe an event belongs to. */
unsigned tui_lane_of(const struct event *e)
{
	if (!strcmp(e->probe, "tls"))
		return LANE_TLS;
	if (!strcmp(e->probe, "plain"))
		return LANE_PLAIN;
	if (!strcmp(e->probe, "direct"))
		return LANE_DIRECT;
	return 0;
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
