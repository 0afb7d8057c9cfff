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
	/* the root cause and the fix in one line each, for the summary
	 * (model/summary), or NULL: the title and the fix's first sentence */
	char *cause, *remedy;
};

void explain_findings(const struct inspection *ins, const struct verdict *modes,
		      const struct verdict_opts *o, const struct provider_match *prov,
		      struct finding **out, int *n);
void findings_free(struct finding *f, int n);
/* Stable order: errors first, then warnings, then information; within a
 * severity, the root causes first (reaching the server, TLS, the chain,
 * the name, the startups, then what follows from them). */
void findings_sort(struct finding *f, int n);
/* What a finding can explain, for the summary: FIND_* bits (0: nothing
 * that makes a mode fail). */
#define FIND_ANY 1u   /* any mode: the server cannot be reached or talked to */
#define FIND_TLS 2u   /* a mode that uses TLS */
#define FIND_CHAIN 4u /* a mode that verifies the chain */
#define FIND_NAME 8u  /* verify-full's name check */
#define FIND_PLAIN 16u /* a mode that connects in clear */
unsigned finding_explains(const char *id);
const char *severity_name(enum severity s);

#endif
