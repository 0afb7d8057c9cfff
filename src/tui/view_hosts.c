/* SPDX-License-Identifier: MIT */
/* view_hosts: a host list's rows under the header, one a host: its number,
 * host (and hostaddr) and port, what its probes found at a glance
 * (unreachable, the SSLRequest reply, the TLS version, whether the chain
 * and the host name pass), "not probed" past the hosts probed, and a mark
 * on the host open in the panes. A target of one host has no rows. It
 * draws the facts as they are; it judges nothing. */
#include "config.h"
#include "tui/tui_int.h"
#include "util/sanitize.h"
#include "util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>

int view_hosts_rows(const struct tui *t, int expl)
{
	int n = t->s->nlisted;
	if (n <= 1)
		return 0;
	/* at most a third of what the header, the verdicts and the status
	 * line leave; a longer list shows a window and a row that says so */
	int cap = (LINES - 3 - expl) / 3;
	if (cap < 2)
		cap = 2;
	return n < cap ? n : cap;
}

/* Host i as "host:port via hostaddr": a probed host's own target, else
 * its slot of the list. A fresh string. */
static char *host_name(const struct session *s, int i)
{
	const struct conn_target *g = &s->ins.target;
	if (i <= s->nextra) {
		g = &session_host(s, i)->target;
		return tui_endpoint(g->host, g->hostaddr, g->port);
	}
	bool slot = i < g->nhosts;
	return tui_endpoint(slot && g->hosts ? g->hosts[i] : NULL,
			    slot && g->hostaddrs ? g->hostaddrs[i] : NULL,
			    slot && g->ports ? g->ports[i] : 0);
}

/* Why no connection was made, as the OS said it (sanitized). */
static void add_unreachable(const struct server_facts *sf, struct strbuf *sb)
{
	const char *e = sf->tls_connect.error	 ? sf->tls_connect.error :
			sf->plain_connect.error	 ? sf->plain_connect.error :
						   sf->direct_connect.error;
	char *es = sanitize(e ? e : "");
	sb_addf(sb, "unreachable%s%s", *es ? ": " : "", es);
	free(es);
}

/* The SSLRequest's reply (or the direct handshake); returns the TLS facts
 * that go with it. */
static const struct tls_facts *add_reply(const struct inspection *h, struct strbuf *sb)
{
	enum ssl_reply r = h->server.sslrequest_reply;
	if (r == REPLY_NONE) {
		if (h->direct_tls.attempted)
			sb_adds(sb, "direct TLS");
		return &h->direct_tls;
	}
	if (r == REPLY_OTHER)
		sb_addf(sb, "reply 0x%02x", h->server.reply_byte);
	else if (r == REPLY_CLOSED || r == REPLY_TIMEOUT)
		sb_addf(sb, "no reply (%s)", ssl_reply_name(r));
	else
		sb_addf(sb, "reply %s", ssl_reply_name(r));
	return &h->tls;
}

/* What host i's probes found, at a glance, once they are over and their
 * events on screen (step mode shows them one a step); *bad when a step
 * failed. */
static void host_state(const struct tui *t, int i, struct strbuf *sb, bool *bad)
{
	const struct inspection *h = session_host(t->s, i);
	*bad = false;
	if (session_host_running(t->s, i) || t->shown[i] < h->log.n) {
		sb_addf(sb, "probing... %zu event%s", t->shown[i], t->shown[i] == 1 ? "" : "s");
		return;
	}
	if (h->refused) {
		sb_adds(sb, "refused before connecting");
		*bad = true;
		return;
	}
	if (h->reachable == 0) {
		add_unreachable(&h->server, sb);
		*bad = true;
		return;
	}
	const struct tls_facts *tls = add_reply(h, sb);
	if (tls->attempted && tls->ok && tls->version) {
		char *v = sanitize(tls->version);
		sb_addf(sb, "  %s", v);
		free(v);
	} else if (tls->attempted) {
		sb_adds(sb, "  handshake failed");
		*bad = true;
	}
	if (h->trust.chain_ok >= 0)
		sb_adds(sb, h->trust.chain_ok ? "  chain ok" : "  chain NOT ok");
	else if (h->nchain)
		sb_adds(sb, "  chain unchecked");
	if (h->trust.name_ok >= 0)
		sb_adds(sb, h->trust.name_ok ? "  name ok" : "  name mismatch");
	*bad = *bad || h->trust.chain_ok == 0 || h->trust.name_ok == 0;
	if (!sb->len)
		sb_adds(sb, "nothing known");
}

/* The row of host i at y: the mark of the open host, its number, its
 * name in nw columns, its state. */
static void draw_host(struct tui *t, int i, int y, int nw)
{
	const struct session *s = t->s;
	bool open = i == tui_host(t), bad = false;
	char *name = host_name(s, i);
	char head[16];
	snprintf(head, sizeof(head), "%c%d", open ? '>' : ' ', i + 1);
	attr_t a = open ? A_BOLD : A_NORMAL;
	tui_put(y, 0, 4, head, a);
	tui_put(y, 4, nw, name, a);
	struct strbuf sb = STRBUF_INIT;
	if (i > s->nextra)
		sb_adds(&sb, "not probed");
	else
		host_state(t, i, &sb, &bad);
	tui_put(y, 4 + nw + 1, COLS - 5 - nw, sb_str(&sb),
		a | (bad ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL));
	sb_free(&sb);
	free(name);
}

/* The rows from y0: every host when they fit, else a window around the
 * open host and a last row saying which are shown. */
void view_hosts(struct tui *t, int y0, int rows)
{
	int n = t->s->nlisted, shown = n <= rows ? n : rows - 1;
	if (rows <= 0)
		return;
	/* the open host in the middle of the window, as far as the list goes */
	int first = tui_host(t) - (shown - 1) / 2;
	if (first > n - shown)
		first = n - shown;
	if (first < 0)
		first = 0;
	/* the names' column: the widest shown, within half the screen */
	int nw = 0;
	for (int i = first; i < first + shown; i++) {
		char *name = host_name(t->s, i);
		int w = (int)mbstowcs(NULL, name, 0);
		nw = w > nw ? w : nw;
		free(name);
	}
	if (nw > COLS / 2 - 5)
		nw = COLS / 2 - 5;
	for (int r = 0; r < shown; r++)
		draw_host(t, first + r, y0 + r, nw);
	if (shown < n) {
		char buf[128];
		snprintf(buf, sizeof(buf), "  hosts %d-%d of %d shown (%d probed); ] [ or :host N",
			 first + 1, first + shown, n, 1 + t->s->nextra);
		tui_put(y0 + shown, 0, COLS, buf, A_DIM);
	}
}
