/* SPDX-License-Identifier: MIT */
/* view_findings: the pane of findings (model/diagnosis) of the open host
 * (another than the first: as if listed alone), each with its fix, the
 * managed service recognised, and how the other client stacks would fare
 * in verify-ca and verify-full. It only draws what the diagnosis holds; it
 * judges nothing. */
#include "config.h"
#include "tui/tui_int.h"
#include "util/sanitize.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The other client stacks, one line each: verify-ca then verify-full. */
static void draw_clients(struct tui *t, const struct diagnosis *d, int y, int x, int w,
			int end)
{
	char buf[512];
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
		if (c->meaning && strcmp(c->meaning, "verify-full"))
			continue; /* a mode that verifies nothing pairs with neither */
		const char *name = c->client;
		if (!strcmp(c->client, "rustls"))
			name = strstr(c->mode, "sqlx") ? "sqlx (rustls)" :
			       strstr(c->mode, "rustls 0.20") ? "tpr/rustls 0.20" :
								 "tokio-pg-rustls";
		snprintf(buf, sizeof(buf), "%-16s %-8s / %s", name, ca,
			 client_outcome_name(c->outcome));
		ca = "-";
		tui_put(y++, x + 1, w - 1, buf,
			c->outcome == CLIENT_REJECTS ? tui_outcome_attr(t, OUTCOME_FAILS) :
						       A_NORMAL);
	}
}

void view_findings(struct tui *t, int y0, int x, int h, int w)
{
	int y = y0, end = y0 + h;
	char buf[512], alone[64] = "";
	const struct diagnosis *d = t->have_modes ? session_host_diagnosis(t->s, tui_host(t)) : NULL;
	if (!d) {
		tui_put(y, x, w, " Findings: after the probes", A_BOLD);
		return;
	}
	if (tui_host(t) > 0)
		snprintf(alone, sizeof(alone), " of host %d alone", tui_host(t) + 1);
	snprintf(buf, sizeof(buf), " Findings%s (%d)%s%s", alone, d->nfindings,
		 d->provider.id ? "   service: " : "", d->provider.id ? d->provider.name : "");
	tui_put(y++, x, w, buf, A_BOLD);
	for (int i = 0; i < d->nfindings && y < end; i++) {
		const struct finding *f = &d->findings[i];
		char *title = sanitize(f->title), *what = sanitize_dn(f->detail),
		     *fix = sanitize_dn(f->fix);
		snprintf(buf, sizeof(buf), "%s %s", f->severity == SEV_ERROR ? "E" :
						    f->severity == SEV_WARNING ? "W" : "i", title);
		y += tui_wrap(y, x + 1, w - 1, end - y, buf, A_BOLD | tui_severity_attr(t, f->severity));
		/* the what and the fix in full, wrapped */
		char *line = xasprintf("what: %s", what);
		y += tui_wrap(y, x + 3, w - 3, end - y, line, A_NORMAL);
		free(line);
		line = xasprintf("fix: %s", fix);
		y += tui_wrap(y, x + 3, w - 3, end - y, line, A_NORMAL);
		free(line);
		free(title);
		free(what);
		free(fix);
	}
	if (y < end - 1 && d->nclients)
		draw_clients(t, d, y, x, w, end);
}
