/* SPDX-License-Identifier: MIT */
/* explain: the findings catalogue. Each finding has a stable id, a
 * severity, a title, a plain explanation with the facts, and the fix (the
 * connection-string or server change that works). Pure: a function of the
 * facts, the verdicts and the recognised provider. */
#ifndef PGI_EXPLAIN_H
#define PGI_EXPLAIN_H
#include "engine/inspection.h"
#include "model/provider.h"
#include "model/sslmode.h"

enum severity { SEV_ERROR, SEV_WARNING, SEV_INFO };

struct finding {
	const char *id;  /* stable, kebab-case (static) */
	enum severity severity;
	char *title, *detail, *fix; /* heap, may hold untrusted text: sinks escape */
};

void explain_findings(const struct inspection *ins, const struct verdict *modes,
		      const struct verdict_opts *o, const struct provider_match *prov,
		      struct finding **out, int *n);
void findings_free(struct finding *f, int n);
const char *severity_name(enum severity s);

#endif
