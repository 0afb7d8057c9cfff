/* SPDX-License-Identifier: MIT */
/* diagnosis: provider, findings and client matrix, in that order (the
 * findings use the provider). */
#include "config.h"
#include "model/diagnosis.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* libpq's verify-full passes but another stack's strict mode would not:
 * the app works with psql and breaks with the JDBC, Go or Rust client. */
static void other_stacks(struct diagnosis *d)
{
	bool libpq_ok = false;
	struct strbuf who = STRBUF_INIT;
	for (int i = 0; i < d->nclients; i++) {
		const struct client_verdict *c = &d->clients[i];
		if (!c->meaning || strcmp(c->meaning, "verify-full"))
			continue;
		if (!strcmp(c->client, "libpq"))
			libpq_ok = c->outcome == CLIENT_ACCEPTS;
		else if (c->outcome == CLIENT_REJECTS && !strstr(sb_str(&who), c->client))
			sb_addf(&who, "%s%s", who.len ? ", " : "", c->client);
	}
	if (libpq_ok && who.len) {
		d->findings = xrealloc(d->findings, (size_t)(d->nfindings + 1) * sizeof(*d->findings));
		d->findings[d->nfindings++] = (struct finding){
			"other-stacks-reject", SEV_WARNING,
			xstrdup("libpq accepts what other clients refuse"),
			xasprintf("verify-full passes with libpq but fails with %s (see the client "
				  "matrix for each rule: typically a name only in the CN, or an IP "
				  "written as a DNS name).", sb_str(&who)),
			xstrdup("Reissue the server certificate with the host name (and any IP address "
				"clients use) in subjectAltName, as dNSName and iPAddress entries."),
			NULL, NULL
		};
	}
	sb_free(&who);
}

void diagnosis_run(const struct inspection *ins, const struct verdict *modes,
		   const struct verdict_opts *o, struct diagnosis *d)
{
	memset(d, 0, sizeof(*d));
	if (provider_recognise(ins, &d->provider, &d->warning) < 0)
		memset(&d->provider, 0, sizeof(d->provider));
	explain_findings(ins, modes, o, &d->provider, &d->findings, &d->nfindings);
	clients_evaluate(ins, o ? o->host : ins->target.host, &d->clients, &d->nclients);
	other_stacks(d);
	findings_sort(d->findings, d->nfindings);
	summary_build(ins, modes, d->findings, d->nfindings, &d->provider, &d->summary);
}

void diagnosis_free(struct diagnosis *d)
{
	provider_match_free(&d->provider);
	findings_free(d->findings, d->nfindings);
	clients_free(d->clients, d->nclients);
	free(d->warning);
	summary_free(&d->summary);
	memset(d, 0, sizeof(*d));
}
