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
static void clients_rows(struct tui *t, const struct diagnosis *d, struct tui_rows *r, int w)
{
	char buf[512];
	rows_add(r, w, 0, A_BOLD, " Other clients: verify-ca / verify-full");
	/* rows come in order, each stack's verify-ca before its
	 * verify-full: pair a verify-full row with the last verify-ca */
	const char *ca = "-";
	for (int i = 0; i < d->nclients; i++) {
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
		rows_add(r, w, 1,
			 c->outcome == CLIENT_REJECTS ? tui_outcome_attr(t, OUTCOME_FAILS) : A_NORMAL,
			 buf);
	}
}

/* Each finding's title, what it means and its fix, in full. */
void view_findings_rows(struct tui *t, struct tui_rows *r, int w)
{
	char buf[512], alone[64] = "";
	const struct diagnosis *d = t->have_modes ? session_host_diagnosis(t->s, tui_host(t)) : NULL;
	if (!d) {
		rows_add(r, w, 0, A_BOLD, " Findings: after the probes");
		return;
	}
	if (tui_host(t) > 0)
		snprintf(alone, sizeof(alone), " of host %d alone", tui_host(t) + 1);
	snprintf(buf, sizeof(buf), " Findings%s (%d)%s%s", alone, d->nfindings,
		 d->provider.id ? "   service: " : "", d->provider.id ? d->provider.name : "");
	rows_add(r, w, 0, A_BOLD, buf);
	for (int i = 0; i < d->nfindings; i++) {
		const struct finding *f = &d->findings[i];
		char *title = sanitize(f->title), *what = sanitize_dn(f->detail),
		     *fix = sanitize_dn(f->fix);
		snprintf(buf, sizeof(buf), "%s %s", f->severity == SEV_ERROR ? "E" :
						    f->severity == SEV_WARNING ? "W" : "i", title);
		rows_add(r, w, 1, A_BOLD | tui_severity_attr(t, f->severity), buf);
		/* the what and the fix in full, wrapped */
		char *line = xasprintf("what: %s", what);
		rows_add_hang(r, w, 3, 6, A_NORMAL, line);
		free(line);
		line = xasprintf("fix: %s", fix);
		rows_add_hang(r, w, 3, 5, A_NORMAL, line);
		free(line);
		free(title);
		free(what);
		free(fix);
	}
	if (d->nclients)
		clients_rows(t, d, r, w);
}
